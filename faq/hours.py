"""Working hours a guide states: the words for the answer, and the days and hours for the
profile's `schedule:` (what handlers/hours.py reads to say when someone will answer).

Guides give hours under a heading of their own, as a table row, or inside a sentence
(«يستقبل القسم المراجعين … من الأحد إلى الخميس من الساعة الثامنة صباحاً حتى الثانية
ظهراً»). The answer quotes the guide; the schedule is read from the first usual week and
hours it names (a Ramadan timetable is not the usual week), and is left out when either is
missing, since a schedule the guide does not give would promise times nobody set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from faq.fold import MARK, fold
from faq.keywords import keywords, valued
from faq.sections import Sections, tidy

__all__ = ["StatedHours", "hours_from_guide", "schedule_of"]

_WEEK = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_TIMEZONE = "Asia/Riyadh"
_NOON = 12
_AFTERNOON_UNTIL = 5  # «الثالثة ظهراً» is 15:00, «11 ظهراً» is 11:00
_TO = r"\s*(?:-|–|—|الي|حتي|to|until|through)\s*"
_SENTENCE = re.compile(r"(?<=[.!؟?])\s+|\n")
_LABEL = re.compile(r"^([^:]{2,40}):\s*(.+)$")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


@lru_cache(maxsize=8)
def _alternation(use: str) -> str:
    # Longest first, so that «الثانيه عشر» wins over «الثانيه» and «صباحا» over «ص».
    return "|".join(re.escape(k) for k in sorted(keywords(use), key=len, reverse=True))


def _time(name: str) -> str:
    return (
        rf"(?:الساعه\s+)?(?:(?P<{name}h>\d{{1,2}})(?:[:.](?P<{name}m>\d{{2}}))?"
        rf"|(?P<{name}w>{_alternation('hour_word')}){MARK})(?P<{name}half>\s+والنصف)?"
        rf"(?:\s*(?P<{name}s>{_alternation('time_suffix')}){MARK}(?![\w\u0621-\u064a]))?"
    )


@lru_cache(maxsize=1)
def _time_range() -> re.Pattern[str]:
    return re.compile(rf"(?<![\d:]){_time('o')}{_TO}{_time('c')}", re.IGNORECASE)


@lru_cache(maxsize=1)
def _days() -> re.Pattern[str]:
    day = rf"(?:يوم\s+)?(?:{_alternation('weekday')}){MARK}"
    listed = rf"{day}(?:\s*(?:،|,|و|and)\s*{day})+"
    return re.compile(rf"(?:من\s+)?{day}{_TO}{day}|{listed}|{day}", re.IGNORECASE)


def _day_codes(spec: str) -> list[str]:
    named = [code for word in re.findall(_alternation("weekday"), spec) for code in _code(word)]
    if len(named) == 2 and re.search(_TO, spec) and not re.search(r"\s(?:و|and)\s*\S", spec):
        first, last = _WEEK.index(named[0]), _WEEK.index(named[1])
        return [_WEEK[(first + i) % 7] for i in range((last - first) % 7 + 1)]
    return list(dict.fromkeys(named))


def _code(word: str) -> list[str]:
    return [code for code, w in valued("weekday") if w == word][:1]


def _hour(m: re.Match[str], name: str) -> tuple[int, int, str | None]:
    if m.group(f"{name}h"):
        hour, minute = int(m.group(f"{name}h")), int(m.group(f"{name}m") or 0)
    else:
        hour = next(int(v) for v, w in valued("hour_word") if w == m.group(f"{name}w"))
        minute = 30 if m.group(f"{name}half") else 0
    word = m.group(f"{name}s")
    suffix = next((v for v, w in valued("time_suffix") if w == (word or "").lower()), None)
    return hour, minute, suffix


def _clock(hour: int, suffix: str | None) -> int:
    if suffix == "pm" and hour < _NOON:
        return hour + _NOON
    if suffix == "noon" and hour <= _AFTERNOON_UNTIL:
        return hour + _NOON
    return hour


def _opening_hours(m: re.Match[str]) -> tuple[str, str] | None:
    oh, om, osuf = _hour(m, "o")
    ch, cm, csuf = _hour(m, "c")
    close = _clock(ch, csuf)
    # «4:00 – 9:00 م» is an evening shift; «8:00 – 1:00 م» opens in the morning.
    opens = _clock(oh, osuf or ("pm" if csuf == "pm" and oh < ch else None))
    if csuf is None and close <= opens:
        close += _NOON  # «من 8 إلى 3»
    if not (0 <= opens < close <= 24 and om < 60 and cm < 60):
        return None
    return f"{opens:02d}:{om:02d}", f"{close % 24:02d}:{cm:02d}" if close < 24 else "23:59"


def schedule_of(text: str) -> dict[str, Any] | None:
    """{days, open, close, timezone} from the first usual days and hours ``text`` names."""
    folded = fold(text)
    special = re.search(_alternation("special_hours"), folded)
    usual = folded[: special.start()] if special else folded
    hours = _time_range().search(usual)
    if hours is None or (clock := _opening_hours(hours)) is None:
        return None
    before = list(_days().finditer(usual[: hours.start()]))
    spec = before[-1] if before else _days().search(usual, hours.end())
    days = _day_codes(spec.group(0)) if spec else []
    if not days:
        return None
    return {"days": days, "open": clock[0], "close": clock[1], "timezone": _TIMEZONE}


def _mentions_hours(line: str) -> bool:
    folded = fold(line)
    return bool(_time_range().search(folded) or _days().search(folded))


def _quoted(line: str) -> str:
    """The line as the answer quotes it; from a bilingual line, its Arabic in brackets."""
    inner = re.search(r"\(([^)]*)\)?\s*$", line)
    if (
        inner
        and _is_arabic_hours(inner.group(1))
        and not _ARABIC_LETTER.search(line[: inner.start()])
    ):
        line = inner.group(1)
    return tidy(line.strip().strip("()"))


def _is_arabic_hours(text: str) -> bool:
    return bool(_ARABIC_LETTER.search(text)) and _mentions_hours(text)


@dataclass(frozen=True)
class StatedHours:
    text: str  # the guide's words, for the answer
    schedule: dict[str, Any] | None
    line: str | None  # the body line it came from, when it sat inside another section
    source: str | None  # the heading it came from


def _section_hours(sections: Sections) -> str | None:
    lines = [line for s in sections.all("hours") for line in (*s.paragraphs, *s.items)]
    timed = [line for line in lines if _mentions_hours(line)]
    if not timed:
        body = " ".join(tidy(s.text.replace("\n", "، ")) for s in sections.all("hours") if s.text)
        return body or None
    # A bilingual guide states the hours twice: the beneficiary reads the Arabic.
    arabic = [line for line in timed if _ARABIC_LETTER.search(line)]
    return "؛ ".join(_quoted(line) for line in arabic or timed)


def _sentence_hours(sentence: str) -> str | None:
    """The hours inside a sentence: a labelled value («ساعات العمل: …»), or, in a sentence
    about receiving people («يستقبل القسم المراجعين …»), from the days to the last time."""
    folded = fold(sentence)
    times = list(_time_range().finditer(folded))
    if not times:
        return None
    label = _LABEL.match(sentence)
    if label and any(k in fold(label.group(1)) for k in keywords("hours_label")):
        return _quoted(label.group(2))
    days = _days().search(folded)
    # «تجتمع اللجنة يوم الأحد من 10 إلى 12» names a day and hours, not the opening hours.
    if days is None or not re.search(_alternation("hours_context"), folded):
        return None
    start = min(days.start(), times[0].start())
    return _quoted(sentence[start : max(days.end(), times[-1].end())])


def _body_lines(sections: Iterable[Any]) -> Iterable[tuple[str, str]]:
    """(section title, sentence) for every sentence of every section, in guide order."""
    for section in sections:
        for line in (*section.paragraphs, *section.items):
            yield from ((section.title, s) for s in _SENTENCE.split(line) if s.strip())


def hours_from_guide(sections: Sections, all_sections: Iterable[Any]) -> StatedHours | None:
    """The hours the guide states, under their own heading or inside another section."""
    text = _section_hours(sections)
    if text is not None:
        return StatedHours(text, schedule_of(text), None, sections.title("hours"))
    for title, sentence in _body_lines(all_sections):
        found = _sentence_hours(sentence)
        if found:
            return StatedHours(found, schedule_of(found), sentence, title)
    return None
