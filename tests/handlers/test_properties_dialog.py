"""The dialog as a state machine: whatever a person sends, in whatever order.

Hypothesis drives the real `Dialog` (the little-hearts profile, the real request form, as
the engine wires them) with any sequence of texts (any unicode, the catalogs' own words,
FAQ questions, names, numbers, national IDs and mobiles in every writing, up to 5,000
characters), buttons (those of the last reply and made-up ones), attachments, contacts,
commands, and what happens meanwhile (time passing, staff changing a request's status or
closing a case, a survey arriving). The engine's part of a turn is played the way
handlers/engine.py plays it: identifiers masked before the dialog sees the text, cases
numbered, requests filed, survey answers acknowledged.

After every turn: nothing raised; the caller's state is untouched; the person got an
answer, unless silence is what the design says (an empty message, a message to a
researcher acknowledged a few minutes ago); the state is JSON with a known mode and form
step; every button fits Telegram's 64-byte callback data; and no generated national ID or
mobile appears in clear in the state, a reply, a redaction or what is filed.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any, cast

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from bot.config import PROFILES_DIR
from bot.i18n import Catalog
from faq.normalize import to_ascii_digits
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers import identifiers, surveys
from handlers.clock import FixedClock
from handlers.completion import CORRECTABLE
from handlers.conversation import UNANSWERED_LIMIT, Dialog
from handlers.form_prompts import STEPS
from handlers.replies import Reply
from handlers.turn import Context, RequestView, Turn
from handlers.types import Attachment, Incoming
from storage.db import Database
from tests.handlers.chats import SUNDAY, form_engine
from tests.handlers.strategies import (
    COMMANDS,
    MOBILES,
    NATIONAL_IDS,
    PAYLOADS,
    QUESTIONS,
    WORDS,
    write,
)

tr = Catalog("ar")
MODES = {None, "idle", "handover"}
FORM_DATA = {
    "name",
    "national_id_enc",
    "national_id_hash",
    "national_id_mask",
    "phone_enc",
    "phone_mask",
    "city",
    "type",
    "description",
    "attachments",
    "attachments_note",  # «سأحضرها للمقر» typed at the attachments step, kept for staff
}
CALLBACK_DATA_BYTES = 64  # Telegram's limit for an inline button's payload
# How a number is squeezed before looking for it: what people and masks put between digits.
_SQUEEZE = re.compile(r"[\s\-\u2010-\u2015\u2212.\u00a0]")


@functools.cache
def little_hearts() -> FaqService:
    return FaqService.from_dir(PROFILES_DIR / "little-hearts", missing_phrases(tr.t))


def build_dialog(clock: FixedClock) -> Dialog:
    # The engine's own dialog, built as the form tests build it; no database is touched.
    return form_engine(cast(Database, None), little_hearts(), clock).dialog


# --- what a person sends -------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=80)
NAMES = st.sampled_from(["سارة محمد العتيبي", "محمد علي", "نورة", "Sara Ali", "عبدالله بن سعد"])
CITIES = st.sampled_from(["جدة", "الرياض", "riyadh", "مكه", "بلدة صغيرة", "x"])
NUMBERS = st.text(st.sampled_from("0123456789٠١٢٣٤٥٦٧٨٩ -+"), min_size=1, max_size=16)
EMOJI = st.text(st.sampled_from("🙂🌷❤️👍🏽🇸🇦\u200d"), min_size=1, max_size=6)
DESCRIPTIONS = st.sampled_from(
    ["بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية", "احتاج مساعدة؟", "....."]
)
LONG = st.builds(
    lambda unit, n: (unit * n)[:5000],
    st.sampled_from(["س", "مرحبا ", "a", "🙂", "١"]),
    st.sampled_from([999, 1000, 1001, 3999, 4000, 4001, 5000]),
)
TEXTS = st.one_of(ANY_TEXT, WORDS, QUESTIONS, NAMES, CITIES, NUMBERS, EMOJI, DESCRIPTIONS, LONG)
ANSWERS = {
    "name": ["سارة محمد العتيبي", "نورة عبدالله"],
    "city": ["جدة", "الطائف"],
    "description": ["بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية"],
}
# A number in a sentence, the way people mention one where it doesn't belong.
AROUND = st.sampled_from(["", "", "رقم هويتي ", "جوالي ", "ابي اكلم موظف ", "السجل "])
AFTER = st.sampled_from(["", "", " شكرا", " ابي اقدم طلب", "\n", " ؟"])


@st.composite
def attachments(draw: st.DrawFn) -> tuple[Attachment, ...]:
    count = draw(st.integers(1, 3))
    return tuple(
        Attachment(
            file_id=f"file-{draw(st.integers(0, 10**6))}",
            kind=draw(st.sampled_from(["photo", "document", "audio", "video", "other"])),
            size=draw(st.one_of(st.none(), st.integers(0, 30 * 1024 * 1024))),
            name=draw(st.one_of(st.none(), st.text(max_size=20), st.just("هوية 1000000008.pdf"))),
            mime=draw(st.one_of(st.none(), st.sampled_from(["image/jpeg", "application/pdf"]))),
        )
        for _ in range(count)
    )


# --- the machine ---------------------------------------------------------------------------


class DialogMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(SUNDAY)
        self.dialog = build_dialog(self.clock)
        self.state: dict[str, Any] = {}
        self.last: list[Reply] = []
        self.requests: list[RequestView] = []
        self.secrets: set[str] = set()
        self.ids = itertools.count(1)

    @initialize(
        channel=st.sampled_from(["web", "telegram", "whatsapp", "terminal"]),
        applying=st.booleans(),
    )
    def open_chat(self, channel: str, applying: bool) -> None:
        self.channel = channel
        if applying:  # half the runs start in the form, the longest path there is
            self.send(text="ابي اقدم طلب مساعدة")

    # -- the person -------------------------------------------------------------------------

    @rule(text=TEXTS)
    def types(self, text: str) -> None:
        self.send(text=text)

    @rule(national_id=NATIONAL_IDS, before=AROUND, after=AFTER, data=st.data())
    def types_a_national_id(
        self, national_id: str, before: str, after: str, data: st.DataObject
    ) -> None:
        self.types_a_number(national_id, "", before, after, data)

    @rule(
        national=MOBILES,
        lead=st.sampled_from(["0", "", "+966", "00966"]),
        before=AROUND,
        after=AFTER,
        data=st.data(),
    )
    def types_a_mobile(
        self, national: str, lead: str, before: str, after: str, data: st.DataObject
    ) -> None:
        self.types_a_number(national, lead, before, after, data)

    def types_a_number(
        self, secret: str, lead: str, before: str, after: str, data: st.DataObject
    ) -> None:
        self.secrets.add(secret)
        self.send(text=before + lead + write(secret, data.draw) + after)

    @rule(how=st.sampled_from(["ابي اقدم طلب مساعدة", "intent:how_to_apply", "menu:main"]))
    def asks_to_apply(self, how: str) -> None:
        self.send(payload=how) if ":" in how else self.send(text=how)

    @precondition(lambda self: bool(self.requests))
    @rule(how=st.sampled_from(["وش صار على طلبي", "intent:request_status", "ابي اكمل طلبي"]))
    def follows_up(self, how: str) -> None:
        self.send(payload=how) if ":" in how else self.send(text=how)

    @precondition(lambda self: "form" in self.state and self.state.get("mode") != "handover")
    @rule(data=st.data())
    def answers_the_step_as_asked(self, data: st.DataObject) -> None:
        # Most people fill the form in: without them few runs would get past the name.
        step = self.state["form"]["step"]
        offered = [b.payload for r in self.last for b in r.buttons]
        wanted = {
            "city": "form:city:",
            "type": "form:type:",
            "attachments": "form:done",
            "summary": "form:confirm",
            "declaration": "form:accept",
        }.get(step)
        choices = [p for p in offered if wanted and p.startswith(wanted)]
        if choices:
            self.send(payload=data.draw(st.sampled_from(choices)))
        elif step == "national_id":
            self.types_a_number(data.draw(NATIONAL_IDS), "", "", "", data)
        elif step == "phone":
            lead = data.draw(st.sampled_from(["0", "+966"]))
            self.types_a_number(data.draw(MOBILES), lead, "", "", data)
        elif step == "attachments":
            self.send(attachments=data.draw(attachments()))
        else:
            self.send(text=data.draw(st.sampled_from(ANSWERS.get(step, ["نعم"]))))

    @precondition(lambda self: "form" in self.state and self.state.get("mode") != "handover")
    @rule(steps=st.integers(2, 9), data=st.data())
    def fills_in_several_steps(self, steps: int, data: st.DataObject) -> None:
        for _ in range(steps):
            if "form" not in self.state or self.state.get("mode") == "handover":
                break
            self.answers_the_step_as_asked(data)

    @precondition(lambda self: any(r.buttons for r in self.last))
    @rule(data=st.data())
    def presses_an_offered_button(self, data: st.DataObject) -> None:
        button = data.draw(st.sampled_from([b for r in self.last for b in r.buttons]))
        self.send(payload=button.payload)

    @precondition(lambda self: any(r.buttons for r in self.last))
    @rule(data=st.data())
    def types_an_offered_label(self, data: st.DataObject) -> None:
        # Telegram shows the buttons of a reply that asks for the contact as a keyboard
        # whose labels arrive as text.
        button = data.draw(st.sampled_from([b for r in self.last for b in r.buttons]))
        self.send(text=button.label)

    @rule(payload=PAYLOADS)
    def presses_a_button_from_elsewhere(self, payload: str) -> None:
        self.send(payload=payload)

    @rule(command=COMMANDS, tail=st.sampled_from(["", " extra", "  "]))
    def sends_a_command(self, command: str, tail: str) -> None:
        self.send(text=command + tail)

    @rule(files=attachments(), caption=st.one_of(st.just(""), TEXTS))
    def sends_files(self, files: tuple[Attachment, ...], caption: str) -> None:
        self.send(text=caption, attachments=files)

    @rule(national=MOBILES, plus=st.sampled_from(["+966", "966"]))
    def shares_own_contact(self, national: str, plus: str) -> None:
        self.secrets.add(national)
        self.send(contact=plus + national)

    @rule()
    def shares_someone_elses_contact(self) -> None:
        self.send(foreign_contact=True)

    @rule()
    def sends_nothing(self) -> None:
        self.send()

    # -- meanwhile --------------------------------------------------------------------------

    @rule(
        wait=st.sampled_from(
            [timedelta(minutes=m) for m in (1, 11, 31)] + [timedelta(days=d) for d in (2, 8)]
        )
    )
    def time_passes(self, wait: timedelta) -> None:
        self.clock.advance(wait)

    @precondition(lambda self: bool(self.requests))
    @rule(data=st.data(), status=st.sampled_from(["needs_info", "under_review", "accepted"]))
    def staff_change_a_request(self, data: st.DataObject, status: str) -> None:
        index = data.draw(st.integers(0, len(self.requests) - 1))
        old = self.requests[index]
        missing = "صورة التقرير الطبي" if status == "needs_info" else None
        self.requests[index] = RequestView(
            old.id, old.reference, old.type, status, old.submitted_at, self.clock.now(), missing
        )

    @precondition(lambda self: self.state.get("mode") == "handover")
    @rule()
    def staff_close_the_case(self) -> None:
        # As handlers/cases.py closes it.
        self.state.update(mode="idle", unanswered=0)
        self.state.pop("case_id", None)
        self.last = [Reply(tr("case-closed-by-staff"))]

    @rule(survey_id=st.integers(1, 3))
    def a_survey_arrives(self, survey_id: int) -> None:
        # As handlers/surveys.py sends one.
        self.state["survey"] = {"id": survey_id, "await": "rating"}
        self.last = [surveys.question(tr.t, survey_id, None, reminder=False)]

    # -- one turn, as the engine plays it ---------------------------------------------------

    def send(self, **fields: Any) -> None:
        incoming = identifiers.masked_incoming(Incoming(self.channel, "c1", "c1", **fields))
        self.dialog.prepare(incoming)
        before = copy.deepcopy(self.state)
        requests = tuple(self.requests)
        turn = self.dialog.handle(self.state, incoming, Context(requests=requests))
        assert self.state == before, "the dialog changed the caller's state"
        self.play_engine(turn)
        self.check(incoming, turn)
        self.state, self.last = turn.state, turn.replies
        # `pytest --hypothesis-show-statistics` tells how far the runs got.
        form = self.state.get("form")
        event(f"form at {form['step']}" if form else f"mode {self.state.get('mode')}")
        if turn.submit is not None or turn.complete is not None:
            event("filed" if turn.submit is not None else "completed")

    def play_engine(self, turn: Turn) -> None:
        now = self.clock.now()
        if turn.open_case is not None:
            turn.state["case_id"] = next(self.ids)
        if turn.submit is not None:
            assert self.dialog.form is not None
            number = next(self.ids)
            reference = f"{now:%y%m}-{number:05d}"
            self.requests.append(
                RequestView(number, reference, str(turn.submit["type"]), "submitted", now, now)
            )
            turn.replies.extend(self.dialog.form.submitted(reference))
        if turn.complete is not None:
            self.requests = [
                RequestView(r.id, r.reference, r.type, "under_review", r.submitted_at, now)
                if r.id == turn.complete["request_id"] and r.status == "needs_info"
                else r
                for r in self.requests
            ]
        if turn.survey is not None:
            turn.state.pop("survey", None)
            if "rating" in turn.survey:
                turn.state["survey"] = {
                    "id": turn.survey["id"],
                    "await": "comment",
                    "at": now.isoformat(),
                }
            turn.replies.append(Reply(tr("survey-thanks")))

    # -- what must hold after every turn ----------------------------------------------------

    def check(self, incoming: Incoming, turn: Turn) -> None:
        state = turn.state
        assert json.loads(json.dumps(state)) == state
        assert state.get("mode") in MODES
        assert 0 <= int(state.get("unanswered", 0)) < UNANSWERED_LIMIT
        form = state.get("form")
        if form is not None:
            assert form["step"] in STEPS
            assert set(form["data"]) <= FORM_DATA, form["data"]
            datetime.fromisoformat(form["started_at"])
            datetime.fromisoformat(form["touched_at"])
        pending = state.get("complete")
        if pending is not None:
            assert isinstance(pending["request_id"], int)
            assert pending.get("field") in (None, *CORRECTABLE)
        for reply in turn.replies:
            assert reply.text.strip()
            for button in reply.buttons:
                assert button.label.strip()
                assert 0 < len(button.payload.encode()) <= CALLBACK_DATA_BYTES, button
        self.check_answered(incoming, turn)
        self.check_no_identifier(turn)

    def check_answered(self, incoming: Incoming, turn: Turn) -> None:
        if turn.replies:
            return
        empty = not (
            incoming.text.strip()
            or incoming.payload
            or incoming.attachments
            or incoming.contact
            or incoming.foreign_contact
        )
        # A message to the researcher is acknowledged only now and then (ACK_EVERY).
        acknowledged = turn.on_case and turn.state.get("mode") == "handover"
        assert empty or acknowledged, f"no answer to {incoming!r} in {self.state!r}"

    def check_no_identifier(self, turn: Turn) -> None:
        said = [json.dumps(turn.state, ensure_ascii=False), turn.redact_inbound or ""]
        said += [json.dumps(r.to_dict(), ensure_ascii=False) for r in turn.replies]
        said += [json.dumps(x, ensure_ascii=False) for x in (turn.submit, turn.complete) if x]
        for text in said:
            squeezed = _SQUEEZE.sub("", to_ascii_digits(_visible(text)))
            leaked = [s for s in self.secrets if s in squeezed]
            assert not leaked, f"{leaked} in clear in {text!r}"
        # Every text the person gave (a hash or a ciphertext is no text: its hex can look
        # like a number) holds no identifier at all, generated or not.
        for value in _strings(turn.state):
            assert identifiers.find_identifiers(value) == [], value


def _visible(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        kept = (v for k, v in value.items() if not str(k).endswith(("_enc", "_hash")))
        return [s for v in kept for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


DialogMachine.TestCase.settings = settings(max_examples=15, stateful_step_count=30, deadline=None)
TestDialog = DialogMachine.TestCase


# --- what the machine found, pinned as examples ---------------------------------------------


def _turn(dialog: Dialog, state: dict[str, Any], **fields: Any) -> Turn:
    return dialog.handle(state, Incoming("telegram", "c1", "c1", **fields))


def test_a_contact_outside_the_phone_step_gets_the_menu_not_silence() -> None:
    dialog = build_dialog(FixedClock(SUNDAY))
    for shared in ({"contact": "+966501234567"}, {"foreign_contact": True}):
        (reply,) = _turn(dialog, {}, **shared).replies
        assert reply == dialog.welcome()


def test_an_old_edit_button_does_not_skip_the_steps_of_a_new_draft() -> None:
    dialog = build_dialog(FixedClock(SUNDAY))
    started = _turn(dialog, {}, text="ابي اقدم طلب مساعدة")
    pressed = _turn(dialog, started.state, payload="form:edit:description")
    assert pressed.state["form"]["step"] == "name" and "editing" not in pressed.state["form"]
    assert "1️⃣" in pressed.replies[-1].text


def test_a_stray_button_at_the_attachments_step_gets_the_hint() -> None:
    dialog = build_dialog(FixedClock(SUNDAY))
    state = _turn(dialog, {}, text="ابي اقدم طلب مساعدة").state
    steps: list[dict[str, str]] = [
        {"text": "سارة محمد العتيبي"},
        {"text": "1000000008"},
        {"text": "0501234567"},
        {"payload": "form:city:1"},
        {"payload": "form:type:0"},
        {"text": "بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية"},
    ]
    for step in steps:
        state = _turn(dialog, state, **step).state
    assert state["form"]["step"] == "attachments"
    for stray in ({"payload": "intent:how_to_apply"}, {"contact": "+966501234567"}):
        (reply,) = _turn(dialog, state, **stray).replies
        assert reply.text == tr("form-attachments-hint")
