"""The periodic jobs (design.md, flow 6) and the one APScheduler per process that runs them.

Each job is a plain async function: it opens its own session, commits once, and takes the
clock it is given, so tests call it directly with a FixedClock instead of waiting for
APScheduler. `build_scheduler` registers them under fixed ids (`replace_existing`, memory
job store): every process runs its own scheduler, and the database, not the scheduler,
keeps two processes from doing the same work twice (row locks, unique surveys, audit
markers).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from handlers import surveys
from handlers.bidi import ltr
from handlers.clock import Clock
from handlers.dates import format_date
from handlers.digits import with_digits
from handlers.replies import Reply
from handlers.request_form import RequestForm
from handlers.staff_inbox import to_staff
from handlers.surveys import SurveyPolicy
from storage import repositories as repo
from storage.db import Database
from storage.models import AuditEvent, Conversation, HandoverCase, SupportRequest

if TYPE_CHECKING:
    from bot.wiring import Core

log = logging.getLogger(__name__)
Translate = Callable[..., str]

# Requests whose beneficiary waits for the committee: they get "still under review" news.
WAITING = ("submitted", "under_review")
# Requests the association still owes a decision on: past the review period, staff hear.
UNDECIDED = ("submitted", "under_review", "needs_info")
UNCLAIMED_AFTER = timedelta(hours=2)

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


async def _last_marks(session: AsyncSession, action: str) -> dict[str, datetime]:
    """When each subject last got this audit marker (the job's memory across restarts).

    Read after the job's rows are locked: another process that handled them has committed
    its markers by then, so the same alert or update never goes out twice.
    """
    rows = await session.execute(
        select(AuditEvent.subject, func.max(AuditEvent.at))
        .where(AuditEvent.action == action)
        .group_by(AuditEvent.subject)
    )
    return {subject: at for subject, at in rows.all()}


async def still_under_review(
    db: Database, clock: Clock, tr: Translate, policy: SurveyPolicy
) -> int:
    """A request that has waited `update_every` without news gets a "still under review"."""
    now = clock.now()
    count = 0
    async with db.transaction() as session:
        rows = await session.execute(
            select(SupportRequest)
            .where(
                SupportRequest.status.in_(WAITING),
                SupportRequest.updated_at <= now - policy.update_every,
            )
            .order_by(SupportRequest.id)
            .with_for_update(skip_locked=True)
        )
        requests = rows.scalars().all()
        marks = await _last_marks(session, "request.progress_update")
        for request in requests:
            subject = f"request:{request.reference}"
            last = max(request.updated_at, marks.get(subject, request.updated_at))
            if now - last < policy.update_every:
                continue
            conversation = await session.get(Conversation, request.conversation_id)
            if conversation is None:
                continue
            text = tr(
                "job-still-under-review",
                reference=ltr(request.reference or ""),
                status=tr(f"status-{request.status}"),
                since=format_date(request.updated_at, tr),
                date=format_date(now, tr),
            )
            surveys.deliver(
                session, conversation, Reply(text), policy=policy, now=now, kind="update"
            )
            repo.audit(
                session,
                actor="scheduler",
                action="request.progress_update",
                subject=subject,
                details={},
                now=now,
            )
            count += 1
    return count


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
    count = 0
    async with db.transaction() as session:
        rows = await session.execute(
            select(SupportRequest)
            .where(
                SupportRequest.status.in_(UNDECIDED),
                SupportRequest.submitted_at <= now - timedelta(days=review_days),
            )
            .order_by(SupportRequest.id)
            .with_for_update(skip_locked=True)
        )
        requests = rows.scalars().all()
        marks = await _last_marks(session, "request.review_overdue")
        for request in requests:
            subject = f"request:{request.reference}"
            if subject in marks:
                continue
            if staff_chat is not None:
                text = tr(
                    "job-review-overdue",
                    reference=ltr(request.reference or ""),
                    type=request.type,
                    days=review_days,
                    submitted=format_date(request.submitted_at, tr),
                    status=tr(f"status-{request.status}"),
                )
                to_staff(session, staff_chat, {"text": text, "buttons": []}, now)
            repo.audit(
                session,
                actor="scheduler",
                action="request.review_overdue",
                subject=subject,
                details={"days": review_days, "status": request.status},
                now=now,
            )
            count += 1
    return count


async def expire_drafts(db: Database, clock: Clock, form: RequestForm, policy: SurveyPolicy) -> int:
    """Tell the person, without waiting for them to come back, that their draft expired."""
    now = clock.now()
    count = 0
    async with db.transaction() as session:
        # A coarse text filter the JSON column allows on both databases; `expired` decides.
        rows = await session.execute(
            select(Conversation)
            .where(cast(Conversation.state, String).like('%"form"%'))
            .order_by(Conversation.id)
            .with_for_update(skip_locked=True)
        )
        for conversation in rows.scalars():
            state = dict(conversation.state or {})
            if not form.has_draft(state) or not form.expired(state):
                continue
            notice = form.drop_expired(state)
            conversation.state = state
            flag_modified(conversation, "state")
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
    count = 0
    async with db.transaction() as session:
        rows = await session.execute(
            select(HandoverCase)
            .where(
                HandoverCase.status == "open",
                HandoverCase.assignee_id.is_(None),
                HandoverCase.opened_at <= now - after,
            )
            .order_by(HandoverCase.id)
            .with_for_update(skip_locked=True)
        )
        cases = rows.scalars().all()
        marks = await _last_marks(session, "case.unclaimed_reminder")
        for case in cases:
            subject = f"case:{case.id}"
            if subject in marks and now - marks[subject] < after:
                continue
            if staff_chat is not None:
                text = tr(
                    "job-case-unclaimed",
                    case=case.id,
                    reason=tr(f"staff-reason-{case.reason}"),
                    hours=int((now - case.opened_at).total_seconds() // 3600),
                )
                body = {"text": text, "buttons": [], "case_id": case.id}
                to_staff(session, staff_chat, body, now)
            repo.audit(
                session,
                actor="scheduler",
                action="case.unclaimed_reminder",
                subject=subject,
                details={},
                now=now,
            )
            count += 1
    return count


# -- the scheduler ----------------------------------------------------------------------------


def _job(
    run: Callable[[], Awaitable[Any]], wake: Callable[[], None] | None
) -> Callable[[], Awaitable[None]]:
    """A job that wakes the dispatcher when it queued something, and logs its failures."""

    async def job() -> None:
        try:
            done = await run()
        except Exception:  # one failed run must not stop the next
            log.exception("scheduled job failed")
            return
        if wake is not None and done and done != (0, 0):
            wake()

    return job


def build_scheduler(core: Core) -> AsyncIOScheduler:
    """One scheduler for this process, its jobs registered (started by bot/server.py)."""
    db, clock, policy = core.db, core.engine.clock, core.surveys
    tr = with_digits(core.catalog.t, core.faq.profile.digits)
    wake = core.dispatcher.wake if core.dispatcher is not None else None
    staff_chat = core.staff.staff_chat if core.staff is not None else None
    review_days = core.faq.profile.review_period.days
    form = core.engine.dialog.form
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        # A job late after a pause runs once, not once per missed interval.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )

    async def sweep() -> None:
        if wake is not None:
            wake()  # a wake-up lost between processes costs at most this interval

    jobs: list[tuple[str, Callable[[], Awaitable[None]], int]] = [
        ("outbox-sweep", sweep, 30),
        ("surveys-send", _job(lambda: surveys.send_due(db, clock, tr, policy), wake), 60),
        (
            "surveys-remind-expire",
            _job(lambda: surveys.remind_and_expire(db, clock, tr, policy), wake),
            300,
        ),
        (
            "requests-still-under-review",
            _job(lambda: still_under_review(db, clock, tr, policy), wake),
            3600,
        ),
        (
            "requests-review-overdue",
            _job(
                lambda: review_overdue(
                    db, clock, tr, review_days=review_days, staff_chat=staff_chat
                ),
                wake,
            ),
            3600,
        ),
        (
            "cases-unclaimed",
            _job(lambda: remind_unclaimed(db, clock, tr, staff_chat=staff_chat), wake),
            900,
        ),
    ]
    if form is not None:
        jobs.append(
            ("drafts-expire", _job(lambda: expire_drafts(db, clock, form, policy), wake), 3600)
        )
    for job_id, func_, seconds in jobs:
        scheduler.add_job(
            func_,
            "interval",
            seconds=seconds,
            id=job_id,
            name=job_id,
            replace_existing=True,
            # The first run soon after start, not a whole interval later.
            next_run_time=clock.now() + timedelta(seconds=5),
        )
    return scheduler
