"""The data dir is 0700 and every file in it 0600, also what SQLite creates while running
(issue 12, finding 7)."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx

from tests.processes import BotProcess, clean_env, free_port
from tests.waiting import until


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


async def test_a_running_bot_keeps_its_database_wal_and_keys_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    # What an install from before this rule left behind: world-readable.
    (data_dir / "old-export.csv").write_text("x")
    (data_dir / "old-export.csv").chmod(0o644)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = BotProcess(clean_env(TAWASUL_DATA_DIR=str(data_dir), TAWASUL_HTTP_PORT=str(port)))
    bot.start()
    try:
        await until(lambda: _healthy(base), timeout=120)
        # A visit writes: the WAL and its index exist while the bot runs.
        with httpx.Client(base_url=base, timeout=10) as client:
            page = client.get("/")
            cookie = page.cookies["tawasul_visitor"]
            client.post(
                "/api/chat", json={"text": "مرحبا"}, headers={"Cookie": f"tawasul_visitor={cookie}"}
            )
        names = {p.name for p in data_dir.iterdir()}
        assert {"tawasul.db", "tawasul.db-wal", "tawasul.db-shm"} <= names
        assert _mode(data_dir) == 0o700
        assert {p.name: _mode(p) for p in data_dir.iterdir()} == dict.fromkeys(names, 0o600)
    finally:
        bot.stop()
