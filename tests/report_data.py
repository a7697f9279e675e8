"""Rows for the report tests, written through the models: a month of surveys, requests, cases.

The period is November 2026 in Riyadh. What each figure must be is worked out by hand in
`EXPECTED` so the tests compare against numbers a person can check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from handlers.dates import RIYADH
from handlers.reports import Period
from storage.crypto import Vault
from storage.db import Database
from storage.models import (
    Beneficiary,
    Conversation,
    HandoverCase,
    Message,
    RequestTransition,
    Staff,
    SupportRequest,
    Survey,
)

NOVEMBER = Period.of_days(date(2026, 11, 1), date(2026, 11, 30))
EMPTY = Period.of_days(date(2025, 1, 1), date(2025, 1, 31))
NATIONAL_ID = "1012345678"
PHONE = "+966501234567"
INJECTION = '=HYPERLINK("http://evil.example","اضغط")'


def riyadh(day: int, hour: int = 10, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=RIYADH).astimezone(UTC)


@dataclass(frozen=True)
class Seeded:
    references: list[str]
    case_ids: list[int]
    staff_name: str


async def seed(db: Database, vault: Vault) -> Seeded:
    async with db.transaction(queued=False) as session:
        person = Beneficiary(created_at=riyadh(1, month=10), display_name="نورة")
        session.add(person)
        await session.flush()
        chat = Conversation(
            beneficiary_id=person.id,
            channel="web",
            chat_id="visitor-1",
            state={},
            created_at=riyadh(1, month=10),
            updated_at=riyadh(1, month=10),
        )
        staff = Staff(
            username="huda", display_name="هدى الباحثة", role="researcher", created_at=riyadh(1)
        )
        session.add_all([chat, staff])
        await session.flush()

        def request(ref: str, submitted: datetime, status: str, **kw: Any) -> SupportRequest:
            row = SupportRequest(
                reference=ref,
                beneficiary_id=person.id,
                conversation_id=chat.id,
                type=kw.pop("type", "دعم علاج"),
                status=status,
                full_name="نورة سعد الشهري",
                national_id_enc=vault.encrypt(NATIONAL_ID),
                phone_enc=vault.encrypt(PHONE),
                city=kw.pop("city", "جدة"),
                description="تحتاج الوالدة مساعدة في العلاج",
                declaration_version="v1",
                declared_at=submitted,
                submitted_at=submitted,
                updated_at=submitted,
                **kw,
            )
            session.add(row)
            return row

        # Decided in November: 2 days (decided_at), 6 hours (only a transition), 21 days
        # (filed in October). Median: 2 days.
        r1 = request("2611-00001", riyadh(2), "accepted", decided_at=riyadh(4))
        r2 = request("2611-00002", riyadh(3), "rejected", city="-cmd|calc")
        r3 = request("2611-00003", riyadh(5), "under_review")
        r4 = request("2610-00004", riyadh(20, month=10), "accepted", decided_at=riyadh(10))
        # Decided before decided_at was kept: the decision is read from the transitions.
        r5 = request("2611-00005", riyadh(6), "service_delivered")
        await session.flush()
        session.add_all(
            [
                RequestTransition(
                    request_id=r2.id,
                    from_status="submitted",
                    to_status="rejected",
                    actor="staff:huda",
                    at=riyadh(3, 16),
                ),
                RequestTransition(
                    request_id=r5.id,
                    from_status="submitted",
                    to_status="accepted",
                    actor="staff:huda",
                    at=riyadh(9),
                ),
                RequestTransition(
                    request_id=r5.id,
                    from_status="accepted",
                    to_status="service_delivered",
                    actor="staff:huda",
                    at=riyadh(12),
                ),
            ]
        )
        # r2: 6 h; r5: 3 days → decisions 2 d, 6 h, 21 d, 3 d → median 2.5 days.

        # Handover cases: first staff replies after 30 min, 2 h, none, 10 min → median 30 min.
        cases = []
        for day in (6, 7, 8, 9):
            case = HandoverCase(
                beneficiary_id=person.id,
                conversation_id=chat.id,
                reason="asked",
                status="open",
                assignee_id=staff.id,
                opened_at=riyadh(day, 9),
            )
            session.add(case)
            cases.append(case)
        outside = HandoverCase(
            beneficiary_id=person.id,
            conversation_id=chat.id,
            reason="asked",
            status="closed",
            opened_at=riyadh(30, 9, month=10),
        )
        session.add(outside)
        await session.flush()

        def message(case: HandoverCase | None, author: str, at: datetime) -> None:
            session.add(
                Message(
                    conversation_id=chat.id,
                    case_id=None if case is None else case.id,
                    direction="in" if author == "beneficiary" else "out",
                    author=author,
                    text="…",
                    data={},
                    created_at=at,
                )
            )

        c1, c2, c3, c4 = cases
        message(c1, "beneficiary", riyadh(6, 9, 5))
        message(c1, "bot", riyadh(6, 9, 1))
        message(c1, "staff", riyadh(6, 9, 30))
        message(c2, "staff", riyadh(7, 12))
        message(c2, "staff", riyadh(7, 11))
        message(c3, "beneficiary", riyadh(8, 9, 10))
        message(None, "staff", riyadh(8, 9, 20))  # a status message, on no case
        message(c4, "staff", riyadh(9, 9, 10))
        message(outside, "staff", riyadh(1, 9))

        def survey(trigger: str, status: str, **kw: Any) -> None:
            session.add(
                Survey(
                    beneficiary_id=person.id,
                    conversation_id=chat.id,
                    trigger=trigger,
                    status=status,
                    due_at=kw.get("sent_at") or riyadh(28),
                    created_at=riyadh(1),
                    **kw,
                )
            )

        # Sent in November: 8, answered 6 of them (one answered in December counts for the
        # response rate, not for November's CSAT). Answered in November: 5, 5, 4, 3, 1 plus
        # one sent in October: 6 answers, average 23/6.
        survey(
            "service_delivered",
            "answered",
            request_id=r1.id,
            staff_id=staff.id,
            sent_at=riyadh(4, 12),
            answered_at=riyadh(4, 13),
            rating=5,
            comment="شكراً لكم، خدمة ممتازة",
        )
        survey(
            "case_closed",
            "answered",
            case_id=c1.id,
            staff_id=staff.id,
            sent_at=riyadh(6, 12),
            answered_at=riyadh(6, 23, 30),  # 20:30 UTC: the 6th in Riyadh as well
            rating=5,
        )
        survey(
            "case_closed",
            "answered",
            case_id=c2.id,
            sent_at=riyadh(8, 12),
            answered_at=riyadh(9, 0, 30),  # 21:30 UTC on the 8th: the 9th in Riyadh
            rating=4,
        )
        survey(
            "service_delivered",
            "answered",
            request_id=r5.id,
            sent_at=riyadh(12, 12),
            answered_at=riyadh(15, 8),
            rating=3,
            comment=INJECTION,
        )
        survey(
            "campaign",
            "answered",
            sent_at=riyadh(28, 9, month=10),
            answered_at=riyadh(2, 9),
            rating=1,
            comment="+966 اتصلوا بي",
        )
        survey(
            "case_closed",
            "answered",
            case_id=c3.id,
            sent_at=riyadh(20),
            answered_at=riyadh(20, 11),
            rating=5,
        )
        survey("case_closed", "sent", case_id=c4.id, sent_at=riyadh(25))
        survey("service_delivered", "expired", request_id=r3.id, sent_at=riyadh(10))
        survey(
            "service_delivered",
            "answered",
            request_id=r2.id,
            sent_at=riyadh(29),
            answered_at=riyadh(2, month=12),
            rating=2,
        )
        survey("service_delivered", "scheduled", request_id=r4.id)
        survey(
            "campaign",
            "answered",
            sent_at=riyadh(28, month=10),
            answered_at=riyadh(29, month=10),
            rating=2,
        )
        refs = [r.reference or "" for r in (r1, r2, r3, r4, r5)]
        case_ids = [c.id for c in cases]
    return Seeded(refs, case_ids, "هدى الباحثة")


EXPECTED = {
    "csat_distribution": {1: 1, 2: 0, 3: 1, 4: 1, 5: 3},
    "csat_count": 6,
    "csat_average": 23 / 6,
    "sent": 8,
    "answered": 6,
    "by_status": {
        "submitted": 0,
        "under_review": 1,
        "needs_info": 0,
        "accepted": 1,
        "rejected": 1,
        "service_delivered": 1,
        "closed": 0,
    },
    "decision_count": 4,
    "decision_median": timedelta(days=2, hours=12),
    "reply_count": 3,
    "reply_median": timedelta(minutes=30),
    "reply_waiting": 1,
}
