"""`bot.py report` as an admin runs it: a real process over a real database in a temp dir."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.crypto import Vault
from storage.db import Database, sqlite_url
from tests.report_data import EXPECTED, seed

ROOT = Path(__file__).resolve().parents[2]
NOVEMBER = ["--since", "2026-11-01", "--until", "2026-11-30"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TAWASUL_")}
    return {**clean, "TAWASUL_DATA_DIR": str(tmp_path / "var")}


@pytest.fixture
def seeded(env: dict[str, str]) -> dict[str, str]:
    async def write() -> None:
        db = Database(sqlite_url(Path(env["TAWASUL_DATA_DIR"])))
        try:
            await db.upgrade()
            await seed(db, Vault(b"k" * 32))
        finally:
            await db.dispose()

    asyncio.run(write())
    return env


def report(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bot.py", "report", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_the_report_reads_in_arabic_with_both_calendars(seeded: dict[str, str]) -> None:
    result = report(seeded, *NOVEMBER)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "تقرير رضا المستفيدين والطلبات" in text
    # The period in Hijri and Gregorian, both ends included.
    assert "(1 نوفمبر 2026 م)" in text and "(30 نوفمبر 2026 م)" in text
    assert "جمادى الأولى 1448 هـ" in text
    assert "متوسط التقييم: 3.8 من 5 (6 تقييمات)" in text
    lines = text.splitlines()
    assert "  5 ★ " + "█" * 20 + " 3" in lines
    assert "  2 ★ " + "░" * 20 + " 0" in lines
    assert "75%: أجاب 6 من 8" in text
    assert "  قيد الدراسة: 1" in lines and "  مرفوض: 1" in lines and "  مغلق: 0" in lines
    assert "يومان و12 ساعة (4 طلبات)" in text
    assert "30 دقيقة (3 حالات)" in text
    assert "حالة واحدة لم يُردّ عليها بعد." in text


def test_json_gives_the_same_figures(seeded: dict[str, str]) -> None:
    result = report(seeded, *NOVEMBER, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["csat"]["count"] == EXPECTED["csat_count"]
    assert data["response_rate"] == {"sent": 8, "answered": 6, "rate": 0.75}
    assert data["requests_by_status"] == EXPECTED["by_status"]
    assert data["time_to_first_reply"]["median_seconds"] == 30 * 60
    assert len(data["csat_over_time"]["points"]) == 30


def test_arabic_indic_dates_mean_the_same_period(seeded: dict[str, str]) -> None:
    western = report(seeded, *NOVEMBER, "--json")
    arabic = report(seeded, "--since", "٢٠٢٦/١١/٠١", "--until", "٢٠٢٦-١١-٣٠", "--json")
    assert arabic.returncode == 0, arabic.stderr
    assert json.loads(arabic.stdout) == json.loads(western.stdout)


def test_an_empty_database_says_there_is_no_data(env: dict[str, str]) -> None:
    result = report(env)  # the default period: the last 30 days
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("لا توجد بيانات في هذه الفترة.") == 5
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["--since", "2026-13-01"], "2026-13-01"),
        (["--until", "أمس"], "أمس"),
        (["--since", "01-11-2026"], "01-11-2026"),
    ],
)
def test_a_bad_date_is_refused_in_arabic(env: dict[str, str], args: list[str], shown: str) -> None:
    result = report(env, *args)
    assert result.returncode == 2
    assert f"التاريخ «{shown}» غير صحيح" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_period_that_ends_before_it_starts_is_refused(env: dict[str, str]) -> None:
    result = report(env, "--since", "2026-12-01", "--until", "2026-11-01")
    assert result.returncode == 2
    assert "بداية الفترة (2026-12-01) يجب أن تسبق نهايتها (2026-11-01)" in result.stderr
