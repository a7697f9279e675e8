"""The FAQ that learns: what the bot couldn't answer, grouped for staff, and staff's edits.

Questions that ended in *clarify* or *handover*, or whose answer got a 👎, are kept (masked)
with their candidates and what the person did next (`handlers/faq_misses.py` records them
in the engine's transaction). Staff see them grouped by similarity (`groups`), and for a
group assign it to an entry, create an entry from it, or reject it as out of scope. Every
change to the FAQ is an edit in the database on top of the profile files: versioned (the
newest edit's id is the FAQ's version), audited (who and when) and reversible (a revert is
one more edit, so the history keeps everything).

After an edit the matcher is retrained in a worker thread while the old version keeps
answering; `LiveFaq` holds the version in service and is swapped once the new one is
ready. Every process on the database checks the version now and then (and on a wake-up)
and retrains when it moved (`FaqLearning.refresh`).

Every refusal is a `Refusal` with a catalog message (`bot/locales/*/teach.ftl`):
teach-error-unknown-intent (intent), teach-error-invalid-intent (intent),
teach-error-duplicate-intent (intent), teach-error-empty-question,
teach-error-only-identifier, teach-error-empty-answer, teach-error-no-questions,
teach-error-unknown-group (group), teach-error-unknown-edit (edit),
teach-error-already-reverted (edit), teach-error-revert-revert (edit).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from faq.normalize import normalize
from handlers import faq_edits as edits
from handlers.errors import Refusal
from handlers.faq_types import (
    ANSWER,
    EDIT_KINDS,
    ENTRY,
    NEGATIVE,
    OUTCOME_HANDOVER,
    OUTCOME_NONE,
    OUTCOME_NOTHING,
    OUTCOME_OTHER,
    OUTCOME_PICKED,
    PHRASING,
    REVERT,
    EntryView,
    FaqEdit,
    LiveFaq,
    MissGroup,
)
from storage import faq_learning as store

if TYPE_CHECKING:
    from faq.profile import FaqEntry
    from faq.service import FaqService
    from handlers.clock import Clock
    from handlers.faq_groups import Question
    from storage.db import Database, Session
    from storage.faq_models import FaqEditRow

__all__ = [
    "ANSWER",
    "EDIT_KINDS",
    "ENTRY",
    "NEGATIVE",
    "OUTCOME_HANDOVER",
    "OUTCOME_NONE",
    "OUTCOME_NOTHING",
    "OUTCOME_OTHER",
    "OUTCOME_PICKED",
    "PHRASING",
    "REVERT",
    "EntryView",
    "FaqEdit",
    "FaqLearning",
    "LiveFaq",
    "MissGroup",
]

log = logging.getLogger(__name__)
ACTOR_MAX = 128


class FaqLearning:
    """The use cases of the learning FAQ for one association (`org`, its profile's slug).

    `live` is None where nothing answers (the command line: `refresh` does nothing there).
    `base` is the profile's entries and `missing` its "not provided yet" phrases; `build`
    trains a service from the profile plus a list of active edits (run in a worker thread:
    it takes seconds); `on_change` is told after each committed edit (the wiring wakes
    every process with it, this one included).
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        live: LiveFaq | None,
        org: str,
        build: Callable[[list[FaqEdit]], FaqService],
        *,
        base: Sequence[FaqEntry] = (),
        missing: Mapping[str, str] | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.live = live
        self.org = org
        self._build = build
        self._base = list(base)
        self._missing = dict(missing or {})
        self._on_change = on_change
        self._refreshing = asyncio.Lock()
        self._poke = asyncio.Event()
        self._settling: set[asyncio.Task[None]] = set()

    # -- the inbox ------------------------------------------------------------------------

    async def groups(self, limit: int = 50) -> list[MissGroup]:
        """The unhandled questions grouped by similarity, biggest groups first."""
        from handlers.faq_groups import groups

        questions = await self._open_questions()
        # Comparing every question with every other one: not on the event loop.
        return (await asyncio.to_thread(groups, questions))[:limit]

    async def group(self, key: str) -> MissGroup:
        """One group by its key; `Refusal("teach-error-unknown-group")` when it is gone."""
        found = next((g for g in await self.groups(limit=10**9) if g.key == key), None)
        if found is None:
            raise Refusal("teach-error-unknown-group", group=key)
        return found

    async def assign(self, key: str, intent: str, actor: str) -> FaqEdit:
        """The group's questions become phrasings of `intent`; the group leaves the list."""
        group = await self.group(key)
        async with self.db.transaction() as session:
            known = [e.id for e in await self._entries(session)]
            fields = {"intent": edits.known_intent(intent, known), "group_key": key}
            row = await self._add(session, PHRASING, actor, edits.usable(group.texts), **fields)
            await store.mark_handled(session, group.ids, row.id)
        return self._changed(row)

    async def create_entry(
        self, key: str | None, intent: str, answer: str, questions: list[str], actor: str
    ) -> FaqEdit:
        """A new entry `intent` with `answer`; its questions are `questions` plus, with a
        `key`, the group's (which then leaves the list)."""
        group = await self.group(key) if key is not None else None
        texts = edits.questions(questions) + edits.usable(group.texts if group else ())
        fields = {"answer": edits.answer(answer), "group_key": key}
        async with self.db.transaction() as session:
            known = [e.id for e in await self._entries(session)]
            fields["intent"] = edits.new_intent(intent, known)
            if not texts:
                raise Refusal("teach-error-no-questions")
            row = await self._add(session, ENTRY, actor, list(dict.fromkeys(texts)), **fields)
            await store.mark_handled(session, group.ids if group else (), row.id)
            await self._handle_same(session, texts, row.id)
        return self._changed(row)

    async def reject(self, key: str, actor: str) -> FaqEdit:
        """The group's questions become out-of-scope examples; the group leaves the list."""
        group = await self.group(key)
        async with self.db.transaction() as session:
            texts = edits.usable(group.texts)
            row = await self._add(session, NEGATIVE, actor, texts, group_key=key)
            await store.mark_handled(session, group.ids, row.id)
        return self._changed(row)

    # -- direct edits ---------------------------------------------------------------------

    async def teach(self, question: str, intent: str, actor: str) -> FaqEdit:
        """`question` becomes a phrasing of `intent` (the same unhandled questions leave
        the list)."""
        text = edits.question(question)
        async with self.db.transaction() as session:
            known = [e.id for e in await self._entries(session)]
            fields = {"intent": edits.known_intent(intent, known)}
            row = await self._add(session, PHRASING, actor, [text], **fields)
            await self._handle_same(session, [text], row.id)
        return self._changed(row)

    async def reject_question(self, question: str, actor: str) -> FaqEdit:
        """`question` becomes an out-of-scope example (`bot.py faq reject`)."""
        text = edits.question(question)
        async with self.db.transaction() as session:
            row = await self._add(session, NEGATIVE, actor, [text])
            await self._handle_same(session, [text], row.id)
        return self._changed(row)

    async def edit_answer(self, intent: str, answer: str, actor: str) -> FaqEdit:
        """`intent`'s answer becomes `answer` (placeholders such as {phone} allowed)."""
        text = edits.answer(answer)
        async with self.db.transaction() as session:
            entries = {e.id: e for e in await self._entries(session)}
            intent = edits.known_intent(intent, entries)
            previous = entries[intent].answer
            fields = {"intent": intent, "answer": text, "previous_answer": previous}
            row = await self._add(session, ANSWER, actor, [], **fields)
        return self._changed(row)

    def preview(self, answer: str) -> str:
        """`answer` as a beneficiary would read it: placeholders filled from the profile."""
        from faq.profile import FaqEntry, render_answer

        assert self.live is not None, "a preview needs the FAQ in service"
        entry = FaqEntry(id="preview", answer=answer)
        return render_answer(entry, self.live.current().profile, self._missing)

    async def entries(self) -> list[EntryView]:
        """Every entry of the FAQ in service, in the profile's order, new ones last."""
        async with self.db.reading() as session:
            active = [edits.to_edit(r) for r in await store.active_edits(session, self.org)]
        touched = {e.intent for e in active}
        in_service, _ = edits.effective(self._base, active)
        return [
            EntryView(e.id, e.answer, list(e.questions), e.source, e.id in touched)
            for e in in_service
        ]

    # -- history ----------------------------------------------------------------------------

    async def history(self, limit: int = 100) -> list[FaqEdit]:
        """The edits, newest first, reverted ones included (and marked)."""
        async with self.db.reading() as session:
            return [edits.to_edit(r) for r in await store.edits(session, self.org, limit)]

    async def active(self) -> list[FaqEdit]:
        """The edits in force, oldest first (what `faq export` writes into the files)."""
        async with self.db.reading() as session:
            return [edits.to_edit(r) for r in await store.active_edits(session, self.org)]

    async def revert(self, edit_id: int, actor: str) -> FaqEdit:
        """A new edit that undoes `edit_id` (questions it handled come back to the list)."""
        async with self.db.transaction() as session:
            target = await store.edit_for_update(session, self.org, edit_id)
            if target is None:
                raise Refusal("teach-error-unknown-edit", edit=edit_id)
            if target.kind == REVERT:
                raise Refusal("teach-error-revert-revert", edit=edit_id)
            if target.reverted_by is not None:
                raise Refusal("teach-error-already-reverted", edit=edit_id)
            row = await self._add(session, REVERT, actor, [], intent=target.intent)
            row.reverts, target.reverted_by = target.id, row.id
            await store.unhandle(session, target.id)
        return self._changed(row)

    # -- versions ---------------------------------------------------------------------------

    async def version(self) -> int:
        """The FAQ's version in the database (0: the profile alone)."""
        async with self.db.reading() as session:
            return await store.version(session, self.org)

    async def refresh(self) -> bool:
        """Retrain (in a worker thread) when the database holds a newer version than
        `live`; True when a new version went into service."""
        if self.live is None:
            return False
        async with self._refreshing:
            async with self.db.reading() as session:
                # The version first: edits read after it are at least that new.
                version = await store.version(session, self.org)
                if version <= self.live.version:
                    return False
                active = [edits.to_edit(r) for r in await store.active_edits(session, self.org)]
            # Training: in a thread, while the version in service answers.
            service = await asyncio.to_thread(self._build, active)
            self.live.swap(service, version)
            log.info("FAQ version %d in service (%d edits)", version, len(active))
        if service.settle is not None:  # taught on the spot: the full retrain follows
            task = asyncio.create_task(self._settle(service.settle, version))
            self._settling.add(task)
            task.add_done_callback(self._settling.discard)
        return True

    async def settled(self) -> None:
        """Until the full retrains behind the versions in service are done."""
        while self._settling:
            await asyncio.gather(*self._settling, return_exceptions=True)

    async def _settle(self, retrain: Callable[[], FaqService], version: int) -> None:
        assert self.live is not None
        try:
            service = await asyncio.to_thread(retrain)
        except Exception:
            log.exception("the full retrain of FAQ version %d failed", version)
            return
        if self.live.version == version:  # not overtaken by a newer version meanwhile
            self.live.swap(service, version)

    async def watch(self, every: float = 3.0) -> None:
        """Refresh every `every` seconds and at each `wake()`, until cancelled."""
        while True:
            try:
                await self.refresh()
            except Exception:  # the database away, say: the next look tries again
                log.exception("the FAQ could not be refreshed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poke.wait(), every)
            self._poke.clear()

    def wake(self) -> None:
        """The FAQ changed (here or in another process): look now (a wake-up listener)."""
        self._poke.set()

    # -- helpers ----------------------------------------------------------------------------

    async def _entries(self, session: Session) -> list[FaqEntry]:
        active = [edits.to_edit(r) for r in await store.active_edits(session, self.org)]
        return edits.effective(self._base, active)[0]

    async def _add(
        self, session: Session, kind: str, actor: str, questions: list[str], **fields: object
    ) -> FaqEditRow:
        who = (actor.strip() or "?")[:ACTOR_MAX]
        now = self.clock.now()
        return await store.add_edit(
            session, self.org, now, kind=kind, actor=who, questions=questions, **fields
        )

    async def _handle_same(self, session: Session, texts: list[str], edit_id: int) -> None:
        """Unhandled questions worded like `texts` are handled by this edit too."""
        wanted = {normalize(t) for t in texts}
        same = [
            m.id for m in await store.open_misses(session, self.org) if normalize(m.text) in wanted
        ]
        await store.mark_handled(session, same, edit_id)

    async def _open_questions(self) -> list[Question]:
        from handlers.faq_groups import Question

        async with self.db.reading() as session:
            rows = await store.open_misses(session, self.org)
        return [
            Question(
                r.id,
                r.text,
                r.decision,
                tuple((str(c["intent"]), float(c["score"])) for c in r.candidates or []),
                r.outcome,
                r.outcome_intent,
                r.created_at,
            )
            for r in rows
        ]

    def _changed(self, row: FaqEditRow) -> FaqEdit:
        (self._on_change or self.wake)()
        return edits.to_edit(row)
