"""Noting what the FAQ did not answer well: the dialog's side (pure) and the engine's.

The dialog keeps the last question in the conversation's state (`LAST_QUESTION`): its text
and what became of it. A turn that could not answer (clarify, handover) or whose answer got
a 👎 carries a `Miss`; the next turn says what the person did then (`Turn.miss_outcome`):
pressed one of the offered topics (a strong label for staff), "none of these", a person,
or something else. The engine writes both in its transaction (`record`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from faq.matcher import Match
from handlers.faq_types import OUTCOME_HANDOVER, OUTCOME_NONE, OUTCOME_OTHER, OUTCOME_PICKED
from handlers.turn import Miss, State, Turn
from handlers.types import Incoming
from storage import faq_learning as store
from storage.db import Session
from storage.models import Conversation

LAST_QUESTION = "faq_last"
CLARIFY = "clarify"
DOWN = "down"


def missed(state: State, text: str, match: Match, *, handed_over: bool) -> Miss:
    """The miss of a question not answered; the state remembers it for the next turn."""
    candidates = tuple((c.intent, round(c.score, 4)) for c in match.candidates)
    if handed_over:  # what the person did next is known: a person took over
        return Miss(text, match.decision, None, match.score, candidates, OUTCOME_HANDOVER)
    state[LAST_QUESTION] = {"text": text, "missed": match.decision}
    return Miss(text, match.decision, None, match.score, candidates)


def answered(state: State, text: str, intent: str, score: float) -> None:
    """An answered question: a 👎 on its answer is a miss of this text."""
    state[LAST_QUESTION] = {"text": text, "intent": intent, "score": round(score, 4)}


def picked(state: State, last: dict[str, Any] | None, intent: str) -> None:
    """A topic pressed after a clarify: a 👎 now is on the answer to that question."""
    if last is not None and last.get("missed") == CLARIFY:
        state[LAST_QUESTION] = {"text": last["text"], "intent": intent}


def thumbs_down(state: State, last: dict[str, Any] | None) -> Miss | None:
    if last is None or not last.get("intent"):
        return None
    state[LAST_QUESTION] = {"text": last["text"], "missed": DOWN}
    score = float(last.get("score", 0.0))
    return Miss(last["text"], DOWN, str(last["intent"]), score, ())


def last_question(state: State) -> dict[str, Any] | None:
    last = state.get(LAST_QUESTION)
    return last if isinstance(last, dict) and isinstance(last.get("text"), str) else None


def settle(turn: Turn, last: dict[str, Any] | None, incoming: Incoming) -> Turn:
    """After the turn: what became of the previous miss; a last question this turn did not
    renew is forgotten (a 👎 counts only on the answer just given)."""
    if last is not None and last.get("missed") and turn.miss_outcome is None:
        turn.miss_outcome = _outcome(incoming, str(last["missed"]))
    if turn.state.get(LAST_QUESTION) is last:
        turn.state.pop(LAST_QUESTION, None)
    return turn


def _outcome(incoming: Incoming, decision: str) -> tuple[str, str | None]:
    kind, _, value = (incoming.payload or "").partition(":")
    if kind == "intent" and value:
        return OUTCOME_PICKED, value
    if kind == "handover":
        none = decision == CLARIFY and value == "unanswered"
        return (OUTCOME_NONE if none else OUTCOME_HANDOVER), None
    return OUTCOME_OTHER, None


async def record(
    session: Session, conversation: Conversation, turn: Turn, org: str, now: datetime
) -> None:
    """The engine's part, in the update's transaction."""
    channel, chat_id = conversation.channel, conversation.chat_id
    if turn.miss_outcome is not None:
        outcome, intent = turn.miss_outcome
        await store.set_outcome(session, channel, chat_id, outcome, intent)
    miss = turn.miss
    if miss is None:
        return
    store.add_miss(
        session,
        org,
        channel,
        chat_id,
        text=miss.text,
        decision=miss.decision,
        intent=miss.intent,
        score=miss.score,
        candidates=[{"intent": i, "score": s} for i, s in miss.candidates],
        outcome=miss.outcome,
        created_at=now,
    )
