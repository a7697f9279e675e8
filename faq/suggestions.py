"""Request types to suggest for a guide that lists no services (``faq/data/services.tsv``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from faq.identity import field_of
from faq.normalize import normalize
from faq.tsv import data_lines

__all__ = ["MAX_SERVICE_LABEL", "SERVICES_PATH", "suggested_services"]

Translate = Callable[..., str]

SERVICES_PATH = Path(__file__).resolve().parent / "data" / "services.tsv"
# A service is a request-type button: longer labels wrap or are cut on a phone.
MAX_SERVICE_LABEL = 30
# "تقديم خدمات صحية وإرشادية وإغاثية …": a goal that names kinds of service.
_LISTED_SERVICES = re.compile(r"خدمات\s+(\S+ي[ةه])((?:\s+و\S+ي[ةه])+)")


@lru_cache(maxsize=1)
def _service_table() -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    for lineno, parts in data_lines(SERVICES_PATH, "phrase\tlabel"):
        if len(parts) != 2 or not 0 < len(parts[1].strip()) <= MAX_SERVICE_LABEL:
            raise ValueError(f"{SERVICES_PATH}:{lineno}: expected 'phrase<TAB>short label'")
        rows.append((normalize(parts[0]), parts[1].strip()))
    return tuple(rows)


def _from_name(name: str) -> list[str]:
    norm = normalize(name)
    labels = [label for phrase, label in _service_table() if phrase in norm]
    field_phrase = field_of(name)
    if not labels and field_phrase:
        # "تعزيز الصحة النفسية بتبوك": the place is not part of the service.
        field_phrase = re.sub(r"\s+ب\S+$", "", field_phrase)
        if len(field_phrase) <= MAX_SERVICE_LABEL:
            labels.append(field_phrase)
    return labels


def _from_goals(goals: list[str], tr: Translate) -> list[str]:
    labels: list[str] = []
    for goal in goals:
        for m in _LISTED_SERVICES.finditer(goal):
            kinds = [m.group(1), *(w[1:] for w in m.group(2).split())]
            labels += [tr("service-kind", kind=k) for k in kinds]
    return labels


def suggested_services(name: str, goals: list[str], tr: Translate) -> list[str]:
    """Request types for a guide that lists no services: what its name and goals say."""
    labels = _from_name(name) + _from_goals(goals, tr)
    return list(dict.fromkeys(labels)) or [tr("default-request-form")]
