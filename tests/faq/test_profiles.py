"""The five committed association profiles say what their guides say, and nothing more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import PROFILES_DIR
from bot.i18n import Catalog
from faq.builder import CANONICAL_INTENTS, build_profile
from faq.profile import load_profile_dir, missing_phrases, render_answer, write_profile_dir

SLUGS = ("little-hearts", "takatuf", "qader", "alhuda", "health-coop")
GUIDE = "guide.txt"  # each profile's source guide, kept beside it
tr = Catalog("ar")
MISSING = missing_phrases(tr.t)


def _load(slug: str):  # type: ignore[no-untyped-def]
    return load_profile_dir(PROFILES_DIR / slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_profile_answers_every_canonical_intent(slug: str) -> None:
    profile, entries = _load(slug)
    assert profile.slug == slug
    assert {e.id for e in entries} >= set(CANONICAL_INTENTS)
    for entry in entries:
        text = render_answer(entry, profile, MISSING)
        assert text.strip() and "{" not in text, (slug, entry.id)


@pytest.mark.parametrize(
    ("slug", "channels", "days", "phrase_word", "term", "form"),
    [
        ("little-hearts", 8, 14, "أسبوعين", "المستفيد", "طلب دعم مستفيد"),
        ("takatuf", 8, 14, "أسبوعين", "المستفيد", "طلب دعم مستفيد"),
        ("qader", 7, 30, "شهر", "المستفيد", "طلب دعم مستفيد"),
        ("alhuda", 8, None, "محددة", "المستفيد", "طلب الدعم والخدمات"),
        ("health-coop", 8, 14, "أسبوعين", "العضو", "طلب خدمة عضو"),
    ],
)
def test_profile_facts_come_from_the_guide(
    slug: str, channels: int, days: int | None, phrase_word: str, term: str, form: str
) -> None:
    profile, _ = _load(slug)
    assert len(profile.channels) == channels
    assert profile.review_period.days == days
    assert phrase_word in profile.review_period.phrase
    assert profile.beneficiary_singular == term
    assert profile.request_form == form
    assert profile.services


def test_association_names_and_referral_roles() -> None:
    names = {slug: _load(slug)[0] for slug in SLUGS}
    assert names["little-hearts"].short_name == "القلوب الصغيرة"
    assert names["takatuf"].short_name == "تكاتف"
    assert names["qader"].name == "جمعية قادر لتعزيز الصحة النفسية بتبوك"
    assert names["alhuda"].name == "جمعية الهدى لمساعدة الحجاج"
    assert names["health-coop"].name == "الجمعية التعاونية للخدمات الصحية"
    assert names["health-coop"].beneficiary_plural == "الأعضاء"
    # qader's procedure has no referral step; alhuda refers to "the competent party".
    assert names["qader"].referral_role is None
    assert names["alhuda"].referral_role == "الجهة المختصة داخل الجمعية"
    assert names["little-hearts"].referral_role == "مسؤول البحث الاجتماعي"
    assert "مناديب الجمعية في المواقع الميدانية" in names["alhuda"].channels
    assert all("مناديب" not in c for c in names["qader"].channels)


@pytest.mark.parametrize("slug", SLUGS)
def test_answers_needing_admin_facts_say_they_are_missing(slug: str) -> None:
    profile, entries = _load(slug)
    assert set(profile.missing) >= {"phone", "address", "working_hours", "donation"}
    by_id = {e.id: e for e in entries}
    hours = render_answer(by_id["working_hours"], profile, MISSING)
    donate = render_answer(by_id["donate"], profile, MISSING)
    assert MISSING["working_hours"] in hours
    assert MISSING["donation"] in donate
    assert not any(ch.isdigit() for ch in hours)


def test_a_filled_contact_reaches_every_answer_that_needs_it() -> None:
    profile, entries = _load("little-hearts")
    profile.contacts["phone"] = "0126543210"
    by_id = {e.id: e for e in entries}
    assert "0126543210" in render_answer(by_id["channels"], profile, MISSING)


@pytest.mark.parametrize("slug", SLUGS)
def test_committed_profiles_match_what_the_builder_makes_of_the_guides(slug: str) -> None:
    text = (PROFILES_DIR / slug / GUIDE).read_text(encoding="utf-8")
    built, entries, _ = build_profile(text, slug, tr.t, source=GUIDE)
    committed, committed_entries = _load(slug)
    assert built.to_dict() == committed.to_dict(), "run `make profiles` and commit the result"
    assert [e.answer for e in entries] == [e.answer for e in committed_entries]


def test_a_profile_keeps_its_guide_beside_it_and_the_loader_reads_past_it(
    tmp_path: Path,
) -> None:
    guide = (PROFILES_DIR / "qader" / GUIDE).read_text(encoding="utf-8")
    (tmp_path / GUIDE).write_text(guide, encoding="utf-8")
    profile, entries, _ = build_profile(guide, "qader", tr.t, source=GUIDE)
    write_profile_dir(tmp_path, profile, entries)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["faq.yaml", GUIDE, "profile.yaml"]
    assert (tmp_path / GUIDE).read_text(encoding="utf-8") == guide
    assert load_profile_dir(tmp_path)[0].to_dict() == _load("qader")[0].to_dict()


@pytest.mark.parametrize("slug", SLUGS)
def test_the_declaration_is_the_beneficiarys_own_sentence_with_the_guides_clause_kept(
    slug: str,
) -> None:
    profile, entries = _load(slug)
    declaration, clause = profile.declaration, profile.declaration_source
    assert declaration is not None and clause is not None
    # First person, from the one who accepts it; the staff-side wording stays the source.
    assert declaration.startswith("أقرّ بأن جميع البيانات والمستندات التي قدمتها صحيحة، وأنني")
    assert "صحتها" in declaration
    assert not any(w in declaration for w in ("التأكد", "طالب الدعم", "المستفيد", "وأنه"))
    assert "صحة البيانات" in clause or "بصحة البيانات" in clause
    answer = next(e.answer for e in entries if e.id == "data_responsibility")
    assert f"«{declaration}»" in answer
    assert "إحالته" not in answer  # not the referral step, which also says "مسؤول"


def test_each_declaration_names_the_responsibility_its_guide_names() -> None:
    declarations = {slug: _load(slug)[0].declaration for slug in SLUGS}
    assert declarations["little-hearts"] == (
        "أقرّ بأن جميع البيانات والمستندات التي قدمتها صحيحة، وأنني مسؤول مسؤولية مباشرة عن صحتها"
    )
    assert declarations["health-coop"] == declarations["little-hearts"]
    assert "المسؤولية النظامية" in (declarations["alhuda"] or "")


def test_the_version_stored_with_a_request_follows_the_declarations_wording(
    tmp_path: Path,
) -> None:
    from bot.config import Settings
    from bot.wiring import build_form
    from faq.matcher import Matcher
    from faq.service import FaqService
    from handlers.clock import SystemClock

    profile, entries = _load("little-hearts")
    matcher = Matcher.train([("مرحبا", "greeting"), ("شكرا", "thanks")], calibrate=False)
    settings = Settings(data_dir=tmp_path, org="little-hearts")

    def version(text: str | None) -> str:
        profile.declaration = text
        faq = FaqService(profile, entries, matcher, MISSING)
        return build_form(settings, tr, faq, SystemClock()).config.declaration_version

    assert version(profile.declaration) != version(profile.declaration_source)
    assert version(profile.declaration) == version(str(profile.declaration))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# A lone Arabic letter between words is a word the PDF split («طال ب», «مختل ف»); «و» alone
# is a real word.
_SPLIT = re.compile(r"(?<!\S)[\u0621-\u0647\u0649-\u064a](?!\S)")


@pytest.mark.parametrize("slug", SLUGS)
def test_no_word_of_a_profile_is_split_or_spelt_two_ways(slug: str) -> None:
    profile, entries = _load(slug)
    texts = _strings(profile.to_dict()) + [t for e in entries for t in (e.answer, e.source or "")]
    assert [t for t in texts if _SPLIT.search(t)] == []
    assert [t for t in texts if "مسئول" in t] == []
    assert any("مسؤول" in t for t in texts)


@pytest.mark.parametrize("slug", SLUGS)
def test_services_are_short_labels_of_real_services_marked_for_review(slug: str) -> None:
    profile, entries = _load(slug)
    assert 1 <= len(profile.services) <= 6
    for label in profile.services:
        assert len(label) <= 30, label
        assert label not in profile.channels and "طلب المساعدة" not in label
        assert label not in profile.goals  # a goal is a sentence, not a button
    # None of the five guides lists its services: they are suggestions the admin reviews.
    assert profile.to_review == ["services"]
    answer = render_answer(next(e for e in entries if e.id == "services"), profile, MISSING)
    assert "كما يذكرها دليلها" not in answer
    assert all(f"• {label}" in answer for label in profile.services)


def test_alhudas_services_are_the_kinds_its_goal_names() -> None:
    profile, _ = _load("alhuda")
    assert {"خدمات صحية", "خدمات إرشادية", "خدمات إغاثية"} <= set(profile.services)
