"""Parse an association's policy guide (a PDF text extraction) into titled sections.

The guides arrive as noisy PDF extractions: kashida (tatweel) stretching, lines whose
fragments the PDF stored right-to-left in reverse order, repeated page headers, tables of
contents, "Loading...", lists numbered `1-`, `-1`, `1.`, `•` or `- 1 -`, headings written
`أولاً:`, `# …`, `**…**` or half in English, and tables flattened into tab- or
pipe-separated rows.  This module turns any of those shapes into plain sections the builder
can reason about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from faq.repairs import default_repairs

TATWEEL = "\u0640"
_NOISE_LINES = re.compile(r"^(loading\.*|\.+|-+|\*+|page \d+|صفحة \d+)$", re.IGNORECASE)
_TOC_LINE = re.compile(r"(^\d+\s*\t)|(\.{4,}\s*\d*\s*$)")
_BULLET = re.compile(
    r"^\s*(?:[-•*▪◦●]\s*)?(?:\(?[0-9٠-٩]{1,2}\s*[-.)]|[-.)]\s*[0-9٠-٩]{1,2}(?=\s|[^\d]))\s*"
    r"|^\s*[-•*▪◦●]\s*"
    r"|^\s*[0-9٠-٩]{1,2}\s+(?=[\u0621-\u064a])"
    # Arabic letters as list markers: "أ) …", "ب- …", "ج. …"
    r"|^\s*[\u0621-\u064a]\s*[-.)]\s+"
)
_DIGIT_ITEM = re.compile(r"^\s*[-•]?\s*[0-9٠-٩]{1,2}\s*[-.)]|^\s*[-.]\s*[0-9٠-٩]{1,2}\s")
_ORDINAL = "اولا|أولا|ثانيا|ثالثا|رابعا|خامسا|سادسا|سابعا|ثامنا|تاسعا|عاشرا|الحادي عشر|الثاني عشر"
# «المادة الأولى:», «المادة (3):», «البند الثاني -»: a regulation's articles.
_ARTICLE = (
    r"(?:المادة|البند)\s+(?:\(?[0-9٠-٩]{1,2}\)?|ال(?:أولى|اولى|ثانية|ثالثة|رابعة|خامسة|سادسة"
    r"|سابعة|ثامنة|تاسعة|عاشرة|أول|اول|ثاني|ثالث|رابع|خامس|سادس|سابع|ثامن|تاسع|عاشر))"
)
_ORDINAL_HEADING = re.compile(rf"^\s*(?:{_ORDINAL}|{_ARTICLE})ً?\s*[:\-–)]\s*(.+)$")
_SENTENCE_END = re.compile(r"[.!؟?]\s*$")
# A heading in these guides is a short noun phrase; longer lines are body text.
_MAX_HEADING_WORDS = 12
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_BOLD_LINE = re.compile(r"^\s*\*\*([^*]+)\*\*\s*$")
_HEADING_NUMBER = re.compile(r"^[0-9٠-٩]{1,2}\s*[-.)]\s*")
# "الهاتف: 0163642200", "Email / البريد: contact@…": a label and a contact, one per line.
_LABELLED_CONTACT = re.compile(r"^[^:]{2,40}:\s*\S*(?:[0-9٠-٩]{3}|@|www\.|https?://)")
# A line that only introduces what follows ("… الفئات التالية:", "… وفق ما يلي:",
# "يستفيد من خدمات الجمعية:"): a sentence, where a heading would be a noun phrase.
_LEAD_IN = re.compile(
    r"(?:(?:التالية|التالي|الآتية|الآتي|ما يلي|كالتالي)(?:\s.*)?"
    r"|^(?:يستفيد|يشترط|تخدم|تقدم|يحق|تشمل|تستهدف|يتم|يلتزم|تلتزم|يجب)\s.*):\s*-?\s*$"
)
_MIN_LEAD_IN_WORDS = 4


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([*self.paragraphs, *self.items])


@dataclass
class ParsedGuide:
    preamble: list[str]
    sections: list[Section]
    raw_lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.raw_lines)


def repair_reversed_line(line: str) -> str:
    """Undo a justified PDF line whose kashida-split fragments were stored in reverse.

    Such a line reads e.g. "ــه  ــة طلب ــث لدراس ... ــح للمس 4- التوضي": every fragment
    after the first starts with a tatweel, and the fragments appear last-first.  Reversing
    the fragments and gluing them where the kashida was gives the sentence back.
    """
    tokens = line.split()
    stretched = [t for t in tokens if t.startswith(TATWEEL)]
    # One stretched fragment is enough when it opens the line: the wrapped tail of a
    # reversed sentence ("ــه مسئول … المعلومات . وأن").
    single_tail = len(stretched) == 1 and tokens[0].startswith(TATWEEL) and len(tokens) >= 3
    if not single_tail and (len(stretched) < 2 or len(stretched) * 4 < len(tokens)):
        return line
    pieces = re.split(rf"(?:^|\s+){TATWEEL}+", line.strip())
    head = pieces[0].strip()
    segments = [p.strip() for p in pieces[1:]]
    if not segments:
        return line
    first, segments[-1] = _split_first_fragment(segments[-1])
    ordered = [first, *reversed(segments)]
    if head:
        ordered.append(" " + head)
    return "".join(ordered).strip()


def _split_first_fragment(last: str) -> tuple[str, str]:
    """(the sentence's first fragment, what remains of the line's last fragment).

    The first fragment (no kashida before it) sits at the very end of the line, glued after
    the last fragment; it starts at a list marker when there is one.
    """
    marker = re.search(r"(?:^|\s)((?:[0-9٠-٩]{1,2}\s*[-.)]|[-•]\s*[0-9٠-٩]{0,2})\s*\S.*)$", last)
    if marker and marker.start(1) > 0:
        return marker.group(1), last[: marker.start(1)].strip()
    words = last.split()
    if len(words) >= 2:
        return words[-1], " ".join(words[:-1])
    return "", last


def clean_line(line: str) -> str:
    line = repair_reversed_line(line)
    line = line.replace(TATWEEL, "").replace("\u00a0", " ").replace("\t", " ")
    line = re.sub(r"\*\*|__", "", line)
    line = re.sub(r"Loading\.\.\.", "", line)
    line = re.sub(r"\s+([.,،:؛])", r"\1", line)
    line = re.sub(r"\s{2,}", " ", line).strip()
    return default_repairs().apply(line)


def strip_bullet(line: str) -> tuple[bool, str]:
    m = _BULLET.match(line)
    if not m or m.end() == 0:
        return False, line
    rest = line[m.end() :].strip()
    rest = re.sub(r"^[-.)]\s*", "", rest)
    return bool(rest), rest or line


def _is_heading(line: str, next_line: str | None) -> tuple[bool, str]:
    if line.startswith("#"):
        return True, _HEADING_NUMBER.sub("", line.lstrip("#").strip())
    m = _ORDINAL_HEADING.match(line)
    if m:
        return True, m.group(1).strip()
    words = line.split()
    if not words or len(words) > _MAX_HEADING_WORDS:
        return False, line
    core = line.strip()
    colon = re.search(r"\s*:\s*-?\s*$", core) or re.match(r"^\s*:\s*", core)
    if colon:
        title = re.sub(r"^\s*:\s*|\s*:\s*-?\s*$", "", core).strip()
        return bool(title) and not _BULLET.match(core), title
    if _looks_like_title(core, len(words), next_line):
        return True, core
    return False, line


def _looks_like_title(core: str, n_words: int, next_line: str | None) -> bool:
    """Plain short lines (alhuda's style) are headings only when they look like titles:
    no sentence ending, no list marker, and the next line starts a body."""
    return (
        n_words <= 7
        and not _SENTENCE_END.search(core)
        and not _LABELLED_CONTACT.match(core)
        and not _BULLET.match(core)
        and not re.search(r"[0-9٠-٩]{3,}", core)
        and next_line is not None
        and (len(next_line.split()) > n_words or bool(_BULLET.match(next_line)))
    )


def _page_headers(lines: list[str]) -> set[str]:
    """Short lines repeated on several pages are headers or footers, not content."""
    counts = Counter(line for line in lines if line and len(line.split()) <= 6)
    return {line for line, n in counts.items() if n >= 2 and not _BULLET.match(line)}


@dataclass
class _Content:
    """The guide's lines, and which of them were table rows or whole bold lines."""

    lines: list[str] = field(default_factory=list)
    rows: set[int] = field(default_factory=set)
    bold: set[int] = field(default_factory=set)


def _cells(line: str) -> list[str] | None:
    """A table row's cells: tab-separated, or between pipes ("| الهاتف | 9200… |")."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        cells = stripped.strip("|").split("|")
    elif "\t" in stripped:
        cells = stripped.split("\t")
    else:
        return None
    cells = [c for c in (clean_line(c) for c in cells) if c and not re.fullmatch(r"[-:\s]+", c)]
    return cells if len(cells) >= 2 else None


def _row_text(cells: list[str]) -> str:
    """A row as a line a person reads: "الأحد – الخميس: 8:00 ص – 1:00 م، 5:00 م – 9:00 م"."""
    rest = list(dict.fromkeys(cells[1:]))  # "الجمعة | مغلق | مغلق" says it once
    return f"{cells[0]}: {'، '.join(rest)}"


def _is_table_header(cells: list[str], next_raw: str | None) -> bool:
    """The first row of a table names its columns: no figure in it, a row after it."""
    return (
        not any(re.search(r"[0-9٠-٩@]", c) for c in cells)
        and next_raw is not None
        and _cells(next_raw) is not None
    )


def _read_line(raw: str, previous: str | None, nxt: str | None) -> tuple[str, str]:
    """(the cleaned line, its kind: text, row, bold or skip)."""
    if _TOC_LINE.search(raw):
        return "", "skip"
    cells = _cells(raw)
    if cells is not None:
        if (previous is None or _cells(previous) is None) and _is_table_header(cells, nxt):
            return "", "skip"
        return _row_text(cells), "row"
    return clean_line(raw), "bold" if _BOLD_LINE.match(raw) else "text"


def _content_lines(text: str) -> _Content:
    """The guide's non-empty lines, cleaned, without tables of contents and page headers."""
    source = text.replace("\r", "\n").split("\n")
    read = [
        _read_line(
            raw, source[i - 1] if i else None, source[i + 1] if i + 1 < len(source) else None
        )
        for i, raw in enumerate(source)
    ]
    read = [(line, kind) for line, kind in read if line and not _NOISE_LINES.match(line)]
    headers = _page_headers([line for line, _ in read])
    content = _Content()
    for line, kind in read:
        if line in headers:
            continue
        for header in headers:
            # A page header can be glued in front of the next heading ("تكاتف Takatuf تمهيد :").
            if line.startswith(header + " "):
                line = line[len(header) :].strip()
        if line:
            if kind in ("row", "bold"):
                (content.rows if kind == "row" else content.bold).add(len(content.lines))
            content.lines.append(line)
    return content


def _names_a_section(
    body: str, neighbours: tuple[str | None, str | None], is_known_title: Callable[[str], bool]
) -> bool:
    """A numbered line that is a heading: short, no sentence, a title the caller knows."""
    return (
        len(body.split()) <= 6
        and not _SENTENCE_END.search(body)
        and is_known_title(body)
        # "3. وسائل التواصل الاجتماعي" between "2." and "4." is a list item that
        # happens to name a section; a numbered heading has no numbered neighbours.
        and not any(_DIGIT_ITEM.match(n) for n in neighbours if n is not None)
    )


def _add_body(current: Section, body: str, is_item: bool) -> None:
    if is_item or _LABELLED_CONTACT.match(body):
        current.items.append(body)
    elif current.items and not current.paragraphs and _continues(current.items[-1]):
        current.items[-1] = f"{current.items[-1]} {body}"
    elif current.paragraphs and _continues(current.paragraphs[-1]):
        current.paragraphs[-1] = f"{current.paragraphs[-1]} {body}"
    else:
        current.paragraphs.append(body)


def _heading_title(
    content: _Content, pos: int, is_known_title: Callable[[str], bool] | None
) -> str | None:
    """The title if the line at ``pos`` starts a section, else None."""
    lines = content.lines
    line = lines[pos]
    if pos in content.rows:
        return None
    prev = lines[pos - 1] if pos > 0 else None
    nxt = lines[pos + 1] if pos + 1 < len(lines) else None
    if pos in content.bold and len(line.split()) <= _MAX_HEADING_WORDS:
        return _HEADING_NUMBER.sub("", line.strip(" :-"))
    is_heading, title = _is_heading(line, nxt)
    # An English heading is one when it names a section the caller knows ("Eligibility").
    if is_heading and (
        _ARABIC_LETTER.search(title or line)
        or (is_known_title is not None and is_known_title(title))
    ):
        return title
    is_item, body = strip_bullet(line)
    if (
        is_item
        and is_known_title is not None
        and _names_a_section(body, (prev, nxt), is_known_title)
    ):
        return body
    return None


def _is_lead_in(
    line: str, title: str, sections: list[Section], known: Callable[[str], bool]
) -> bool:
    """ "تخدم الجمعية الفئات التالية:" right under its heading opens that section's list."""
    return (
        bool(sections)
        and not sections[-1].text
        and known(sections[-1].title)
        and len(line.split()) >= _MIN_LEAD_IN_WORDS
        and bool(_LEAD_IN.search(line))
    )


def parse_guide(text: str, is_known_title: Callable[[str], bool] | None = None) -> ParsedGuide:
    """Split a guide into sections.

    ``is_known_title`` recognises a numbered line ("١- قنوات التواصل") as a heading rather
    than a list item when its words name a section the caller knows.
    """
    content = _content_lines(text)
    known = is_known_title or (lambda _title: False)
    preamble: list[str] = []
    sections: list[Section] = []
    for pos, line in enumerate(content.lines):
        title = _heading_title(content, pos, is_known_title)
        if title is not None and not _is_lead_in(line, title, sections, known):
            sections.append(Section(title=title))
            continue
        is_item, body = strip_bullet(line)
        if not sections:
            preamble.append(body)
        else:
            _add_body(sections[-1], body, is_item or pos in content.rows)
    return ParsedGuide(preamble=preamble, sections=sections, raw_lines=content.lines)


def _continues(previous: str) -> bool:
    """A wrapped PDF line continues the previous one when that one has not ended."""
    return not re.search(r"[.:؛!؟?]\s*$", previous) and not _LABELLED_CONTACT.match(previous)
