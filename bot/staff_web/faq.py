"""The FAQ editor: /staff/faq (every entry, the recent edits), /staff/faq/{intent} (its
answer with a live preview, the guide section it came from, its edits with revert), the
"how would the bot answer this?" box on both (posted to /staff/faq/ask), and their JSON
helpers /staff/api/faq/preview and /staff/api/faq/ask. For FAQ editors and admins (`faq_page`).

Saving and reverting go through handlers/faq_learning.FaqLearning, which stores the edit
and retrains in the background; the pages read the FAQ in service (`live.current()`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.staff_web.faq_views import (
    MAX_ANSWER_CHARS,
    PLACEHOLDERS,
    FaqDesk,
    ask,
    entry_rows,
    guide_sections,
    label_of,
    preview,
)
from bot.staff_web.pages import NO_STORE, faq_page, read_form, render, see_other
from bot.staff_web.session import Signed, check_csrf
from bot.staff_web.state import backend, config_of
from handlers.errors import Refusal
from handlers.faq_learning import EntryView, FaqEdit

RECENT_EDITS = 20
HISTORY_DEPTH = 500
_DONE = ("saved", "reverted")


def faq_desk(request: Request) -> FaqDesk:
    found = backend(request).faq
    if found is None:
        raise Refusal("faqedit-error-unavailable", http_status=503)
    return found


def actor(signed: Signed) -> str:
    return f"staff:{signed.me.username}"


async def asked_of(request: Request, signed: Signed) -> tuple[dict[str, Any] | None, str]:
    """The posted question's answer (None for an empty one), and the page it came from.

    Posted, never in the URL: a question may hold a national ID, and the access log
    writes every URL."""
    form = await read_form(request)
    check_csrf(signed, request, form)
    question = form.get("q", "").strip()
    service = faq_desk(request).live.current()
    asked = ask(config_of(request).catalog, service, question) if question else None
    return (asked.to_json() if asked else None), form.get("back", "")


def done_of(request: Request) -> str | None:
    done = request.query_params.get("done")
    return done if done in _DONE else None


async def entries_page(
    request: Request, signed: Signed, asked: dict[str, Any] | None = None
) -> Response:
    desk = faq_desk(request)
    catalog = config_of(request).catalog
    service = desk.live.current()
    context = {
        "nav": "faq",
        "rows": entry_rows(catalog, service, await desk.learning.entries()),
        "waiting": len(await desk.learning.groups()),
        "edits": await desk.learning.history(RECENT_EDITS),
        "labels": _labels(request, desk),
        "asked": asked,
        "ask_back": "",
        "done": done_of(request),
    }
    return render(request, "staff/faq.html", context, signed=signed)


def intent_of(request: Request) -> str:
    return str(request.path_params.get("intent", ""))


async def entry_of(desk: FaqDesk, intent: str) -> EntryView:
    """As stored (the profile and the edits), even before the retrain puts it in service."""
    found = next((e for e in await desk.learning.entries() if e.intent == intent), None)
    if found is None:
        raise Refusal("faqedit-error-unknown-intent", http_status=404, intent=intent[:40])
    return found


async def _entry_edits(desk: FaqDesk, intent: str) -> list[FaqEdit]:
    return [e for e in await desk.learning.history(HISTORY_DEPTH) if e.intent == intent]


async def entry_page(
    request: Request,
    signed: Signed,
    *,
    intent: str | None = None,
    asked: dict[str, Any] | None = None,
    typed: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """The entry's page; `typed` is the answer sent back after a refused save."""
    desk = faq_desk(request)
    entry = await entry_of(desk, intent or intent_of(request))
    answer = entry.answer if typed is None else typed
    context = {
        **await _entry_context(request, desk, entry, answer),
        "asked": asked,
        "ask_back": entry.intent,
        "done": done_of(request),
        "error": error,
    }
    return render(request, "staff/faq_entry.html", context, status=status, signed=signed)


async def _entry_context(
    request: Request, desk: FaqDesk, entry: EntryView, answer: str
) -> dict[str, Any]:
    catalog = config_of(request).catalog
    service = desk.live.current()
    return {
        "nav": "faq",
        "intent": entry.intent,
        "label": label_of(catalog, service, entry.intent, entry.questions),
        "answer": answer,
        "preview": preview(catalog, service, answer),
        "sections": guide_sections(entry.source, desk.guide),
        "questions": entry.questions,
        "edits": await _entry_edits(desk, entry.intent),
        "labels": _labels(request, desk),
        "placeholders": PLACEHOLDERS,
        "max_answer": MAX_ANSWER_CHARS,
    }


def _labels(request: Request, desk: FaqDesk) -> Callable[[str | None], str]:
    """The history's names for the entries its edits touched ("" for none)."""
    catalog, service = config_of(request).catalog, desk.live.current()
    return lambda intent: label_of(catalog, service, intent) if intent else ""


def _checked_answer(form: dict[str, str]) -> str:
    answer = form.get("answer", "").replace("\r\n", "\n").strip()
    if not answer:
        raise Refusal("faqedit-error-empty-answer", http_status=400)
    if len(answer) > MAX_ANSWER_CHARS:
        raise Refusal("faqedit-error-answer-too-long", http_status=400, max=MAX_ANSWER_CHARS)
    return answer


async def save_answer(request: Request, signed: Signed) -> Response:
    form = await read_form(request)
    check_csrf(signed, request, form)
    intent = intent_of(request)
    await entry_of(faq_desk(request), intent)  # an unknown entry: 404, nothing saved
    try:
        answer = _checked_answer(form)
        await faq_desk(request).learning.edit_answer(intent, answer, actor(signed))
    except Refusal as exc:
        # Back on the page with what was typed, and why nothing was saved.
        message = config_of(request).catalog.t(exc.message_id, exc.arguments)
        typed = form.get("answer", "")
        return await entry_page(request, signed, typed=typed, error=message, status=400)
    return see_other(f"/staff/faq/{intent}?done=saved")


async def revert(request: Request, signed: Signed) -> Response:
    form = await read_form(request)
    check_csrf(signed, request, form)
    raw = str(request.path_params.get("edit_id", ""))
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Refusal("teach-error-unknown-edit", http_status=404, edit=raw[:20])
    edit = await faq_desk(request).learning.revert(int(raw), actor(signed))
    if form.get("back") == "entry" and edit.intent:
        return see_other(f"/staff/faq/{edit.intent}?done=reverted")
    return see_other("/staff/faq?done=reverted")


async def preview_api(request: Request, signed: Signed) -> Response:
    form = await read_form(request)
    check_csrf(signed, request, form)
    service = faq_desk(request).live.current()
    text = preview(config_of(request).catalog, service, form.get("answer", ""))
    return JSONResponse({"preview": text}, headers=NO_STORE)


async def ask_box(request: Request, signed: Signed) -> Response:
    """The ask box without script: the page it was on, with the answer shown."""
    asked, back = await asked_of(request, signed)
    if back:
        return await entry_page(request, signed, intent=back, asked=asked)
    return await entries_page(request, signed, asked=asked)


async def ask_api(request: Request, signed: Signed) -> Response:
    asked, _ = await asked_of(request, signed)
    if asked is None:
        raise Refusal("faqedit-ask-empty", http_status=400)
    return JSONResponse(asked, headers=NO_STORE)


router = APIRouter(prefix="/staff")
router.add_api_route("/faq", faq_page(entries_page), methods=["GET"])
# Before the entries' pages: "ask" is no entry's id (faq_unanswered.RESERVED).
router.add_api_route("/faq/ask", faq_page(ask_box), methods=["POST"])
router.add_api_route("/faq/{intent}", faq_page(entry_page), methods=["GET"])
router.add_api_route("/faq/{intent}", faq_page(save_answer), methods=["POST"])
router.add_api_route("/faq/edits/{edit_id}/revert", faq_page(revert), methods=["POST"])
router.add_api_route("/api/faq/preview", faq_page(preview_api), methods=["POST"])
router.add_api_route("/api/faq/ask", faq_page(ask_api), methods=["POST"])
