"""The conversations staff answer: /staff/cases?tab=open|mine|unclaimed|closed and
/staff/cases/{id} (claim, reply, close, reveal the masked numbers for admins), whose new
messages the page asks for every two seconds from /staff/api/cases/{id}/messages?after=ID.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import cast

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.channels.web import api_models as api
from bot.i18n import Catalog
from bot.staff_web.pages import (
    NO_STORE,
    Handler,
    desk_page,
    landing,
    read_form,
    render,
    see_other,
    staff_page,
)
from bot.staff_web.session import Signed, check_csrf
from bot.staff_web.state import backend, config_of, tr_of
from handlers.dates import format_time
from handlers.desk_views import CaseView, MessageView, RevealedIdentifier
from handlers.errors import Refusal
from handlers.staff_auth import StaffMember
from handlers.staff_desk import MAX_REPLY_CHARS, TABS, StaffDesk, Tab

POLL_MS = 2000

CaseAct = Callable[[StaffDesk, int, StaffMember, Mapping[str, str]], Awaitable[None]]


async def home(request: Request, signed: Signed) -> Response:
    return see_other(landing(signed.me))


async def cases(request: Request, signed: Signed) -> Response:
    tab = request.query_params.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    rows = await backend(request).desk.list_cases(cast(Tab, tab), signed.me)
    return render(
        request,
        "staff/cases.html",
        {"tab": tab, "tabs": TABS, "cases": rows, "nav": "cases"},
        signed=signed,
    )


def shown(catalog: Catalog, m: MessageView) -> str:
    """A command as what it did («بدأ المحادثة»), not as the bot's internal word."""
    if m.command is None:
        return m.text
    known = f"staffweb-command-{m.command}"
    if catalog.has(known):
        return catalog.t(known)
    return catalog.t("staffweb-command", command=m.command)


def message_json(catalog: Catalog, m: MessageView) -> dict[str, object]:
    return {
        "id": m.id,
        "direction": m.direction,
        "author": m.author,
        "author_label": catalog.t(f"staffweb-author-{m.author}"),
        "text": shown(catalog, m),
        "command": m.command is not None,
        "attachments": m.attachments,
        "at": m.at.isoformat(),
        "time": format_time(m.at, catalog.t),
        **delivery_json(catalog, m),
    }


def delivery_json(catalog: Catalog, m: MessageView) -> dict[str, object]:
    """A message's ticks (WhatsApp's statuses), as the page draws them; {} for none."""
    if m.delivery is None:
        return {}
    return {
        "delivery": m.delivery,
        "delivery_mark": catalog.t(f"staffweb-delivery-mark-{m.delivery}"),
        "delivery_label": catalog.t(f"staffweb-delivery-{m.delivery}"),
    }


def case_id_of(request: Request) -> int:
    raw = request.path_params.get("case_id", "")
    if not str(raw).isdigit() or len(str(raw)) > 18:
        raise Refusal("staffweb-error-no-case", http_status=404, case=str(raw)[:20])
    return int(raw)


async def case_page(
    request: Request, signed: Signed, revealed: list[RevealedIdentifier] | None = None
) -> Response:
    view: CaseView = await backend(request).desk.case(case_id_of(request))
    context = {
        "view": view,
        "nav": "cases",
        "last_id": view.messages[-1].id if view.messages else 0,
        "poll_ms": POLL_MS,
        "max_reply": MAX_REPLY_CHARS,
        "sent": request.query_params.get("sent") == "1",
        "revealed": revealed,
        "shown": partial(shown, config_of(request).catalog),
    }
    return render(request, "staff/case.html", context, signed=signed)


async def reveal_identifiers(request: Request, signed: Signed) -> Response:
    check_csrf(signed, request, await read_form(request))
    found = await backend(request).desk.reveal_identifiers(case_id_of(request), signed.me)
    return await case_page(request, signed, found)


async def case_messages(request: Request, signed: Signed) -> Response:
    raw_after = request.query_params.get("after", "0")
    after = int(raw_after) if raw_after.isdigit() and len(raw_after) < 19 else 0
    # The whole recent transcript: older replies' ticks move on too (delivered, read).
    view = await backend(request).desk.case(case_id_of(request))
    tr, catalog = tr_of(request), config_of(request).catalog
    assignee = view.case.assignee
    return JSONResponse(
        {
            "status": view.case.status,
            "status_label": tr(f"staffweb-case-status-{view.case.status}"),
            "assignee": assignee,
            "assignee_label": tr("staffweb-assignee", name=assignee)
            if assignee
            else tr("staffweb-unassigned"),
            "messages": [message_json(catalog, m) for m in view.messages if m.id > after],
            "deliveries": [
                {"id": m.id, **delivery_json(catalog, m)} for m in view.messages if m.delivery
            ],
        },
        headers=NO_STORE,
    )


def case_action(act: CaseAct, query: str = "") -> Handler:
    """A posted action on the case, then back to its page."""

    async def run(request: Request, signed: Signed) -> Response:
        form = await read_form(request)
        check_csrf(signed, request, form)
        case_id = case_id_of(request)
        await act(backend(request).desk, case_id, signed.me, form)
        return see_other(f"/staff/cases/{case_id}{query}")

    return run


async def do_claim(desk: StaffDesk, case_id: int, me: StaffMember, _: Mapping[str, str]) -> None:
    await desk.claim(case_id, me)


async def do_reply(desk: StaffDesk, case_id: int, me: StaffMember, f: Mapping[str, str]) -> None:
    await desk.reply(case_id, me, f.get("text", ""))


async def do_close(desk: StaffDesk, case_id: int, me: StaffMember, _: Mapping[str, str]) -> None:
    await desk.close(case_id, me)


router = APIRouter(prefix="/staff")
router.add_api_route("", staff_page(home), methods=["GET"])
router.add_api_route("/", staff_page(home), methods=["GET"])
router.add_api_route("/cases", desk_page(cases), methods=["GET"])
router.add_api_route("/cases/{case_id}", desk_page(case_page), methods=["GET"])
router.add_api_route("/cases/{case_id}/claim", desk_page(case_action(do_claim)), methods=["POST"])
router.add_api_route(
    "/cases/{case_id}/reply", desk_page(case_action(do_reply, "?sent=1")), methods=["POST"]
)
router.add_api_route("/cases/{case_id}/close", desk_page(case_action(do_close)), methods=["POST"])
router.add_api_route("/cases/{case_id}/reveal", desk_page(reveal_identifiers), methods=["POST"])
router.add_api_route(
    "/api/cases/{case_id}/messages",
    desk_page(case_messages),
    methods=["GET"],
    name="case_messages",
    responses={200: {"model": api.CaseMessages}, **api.errors(401, 404)},
    openapi_extra=api.secured(api.STAFF_AUTH, parameters=api.case_parameters()),
)
