"""Trained matchers on disk (faq/trained.py): loaded instead of trained, never stale."""

from __future__ import annotations

import stat
from pathlib import Path

from faq import trained
from faq.matcher import Matcher

EXAMPLES = [
    ("وش اوقات الدوام", "working_hours"),
    ("متى تفتحون", "working_hours"),
    ("الدوام كم الساعة", "working_hours"),
    ("وين مقركم", "location"),
    ("وين موقع الجمعية", "location"),
    ("عنوانكم وين", "location"),
    ("كيف اقدم طلب", "how_to_apply"),
    ("ابي اسجل عندكم", "how_to_apply"),
    ("طريقة التقديم", "how_to_apply"),
    ("كم سعر الذهب", "none"),
    ("مين فاز بالمباراة", "none"),
]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("matcher-*.pickle"))


def test_a_second_start_loads_the_matcher_the_first_trained(tmp_path: Path) -> None:
    first = trained.matcher_for(EXAMPLES, tmp_path / "cache")
    [stored] = _files(tmp_path / "cache")
    again = trained.matcher_for(EXAMPLES, tmp_path / "cache")
    assert again is not first and _files(tmp_path / "cache") == [stored]
    for question in ("متى الدوام", "وين المقر", "ابي اقدم", "كم سعر الذهب اليوم"):
        assert again.match(question) == first.match(question)
    # Beside the keys, as private as they are.
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


def test_other_examples_are_another_matcher_never_a_stale_one(tmp_path: Path) -> None:
    trained.matcher_for(EXAMPLES, tmp_path)
    taught = [*EXAMPLES, ("فين الفرع", "location")]
    matcher = trained.matcher_for(taught, tmp_path)
    assert len(_files(tmp_path)) == 2
    assert trained.digest(taught) != trained.digest(EXAMPLES)
    assert matcher.match("فين الفرع").intent == "location"


def test_a_damaged_file_is_trained_again_and_replaced(tmp_path: Path) -> None:
    trained.matcher_for(EXAMPLES, tmp_path)
    [stored] = _files(tmp_path)
    stored.write_bytes(b"half a pickle")
    matcher = trained.matcher_for(EXAMPLES, tmp_path)
    assert isinstance(matcher, Matcher) and matcher.match("وين مقركم").intent == "location"
    assert isinstance(trained.matcher_for(EXAMPLES, tmp_path), Matcher)
    assert stored.read_bytes() != b"half a pickle"


def test_the_folder_keeps_only_the_latest_matchers(tmp_path: Path) -> None:
    for n in range(trained.KEEP + 3):
        trained.matcher_for([*EXAMPLES, (f"فرع رقم {n}", "location")], tmp_path)
    assert len(_files(tmp_path)) == trained.KEEP


def test_without_a_folder_it_just_trains(tmp_path: Path) -> None:
    assert trained.matcher_for(EXAMPLES, None).match("وين مقركم").intent == "location"
