"""The Telegram staff group's side (handlers/staff_inbox.py): accounts, and how a case names
its beneficiary to staff without giving away how to reach them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import Catalog
from handlers.clock import FixedClock
from handlers.staff_inbox import StaffExists, add_staff, beneficiary_label, first_name, mask_chat
from storage.db import Database

ar = Catalog("ar")


@pytest.mark.parametrize(
    ("chat_id", "shown"),
    [("123456789", "12•••••89"), ("-1001234", "-1••••34"), ("98765", "••••5"), ("7", "7")],
)
def test_a_chat_id_is_masked_enough_to_tell_apart_not_to_contact(chat_id: str, shown: str) -> None:
    assert mask_chat(chat_id) == shown


@pytest.mark.parametrize(
    ("full", "first"),
    [
        ("محمد عبدالله الغامدي", "محمد"),
        ("عبد الله الشهري", "عبد الله"),
        ("ابو بكر", "ابو بكر"),
        ("  ", ""),
    ],
)
def test_staff_greet_someone_by_their_first_name(full: str, first: str) -> None:
    assert first_name(full) == first


def test_a_case_names_the_channel_and_a_first_name_never_a_chat_id() -> None:
    assert beneficiary_label(ar.t, "web", 12, None, None) == "زائر الموقع 12"
    named = beneficiary_label(ar.t, "web", 12, "امل محمد القحطاني", "visitor-cookie-abc")
    assert named == "امل · زائر الموقع 12"
    from_channel = beneficiary_label(ar.t, "telegram", 3, None, "  Sara   K ")
    assert from_channel.startswith("Sara K")
    assert "visitor-cookie" not in named


async def test_a_username_is_taken_once(database: Database) -> None:
    clock = FixedClock(datetime(2026, 11, 22, 7, 0, tzinfo=UTC))
    code = await add_staff(database, clock, username="sara", name="سارة", role="researcher")
    assert len(code) == 8 and all(c in "0123456789ABCDEF" for c in code)
    with pytest.raises(StaffExists):
        await add_staff(database, clock, username="sara", name="سارة أخرى", role="admin")
