"""/staff/faq/unanswered: the questions the bot could not answer, grouped (biggest first,
with counts, masked examples and the bot's candidates), and per group the three ways to
handle it: assign it to an entry, create a new entry from it, or mark it out of scope.
Each action says what it did at the top of the page, and the group leaves the list.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.staff_web.faq import actor, faq_desk
from bot.staff_web.faq_views import MAX_ANSWER_CHARS, label_of
from bot.staff_web.pages import Handler, faq_page, read_form, render, see_other
from bot.staff_web.session import Signed, check_csrf
from bot.staff_web.state import config_of
from handlers.errors import Refusal

GROUPS_SHOWN = 50
MAX_INTENT_CHARS = 40
MAX_QUESTIONS = 50
_INTENT = re.compile(rf"^[a-z][a-z0-9_]{{1,{MAX_INTENT_CHARS - 1}}}$")
_DONE = ("assign", "create", "reject")
# Paths under /staff/faq/ that are not entries' pages.
RESERVED = frozenset({"ask", "edits", "unanswered"})


async def unanswered_page(
    request: Request,
    signed: Signed,
    *,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The groups; `failed` (the group's key, its error and what was typed) after a refused
    action, shown at that group with its form as it was."""
    learning = faq_desk(request).learning
    groups = await learning.groups(GROUPS_SHOWN)
    failed = failed or {}
    context = {
        **await _labels(request),
        "nav": "unanswered",
        "groups": groups,
        # A refusal for a group no longer listed is said at the top of the page.
        "lost": bool(failed) and all(g.key != failed.get("group") for g in groups),
        "failed": failed,
        "max_answer": MAX_ANSWER_CHARS,
        "max_intent": MAX_INTENT_CHARS,
    }
    return render(request, "staff/faq_unanswered.html", context, status=status, signed=signed)


async def _labels(request: Request) -> dict[str, Any]:
    """The entries to assign to, the candidates' names, and what the last action did."""
    desk = faq_desk(request)
    catalog, service = config_of(request).catalog, desk.live.current()
    done, done_intent = request.query_params.get("done"), request.query_params.get("intent")
    entries = [
        (e.intent, label_of(catalog, service, e.intent, e.questions))
        for e in await desk.learning.entries()
    ]
    return {
        "entries": entries,
        "labels": lambda intent: label_of(catalog, service, intent),
        "done": done if done in _DONE else None,
        "done_label": dict(entries).get(done_intent or "", ""),
    }


def _known(intents: set[str], intent: str) -> str:
    if not intent:
        raise Refusal("faqedit-error-choose-entry", http_status=400)
    if intent not in intents:
        raise Refusal("faqedit-error-unknown-intent", http_status=400, intent=intent[:40])
    return intent


def _new_intent(intents: set[str], raw: str) -> str:
    intent = raw.strip()
    if not _INTENT.match(intent):
        raise Refusal("faqedit-error-bad-id", http_status=400, max=MAX_INTENT_CHARS)
    if intent in intents or intent in RESERVED:
        raise Refusal("faqedit-error-id-taken", http_status=400, intent=intent)
    return intent


def _questions(raw: str) -> list[str]:
    lines = [line.strip() for line in raw.replace("\r\n", "\n").split("\n")]
    found = list(dict.fromkeys(line for line in lines if line))[:MAX_QUESTIONS]
    if not found:
        raise Refusal("faqedit-error-no-questions", http_status=400)
    return found


def _answer(raw: str) -> str:
    answer = raw.replace("\r\n", "\n").strip()
    if not answer:
        raise Refusal("faqedit-error-empty-answer", http_status=400)
    if len(answer) > MAX_ANSWER_CHARS:
        raise Refusal("faqedit-error-answer-too-long", http_status=400, max=MAX_ANSWER_CHARS)
    return answer


async def _act(request: Request, signed: Signed, action: str, form: dict[str, str]) -> str:
    """Do `action` on the posted group; the intent it concerned ("" for a rejection)."""
    learning = faq_desk(request).learning
    key, who = form.get("group", ""), actor(signed)
    intents = {e.intent for e in await learning.entries()}
    if action == "assign":
        intent = _known(intents, form.get("intent", "").strip())
        await learning.assign(key, intent, who)
        return intent
    if action == "create":
        intent = _new_intent(intents, form.get("intent", ""))
        answer, questions = _answer(form.get("answer", "")), _questions(form.get("questions", ""))
        await learning.create_entry(key, intent, answer, questions, who)
        return intent
    await learning.reject(key, who)
    return ""


def group_action(action: str) -> Handler:
    async def run(request: Request, signed: Signed) -> Response:
        form = await read_form(request)
        check_csrf(signed, request, form)
        try:
            intent = await _act(request, signed, action, form)
        except Refusal as exc:
            message = config_of(request).catalog.t(exc.message_id, exc.arguments)
            failed = {**form, "action": action, "error": message}
            return await unanswered_page(request, signed, failed=failed, status=400)
        suffix = f"&intent={intent}" if intent else ""
        return see_other(f"/staff/faq/unanswered?done={action}{suffix}")

    return run


# Before faq.router: "/faq/unanswered" is not an entry's page.
router = APIRouter(prefix="/staff")
router.add_api_route("/faq/unanswered", faq_page(unanswered_page), methods=["GET"])
for _action in _DONE:
    router.add_api_route(
        f"/faq/unanswered/{_action}", faq_page(group_action(_action)), methods=["POST"]
    )
