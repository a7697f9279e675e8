"""Build an association's profile and FAQ from its beneficiary-relations policy guide.

The builder reads what the guide states (name, terminology, channels, tools, the procedure
and its review period, the referral role, confidentiality, satisfaction measurement, the
contacts, hours and address, the documents to bring, who may benefit, the beneficiary's
rights and duties) and composes one answer per canonical intent from it.  Facts the guide
does not give are left for the admin and never invented: the answers that need them say
they have not been added yet.  Where the bot needs something the guide lacks (request
types), the builder suggests it and marks it for the admin to review.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from faq.answers import Answers
from faq.facts import GuideFacts, read_facts
from faq.guide import ParsedGuide, parse_guide
from faq.identity import city, find_name, licence, short_name
from faq.profile import CONTACT_FIELDS, FaqEntry, Profile, ReviewPeriod, indefinite
from faq.sections import Sections, kind_of

__all__ = ["CANONICAL_INTENTS", "BuildReport", "GuideError", "build_profile", "format_report"]

Translate = Callable[..., str]

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
    "eligibility",
    "review_period",
    "request_status",
    "complete_request",
    "data_responsibility",
    "privacy",
    "rights",
    "talk_to_human",
    "complaint",
    "feedback",
    "volunteer",
    "donate",
)
# A guide with fewer recognised sections than this is not one the builder can read.
_MIN_SECTIONS = 2


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


def _read(text: str, tr: Translate) -> tuple[ParsedGuide, Sections, str]:
    if "\x00" in text:
        raise GuideError(tr("build-error-binary"))
    guide = parse_guide(text, is_known_title=lambda title: kind_of(title) is not None)
    sections = Sections(guide)
    name = find_name(guide)
    if len(sections.recognised) < _MIN_SECTIONS or name is None:
        raise GuideError(tr("build-error-unreadable", found=len(sections.recognised)))
    return guide, sections, name


def _profile(
    facts: GuideFacts, guide: ParsedGuide, sections: Sections, slug: str, source: str, tr: Translate
) -> Profile:
    p, name, singular, rights = facts.procedure, facts.name, facts.singular, facts.entitlements
    return Profile(
        slug=slug,
        name=name,
        short_name=short_name(name),
        beneficiary_singular=singular,
        beneficiary_plural=facts.plural,
        beneficiary_indefinite=indefinite(singular),
        beneficiary_term="member" if singular == tr("term-member") else "beneficiary",
        request_form=facts.form or tr("default-request-form"),
        channels=facts.channels,
        tools=facts.tools,
        review_period=p.period or ReviewPeriod(days=None, phrase=tr("review-period-unstated")),
        referral_role=p.referral_role,
        services=facts.services,
        city=city(name, guide),
        goals=facts.goals,
        target_groups=rights.groups,
        eligibility=rights.conditions,
        documents=facts.documents,
        rights=rights.rights,
        duties=rights.duties,
        licence=licence(guide),
        confidentiality=facts.confidentiality,
        satisfaction=facts.satisfaction,
        declaration=p.declaration,
        declaration_source=p.clause,
        contacts={f: None for f in CONTACT_FIELDS} | facts.contacts.values,
        schedule=facts.contacts.schedule,
        source=source,
        to_review=["services"] if facts.services_suggested else [],
    )


def build_profile(
    text: str, slug: str, tr: Translate, *, source: str = ""
) -> tuple[Profile, list[FaqEntry], BuildReport]:
    """Parse a guide and compose the profile and its FAQ; raise GuideError if unreadable."""
    guide, sections, name = _read(text, tr)
    facts = read_facts(guide, sections, name, tr)
    profile = _profile(facts, guide, sections, slug, source, tr)
    answers = Answers(facts, profile, sections, tr)
    entries = answers.compose()
    report = BuildReport(slug=slug, name=name, sources=answers.sources)
    report.missing_intents = answers.missing
    if facts.procedure.period is None:
        report.notes.append(tr("build-note-no-period"))
    report.missing_fields = profile.missing
    report.to_review = profile.to_review
    report.counts = {
        "channels": len(facts.channels),
        "tools": len(facts.tools),
        "steps": len(facts.procedure.steps),
    }
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
