"""The staff web inbox under /staff: sign-in, cases, requests (routes over handlers/staff_desk).

Sessions are a signed cookie (`tawasul_staff`, path /staff, HttpOnly, SameSite=Lax, Secure
when `cookie_secure`) holding the staff id, a CSRF token and a stamp of the password hash:
a new password, a deactivated account or twelve hours end it. Every POST carries the
session's CSRF token (form field `csrf` or header `X-CSRF-Token`); without it: 403. The
sign-in form has its own token in a short-lived cookie, and failed sign-ins are throttled
per username and per client address (handlers/staff_auth.LoginThrottle).

Nothing under /staff answers without a session: pages redirect to
/staff/login?next=…, the JSON endpoints under /staff/api answer 401.

Pages: /staff/cases?tab=open|mine|unclaimed|closed, /staff/cases/{id} (claim, reply,
close, reveal the masked numbers for admins; new messages every two seconds from
/staff/api/cases/{id}/messages?after=ID),
/staff/requests?status=&type=&q= (q: a reference, however typed), /staff/requests/{ref}
(status changes with a note, reveal for admins, attachments), /staff/reports (figures,
charts, CSV exports).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.channels.telegram.files import FetchedFile
from bot.channels.web import api_models as api
from bot.channels.web.body_limit import read_at_most
from bot.i18n import Catalog
from bot.render.charts import charts_for
from bot.render.report_text import format_duration
from handlers.bidi import ltr
from handlers.clock import SystemClock
from handlers.dates import RIYADH, format_date, format_time
from handlers.desk_views import AttachmentView, CaseView, MessageView, Revealed, RevealedIdentifier
from handlers.errors import Refusal
from handlers.exports import csv_filename, requests_csv, survey_answers_csv
from handlers.references import normalize_reference
from handlers.reports import Period, build_report, format_average, parse_day, period_between
from handlers.requests import STATUSES
from handlers.staff_auth import (
    LoginThrottle,
    StaffMember,
    authenticate,
    end_sessions,
    staff_member,
)
from handlers.staff_desk import MAX_NOTE_CHARS, MAX_REPLY_CHARS, TABS, StaffDesk, Tab

SESSION_COOKIE = "tawasul_staff"
LOGIN_COOKIE = "tawasul_staff_login"
SESSION_MAX_AGE = 12 * 3600
LOGIN_MAX_AGE = 3600
MAX_FORM_BYTES = 64 * 1024
POLL_MS = 2000

_SESSION_SALT = "tawasul.staff.session"
_LOGIN_SALT = "tawasul.staff.login"
_NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie"}
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# Shown in the browser; anything else is offered as a download.
_INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})


class FileSource(Protocol):
    async def fetch(self, channel: str, file_id: str) -> FetchedFile | None:
        """The file's bytes, or None when its channel can't give it (or isn't served)."""
        ...


@dataclass
class StaffBackend:
    """What the staff routes need from the running core (built by bot/server.py)."""

    desk: StaffDesk
    files: FileSource | None = None
    throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(SystemClock()))


@dataclass(frozen=True)
class Signed:
    me: StaffMember
    csrf: str


def _safe_next(target: str | None) -> str:
    """Only a path inside /staff: `next` must not send anyone to another site."""
    if not target:
        return "/staff/cases"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/staff") or "\\" in target:
        return "/staff/cases"
    if target.startswith("/staff/login"):
        return "/staff/cases"
    return target


async def _read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise Refusal("staffweb-error-bad-form", http_status=415)
    body = await read_at_most(request, MAX_FORM_BYTES)
    if body is None:
        raise Refusal("staffweb-error-too-large", http_status=413)
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise Refusal("staffweb-error-bad-form", http_status=400) from None
    return {k: v[0].replace("\x00", "") for k, v in parsed.items() if v}


def _waited(since: datetime, now: datetime, tr: Callable[..., str]) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return tr("staffweb-minutes", n=minutes)
    hours = minutes // 60
    if hours < 48:
        return tr("staffweb-hours", n=hours)
    return tr("staffweb-days", n=hours // 24)


def staff_router(
    *,
    backend: Callable[[], StaffBackend | None],
    catalog: Catalog,
    org_name: str,
    secret_key: str,
    cookie_secure: bool,
    templates: Jinja2Templates,
    assets: Mapping[str, str],
) -> APIRouter:
    sessions = URLSafeTimedSerializer(secret_key, salt=_SESSION_SALT)
    login_tokens = URLSafeTimedSerializer(secret_key, salt=_LOGIN_SALT)
    tr = catalog.t
    rtl = catalog.locale == "ar"
    router = APIRouter(prefix="/staff")

    def services() -> StaffBackend:
        found = backend()
        if found is None:
            raise Refusal("staffweb-error-unavailable", http_status=503)
        return found

    def when(moment: datetime | None) -> str:
        if moment is None:
            return ""
        return f"{format_date(moment, tr)} — {format_time(moment, tr)}"

    def actor(who: str) -> str:
        """Staff by username; a beneficiary never by their channel id (it keys their chat)."""
        kind, _, name = who.partition(":")
        if kind == "staff" and name:
            return name
        if kind in ("web", "telegram", "whatsapp", "terminal"):
            return tr("staffweb-author-beneficiary")
        return who

    def render(
        request: Request,
        name: str,
        context: Mapping[str, Any],
        *,
        status: int = 200,
        signed: Signed | None = None,
    ) -> Response:
        found = backend()
        now = found.desk.clock.now() if found is not None else None
        base: dict[str, Any] = {
            "t": tr,
            "lang": catalog.locale,
            "dir": "rtl" if rtl else "ltr",
            "org_name": org_name,
            "assets": assets,
            "me": signed.me if signed else None,
            "csrf": signed.csrf if signed else "",
            "when": when,
            "actor": actor,
            "waited": (lambda since: _waited(since, now, tr)) if now else (lambda since: ""),
            "nav": "",
        }
        return templates.TemplateResponse(
            request,
            name,
            {**base, **context},
            status_code=status,
            headers={**_NO_STORE, **_SECURITY_HEADERS},
        )

    def refusal_page(request: Request, exc: Refusal) -> Response:
        text = tr(exc.message_id, exc.arguments)
        if request.url.path.startswith("/staff/api/"):
            return JSONResponse({"error": text}, status_code=exc.http_status, headers=_NO_STORE)
        signed = getattr(request.state, "staff", None)
        return render(
            request, "staff/error.html", {"message": text}, status=exc.http_status, signed=signed
        )

    async def signed_in(request: Request) -> Signed | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = sessions.loads(raw, max_age=SESSION_MAX_AGE)
        except BadSignature:  # SignatureExpired is one too
            return None
        if not isinstance(data, dict):
            return None
        staff_id, csrf, stamp = data.get("s"), data.get("c"), data.get("p")
        if not isinstance(staff_id, int) or not isinstance(csrf, str):
            return None
        if isinstance(staff_id, bool) or not 0 < staff_id < 2**63:
            # Only a key holder could sign it, but no database could look it up (500).
            return None
        me = await staff_member(services().desk.db, staff_id)
        if me is None or not isinstance(stamp, str) or not hmac.compare_digest(stamp, me.stamp):
            return None
        signed = Signed(me, csrf)
        request.state.staff = signed
        return signed

    def to_login(request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            # A form posted after the session ended: back to the page it came from.
            target = request.url.path.rsplit("/", 1)[0]
        return RedirectResponse(
            f"/staff/login?next={quote(target, safe='')}", status_code=303, headers=_NO_STORE
        )

    def check_csrf(signed: Signed, request: Request, form: Mapping[str, str]) -> None:
        sent = form.get("csrf") or request.headers.get("x-csrf-token") or ""
        if not hmac.compare_digest(sent.encode(), signed.csrf.encode()):
            raise Refusal("staffweb-error-csrf", http_status=403)

    Handler = Callable[[Request, Signed], Awaitable[Response]]

    def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """A page for signed-in staff: the sign-in page otherwise; refusals as pages."""

        async def run(request: Request) -> Response:
            try:
                signed = await signed_in(request)
                if signed is None:
                    if request.url.path.startswith("/staff/api/"):
                        raise Refusal("staffweb-error-signed-out", http_status=401)
                    return to_login(request)
                return await handler(request, signed)
            except Refusal as exc:
                return refusal_page(request, exc)

        return run

    # -- sign-in ---------------------------------------------------------------------------

    def login_page(
        request: Request,
        next_url: str,
        *,
        error: str | None = None,
        status: int = 200,
        username: str = "",
    ) -> Response:
        token = secrets.token_urlsafe(24)
        response = render(
            request,
            "staff/login.html",
            {"next": next_url, "login_csrf": token, "error": error, "username": username},
            status=status,
        )
        response.set_cookie(
            LOGIN_COOKIE,
            login_tokens.dumps(token),
            max_age=LOGIN_MAX_AGE,
            path="/staff/login",
            httponly=True,
            samesite="lax",
            secure=cookie_secure,
        )
        return response

    @router.get("/login")
    async def login_form(request: Request) -> Response:
        try:
            next_url = _safe_next(request.query_params.get("next"))
            if await signed_in(request) is not None:
                return RedirectResponse(next_url, status_code=303, headers=_NO_STORE)
            return login_page(request, next_url)
        except Refusal as exc:
            return refusal_page(request, exc)

    @router.post("/login")
    async def login(request: Request) -> Response:
        try:
            form = await _read_form(request)
            raw = request.cookies.get(LOGIN_COOKIE, "")
            try:
                expected = str(login_tokens.loads(raw, max_age=LOGIN_MAX_AGE)) if raw else ""
            except BadSignature:
                expected = ""
            sent = form.get("csrf", "")
            if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
                raise Refusal("staffweb-error-csrf", http_status=403)
            next_url = _safe_next(form.get("next"))
            username = form.get("username", "").strip()
            password = form.get("password", "")
            back = services()
            # The peer, or the client a trusted proxy names (uvicorn reads X-Forwarded-For
            # only from TAWASUL_TRUSTED_PROXIES).
            client = request.client.host if request.client else "unknown"
            attempt = back.throttle.begin(username, client)
            if isinstance(attempt, int):
                minutes = max(1, -(-attempt // 60))
                return login_page(
                    request,
                    next_url,
                    error=tr("staffweb-login-throttled", minutes=minutes),
                    status=429,
                    username=username,
                )
            me = await back.throttle.verify(
                attempt, lambda: authenticate(back.desk.db, username, password)
            )
            back.throttle.ended(attempt, success=me is not None)
            if me is None:
                return login_page(
                    request,
                    next_url,
                    error=tr("staffweb-login-failed"),
                    status=401,
                    username=username,
                )
            response = RedirectResponse(next_url, status_code=303, headers=_NO_STORE)
            session = {"s": me.id, "c": secrets.token_urlsafe(24), "p": me.stamp}
            response.set_cookie(
                SESSION_COOKIE,
                sessions.dumps(session),
                max_age=SESSION_MAX_AGE,
                path="/staff",
                httponly=True,
                samesite="lax",
                secure=cookie_secure,
            )
            response.delete_cookie(LOGIN_COOKIE, path="/staff/login")
            return response
        except Refusal as exc:
            return refusal_page(request, exc)

    async def logout(request: Request, signed: Signed) -> Response:
        check_csrf(signed, request, await _read_form(request))
        # Server-side: the cookie (and any copy of it) stops working now.
        await end_sessions(services().desk.db, signed.me.id)
        response = RedirectResponse("/staff/login", status_code=303, headers=_NO_STORE)
        response.delete_cookie(SESSION_COOKIE, path="/staff")
        return response

    router.add_api_route("/logout", page(logout), methods=["POST"])

    # -- cases -----------------------------------------------------------------------------

    async def home(request: Request, signed: Signed) -> Response:
        return RedirectResponse("/staff/cases", status_code=303, headers=_NO_STORE)

    async def cases(request: Request, signed: Signed) -> Response:
        tab = request.query_params.get("tab", "open")
        if tab not in TABS:
            tab = "open"
        rows = await services().desk.list_cases(cast(Tab, tab), signed.me)
        return render(
            request,
            "staff/cases.html",
            {"tab": tab, "tabs": TABS, "cases": rows, "nav": "cases"},
            signed=signed,
        )

    def shown(m: MessageView) -> str:
        """A command as what it did («بدأ المحادثة»), not as the bot's internal word."""
        if m.command is None:
            return m.text
        known = f"staffweb-command-{m.command}"
        return tr(known) if catalog.has(known) else tr("staffweb-command", command=m.command)

    def message_json(m: MessageView) -> dict[str, object]:
        return {
            "id": m.id,
            "direction": m.direction,
            "author": m.author,
            "author_label": tr(f"staffweb-author-{m.author}"),
            "text": shown(m),
            "command": m.command is not None,
            "attachments": m.attachments,
            "at": m.at.isoformat(),
            "time": format_time(m.at, tr),
        }

    def case_id_of(request: Request) -> int:
        raw = request.path_params.get("case_id", "")
        if not str(raw).isdigit() or len(str(raw)) > 18:
            raise Refusal("staffweb-error-no-case", http_status=404, case=str(raw)[:20])
        return int(raw)

    async def case_page(
        request: Request, signed: Signed, revealed: list[RevealedIdentifier] | None = None
    ) -> Response:
        view: CaseView = await services().desk.case(case_id_of(request))
        return render(
            request,
            "staff/case.html",
            {
                "view": view,
                "nav": "cases",
                "last_id": view.messages[-1].id if view.messages else 0,
                "poll_ms": POLL_MS,
                "max_reply": MAX_REPLY_CHARS,
                "sent": request.query_params.get("sent") == "1",
                "revealed": revealed,
                "shown": shown,
            },
            signed=signed,
        )

    async def reveal_identifiers(request: Request, signed: Signed) -> Response:
        check_csrf(signed, request, await _read_form(request))
        found = await services().desk.reveal_identifiers(case_id_of(request), signed.me)
        return await case_page(request, signed, found)

    async def case_messages(request: Request, signed: Signed) -> Response:
        raw_after = request.query_params.get("after", "0")
        after = int(raw_after) if raw_after.isdigit() and len(raw_after) < 19 else 0
        view = await services().desk.case(case_id_of(request), after=after)
        return JSONResponse(
            {
                "status": view.case.status,
                "status_label": tr(f"staffweb-case-status-{view.case.status}"),
                "assignee": view.case.assignee,
                "assignee_label": tr("staffweb-assignee", name=view.case.assignee)
                if view.case.assignee
                else tr("staffweb-unassigned"),
                "messages": [message_json(m) for m in view.messages],
            },
            headers=_NO_STORE,
        )

    def case_action(
        act: Callable[[StaffDesk, int, StaffMember, Mapping[str, str]], Awaitable[None]],
        query: str = "",
    ) -> Handler:
        async def run(request: Request, signed: Signed) -> Response:
            form = await _read_form(request)
            check_csrf(signed, request, form)
            case_id = case_id_of(request)
            await act(services().desk, case_id, signed.me, form)
            return RedirectResponse(
                f"/staff/cases/{case_id}{query}", status_code=303, headers=_NO_STORE
            )

        return run

    async def do_claim(
        desk: StaffDesk, case_id: int, me: StaffMember, _: Mapping[str, str]
    ) -> None:
        await desk.claim(case_id, me)

    async def do_reply(
        desk: StaffDesk, case_id: int, me: StaffMember, f: Mapping[str, str]
    ) -> None:
        await desk.reply(case_id, me, f.get("text", ""))

    async def do_close(
        desk: StaffDesk, case_id: int, me: StaffMember, _: Mapping[str, str]
    ) -> None:
        await desk.close(case_id, me)

    router.add_api_route("", page(home), methods=["GET"])
    router.add_api_route("/", page(home), methods=["GET"])
    router.add_api_route("/cases", page(cases), methods=["GET"])
    router.add_api_route("/cases/{case_id}", page(case_page), methods=["GET"])
    router.add_api_route("/cases/{case_id}/claim", page(case_action(do_claim)), methods=["POST"])
    router.add_api_route(
        "/cases/{case_id}/reply", page(case_action(do_reply, "?sent=1")), methods=["POST"]
    )
    router.add_api_route("/cases/{case_id}/close", page(case_action(do_close)), methods=["POST"])
    router.add_api_route("/cases/{case_id}/reveal", page(reveal_identifiers), methods=["POST"])
    router.add_api_route(
        "/api/cases/{case_id}/messages",
        page(case_messages),
        methods=["GET"],
        name="case_messages",
        responses={200: {"model": api.CaseMessages}, **api.errors(401, 404)},
        openapi_extra=api.secured(api.STAFF_AUTH, parameters=api.case_parameters()),
    )

    # -- requests --------------------------------------------------------------------------

    async def requests_page(request: Request, signed: Signed) -> Response:
        desk = services().desk
        status = request.query_params.get("status") or None
        if status not in STATUSES:
            status = None
        types = await desk.request_types()
        type_ = request.query_params.get("type") or None
        if type_ not in types:
            type_ = None
        # NUL: PostgreSQL refuses it in any text (500); no reference has one.
        typed = request.query_params.get("q", "").replace("\x00", "").strip()[:40]
        reference = normalize_reference(typed) if typed else None
        rows = await desk.list_requests(status=status, type_=type_, reference=reference)
        if reference and len(rows) == 1:
            # A reference typed in the search box: straight to its request.
            return RedirectResponse(
                f"/staff/requests/{quote(rows[0].reference)}", status_code=303, headers=_NO_STORE
            )
        return render(
            request,
            "staff/requests.html",
            {
                "rows": rows,
                "statuses": STATUSES,
                "types": types,
                "status": status,
                "type": type_,
                "q": typed,
                "nav": "requests",
            },
            signed=signed,
        )

    def reference_of(request: Request) -> str:
        return str(request.path_params.get("reference", "")).replace("\x00", "")[:32]

    async def show_request(
        request: Request,
        signed: Signed,
        *,
        revealed: Revealed | None = None,
        error: str | None = None,
        status: int = 200,
        note: str = "",
        chosen: str = "",
    ) -> Response:
        view = await services().desk.request(reference_of(request))
        return render(
            request,
            "staff/request.html",
            {
                "view": view,
                "revealed": revealed,
                "error": error,
                "note": note,
                "chosen": chosen,
                "max_note": MAX_NOTE_CHARS,
                "saved": request.query_params.get("saved") == "1",
                "nav": "requests",
            },
            status=status,
            signed=signed,
        )

    async def request_page(request: Request, signed: Signed) -> Response:
        typed = reference_of(request)
        canonical = normalize_reference(typed)
        if canonical != typed:
            # ٢٦١٢-٠٠٠٠١ typed in the address bar: the request's one address.
            return RedirectResponse(
                f"/staff/requests/{quote(canonical)}", status_code=303, headers=_NO_STORE
            )
        return await show_request(request, signed)

    async def reveal(request: Request, signed: Signed) -> Response:
        check_csrf(signed, request, await _read_form(request))
        revealed = await services().desk.reveal(reference_of(request), signed.me)
        return await show_request(request, signed, revealed=revealed)

    def web_error(message_id: str, args: Mapping[str, object]) -> str:
        """The inbox's own wording where the command line's names a flag (--note)."""
        web_id = message_id.replace("status-error-", "staffweb-error-", 1)
        return tr(web_id if catalog.has(web_id) else message_id, args)

    async def change_status(request: Request, signed: Signed) -> Response:
        form = await _read_form(request)
        check_csrf(signed, request, form)
        reference = reference_of(request)
        note, wanted = form.get("note", ""), form.get("status", "")
        try:
            change = await services().desk.change_status(reference, wanted, note or None, signed.me)
        except Refusal as exc:
            code = exc.http_status
            # Saved again as it stands, the form must ask for what was chosen, not the first.
            return await show_request(
                request,
                signed,
                error=web_error(exc.message_id, exc.arguments),
                status=code,
                note=note,
                chosen=wanted,
            )
        return RedirectResponse(
            f"/staff/requests/{quote(change.reference)}?saved=1", status_code=303, headers=_NO_STORE
        )

    def number(request: Request, name: str) -> int:
        raw = str(request.path_params.get(name, ""))
        if not raw.isdigit() or len(raw) > 18:
            raise Refusal("staffweb-error-no-attachment", http_status=404)
        return int(raw)

    async def attachment(request: Request, signed: Signed) -> Response:
        back = services()
        found = await back.desk.attachment(
            reference_of(request), number(request, "attachment_id"), signed.me
        )
        return await send_file(back, found)

    async def case_file(request: Request, signed: Signed) -> Response:
        back = services()
        found = await back.desk.case_file(
            case_id_of(request), number(request, "message_id"), number(request, "n"), signed.me
        )
        return await send_file(back, found)

    async def send_file(back: StaffBackend, found: AttachmentView) -> Response:
        fetched = await back.files.fetch(found.channel, found.file_id) if back.files else None
        if fetched is None:
            raise Refusal("staffweb-error-attachment-unavailable", http_status=404)
        mime = found.mime or ("image/jpeg" if found.kind == "photo" else "")
        inline = mime in _INLINE_TYPES
        name = found.name or f"attachment-{found.id}"
        disposition = "inline" if inline else "attachment"
        return Response(
            content=fetched.data,
            media_type=mime if inline else "application/octet-stream",
            headers={
                **_NO_STORE,
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
                "X-Content-Type-Options": "nosniff",
                # A file a beneficiary sent is never run as this site's page.
                "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'",
            },
        )

    def period_of(request: Request) -> tuple[Period, str | None]:
        """The asked-for days (both included); the last 30 days, with a message, if unreadable."""
        today = services().desk.clock.now().astimezone(RIYADH).date()
        values = [request.query_params.get(k) or None for k in ("since", "until")]
        try:
            days = [parse_day(v) if v else None for v in values]
            return period_between(days[0], days[1], today), None
        except ValueError:
            bad = next((v for v in values if v), "")
            return period_between(None, None, today), tr("report-error-date", value=ltr(bad))

    async def reports(request: Request, signed: Signed) -> Response:
        period, error = period_of(request)
        report = await build_report(services().desk.db, period)
        last = period.last_day(RIYADH)
        first = period.since.astimezone(RIYADH).date()
        context = {
            "nav": "reports",
            "report": report,
            "charts": charts_for(report, tr),
            "error": error,
            "since": first.isoformat(),
            "until": last.isoformat(),
            "duration": lambda d: format_duration(d, tr),
            "average": format_average,
        }
        return render(request, "staff/reports.html", context, signed=signed)

    def csv_export(kind: str) -> Handler:
        async def export(request: Request, signed: Signed) -> Response:
            period, _ = period_of(request)
            write = requests_csv if kind == "requests" else survey_answers_csv
            async with services().desk.db.reading() as session:
                data = await write(session, period, tr)
            return Response(
                content=data,
                media_type="text/csv; charset=utf-8",
                headers={
                    **_NO_STORE,
                    "Content-Disposition": f"attachment; filename={csv_filename(kind, period)}",
                },
            )

        return export

    async def unknown(request: Request, signed: Signed) -> Response:
        raise Refusal("staffweb-error-not-found", http_status=404)

    router.add_api_route("/requests", page(requests_page), methods=["GET"])
    router.add_api_route("/requests/{reference}", page(request_page), methods=["GET"])
    router.add_api_route("/requests/{reference}/reveal", page(reveal), methods=["POST"])
    router.add_api_route("/requests/{reference}/status", page(change_status), methods=["POST"])
    router.add_api_route(
        "/requests/{reference}/attachments/{attachment_id}", page(attachment), methods=["GET"]
    )
    router.add_api_route(
        "/cases/{case_id}/messages/{message_id}/files/{n}", page(case_file), methods=["GET"]
    )
    router.add_api_route("/reports", page(reports), methods=["GET"])
    router.add_api_route("/reports/requests.csv", page(csv_export("requests")), methods=["GET"])
    router.add_api_route("/reports/surveys.csv", page(csv_export("surveys")), methods=["GET"])
    # Last: any other path under /staff needs a session before it may even say "not found".
    router.add_api_route("/{rest:path}", page(unknown), methods=["GET", "POST"])
    return router
