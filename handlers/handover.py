"""The handover to a person: opening a case, the beneficiary's messages while it is open,
and the ways out of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from faq.normalize import normalize
from handlers.dialog_replies import MAX_MESSAGE_CHARS, DialogReplies
from handlers.replies import MENU_PAYLOAD, Button, Reply
from handlers.turn import Context, State, Turn
from handlers.types import Incoming

# While a researcher has the case, acknowledge the beneficiary's messages now and then,
# not every one: they are talking to a person, not to the bot.
ACK_EVERY = timedelta(minutes=10)
# Commands that end a handover (the beneficiary closes the case) and show the menu.
_END_COMMANDS = frozenset({"/cancel", "/menu", "/start"})
END_CASE_PAYLOAD = "case:end"


class Handover(DialogReplies):
    def _open_case(self, state: State, reason: str) -> Turn:
        state.update(mode="handover", unanswered=0)
        # The first message to the researcher is acknowledged; later ones only now and then.
        state.pop("last_ack", None)
        reply = Reply(f"{self.tr(f'case-opened-{reason}')}\n{self._when()}", (self._end_button(),))
        return Turn(state, [reply], open_case=reason)

    def _during_handover(
        self, state: State, incoming: Incoming, text: str, command: str | None, ctx: Context
    ) -> Turn:
        payload = incoming.payload or ""
        if (
            command in _END_COMMANDS
            or payload in (END_CASE_PAYLOAD, MENU_PAYLOAD)
            or (not payload and self._is_end_word(text))
        ):
            return self._end_case(state)
        if text and not payload and command is None and len(text) <= MAX_MESSAGE_CHARS:
            started = self._start_request(state, text, ctx)
            if started is not None:
                return started
        return self._acknowledge(state)

    def _start_request(self, state: State, text: str, ctx: Context) -> Turn | None:
        """«ابي اقدم طلب»: the waiting case ends and the form starts."""
        match = self.faq.ask(text).match
        start = match.decision == "answer" and self.faq.action(match.intent) == "start_request"
        if not start or self.form is None:
            return None
        ended = self._end_case(state)
        started = self.form.start(ended.state, ctx)
        bye = Reply(ended.replies[0].text)
        return Turn(started.state, [bye, *started.replies], close_case=True)

    def _acknowledge(self, state: State) -> Turn:
        """On the case's transcript; acknowledged now and then, not every time."""
        now = self.clock.now()
        last = state.get("last_ack")
        if last and now - datetime.fromisoformat(last) < ACK_EVERY:
            return Turn(state, on_case=True)
        state["last_ack"] = now.isoformat()
        ack = Reply(self.tr("case-waiting", role=self._role), (self._end_button(),))
        return Turn(state, [ack], on_case=True)

    def _end_case(self, state: State) -> Turn:
        state.update(mode="idle", unanswered=0)
        state.pop("case_id", None)
        state.pop("last_ack", None)
        reply = Reply(self.tr("case-closed-by-you"), self.menu_buttons())
        return Turn(state, [reply], close_case=True)

    def _is_end_word(self, text: str) -> bool:
        typed = normalize(text)
        return bool(typed) and (typed in self._end_words or text.casefold() in self._end_words)

    def _end_button(self) -> Button:
        return Button(self.tr("case-end"), END_CASE_PAYLOAD, nav=True)
