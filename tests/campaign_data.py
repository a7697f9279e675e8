"""Many beneficiaries with a delivered request each, written straight into the database:
what a survey campaign (tests and bench/bench_survey_push.py, bench_whatsapp.py) starts from.

On Telegram person `i` is chat `FIRST_CHAT + i`; on WhatsApp the wa_id `wa_id(i)`, and
nobody has written within 24 hours (odd `i` never did, even `i` 30 days ago), so every
message to them goes as a template."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert

from bot.config import PROFILES_DIR
from storage.db import Database
from storage.models import Beneficiary, ChannelIdentity, Conversation, SupportRequest

FIRST_CHAT = 800_000
FIRST_WA_ID = 966_500_000_000  # Saudi mobiles: 966 5X XXX XXXX
LONG_AGO = timedelta(days=30)


def wa_id(i: int) -> str:
    return str(FIRST_WA_ID + i)


def chat_of(i: int, channel: str = "telegram") -> str:
    """Person `i`'s chat id on `channel`."""
    return wa_id(i) if channel == "whatsapp" else str(FIRST_CHAT + i)


def quiet_free_profiles(into: Path, org: str = "little-hearts") -> Path:
    """A copy of the profiles where `org` has no quiet hours: a campaign goes out at once,
    whatever the hour the suite runs at."""
    target = into / "profiles"
    shutil.copytree(PROFILES_DIR / org, target / org)
    with (target / org / "profile.yaml").open("a", encoding="utf-8") as f:
        f.write("\nquiet_hours:\n  windows: []\n")
    return target


async def seed_delivered_requests(
    db: Database, count: int, now: datetime | None = None, *, channel: str = "telegram"
) -> None:
    now = now or datetime.now(UTC)
    chunk = 2_000
    for start in range(0, count, chunk):
        ids = range(start + 1, min(start + chunk, count) + 1)
        async with db.transaction(queued=False) as session:
            await session.execute(
                insert(_t(Beneficiary)),
                [
                    {"id": i, "created_at": now, "locale": "ar", "display_name": f"م{i}"}
                    for i in ids
                ],
            )
            await session.execute(
                insert(_t(ChannelIdentity)), [_identity(i, channel, now) for i in ids]
            )
            await session.execute(
                insert(_t(Conversation)), [_conversation(i, channel, now) for i in ids]
            )
            await session.execute(insert(_t(SupportRequest)), [_request(i, now) for i in ids])


def _identity(i: int, channel: str, now: datetime) -> dict[str, Any]:
    return {
        "beneficiary_id": i,
        "channel": channel,
        "external_user_id": chat_of(i, channel),
        "reachable": True,
        "created_at": now,
    }


def _conversation(i: int, channel: str, now: datetime) -> dict[str, Any]:
    # Outside the 24-hour window on WhatsApp, both ways it can be; no window on Telegram.
    wrote = None if channel != "whatsapp" or i % 2 else now - LONG_AGO
    return {
        "id": i,
        "beneficiary_id": i,
        "channel": channel,
        "chat_id": chat_of(i, channel),
        "state": {},
        "created_at": now,
        "updated_at": now,
        "last_inbound_at": wrote,
    }


def _request(i: int, now: datetime) -> dict[str, Any]:
    return {
        "id": i,
        "reference": f"2611-{i:05d}",
        "beneficiary_id": i,
        "conversation_id": i,
        "type": "دعم",
        "status": "service_delivered",
        "full_name": f"مستفيد {i}",
        "national_id_enc": "x",
        "phone_enc": "x",
        "city": "الرياض",
        "description": "-",
        "declaration_version": "v1",
        "declared_at": now,
        "submitted_at": now,
        "updated_at": now,
        "decided_at": now,
    }


def _t(model: type) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table
