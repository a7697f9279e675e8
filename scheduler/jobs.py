"""The periodic jobs and the scheduler that runs them.

Each job is a plain async function: it opens its own session, commits once, and takes the
clock it is given, so tests call it directly with a FixedClock instead of waiting for
APScheduler. `build_scheduler` (given the database, the clock, the texts and the profile's
rules by whoever wires the process) registers them under fixed ids (`replace_existing`, memory
job store). On PostgreSQL only the process that leads (scheduler/leader.py) runs its
scheduler, and each run takes the job's turn first (storage/leases.py), so a job runs once
per period across processes even while the lead changes hands; the database still keeps
two runs from doing the same work twice (row locks, unique surveys, audit markers).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from faq.bidi import ltr
from faq.digits import with_digits
from faq.profile import Profile
from handlers import cases, requests, surveys
from handlers.cases import UNCLAIMED_AFTER
from handlers.clock import Clock
from handlers.dates import format_date
from handlers.replies import Reply
from handlers.request_form import RequestForm
from handlers.staff_inbox import to_staff
from handlers.surveys import SurveyPolicy
from handlers.types import Translate
from scheduler.leader import runner
from storage import cases as case_store
from storage import leases
from storage import repositories as repo
from storage import requests as request_store
from storage.db import Database, Session
from storage.models import Conversation, HandoverCase, SupportRequest

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[None]]
# Whether this process runs a job now (PostgreSQL: storage.leases.turn); held while it runs.
Turn = Callable[[], AbstractAsyncContextManager[bool]]

# The fixed ids: a second registration replaces the first instead of doubling it.
JOB_IDS = (
    "outbox-sweep",
    "surveys-send",
    "surveys-remind-expire",
    "requests-still-under-review",
    "requests-review-overdue",
    "drafts-expire",
    "cases-unclaimed",
)


async def still_under_review(
    db: Database, clock: Clock, tr: Translate, policy: SurveyPolicy
) -> int:
    """A request that has waited `update_every` without news gets a "still under review"."""
    now = clock.now()
    count = 0
    async with db.transaction() as session:
        for request in await _progress_due(session, policy.update_every, now):
            conversation = await session.get(Conversation, request.conversation_id)
            if conversation is None:
                continue
            reply = Reply(_still_under_review(request, tr, now))
            surveys.deliver(session, conversation, reply, policy=policy, now=now, kind="update")
            _mark(session, "request.progress_update", _subject(request), {}, now)
            count += 1
    return count


async def _progress_due(session: Session, every: timedelta, now: datetime) -> list[SupportRequest]:
    waiting = await request_store.with_status_for_update(
        session, requests.WAITING, updated_before=now - every
    )
    marks = await repo.last_marks(session, "request.progress_update")
    return [
        r for r in waiting if requests.progress_update_due(r, marks.get(_subject(r)), now, every)
    ]


def _still_under_review(request: SupportRequest, tr: Translate, now: datetime) -> str:
    return tr(
        "job-still-under-review",
        reference=ltr(request.reference or ""),
        status=tr(f"status-{request.status}"),
        since=format_date(request.updated_at, tr),
        date=format_date(now, tr),
    )


async def review_overdue(
    db: Database,
    clock: Clock,
    tr: Translate,
    *,
    review_days: int | None,
    staff_chat: str | None,
) -> int:
    """Staff hear once of each request past the review period without a decision.

    In the staff Telegram group when there is one; the audit event is written either way
    (the staff web inbox reads it) and keeps the alert from repeating.
    """
    if review_days is None:
        return 0  # the guide names no period ("a specified period"): nothing to measure
    now = clock.now()
    async with db.transaction() as session:
        due = await _overdue(session, review_days, now)
        for request in due:
            if staff_chat is not None:
                text = _review_overdue(request, review_days, tr)
                to_staff(session, staff_chat, {"text": text, "buttons": []}, now)
            details = {"days": review_days, "status": request.status}
            _mark(session, "request.review_overdue", _subject(request), details, now)
    return len(due)


async def _overdue(session: Session, review_days: int, now: datetime) -> list[SupportRequest]:
    """Undecided requests past the review period that staff have not heard of yet."""
    undecided = await request_store.with_status_for_update(
        session,
        requests.UNDECIDED,
        submitted_before=requests.review_overdue_since(now, review_days),
    )
    marks = await repo.last_marks(session, "request.review_overdue")
    return [r for r in undecided if _subject(r) not in marks]


def _subject(request: SupportRequest) -> str:
    """How the audit trail names a request."""
    return f"request:{request.reference}"


def _review_overdue(request: SupportRequest, review_days: int, tr: Translate) -> str:
    return tr(
        "job-review-overdue",
        reference=ltr(request.reference or ""),
        type=request.type,
        days=review_days,
        submitted=format_date(request.submitted_at, tr),
        status=tr(f"status-{request.status}"),
    )


async def expire_drafts(db: Database, clock: Clock, form: RequestForm, policy: SurveyPolicy) -> int:
    """Tell the person, without waiting for them to come back, that their draft expired."""
    now = clock.now()
    count = 0
    async with db.transaction() as session:
        for conversation in await repo.with_drafts_for_update(session):
            state = dict(conversation.state or {})
            if not form.has_draft(state) or not form.expired(state):
                continue
            notice = form.drop_expired(state)
            repo.set_state(conversation, state)
            surveys.deliver(session, conversation, notice, policy=policy, now=now, kind="update")
            count += 1
    return count


async def remind_unclaimed(
    db: Database,
    clock: Clock,
    tr: Translate,
    *,
    staff_chat: str | None,
    after: timedelta = UNCLAIMED_AFTER,
) -> int:
    """Staff are reminded of a case nobody claimed, every `after` while it waits."""
    now = clock.now()
    async with db.transaction() as session:
        due = await _unclaimed_due(session, after, now)
        for case in due:
            if staff_chat is not None:
                body = {"text": _unclaimed(case, tr, now), "buttons": [], "case_id": case.id}
                to_staff(session, staff_chat, body, now)
            _mark(session, "case.unclaimed_reminder", f"case:{case.id}", {}, now)
    return len(due)


async def _unclaimed_due(session: Session, after: timedelta, now: datetime) -> list[HandoverCase]:
    waiting = await case_store.unclaimed_for_update(session, now - after)
    marks = await repo.last_marks(session, "case.unclaimed_reminder")
    return [
        c for c in waiting if cases.unclaimed_reminder_due(marks.get(f"case:{c.id}"), now, after)
    ]


def _unclaimed(case: HandoverCase, tr: Translate, now: datetime) -> str:
    return tr(
        "job-case-unclaimed",
        case=case.id,
        reason=tr(f"staff-reason-{case.reason}"),
        hours=int((now - case.opened_at).total_seconds() // 3600),
    )


def _mark(
    session: Session, action: str, subject: str, details: dict[str, Any], now: datetime
) -> None:
    """The audit marker that is the job's memory: what it did, and when."""
    repo.audit(session, actor="scheduler", action=action, subject=subject, details=details, now=now)


# -- the scheduler ----------------------------------------------------------------------------


def _job(
    run: Callable[[], Awaitable[Any]], wake: Callable[[], None] | None, turn: Turn | None = None
) -> Job:
    """A job that runs in its turn (when given one), wakes the dispatcher when it queued
    something, and logs its failures."""

    async def job() -> None:
        try:
            if turn is None:
                done = await run()
            else:
                async with turn() as mine:
                    if not mine:
                        return  # another process ran it this period, or is running it
                    done = await run()
        except Exception:  # one failed run must not stop the next
            log.exception("scheduled job failed")
            return
        if wake is not None and done and done != (0, 0):
            wake()

    return job


def build_scheduler(
    db: Database,
    clock: Clock,
    tr: Translate,
    policy: SurveyPolicy,
    *,
    profile: Profile,
    form: RequestForm | None,
    wake: Callable[[], None] | None,
    staff_chat: str | None,
    periods: Mapping[str, int] | None = None,
) -> AsyncIOScheduler:
    """One scheduler for this process, its jobs registered (started by scheduler/leader.py).

    `wake` wakes the outbox dispatcher and `staff_chat` is the staff Telegram group, when
    there is one of each; `periods` overrides jobs' periods in seconds, by id.
    """
    runs = _runs(db, clock, with_digits(tr, profile.digits), policy, profile, staff_chat)
    if form is not None:
        runs.append(("drafts-expire", lambda: expire_drafts(db, clock, form, policy), 3600))
    periods = periods or {}
    # The sweep only wakes this process's own dispatcher: no turn to take.
    jobs = [("outbox-sweep", _sweep(wake), periods.get("outbox-sweep", 30))]
    for job_id, run, default in runs:
        seconds = periods.get(job_id, default)
        jobs.append((job_id, _job(run, wake, _turn(db, job_id, seconds)), seconds))
    return _scheduler(jobs, clock)


def _turn(db: Database, job_id: str, seconds: int) -> Turn | None:
    """On SQLite there is one process, and a transaction held across the job would wait
    for the job's own (one writer): no turn."""
    if db.is_sqlite:
        return None
    return functools.partial(leases.turn, db, job_id, seconds, runner())


def _runs(
    db: Database,
    clock: Clock,
    tr: Translate,
    policy: SurveyPolicy,
    profile: Profile,
    staff_chat: str | None,
) -> list[tuple[str, Callable[[], Awaitable[Any]], int]]:
    """The jobs every process runs: id, what it does, every how many seconds."""
    days = profile.review_period.days
    return [
        ("surveys-send", lambda: surveys.send_due(db, clock, tr, policy), 60),
        ("surveys-remind-expire", lambda: surveys.remind_and_expire(db, clock, tr, policy), 300),
        ("requests-still-under-review", lambda: still_under_review(db, clock, tr, policy), 3600),
        (
            "requests-review-overdue",
            lambda: review_overdue(db, clock, tr, review_days=days, staff_chat=staff_chat),
            3600,
        ),
        ("cases-unclaimed", lambda: remind_unclaimed(db, clock, tr, staff_chat=staff_chat), 900),
    ]


def _sweep(wake: Callable[[], None] | None) -> Job:
    async def sweep() -> None:
        if wake is not None:
            wake()  # a wake-up lost between processes costs at most this interval

    return sweep


def _scheduler(jobs: list[tuple[str, Job, int]], clock: Clock) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        # A job late after a pause runs once, not once per missed interval.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    for job_id, run, seconds in jobs:
        scheduler.add_job(
            run,
            "interval",
            seconds=seconds,
            id=job_id,
            name=job_id,
            replace_existing=True,
            # The first run soon after start, not a whole interval later.
            next_run_time=clock.now() + timedelta(seconds=5),
        )
    return scheduler
