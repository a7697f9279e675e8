"""The "FAQ editor" role outside the web pages: `bot.py staff add --role faq_editor` (and
`staff list` naming the role), and the Telegram staff group, where an FAQ editor's presses
do nothing (they work on the FAQ, never on a case)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from bot.cli import _parser
from faq.service import FaqService
from handlers.clock import SystemClock
from handlers.staff_auth import ROLES
from handlers.staff_inbox import StaffInbox, add_staff
from handlers.types import Incoming
from storage.db import Database
from storage.models import HandoverCase
from tests.bot.staff_stack import PASSWORD, build_engine, tr
from tests.processes import run_cli

STAFF_CHAT = "-1001234567890"


def test_staff_add_takes_every_role_and_staff_list_names_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAWASUL_")}
    env["TAWASUL_DATA_DIR"] = str(tmp_path / "var")
    added = run_cli(
        ["staff", "add", "huda", "--name", "هدى", "--role", "faq_editor", "--password-stdin"],
        env,
        PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    listed = run_cli(["staff", "list"], env)
    assert "huda" in listed.stdout and tr("staffweb-role-faq_editor") in listed.stdout
    wrong = run_cli(["staff", "add", "x", "--name", "س", "--role", "editor"], env)
    assert wrong.returncode != 0 and "faq_editor" in wrong.stderr


def test_the_command_takes_each_of_the_cores_roles() -> None:
    for role in ROLES:
        args = _parser().parse_args(["staff", "add", "x", "--name", "س", "--role", role])
        assert args.role == role


async def _press(inbox: StaffInbox, update: int, user: int, data: str) -> None:
    await inbox.handle(
        update_id=update, user_id=user, text="", thread_id=None, reply_to=None, callback=data
    )


async def _link(inbox: StaffInbox, update: int, user: int, code: str) -> None:
    await inbox.handle(
        update_id=update,
        user_id=user,
        text=f"/link {code}",
        thread_id=None,
        reply_to=None,
        callback=None,
    )


async def test_an_faq_editor_in_the_staff_group_cannot_claim_a_case(
    database: Database, faq_service: FaqService
) -> None:
    clock = SystemClock()
    engine = build_engine(database, faq_service, clock)
    await engine.handle(Incoming("web", "v1", "v1", text="ابي اكلم موظف"))
    inbox = StaffInbox(database, clock, tr.t, STAFF_CHAT)
    editor = await add_staff(database, clock, username="huda", name="هدى", role="faq_editor")
    researcher = await add_staff(database, clock, username="sara", name="سارة", role="researcher")
    await _link(inbox, 1, 9001, editor)
    await _link(inbox, 2, 9002, researcher)
    async with database.reading() as s:
        case_id = (await s.execute(select(HandoverCase.id))).scalar_one()

    await _press(inbox, 3, 9001, f"case:claim:{case_id}")
    async with database.reading() as s:
        assert (await s.get(HandoverCase, case_id)).assignee_id is None  # type: ignore[union-attr]
    await _press(inbox, 4, 9002, f"case:claim:{case_id}")
    async with database.reading() as s:
        assert (await s.get(HandoverCase, case_id)).assignee_id is not None  # type: ignore[union-attr]
