"""The request lifecycle's rules (handlers/requests.py), without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handlers import requests
from storage.models import RequestStatus, SupportRequest

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_the_statuses_are_the_stored_strings() -> None:
    assert requests.STATUSES == (
        "submitted",
        "under_review",
        "needs_info",
        "accepted",
        "rejected",
        "service_delivered",
        "closed",
    )
    assert f"status-{RequestStatus.NEEDS_INFO}" == "status-needs_info"
    # A status read from the database is a plain string; the table answers it as well.
    assert "service_delivered" in requests.TRANSITIONS["accepted"]


def test_every_status_but_the_first_is_told_to_the_beneficiary() -> None:
    assert "submitted" not in requests.BENEFICIARY_FACING
    assert len(requests.BENEFICIARY_FACING) == len(requests.STATUSES) - 1
    assert not requests.TRANSITIONS[RequestStatus.CLOSED]


def test_a_waiting_request_hears_again_a_period_after_its_last_news() -> None:
    every = timedelta(days=7)
    request = SupportRequest(updated_at=NOW - timedelta(days=8))
    assert requests.progress_update_due(request, None, NOW, every)
    assert not requests.progress_update_due(request, NOW - timedelta(days=1), NOW, every)
    assert requests.progress_update_due(request, NOW - every, NOW, every)


def test_the_review_period_counts_back_from_now() -> None:
    assert requests.review_overdue_since(NOW, 14) == NOW - timedelta(days=14)
