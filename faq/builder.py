"""Build an association's profile and FAQ from its beneficiary-relations policy guide.

The builder reads what the guide states (name, terminology, channels, tools, the procedure
and its review period, the referral role, confidentiality, satisfaction measurement) and
composes one answer per canonical intent from it.  Facts the guide does not give (phone,
address, hours, donation details) are left for the admin and never invented; where the
bot needs something the guide lacks (request types), the builder suggests it and marks it
for the admin to review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from faq.guide import ParsedGuide, Section, parse_guide
from faq.normalize import normalize, to_ascii_digits
from faq.profile import CONTACT_FIELDS, FaqEntry, Profile, ReviewPeriod, indefinite

Translate = Callable[..., str]

SERVICES_PATH = Path(__file__).resolve().parent / "data" / "services.tsv"
# A service is a request-type button: longer labels wrap or are cut on a phone.
MAX_SERVICE_LABEL = 30

CANONICAL_INTENTS = (
    "greeting",
    "thanks",
    "about",
    "services",
    "channels",
    "location",
    "working_hours",
    "how_to_apply",
    "required_documents",
    "review_period",
    "request_status",
    "complete_request",
    "data_responsibility",
    "privacy",
    "talk_to_human",
    "complaint",
    "feedback",
    "volunteer",
    "donate",
)
# What the bot does besides answering (design.md, intents.md).
ACTIONS = {
    "greeting": "menu",
    "thanks": "menu",
    "services": "offer_request",
    "how_to_apply": "start_request",
    "required_documents": "offer_request",
    "request_status": "list_requests",
    "complete_request": "complete_request",
    "privacy": "privacy_rights",
    "talk_to_human": "handover",
    "complaint": "handover_complaint",
    "feedback": "survey",
}

# Section kinds, recognised from normalised heading words; the first match wins.
_SECTION_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("approval", ("اعتماد مجلس", "المراجع", "رييس مجلس")),
    ("channels", ("القنوات", "قنوات", "وسايل التواصل", "طرق التواصل", "التواصل مع")),
    ("tools", ("الادوات", "النماذج", "المستندات")),
    ("procedure", ("التعامل مع", "الاجراءات", "اليه", "خطوات")),
    ("confidentiality", ("سريه", "الخصوصيه", "حمايه البيانات")),
    ("satisfaction", ("قياس رضا", "رضا المستفيد", "رضا الاعضاء")),
    ("hours", ("ساعات العمل", "اوقات العمل", "اوقات الدوام", "الدوام", "مواعيد")),
    ("address", ("العنوان", "المقر", "الفروع", "موقع الجمعيه")),
    ("donation", ("التبرع", "الدعم المالي", "الحساب البنكي")),
    ("volunteering", ("التطوع", "المتطوعين")),
    ("services", ("خدماتنا", "الخدمات", "خدمات الجمعيه", "البرامج", "برامج")),
    ("general_goal", ("الهدف العام", "الرساله", "الرويه")),
    ("goals", ("الاهداف",)),
    # A policy's "تمهيد" is legal boilerplate about the policy itself; an introduction or
    # "about us" section describes the association and answers "who are you".
    ("intro", ("مقدمه", "المقدمه", "نبذه", "من نحن", "تعريف", "عن الجمعيه")),
    ("preamble", ("تمهيد",)),
    ("scope", ("نطاق",)),
)
_PHONE = re.compile(
    r"(?<!\d)(?:\+?966\s?|0)?5\d(?:[\s-]?\d){7}(?!\d)"  # mobile
    r"|(?<!\d)9200\d{5}(?!\d)"  # unified number
    r"|(?<!\d)01\d(?:[\s-]?\d){7}(?!\d)"  # landline with area code
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s،,]+")
_ORG_IN_SENTENCE = re.compile(
    r"(?:تضع|تلتزم|تركز|وتركز|تعتمد)\s+((?:ال)?جمعي[ةه](?:\s+\S+){0,14}?)\s+"
    r"(?:السياسات|هذه السياسة|على|سياسة)"
)
_ORG_LINE = re.compile(r"^((?:ال)?جمعي[ةه]\s.{3,90})$")
_LICENCE = re.compile(r"(?:برقم|تصريح رقم|ترخيص رقم|رقم الترخيص)\s*\(?([0-9٠-٩]{2,8})")
_REVIEW_PHRASE = re.compile(r"(خلال\s+[^.،,]*)")
_REFERRAL = re.compile(
    r"(?:احالته|إحالته|تحويله|يحال\s+\S+)\s+(?:إلى\s+|الى\s+)?(.+?)(?:\s+للإجابة|\s+للاجابة|[.،,]|$)"
)


# "تقديم خدمات صحية وإرشادية وإغاثية …": a goal that names kinds of service.
_LISTED_SERVICES = re.compile(r"خدمات\s+(\S+ي[ةه])((?:\s+و\S+ي[ةه])+)")
# The guide's declaration clause: the kind of responsibility it names ("مسؤولية مباشرة",
# "المسؤولية النظامية"), in normalised spelling.
_RESPONSIBILITY = re.compile(r"مسووليه\s+(\S+)|المسووليه\s+(\S+)")
_RESPONSIBILITY_KINDS = {
    "مباشره": "direct",
    "نظاميه": "legal",
    "النظاميه": "legal",
    "كامله": "full",
    "الكامله": "full",
}


class GuideError(ValueError):
    """The text is not a guide this builder can read."""


@dataclass
class BuildReport:
    slug: str
    name: str
    sources: dict[str, str] = field(default_factory=dict)
    missing_intents: list[str] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _kind(title: str) -> str | None:
    norm = normalize(title)
    for kind, keys in _SECTION_KINDS:
        # Keys match from a word start: "اليه" (آلية) must not match inside "عاليه".
        if any(re.search(rf"(?<!\S){key}", norm) for key in keys):
            return kind
    return None


def _drop_lam(phrase: str) -> str:
    """Take the preposition off "للجهة المختصة" / "لمسئول البحث" to name the role itself."""
    if phrase.startswith("لل"):
        return "ال" + phrase[2:]
    if phrase.startswith("ل") and len(phrase.split()[0]) > 3:
        return phrase[1:]
    return phrase


def _entries(section: Section) -> list[str]:
    """A section's list: its bullet items, or short paragraphs where the PDF lost bullets."""
    if section.items:
        return list(section.items)
    return [p for p in section.paragraphs if len(p.split()) <= 14]


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([.,،])", r"\1", text).strip(" .،,:-")
    return re.sub(r"\s{2,}", " ", text)


def _classify(guide: ParsedGuide) -> dict[str, list[Section]]:
    kinds: dict[str, list[Section]] = {}
    for section in guide.sections:
        kind = _kind(section.title)
        if kind is None and _looks_like_procedure(section):
            kind = "procedure"
        if kind is not None:
            kinds.setdefault(kind, []).append(section)
    # A heading the PDF garbled still holds the procedure if its steps mention the review.
    if "procedure" not in kinds:
        for section in guide.sections:
            if _looks_like_procedure(section):
                kinds["procedure"] = [section]
                break
    return kinds


def _looks_like_procedure(section: Section) -> bool:
    text = normalize(section.text)
    return ("لجنه" in text and ("مده" in text or "دراسه" in text)) or (
        "استقبال" in text and "الطلبات" in text
    )


def _find_name(guide: ParsedGuide) -> str | None:
    for line in guide.raw_lines:
        m = _ORG_IN_SENTENCE.search(line)
        if m and len(m.group(1).split()) >= 2:
            return _tidy(m.group(1))
    for line in [*guide.preamble, *guide.raw_lines]:
        m = _ORG_LINE.match(line.strip())
        if m and "سياسة" not in line and "السياسة" not in line:
            return _tidy(m.group(1))
    return None


def _short_name(name: str) -> str:
    paren = re.search(r"\(([^)]+)\)", name)
    if paren:
        return paren.group(1).strip()
    m = re.match(r"^جمعي[ةه]\s+(\S+)(?:\s+(\S+))?", name)
    if m is None:
        return name
    first, second = m.group(1), m.group(2) or ""
    # "جمعية قادر …", "جمعية الهدى لمساعدة …", "جمعية الأمل الخيرية …": a proper name, not
    # a description like "جمعية الرعاية الصحية …".
    if not first.startswith("ال") or second.startswith("ل") or second in _ADJECTIVES:
        return first
    return name


_ADJECTIVES = {"الخيرية", "الأهلية", "السعودية", "التعاونية"}


def _field_of(name: str) -> str | None:
    """What the association works in, as its name says ("…لتعزيز الصحة النفسية بتبوك")."""
    rest = re.sub(r"\([^)]*\)", "", name)
    rest = re.sub(r"^(?:ال)?جمعي[ةه]\s+", "", rest).strip()
    short = _short_name(name)
    if rest.startswith(short + " "):
        rest = rest[len(short) :].strip()
    rest = re.sub(r"^(?:السعودية|الخيرية|الأهلية|التعاونية)\s+", "", rest)
    return _drop_lam(rest) if rest else None


def _beneficiary_terms(guide: ParsedGuide, tr: Translate) -> tuple[str, str]:
    text = normalize(guide.text)
    # normalize() drops the hamza: الأعضاء → الاعضا
    members = len(re.findall(r"اعضا|عضو", text))
    beneficiaries = len(re.findall(r"مستفيد", text))
    if members > beneficiaries:
        return tr("term-member"), tr("term-members")
    return tr("term-beneficiary"), tr("term-beneficiaries")


# Where the association is, as its name or letterhead says it: "… بتبوك", "… بمحافظة
# رابغ", "بمنطقة مكة المكرمة".
_NAME_PLACE = re.compile(r"\sب(\S{3,})$")
_PLACE = re.compile(r"(?:^|\s)ب(?:منطق|محافظ|مدين)[ةه]\s+(\S+(?:\s+(?:المكرمة|المنورة))?)")


def _city(name: str, guide: ParsedGuide) -> str | None:
    if m := _NAME_PLACE.search(name):
        return m.group(1)
    return next((_tidy(m.group(1)) for line in guide.raw_lines if (m := _PLACE.search(line))), None)


def _review_period(steps: list[str]) -> tuple[ReviewPeriod | None, str | None]:
    for step in steps:
        norm = normalize(step)
        if not re.search(r"مده|خلال", norm) or not re.search(r"دراس|يدرس|لجنه|الرد|ابلاغ", norm):
            continue
        m = _REVIEW_PHRASE.search(step)
        phrase = _tidy(m.group(1)) if m else _tidy(step)
        return ReviewPeriod(days=_period_days(phrase), phrase=phrase), step
    return None, None


# Counted periods as guides write them ("خلال ثلاثة أسابيع"), in normalised spelling.
_NUMBER_WORDS = {
    "ثلاثه": 3,
    "اربعه": 4,
    "خمسه": 5,
    "سته": 6,
    "سبعه": 7,
    "ثمانيه": 8,
    "تسعه": 9,
    "عشره": 10,
}


def _period_days(phrase: str) -> int | None:
    norm = normalize(phrase)
    number = re.search(r"(\d+)\s*(يوم|ايام|اسبوع|اسابيع|شهر|اشهر)", norm)
    if number:
        unit = number.group(2)
        scale = 1 if unit in {"يوم", "ايام"} else 7 if unit.startswith(("اسبوع", "اسابيع")) else 30
        return int(number.group(1)) * scale
    counted = re.search(rf"({'|'.join(_NUMBER_WORDS)})\s+(ايام|اسابيع|اشهر)", norm)
    if counted:
        scale = {"ايام": 1, "اسابيع": 7, "اشهر": 30}[counted.group(2)]
        return _NUMBER_WORDS[counted.group(1)] * scale
    for word, days in (
        ("اسبوعين", 14),
        ("شهرين", 60),
        ("ثلاثه اشهر", 90),
        ("اسبوع", 7),
        ("شهر", 30),
        ("يومين", 2),
    ):
        if word in norm:
            return days
    return None


def _step(steps: list[str], *needles: str) -> str | None:
    for step in steps:
        norm = normalize(step)
        if any(n in norm for n in needles):
            return _tidy(step)
    return None


def _contacts_from_guide(
    kinds: dict[str, list[Section]], guide: ParsedGuide, channels: list[str]
) -> dict[str, str]:
    found: dict[str, str] = {}
    text = to_ascii_digits(guide.text)
    # A channel line names what its number is for ("الجوال وواتساب 05…").
    for item in map(to_ascii_digits, channels):
        number = _PHONE.search(item)
        if number is None:
            continue
        digits = re.sub(r"[\s-]", "", number.group(0))
        if "واتس" in item:
            found.setdefault("whatsapp", digits)
        if re.search(r"هاتف|جوال|اتصال|موحد", item):
            found.setdefault("phone", digits)
    if "phone" not in found and (m := _PHONE.search(text)):
        found["phone"] = re.sub(r"[\s-]", "", m.group(0))
    if m := _EMAIL.search(text):
        found["email"] = m.group(0)
    if m := _URL.search(text):
        found["website"] = m.group(0).rstrip(".")
    for kind, key in (("hours", "working_hours"), ("address", "address"), ("donation", "donation")):
        if kind in kinds:
            body = " ".join(_tidy(s.text.replace("\n", "، ")) for s in kinds[kind] if s.text)
            if body:
                found[key] = body
    return found


@lru_cache(maxsize=1)
def _service_table() -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    lines = SERVICES_PATH.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#") or line == "phrase\tlabel":
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not 0 < len(parts[1].strip()) <= MAX_SERVICE_LABEL:
            raise ValueError(f"{SERVICES_PATH}:{lineno}: expected 'phrase<TAB>short label'")
        rows.append((normalize(parts[0]), parts[1].strip()))
    return tuple(rows)


def _suggested_services(name: str, goals: list[str], tr: Translate) -> list[str]:
    """Request types for a guide that lists no services: what its name and goals say."""
    norm = normalize(name)
    labels = [label for phrase, label in _service_table() if phrase in norm]
    field_phrase = _field_of(name)
    if not labels and field_phrase:
        # "تعزيز الصحة النفسية بتبوك": the place is not part of the service.
        field_phrase = re.sub(r"\s+ب\S+$", "", field_phrase)
        if len(field_phrase) <= MAX_SERVICE_LABEL:
            labels.append(field_phrase)
    for goal in goals:
        for m in _LISTED_SERVICES.finditer(goal):
            kinds = [m.group(1), *(w[1:] for w in m.group(2).split())]
            labels += [tr("service-kind", kind=k) for k in kinds]
    return list(dict.fromkeys(labels)) or [tr("default-request-form")]


def _first_person_declaration(clause: str, tr: Translate) -> str:
    """What the beneficiary declares, in their own voice, from the guide's staff-side clause.

    The guide tells staff to make sure ("التأكد على صحة البيانات … وأنه مسؤول مسؤولية مباشرة
    …"); the person accepting says it of themselves, with the kind of responsibility the
    clause names.
    """
    m = _RESPONSIBILITY.search(normalize(clause))
    word = (m.group(1) or m.group(2)) if m else ""
    return tr("declaration-first-person", kind=_RESPONSIBILITY_KINDS.get(word, "other"))


def _bullets(items: list[str]) -> str:
    return "\n".join(f"• {_tidy(i)}" for i in items if _tidy(i))


def build_profile(
    text: str, slug: str, tr: Translate, *, source: str = ""
) -> tuple[Profile, list[FaqEntry], BuildReport]:
    """Parse a guide and compose the profile and its FAQ; raise GuideError if unreadable."""
    if "\x00" in text:
        raise GuideError(tr("build-error-binary"))
    guide = parse_guide(text, is_known_title=lambda title: _kind(title) is not None)
    kinds = _classify(guide)
    recognised = {k for k in kinds if k not in {"approval", "scope"}}
    name = _find_name(guide)
    if len(recognised) < 2 or name is None:
        raise GuideError(tr("build-error-unreadable", found=len(recognised)))

    report = BuildReport(slug=slug, name=name)

    def first(kind: str) -> Section | None:
        # An empty heading ("آلية التعامل…" right before "يتم التعامل…") is not the section.
        sections = kinds.get(kind, [])
        return next((s for s in sections if s.text), sections[0] if sections else None)

    procedure = first("procedure")
    steps = [_tidy(s) for s in _entries(procedure)] if procedure else []
    channels_sec = first("channels")
    channels = [_tidy(c) for c in _entries(channels_sec)] if channels_sec else []
    tools_sec = first("tools")
    tools = [_tidy(t) for t in _entries(tools_sec)] if tools_sec else []
    goals_sec = first("goals")
    goals = [_tidy(g) for g in goals_sec.items] if goals_sec else []
    general = first("general_goal")
    general_goal = _tidy(" ".join(general.paragraphs)) if general else ""
    conf_sec = first("confidentiality")
    confidentiality = _tidy(conf_sec.text) if conf_sec else None
    sat_sec = first("satisfaction")
    satisfaction = _tidy(sat_sec.text) if sat_sec else None
    if satisfaction is None:
        satisfaction = next((g for g in goals if "رضا" in normalize(g)), None)

    singular, plural = _beneficiary_terms(guide, tr)
    form = next((t for t in tools if normalize(t).startswith("طلب")), None)
    if form is None:
        form = next((t for t in tools if "طلب" in normalize(t)), None)
        if form is not None:
            form = re.sub(r"^نماذج\s+", "", form).replace("طلبات", "طلب")
    request_form = form or tr("default-request-form")

    period, period_step = _review_period(steps)
    if period is None:
        period = ReviewPeriod(days=None, phrase=tr("review-period-unstated"))
        report.notes.append(tr("build-note-no-period"))
    referral_step = _step(steps, "احالته", "تحويله", "يحال")
    referral_role = None
    if referral_step and (m := _REFERRAL.search(referral_step)):
        referral_role = _drop_lam(_tidy(m.group(1)))
    # "مسؤولية" is the declaration's word; "مسؤول البحث" (the referral step) is not.
    clause = _step(steps, "التوقيع", "اقرار", "يقر ", "مسووليه", "صحه البيانات")
    declaration = _first_person_declaration(clause, tr) if clause else None
    complete_step = _step(steps, "استكمال")
    licence_m = next((m for line in guide.raw_lines if (m := _LICENCE.search(line))), None)

    services_sec = first("services")
    to_review: list[str] = []
    if services_sec is not None and _entries(services_sec):
        services = [_tidy(x) for x in _entries(services_sec)]
    else:
        # Channels such as "خدمات طلب المساعدة" are ways in, not services.
        services = _suggested_services(name, goals, tr)
        to_review.append("services")
    profile = Profile(
        slug=slug,
        name=name,
        short_name=_short_name(name),
        beneficiary_singular=singular,
        beneficiary_plural=plural,
        beneficiary_indefinite=indefinite(singular),
        beneficiary_term="member" if singular == tr("term-member") else "beneficiary",
        request_form=request_form,
        channels=channels,
        tools=tools,
        review_period=period,
        referral_role=referral_role,
        services=services,
        city=_city(name, guide),
        goals=goals,
        licence=licence_m.group(1) if licence_m else None,
        confidentiality=confidentiality,
        satisfaction=satisfaction,
        declaration=declaration,
        declaration_source=clause,
        contacts={f: None for f in CONTACT_FIELDS} | _contacts_from_guide(kinds, guide, channels),
        source=source,
        to_review=to_review,
    )

    args: dict[str, Any] = {
        "name": profile.name,
        "short": profile.short_name,
        "term": singular,
        "terms": plural,
        "form": request_form,
        "period": period.phrase,
        "role": referral_role or tr("default-referral-role"),
        **{f: "{" + f + "}" for f in CONTACT_FIELDS},
    }
    entries: list[FaqEntry] = []

    def add(intent: str, answer: str, section: str | None) -> None:
        entries.append(
            FaqEntry(id=intent, answer=answer.strip(), source=section, action=ACTIONS.get(intent))
        )
        report.sources[intent] = section or tr("build-source-catalog")

    def title(kind: str) -> str | None:
        sec = first(kind)
        return sec.title if sec else None

    add("greeting", tr("answer-greeting", args), None)
    add("thanks", tr("answer-thanks", args), None)

    intro_sec = first("intro")
    intro = _tidy(" ".join(intro_sec.paragraphs)) if intro_sec else ""
    about_parts = [p for p in (intro, general_goal) if p]
    if goals:
        about_parts.append(tr("answer-about-goals") + "\n" + _bullets(goals[:4]))
    if profile.licence:
        about_parts.append(tr("answer-about-licence", licence=profile.licence))
    about_src = " + ".join(t for t in (title("intro"), title("general_goal"), title("goals")) if t)
    add("about", "\n\n".join([tr("answer-about-intro", args), *about_parts]), about_src or None)

    if services:
        add(
            "services",
            tr("answer-services-suggested" if to_review else "answer-services", args)
            + "\n"
            + _bullets(services)
            + "\n\n"
            + tr("answer-offer-request", args),
            title("services") or title("goals") or title("channels"),
        )
    else:
        add("services", tr("answer-services-generic", args), None)
        report.missing_intents.append("services")

    if channels:
        add(
            "channels",
            tr("answer-channels", args)
            + "\n"
            + _bullets(channels)
            + "\n\n"
            + tr("answer-contacts", args),
            title("channels"),
        )
    else:
        add("channels", tr("answer-contacts", args), None)
        report.missing_intents.append("channels")

    branches = [c for c in channels if re.search(r"مناديب|فرع|ميداني", normalize(c))]
    location = tr("answer-location", args)
    if branches:
        location += "\n" + tr("answer-location-branches", branches="، ".join(branches))
    add("location", location, title("address") or (title("channels") if branches else None))

    add("working_hours", tr("answer-working-hours", args), title("hours"))

    if steps:
        # The guide's steps are written for staff; the answer tells the beneficiary the same
        # procedure from their side, with the guide's own period and referral role.
        add("how_to_apply", tr("answer-how-to-apply", args), procedure.title if procedure else None)
    else:
        add("how_to_apply", tr("answer-how-to-apply-generic", args), None)
        report.missing_intents.append("how_to_apply")

    add(
        "required_documents",
        tr("answer-required-documents", args),
        title("tools") if form else None,
    )

    if period_step:
        add(
            "review_period",
            tr("answer-review-period", args),
            procedure.title if procedure else None,
        )
    else:
        add("review_period", tr("answer-review-period-unstated", args), None)
        report.missing_intents.append("review_period")

    add("request_status", tr("answer-request-status", args), None)
    add(
        "complete_request",
        ((complete_step + "\n\n") if complete_step else "") + tr("answer-complete-request", args),
        procedure.title if complete_step and procedure else None,
    )

    if declaration:
        add(
            "data_responsibility",
            tr("answer-data-responsibility", args) + "\n«" + declaration + "»",
            procedure.title if procedure else None,
        )
    else:
        add("data_responsibility", tr("answer-data-responsibility-generic", args), None)
        report.missing_intents.append("data_responsibility")

    privacy = tr("answer-privacy", args)
    if confidentiality:
        privacy = confidentiality + "\n\n" + privacy
    add("privacy", privacy, title("confidentiality"))

    if referral_step:
        add(
            "talk_to_human",
            tr("answer-talk-to-human", args),
            procedure.title if procedure else None,
        )
    else:
        add("talk_to_human", tr("answer-talk-to-human-generic", args), None)
    add("complaint", tr("answer-complaint", args), None)

    feedback = tr("answer-feedback", args)
    if satisfaction:
        feedback = satisfaction + "\n\n" + feedback
    add("feedback", feedback, title("satisfaction") or (title("goals") if satisfaction else None))

    volunteer_channel = next((c for c in channels if "تطوع" in normalize(c)), None)
    if volunteer_channel or "volunteering" in kinds:
        add("volunteer", tr("answer-volunteer", args), title("volunteering") or title("channels"))
    else:
        add("volunteer", tr("answer-volunteer-generic", args), None)
    add("donate", tr("answer-donate", args), title("donation"))

    report.missing_fields = profile.missing
    report.to_review = profile.to_review
    report.counts = {"channels": len(channels), "tools": len(tools), "steps": len(steps)}
    return profile, entries, report


def format_report(report: BuildReport, tr: Translate, missing_labels: Mapping[str, str]) -> str:
    lines = [tr("build-report-title", name=report.name, slug=report.slug)]
    lines.append(tr("build-report-counts", **report.counts))
    for intent in CANONICAL_INTENTS:
        lines.append(f"  {intent:<20} ← {report.sources.get(intent, '-')}")
    if report.missing_intents:
        lines.append(tr("build-report-missing-intents", intents=", ".join(report.missing_intents)))
    if report.missing_fields:
        lines.append(tr("build-report-admin"))
        lines.extend(f"  - {missing_labels.get(f, f)}" for f in report.missing_fields)
    if report.to_review:
        lines.append(tr("build-report-review"))
        lines.extend(f"  - {tr(f'field-{f}')}" for f in report.to_review)
    lines.extend(f"! {note}" for note in report.notes)
    return "\n".join(lines)
