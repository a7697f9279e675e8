"""The report figures on real SQLite and PostgreSQL, over rows written through the models."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from handlers import reports
from handlers.reports import Period, build_report
from storage.crypto import Vault
from storage.db import Database
from tests.report_data import EMPTY, EXPECTED, NOVEMBER, seed

VAULT = Vault(b"k" * 32)


async def test_the_november_figures_match_what_was_worked_out_by_hand(database: Database) -> None:
    await seed(database, VAULT)
    report = await build_report(database, NOVEMBER)

    assert report.csat.distribution == EXPECTED["csat_distribution"]
    assert report.csat.count == EXPECTED["csat_count"]
    assert report.csat.average == pytest.approx(EXPECTED["csat_average"])
    assert report.csat.satisfied_share == pytest.approx(4 / 6)
    assert (report.response.sent, report.response.answered) == (
        EXPECTED["sent"],
        EXPECTED["answered"],
    )
    assert report.response.rate == pytest.approx(0.75)
    assert report.requests_by_status == EXPECTED["by_status"]
    assert list(report.requests_by_status)[:3] == ["submitted", "under_review", "needs_info"]
    assert report.time_to_decision.count == EXPECTED["decision_count"]
    assert report.time_to_decision.median == EXPECTED["decision_median"]
    assert report.time_to_first_reply.count == EXPECTED["reply_count"]
    assert report.time_to_first_reply.median == EXPECTED["reply_median"]
    assert report.time_to_first_reply.waiting == EXPECTED["reply_waiting"]


async def test_csat_over_time_is_bucketed_by_riyadh_days_with_the_gaps(
    database: Database,
) -> None:
    await seed(database, VAULT)
    report = await build_report(database, NOVEMBER)
    assert report.bucket == "day"
    days = report.csat_over_time
    assert len(days) == 30 and days[0].start == date(2026, 11, 1)
    assert days[-1].start == date(2026, 11, 30)
    answered = {b.start.day: (b.count, b.average) for b in days if b.count}
    # The answer at 21:30 UTC on the 8th is on the 9th in Riyadh.
    assert answered == {
        2: (1, 1.0),
        4: (1, 5.0),
        6: (1, 5.0),
        9: (1, 4.0),
        15: (1, 3.0),
        20: (1, 5.0),
    }
    assert all(b.average is None for b in days if not b.count)


async def test_csat_over_time_by_week_starts_weeks_on_sunday(database: Database) -> None:
    await seed(database, VAULT)
    async with database.reading() as session:
        weeks = await reports.csat_over_time(session, NOVEMBER, "week")
    assert [w.start for w in weeks] == [date(2026, 11, d) for d in (1, 8, 15, 22, 29)]
    assert [w.count for w in weeks] == [3, 1, 2, 0, 0]
    assert weeks[0].average == pytest.approx(11 / 3)
    assert weeks[2].average == 4.0 and weeks[3].average is None


async def test_a_long_period_is_shown_week_by_week() -> None:
    year = Period.of_days(date(2026, 1, 1), date(2026, 12, 31))
    assert year.default_bucket() == "week"
    assert NOVEMBER.default_bucket() == "day"


async def test_an_empty_period_has_no_data_and_divides_by_nothing(database: Database) -> None:
    await seed(database, VAULT)
    report = await build_report(database, EMPTY)
    assert report.csat.count == 0 and report.csat.average is None
    assert report.csat.satisfied_share is None
    assert report.csat.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert report.response.sent == 0 and report.response.rate is None
    assert set(report.requests_by_status.values()) == {0}
    assert report.time_to_decision.median is None and report.time_to_decision.count == 0
    assert report.time_to_first_reply.median is None
    assert report.csat_over_time and all(b.count == 0 for b in report.csat_over_time)
    data = report.to_dict()
    assert data["csat"]["average"] is None and data["response_rate"]["rate"] is None


async def test_an_empty_database_reports_no_data(database: Database) -> None:
    report = await build_report(database, NOVEMBER)
    assert report.csat.average is None and report.response.rate is None
    assert report.time_to_decision.median is None


async def test_to_dict_is_plain_json(database: Database) -> None:
    await seed(database, VAULT)
    data = (await build_report(database, NOVEMBER)).to_dict()
    assert data["csat"]["distribution"] == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 3}
    assert data["csat"]["average"] == 3.83
    assert data["time_to_decision"]["median_seconds"] == 60 * 60 * 60
    assert data["time_to_first_reply"] == {"count": 3, "median_seconds": 1800, "waiting": 1}
    assert data["since"] == "2026-10-31T21:00:00+00:00"
    assert data["csat_over_time"]["points"][1] == {
        "start": "2026-11-02",
        "count": 1,
        "average": 1.0,
    }


def test_a_period_refuses_naive_or_backwards_times() -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        Period(now.replace(tzinfo=None), now)
    with pytest.raises(ValueError):
        Period(now, now - timedelta(days=1))


@pytest.mark.parametrize(
    "text", ["2026-11-01", "2026/11/1", "٢٠٢٦/١١/٠١", "۲۰۲۶-۱۱-۰۱", " 2026.11.01 "]
)
def test_a_day_is_read_in_any_digits(text: str) -> None:
    assert reports.parse_day(text) == date(2026, 11, 1)


@pytest.mark.parametrize(
    "text",
    ["", "2026-02-30", "01-11-2026", "أمس", "2026-11", "20261101", "0001-01-01", "1448-05-01"],
)
def test_a_bad_day_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        reports.parse_day(text)


def test_the_default_period_is_the_last_thirty_days_up_to_today() -> None:
    period = reports.period_between(None, None, date(2026, 11, 30))
    assert period == NOVEMBER
    assert period.last_day() == date(2026, 11, 30)
    with pytest.raises(ValueError):
        reports.period_between(date(2026, 12, 1), date(2026, 11, 1), date(2026, 12, 5))
