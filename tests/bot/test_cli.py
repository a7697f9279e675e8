"""The command-line contracts (docs/operations.md), run as a user runs them: real processes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.processes import run_cli

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "tests" / "faq" / "guides"
MATCH_KEYS = {"query", "decision", "intent", "score", "answer", "candidates"}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every command of a test shares one fresh data dir, never the developer's var/."""
    path = tmp_path / "var"
    monkeypatch.setenv("TAWASUL_DATA_DIR", str(path))
    monkeypatch.delenv("TAWASUL_DATABASE_URL", raising=False)
    monkeypatch.delenv("TAWASUL_ORG", raising=False)
    return path


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), {**os.environ, **(env or {})}, stdin)


def test_faq_match_prints_one_json_object_per_question() -> None:
    questions = [
        "ابغى اعرف وش صار بمعاملتي اللي قدمتها",
        "متى مباراة النصر الجاية",
        "",
        "٥٥٥٥٥٥٥٥",
        "😀😀😀",
        "ب" * 10_000,
        "hello كيف الحال",
    ]
    result = run("faq", "match", "--org", "little-hearts", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(questions)
    records = [json.loads(line) for line in lines]
    for query, record in zip(questions, records, strict=True):
        assert set(record) == MATCH_KEYS
        assert record["query"] == query
        assert record["decision"] in {"answer", "clarify", "handover"}
        assert 0.0 <= record["score"] <= 1.0
        assert len(record["candidates"]) <= 3
        assert all(set(c) == {"intent", "score"} for c in record["candidates"])
        if record["decision"] == "answer":
            assert record["intent"] and record["answer"]
        else:
            assert record["answer"] is None
    status, football, empty, digits, emoji, huge, _ = records
    assert status["decision"] == "answer" and status["intent"] == "request_status"
    for junk in (football, empty, digits, emoji, huge):
        assert junk["decision"] != "answer", junk["query"][:20]


def test_faq_match_for_an_unknown_org_fails_clearly() -> None:
    result = run("faq", "match", "--org", "no-such-org", stdin="مرحبا\n")
    assert result.returncode == 1
    assert "no-such-org" in result.stderr
    assert "qader" in result.stderr  # the message lists the associations that exist
    assert "Traceback" not in result.stderr


def test_the_association_comes_from_the_environment_by_default() -> None:
    result = run("faq", "match", stdin="كم مدة دراسة طلبي عندكم\n", env={"TAWASUL_ORG": "qader"})
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["intent"] == "review_period"
    assert "شهر" in record["answer"]


def test_faq_eval_prints_the_metrics(tmp_path: Path) -> None:
    queries = tmp_path / "q.tsv"
    queries.write_text(
        "text\tintent\nكيف اتبرع لكم\tdonate\nوش اخبار الطقس بكره\tnone\n", encoding="utf-8"
    )
    result = run("faq", "eval", "--org", "takatuf", "--queries", str(queries))
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert set(metrics) == {
        "n",
        "top1",
        "top3",
        "answered",
        "answered_accuracy",
        "wrong_answer_rate",
        "none_correct",
    }
    assert metrics["n"] == 2


def test_faq_build_writes_a_profile_and_reports_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "amal"
    result = run("faq", "build", str(GUIDES / "amal.txt"), "--out", str(out), "--slug", "amal")
    assert result.returncode == 0, result.stderr
    assert (out / "profile.yaml").is_file() and (out / "faq.yaml").is_file()
    assert "working_hours" in result.stdout and "ساعات العمل" in result.stdout
    assert "بيانات التبرع" in result.stdout  # the admin still has to add donation details
    chat = run("chat", "--profile", str(out), "--json", stdin="متى تفتحون؟\n")
    reply = json.loads(chat.stdout)["replies"][0]["text"]
    assert "من الأحد إلى الخميس" in reply


def test_faq_build_refuses_a_text_that_is_not_a_guide_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "novel"
    result = run("faq", "build", str(GUIDES / "novel.txt"), "--out", str(out))
    assert result.returncode == 1
    assert "لم يُكتب أي ملف" in result.stderr
    assert not out.exists()
    missing = run("faq", "build", str(tmp_path / "absent.txt"), "--out", str(out))
    assert missing.returncode == 1 and not out.exists()


def test_chat_json_gives_exactly_one_line_per_input_line_and_buttons_work() -> None:
    lines = ["السلام عليكم", "", "١", "كم ياخذ وقت لين تردون علي بعد ما اقدم", "2"]
    result = run("chat", "--org", "qader", "--json", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    greeting, silent, first_button, period, thumbs_down = (o["replies"] for o in out)
    assert "قادر" in greeting[0]["text"] and len(greeting[0]["buttons"]) == 5
    assert silent == []
    # "ask a question" invites a question, with the way back to the menu
    assert first_button[0]["buttons"] == ["🏠 القائمة"]
    assert "شهر" in period[0]["text"]  # qader's review period is one month
    assert period[0]["buttons"] == ["👍 مفيد", "👎 غير مفيد", "🏠 القائمة"]
    assert "موظف" in thumbs_down[0]["text"]


def test_health_coop_speaks_to_members() -> None:
    result = run("chat", "--org", "health-coop", "--json", stdin="ابي اقدم طلب\n")
    text = json.loads(result.stdout)["replies"][0]["text"]
    assert "طلب خدمة عضو" in text


def test_the_same_user_resumes_the_same_conversation_with_its_buttons(data_dir: Path) -> None:
    first = run("chat", "--json", "--user", "amina", stdin="وين مقركم\n")
    assert json.loads(first.stdout)["replies"][0]["buttons"] == [
        "👍 مفيد",
        "👎 غير مفيد",
        "🏠 القائمة",
    ]
    # a new process: the 👎 button of the last answer is still the button "2"
    again = run("chat", "--json", "--user", "amina", stdin="2\n")
    assert "موظف" in json.loads(again.stdout)["replies"][0]["text"]
    other = run("chat", "--json", "--user", "omar", stdin="2\n")
    # omar has no buttons: "2" is just text to him, which the bot can't answer
    assert json.loads(other.stdout)["replies"][0]["text"].startswith("المعذرة")
    assert (data_dir / "tawasul.db").is_file()
    key = data_dir / "secret.key"
    assert not key.exists() or oct(key.stat().st_mode & 0o777) == "0o600"
