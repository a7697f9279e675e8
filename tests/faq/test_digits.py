"""One digit convention per message: what a beneficiary reads under `digits: latin | arabic`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.config import PROFILES_DIR, Settings
from bot.i18n import Catalog
from bot.wiring import open_core
from faq.bidi import LRI, PDI, ltr, unwrap
from faq.digits import LRM, localize_digits, with_digits
from faq.profile import Profile, ProfileError
from handlers.types import Attachment
from tests.handlers.chats import NATIONAL_ID, Chat

tr = Catalog("ar")
WESTERN = re.compile("[0-9]")
EASTERN = re.compile("[٠-٩]")


def test_ltr_isolates_once_and_unwrap_takes_the_marks_off() -> None:
    assert ltr("2612-00001") == f"{LRI}2612-00001{PDI}"
    assert ltr(ltr("2612-00001")) == ltr("2612-00001")
    assert ltr("") == ""
    assert unwrap(f"{LRI}2612-00001{PDI}\u200e") == "2612-00001"


def test_latin_turns_arabic_indic_digits_western() -> None:
    survey = with_digits(tr.t, "latin")("survey-question-request", reference=ltr("2612-00001"))
    assert not EASTERN.search(survey), survey
    assert "من 1 (غير راضٍ إطلاقاً) إلى 5" in survey and "2612-00001" in survey
    assert with_digits(tr.t, "latin")("survey-rating-5").startswith("5 ")


def test_arabic_shows_every_number_in_arabic_indic_digits() -> None:
    arabic = with_digits(tr.t, "arabic")
    survey = arabic("survey-question-request", reference=ltr("2612-00001"))
    assert not WESTERN.search(survey), survey
    assert unwrap(survey).count("٢٦١٢-٠٠٠٠١") == 1
    assert arabic("survey-rating-5").startswith("٥ ")
    summary = arabic("form-attachment-received", count=3)
    assert "٣" in summary and not WESTERN.search(summary)


def test_arabic_keeps_addresses_codes_and_keycaps() -> None:
    text = "راسلنا على help2@assoc.org أو https://assoc.org/page/2 الخطوة 1️⃣ من 7"
    shown = localize_digits(text, "arabic")
    assert "help2@assoc.org" in shown and "https://assoc.org/page/2" in shown
    assert "1\ufe0f\u20e3" in shown  # the keycap emoji 1️⃣ stays an emoji
    assert shown.endswith("من ٧")
    assert localize_digits(ltr("https://a.org/2"), "arabic") == ltr("https://a.org/2")


def test_an_isolated_run_in_arabic_digits_keeps_its_groups_in_reading_order() -> None:
    # Arabic-Indic groups would join right to left across "-" or "*" even inside LRI…PDI;
    # a left-to-right mark after each separator keeps 2612 before 00001 (checked in Chromium).
    assert localize_digits(ltr("2612-00001"), "arabic") == ltr(f"٢٦١٢-{LRM}٠٠٠٠١")
    assert localize_digits(ltr("+9665*****321"), "arabic") == ltr(f"+{LRM}٩٦٦٥*****{LRM}٣٢١")


def _profile(**extra: object) -> dict[str, object]:
    return {
        "slug": "x",
        "name": "جمعية",
        "beneficiary_singular": "المستفيد",
        "beneficiary_plural": "المستفيدين",
        "request_form": "طلب",
        "review_period": {"days": 14, "phrase": "خلال أسبوعين"},
        **extra,
    }


def test_the_profile_key_defaults_to_latin_and_refuses_anything_else() -> None:
    assert Profile.from_dict(_profile()).digits == "latin"
    assert "digits" not in Profile.from_dict(_profile()).to_dict()
    arabic = Profile.from_dict(_profile(digits="Arabic"))
    assert arabic.digits == "arabic" and arabic.to_dict()["digits"] == "arabic"
    with pytest.raises(ProfileError, match="digits"):
        Profile.from_dict(_profile(digits="roman"))


async def test_an_association_that_writes_arabic_digits_gets_them_in_every_reply(
    tmp_path: Path,
) -> None:
    profiles = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR / "little-hearts", profiles / "little-hearts")
    profile_file = profiles / "little-hearts" / "profile.yaml"
    profile_file.write_text(profile_file.read_text(encoding="utf-8") + "digits: arabic\n", "utf-8")
    settings = Settings(data_dir=tmp_path / "var", org="little-hearts", profiles_dir=profiles)
    async with open_core(settings, tr) as core:
        chat = Chat(core.engine, "amina")
        said: list[str] = []
        await chat.say("ابي اقدم طلب مساعدة")
        for answer in ("سارة محمد العتيبي", NATIONAL_ID, "0558764321"):
            await chat.say(answer)
        await chat.press("جدة")
        await chat.press("علاج أمراض القلب للأطفال")
        await chat.say("بنتي عمرها سنتين وعندها ثقب في القلب وتحتاج عملية")
        await chat.say(attachments=(Attachment("file-1", "photo", 120_000, "r.jpg", "image/jpeg"),))
        said.append(chat.text)
        await chat.press("✔️ تم")
        said.append(chat.text)
        await chat.press("✅ البيانات صحيحة")
        await chat.press("أقرّ وأوافق")
        said.append(chat.text)
        await chat.say("وين وصل طلبي")
        said.append(chat.text)
    for text in said:
        assert not _WESTERN_NOT_KEYCAP.search(text), text
    received, summary, filed, follow_up = (unwrap(t) for t in said)
    assert "(المجموع: ١)" in received
    assert "• المرفقات: ١" in summary and "١*******٣٩" in summary and "+٩٦٦٥*****٣٢١" in summary
    reference = re.search("رقم طلبك: ([٠-٩]{4}-[٠-٩]{5})", filed)
    assert reference is not None and reference.group(1) in follow_up


_WESTERN_NOT_KEYCAP = re.compile("[0-9](?!\ufe0f?\u20e3)")
