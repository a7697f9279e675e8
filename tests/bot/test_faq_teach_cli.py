"""`bot.py faq unanswered | teach | add-entry | reject | export` as staff run them: real
processes on one data dir, each edit answered accordingly by the next `faq match` and the
next chat, bad input refused in Arabic with nothing changed."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import PROFILES_DIR
from storage import faq_learning as store
from storage.db import Database, sqlite_url
from tests.processes import run_cli

ORG = "little-hearts"
RESTROOMS = "وين الحمام عندكم"  # clarify: the address? the services?
RESTROOM_ANSWER = "دورات المياه في الدور الأرضي بجانب الاستقبال."
TOILETS = "وين دورات المياه"  # clarify as well
GROUP_KEYS = {"group", "count", "examples", "candidates"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var"
    monkeypatch.setenv("TAWASUL_DATA_DIR", str(path))
    monkeypatch.setenv("TAWASUL_ORG", ORG)
    monkeypatch.delenv("TAWASUL_DATABASE_URL", raising=False)
    monkeypatch.delenv("TAWASUL_PROFILES_DIR", raising=False)
    return path


def run(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), {**os.environ, **env}, stdin)


def match(*questions: str, **env: str) -> list[dict[str, Any]]:
    result = run("faq", "match", "--org", ORG, stdin="".join(q + "\n" for q in questions), **env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def chat(user: str, *lines: str) -> list[list[dict[str, Any]]]:
    result = run("chat", "--json", "--user", user, stdin="".join(t + "\n" for t in lines))
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["replies"] for line in result.stdout.splitlines()]


def version(data_dir: Path) -> int:
    async def read() -> int:
        db = Database(sqlite_url(data_dir))
        try:
            async with db.reading() as session:
                return await store.version(session, ORG)
        finally:
            await db.dispose()

    return asyncio.run(read()) if (data_dir / "tawasul.db").exists() else 0


def test_a_question_taught_is_answered_by_the_next_faq_match() -> None:
    [before] = match(RESTROOMS)
    assert before["decision"] == "clarify"
    taught = run("faq", "teach", RESTROOMS, "location")
    assert taught.returncode == 0, taught.stderr
    assert "«location»" in taught.stdout
    [after] = match(RESTROOMS)
    assert (after["decision"], after["intent"]) == ("answer", "location")


def test_an_entry_added_answers_and_a_question_rejected_is_handed_over() -> None:
    added = run(
        "faq", "add-entry", "restrooms", "--answer", RESTROOM_ANSWER,
        "--question", RESTROOMS, "--question", "وين الحمامات",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    rejected = run("faq", "reject", "وين اقرب مطعم")
    assert rejected.returncode == 0, rejected.stderr
    restrooms, toilets, restaurant = match("وين الحمام لو سمحت", TOILETS, "وين اقرب مطعم")
    assert (restrooms["intent"], restrooms["answer"]) == ("restrooms", RESTROOM_ANSWER)
    assert toilets["decision"] in ("answer", "clarify")
    assert restaurant["decision"] == "handover"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("teach", RESTROOMS, "no_such_entry"), "no_such_entry"),
        (("teach", "   ", "location"), "السؤال فارغ"),
        (("teach", "1000000008", "location"), "رقم هوية"),
        (("teach", "٠٥٥١٢٣٤٥٦٧", "location"), "رقم هوية أو جوال"),
        (("add-entry", "Restrooms!", "--answer", "x", "--question", "y"), "غير صالح"),
        (("add-entry", "location", "--answer", "x", "--question", "y"), "موجود من قبل"),
        (("add-entry", "restrooms", "--answer", " ", "--question", "y"), "الإجابة فارغة"),
        (("add-entry", "restrooms", "--answer", "x"), "سؤالاً واحداً على الأقل"),
        (("reject", ""), "السؤال فارغ"),
    ],
)
def test_bad_input_is_refused_in_arabic_and_changes_nothing(
    data_dir: Path, args: tuple[str, ...], says: str
) -> None:
    result = run("faq", *args)
    assert result.returncode == 1
    assert says in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert version(data_dir) == 0


def test_what_people_asked_is_listed_in_groups_until_taught(data_dir: Path) -> None:
    chat("amina", RESTROOMS, "2")  # and presses the second topic offered
    chat("omar", "وين الحمام")
    chat("sara", "عندكم مواقف سيارات")
    listed = run("faq", "unanswered", "--json")
    assert listed.returncode == 0, listed.stderr
    groups = [json.loads(line) for line in listed.stdout.splitlines()]
    assert all(set(g) == GROUP_KEYS for g in groups)
    biggest = groups[0]
    assert biggest["count"] == 2 and set(biggest["examples"]) == {RESTROOMS, "وين الحمام"}
    assert "location" in biggest["candidates"]
    human = run("faq", "unanswered")
    assert RESTROOMS in human.stdout and "سؤالان" in human.stdout
    assert run("faq", "teach", RESTROOMS, "location").returncode == 0
    after = [json.loads(line) for line in run("faq", "unanswered", "--json").stdout.splitlines()]
    assert RESTROOMS not in [e for g in after for e in g["examples"]]


def test_someone_asks_staff_teach_the_next_person_is_answered() -> None:
    [first] = chat("amina", RESTROOMS)
    assert "هل تقصد" in first[0]["text"]
    assert (
        run(
            "faq", "add-entry", "restrooms", "--answer", RESTROOM_ANSWER, "--question", RESTROOMS
        ).returncode
        == 0
    )
    [second] = chat("omar", RESTROOMS)
    assert RESTROOM_ANSWER in second[0]["text"]


def test_export_writes_the_edits_into_the_profile_files(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR / ORG, profiles / ORG)
    env = {"TAWASUL_PROFILES_DIR": str(profiles)}
    added = run(
        "faq", "add-entry", "restrooms", "--answer", RESTROOM_ANSWER, "--question", RESTROOMS,
        **env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert run("faq", "teach", "وين مكانكم بالضبط", "location", **env).returncode == 0
    assert run("faq", "reject", "وين اقرب مطعم", **env).returncode == 0
    exported = run("faq", "export", "--org", ORG, **env)
    assert exported.returncode == 0, exported.stderr
    written = yaml.safe_load((profiles / ORG / "faq.yaml").read_text(encoding="utf-8"))
    entries = {e["id"]: e for e in written["entries"]}
    assert entries["restrooms"]["answer"] == RESTROOM_ANSWER
    assert "وين مكانكم بالضبط" in entries["location"]["questions"]
    assert written["out_of_scope"] == ["وين اقرب مطعم"]
    # The files alone (another data dir, no database) answer as the edits did.
    fresh = {**env, "TAWASUL_DATA_DIR": str(tmp_path / "fresh")}
    restrooms, restaurant = match(RESTROOMS, "وين اقرب مطعم", **fresh)
    assert restrooms["intent"] == "restrooms" and restaurant["decision"] == "handover"
    # Exported twice, or with the edits still in the database: the same FAQ.
    assert run("faq", "export", "--org", ORG, **env).returncode == 0
    again = yaml.safe_load((profiles / ORG / "faq.yaml").read_text(encoding="utf-8"))
    assert again == written
