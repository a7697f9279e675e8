"""The support request in the terminal channel, as a script or a person drives it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bidi import plain
from tests.processes import run_cli

ROOT = Path(__file__).resolve().parents[2]
NATIONAL_ID = "2098765437"  # a resident's iqama (check digit valid)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TAWASUL_")}
    return {**clean, "TAWASUL_DATA_DIR": str(tmp_path / "var")}


def chat(
    env: dict[str, str], org: str, user: str, lines: list[str]
) -> list[list[dict[str, object]]]:
    args = ["chat", "--json", "--org", org, "--user", user]
    result = run_cli(args, env, "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line)["replies"] for line in result.stdout.splitlines()]
    assert len(outputs) == len(lines)
    return outputs


FORM = [
    "ابي اقدم طلب",
    "نورة سعد الشهري",
    NATIONAL_ID,
    "+966 55 876 4321",
    "1",  # the first city button
    "1",  # the first request type
    "والدتي كبيرة في السن وتحتاج مساعدة في العلاج والمتابعة",
    "تم",
    "1",  # the summary is correct
    "1",  # I accept the declaration
]


@pytest.mark.parametrize(
    ("org", "form_name", "period"),
    [
        ("little-hearts", "طلب دعم مستفيد", "أسبوعين"),
        ("takatuf", "طلب دعم مستفيد", "أسبوعين"),
        ("qader", "طلب دعم مستفيد", "شهر"),
        ("alhuda", "طلب الدعم والخدمات", "مدة زمنية محددة"),
        ("health-coop", "طلب خدمة عضو", "أسبوعين"),
    ],
)
def test_every_association_takes_a_request_in_the_chat(
    env: dict[str, str], org: str, form_name: str, period: str
) -> None:
    out = chat(env, org, "noura", FORM)
    assert form_name in out[0][0]["text"]  # the intro names the association's own form
    summary = out[7][0]["text"]
    assert "2*******37" in summary and "+9665*****321" in summary
    assert NATIONAL_ID not in summary
    receipt = out[-1][0]["text"]
    assert form_name in receipt and period in receipt
    reference = receipt.split(": ")[1].split()[0]

    status = subprocess.run(
        [sys.executable, "bot.py", "request", "set-status", reference, "under_review"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "TAWASUL_ORG": org},
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    follow = chat(env, org, "noura", ["وش صار على طلبي"])
    assert reference in follow[0][0]["text"] and "قيد الدراسة" in follow[0][0]["text"]
    assert "هـ" in follow[0][0]["text"]  # the dates read in Hijri too


def test_a_wrong_status_change_says_why_and_changes_nothing(env: dict[str, str]) -> None:
    out = chat(env, "qader", "noura", FORM)
    reference = out[-1][0]["text"].split(": ")[1].split()[0]
    bad = subprocess.run(
        [sys.executable, "bot.py", "request", "set-status", reference, "service_delivered"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "TAWASUL_ORG": "qader"},
        timeout=60,
    )
    assert bad.returncode == 1 and "لا يمكن نقل الطلب" in bad.stderr
    follow = chat(env, "qader", "noura", ["متابعة طلبي"])
    assert "مُقدَّم" in follow[0][0]["text"]


def test_the_form_resumes_after_the_process_is_killed(env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "bot.py", "chat", "--json", "--org", "takatuf", "--user", "salem"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    for line in FORM[:4]:  # up to and including the mobile number
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["replies"]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    rest = chat(env, "takatuf", "salem", FORM[4:])
    assert "5️⃣" in rest[0][0]["text"]  # the city was the next step: now the type
    assert "رقم طلبك" in rest[-1][0]["text"]


def test_set_status_takes_the_reference_in_arabic_indic_digits(env: dict[str, str]) -> None:
    out = chat(env, "qader", "noura", FORM)
    # As a person would copy it (the isolates that keep it left to right are invisible).
    reference = plain(out[-1][0]["text"]).split(": ")[1].split()[0]
    typed = reference.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")).replace("-", "ـ")

    def set_status(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "bot.py", "request", "set-status", typed, *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**env, "TAWASUL_ORG": "qader"},
            timeout=60,
        )

    no_note = set_status("needs_info")
    assert no_note.returncode == 1 and "--note" in no_note.stderr  # the flag to use, here
    moved = set_status("under_review")
    assert moved.returncode == 0, moved.stderr
    assert reference in moved.stdout and "لا يوجد طلب" not in moved.stdout + moved.stderr
    follow = chat(env, "qader", "noura", ["متابعة طلبي"])
    assert "قيد الدراسة" in follow[0][0]["text"]
