"""The case lifecycle's rules (handlers/cases.py), without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers import cases
from handlers.errors import Refusal
from storage.models import CaseStatus, HandoverCase

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def a_case(status: str) -> HandoverCase:
    return HandoverCase(id=7, beneficiary_id=1, conversation_id=1, reason="asked", status=status)


def test_staff_may_act_on_an_open_or_claimed_case() -> None:
    for status in (CaseStatus.OPEN, "claimed"):
        case = a_case(status)
        assert cases.check_open(case, 7) is case


def test_a_missing_case_is_not_found_and_a_closed_one_a_conflict() -> None:
    with pytest.raises(Refusal) as missing:
        cases.check_open(None, 7)
    assert (missing.value.message_id, missing.value.http_status) == ("staffweb-error-no-case", 404)
    with pytest.raises(cases.CaseClosed) as closed:
        cases.check_open(a_case("closed"), 7)
    assert closed.value.http_status == 409
    assert closed.value.arguments == {"case": 7}


def test_claiming_makes_the_case_theirs() -> None:
    case = a_case(CaseStatus.OPEN)
    cases.claim(case, 3, NOW)
    assert (case.assignee_id, case.status, case.claimed_at) == (3, "claimed", NOW)


def test_an_unclaimed_case_is_recalled_every_interval() -> None:
    every = timedelta(hours=2)
    assert cases.unclaimed_reminder_due(None, NOW, every)
    assert not cases.unclaimed_reminder_due(NOW - timedelta(hours=1), NOW, every)
    assert cases.unclaimed_reminder_due(NOW - every, NOW, every)
