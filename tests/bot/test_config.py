"""Settings an operator writes by hand: TAWASUL_JOB_INTERVALS, read as the bot reads it,
and refused, in the operator's language, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("TAWASUL_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("TAWASUL_DATABASE_URL", raising=False)
    return monkeypatch


def test_job_intervals_override_the_periods_they_name(env: pytest.MonkeyPatch) -> None:
    env.setenv("TAWASUL_JOB_INTERVALS", " surveys-send=60, cases-unclaimed = 900 ,")
    env.setenv("TAWASUL_LEADER_RETRY_SECONDS", "1.5")
    settings = Settings()
    assert settings.job_intervals == {"surveys-send": 60, "cases-unclaimed": 900}
    assert settings.leader_retry_seconds == 1.5
    env.delenv("TAWASUL_JOB_INTERVALS")
    env.delenv("TAWASUL_LEADER_RETRY_SECONDS")
    assert Settings().job_intervals == {} and Settings().leader_retry_seconds == 3


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("surveys-sent=60", "there is no job «surveys-sent». The jobs: outbox-sweep, surveys-send"),
        ("surveys-send=0", "the period of surveys-send must be a whole number of seconds"),
        ("cases-unclaimed=-5", "1 or more, not «-5»"),
        ("cases-unclaimed=1.5", "not «1.5»"),
        ("surveys-send", "«surveys-send» is not job=seconds"),
        ("=60", "«=60» is not job=seconds"),
    ],
)
def test_a_wrong_job_interval_stops_the_bot_saying_what_is_wrong(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str, said: str
) -> None:
    env.setenv("TAWASUL_JOB_INTERVALS", value)
    assert main(["--locale", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("TAWASUL_JOB_INTERVALS: ") and said in err


def test_the_refusal_is_in_arabic_by_default(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("TAWASUL_JOB_INTERVALS", "surveys-send=0")
    env.delenv("TAWASUL_LOCALE", raising=False)
    assert main([]) == 1
    assert "مدة المهمة surveys-send عدد صحيح من الثواني" in capsys.readouterr().err
