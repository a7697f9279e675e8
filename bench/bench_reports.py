"""How long the staff report takes on a year of an association's data.

Writes (in bulk, through the models) a year of rows: surveys, requests with their decision
transitions, handover cases with staff replies; then times `build_report` for a month
(CSAT day by day) and for the whole year (week by week), and both CSV exports, each run a
few times after a warm-up, on SQLite and, with --pg URL, on PostgreSQL (own schema).

    .venv/bin/python bench/bench_reports.py [--surveys 20000] [--requests 10000]
        [--cases 5000] [--pg postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.i18n import Catalog  # noqa: E402
from handlers.exports import requests_csv, survey_answers_csv  # noqa: E402
from handlers.reports import Period, build_report  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import (  # noqa: E402
    Beneficiary,
    Conversation,
    HandoverCase,
    Message,
    RequestTransition,
    Staff,
    SupportRequest,
    Survey,
)

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ["submitted", "under_review", "needs_info", "accepted", "rejected", "closed"]


async def fill(db: Database, surveys: int, requests: int, cases: int, seed: int = 7) -> None:
    rng = random.Random(seed)

    def moment() -> datetime:
        return YEAR_START + timedelta(seconds=rng.randrange(365 * 24 * 3600))

    async with db.transaction(queued=False) as session:
        person = Beneficiary(created_at=YEAR_START)
        staff = Staff(username="bench", display_name="باحث", created_at=YEAR_START)
        session.add_all([person, staff])
        await session.flush()
        chat = Conversation(
            beneficiary_id=person.id,
            channel="web",
            chat_id="bench",
            state={},
            created_at=YEAR_START,
            updated_at=YEAR_START,
        )
        session.add(chat)
        await session.flush()
        request_rows = []
        for i in range(requests):
            submitted = moment()
            status = rng.choice(STATUSES)
            decided = (
                submitted + timedelta(hours=rng.randrange(1, 30 * 24))
                if status in {"accepted", "rejected"}
                else None
            )
            request_rows.append(
                SupportRequest(
                    reference=f"B{i:07d}",
                    beneficiary_id=person.id,
                    conversation_id=chat.id,
                    type="دعم",
                    status=status,
                    full_name="اسم",
                    national_id_enc="x",
                    phone_enc="x",
                    city="جدة",
                    description="وصف",
                    declaration_version="v1",
                    declared_at=submitted,
                    submitted_at=submitted,
                    updated_at=submitted,
                    decided_at=decided,
                )
            )
        session.add_all(request_rows)
        await session.flush()
        session.add_all(
            RequestTransition(
                request_id=r.id,
                from_status="under_review",
                to_status=r.status,
                actor="bench",
                at=r.decided_at,
            )
            for r in request_rows
            if r.decided_at is not None
        )
        case_rows = [
            HandoverCase(
                beneficiary_id=person.id,
                conversation_id=chat.id,
                reason="asked",
                status="closed",
                opened_at=moment(),
            )
            for _ in range(cases)
        ]
        session.add_all(case_rows)
        await session.flush()
        for case in case_rows:
            for k in range(3):
                session.add(
                    Message(
                        conversation_id=chat.id,
                        case_id=case.id,
                        direction="out" if k else "in",
                        author="staff" if k else "beneficiary",
                        text="…",
                        data={},
                        created_at=case.opened_at + timedelta(minutes=rng.randrange(1, 600)),
                    )
                )
        for _ in range(surveys):
            sent = moment()
            answered = rng.random() < 0.6
            session.add(
                Survey(
                    beneficiary_id=person.id,
                    conversation_id=chat.id,
                    staff_id=staff.id,
                    trigger="campaign",
                    status="answered" if answered else "expired",
                    due_at=sent,
                    sent_at=sent,
                    answered_at=sent + timedelta(hours=rng.randrange(1, 48)) if answered else None,
                    rating=rng.choice([1, 2, 3, 4, 4, 5, 5, 5]) if answered else None,
                    comment="شكراً" if answered else None,
                    created_at=sent,
                )
            )


async def timed(run: Callable[[], Awaitable[Any]], repeat: int) -> dict[str, float]:
    await run()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await run()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


async def bench(db: Database, args: argparse.Namespace) -> dict[str, Any]:
    await db.upgrade()
    start = time.perf_counter()
    await fill(db, args.surveys, args.requests, args.cases)
    filled = time.perf_counter() - start
    month = Period.of_days(date(2026, 6, 1), date(2026, 6, 30))
    year = Period.of_days(date(2026, 1, 1), date(2026, 12, 31))
    tr = Catalog("ar").t

    async def csv_year() -> None:
        async with db.reading() as session:
            await requests_csv(session, year, tr)
            await survey_answers_csv(session, year, tr)

    return {
        "fill_s": round(filled, 1),
        "report_month": await timed(lambda: build_report(db, month), args.repeat),
        "report_year": await timed(lambda: build_report(db, year), args.repeat),
        "csv_year_both": await timed(csv_year, args.repeat),
    }


async def run_all(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        try:
            results["sqlite"] = await bench(db, args)
        finally:
            await db.dispose()
    if args.pg:
        db = Database(args.pg, schema=f"bench_{uuid.uuid4().hex[:10]}")
        await db.create_schema()
        try:
            results["postgresql"] = await bench(db, args)
        finally:
            await db.drop_schema()
            await db.dispose()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="report and CSV export timings")
    parser.add_argument("--surveys", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg", help="a PostgreSQL URL (a schema of its own is used)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = asyncio.run(run_all(args))
    if args.json:
        print(json.dumps(results))
    else:
        for backend, figures in results.items():
            print(backend, json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
