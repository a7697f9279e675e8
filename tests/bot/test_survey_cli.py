"""`bot.py survey push`: what staff see when they run a campaign from the command line."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update

from storage.db import Database, sqlite_url
from storage.models import OutboxMessage
from tests.campaign_data import quiet_free_profiles, seed_delivered_requests

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAWASUL_", "TELEGRAM_"))}
    env.update(
        TAWASUL_ORG="little-hearts",
        TAWASUL_DATA_DIR=str(tmp_path / "data"),
        TAWASUL_PROFILES_DIR=str(quiet_free_profiles(tmp_path)),
    )
    return env


def _push(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bot.py", "survey", "push", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_status_or_date_is_refused_in_arabic_and_queues_nothing(tmp_path: Path) -> None:
    env = _env(tmp_path)
    bad = _push(env, "--status", "delivered", "--since", "2026-11-01")
    assert bad.returncode == 2
    assert "حالة غير معروفة" in bad.stderr and "service_delivered" in bad.stderr
    bad = _push(env, "--status", "service_delivered", "--since", "١٤٤٨/٠٥/٠١")
    assert bad.returncode == 2
    assert "تاريخ غير مفهوم" in bad.stderr


async def test_the_push_follows_the_bot_sending_and_says_when_nothing_moves(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path)
    db = Database(sqlite_url(tmp_path / "data"))
    await db.upgrade()
    await seed_delivered_requests(db, 3, datetime.now(UTC))
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "bot.py",
        "survey",
        "push",
        "--status",
        "service_delivered",
        "--since",
        today,
        "--stall-after",
        "1",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None and proc.stdout is not None
    # No bot is running: the command says so, and keeps the messages.
    stderr = b""
    async with asyncio.timeout(60):
        while "هل البوت".encode() not in stderr:
            stderr += await proc.stderr.read(200)
    # The bot comes up and sends them: the command reports and ends.
    async with db.transaction(queued=False) as session:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.kind == "campaign").values(state="sent")
        )
    out, rest = await asyncio.wait_for(proc.communicate(), 60)
    await db.dispose()
    assert proc.returncode == 0
    text = out.decode()
    assert "المضافة إلى قائمة الإرسال: 3" in text
    assert "الرسائل الواصلة: 3، والمتعذّرة: 0" in text
    assert "3/3" in (stderr + rest).decode()
    # Run again: nobody is surveyed twice.
    again = _push(env, "--status", "service_delivered", "--since", today)
    assert again.returncode == 0 and "لم يُضف شيء" in again.stdout
