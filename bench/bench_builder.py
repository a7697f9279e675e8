"""Building a profile from a guide: which facts the builder found, against what each guide
states.

What each guide states is `tests/faq/guides/facts.yaml`, written by reading the guides (the
four written for issue 16 in shapes the five associations' guides don't have, two older
test guides and the five associations' own). Each cell says whether the builder found the
fact (`found`), correctly found nothing because the guide states nothing (`-`), or got it
wrong: `MISSED` (stated, not found), `WRONG` (found something else), `INVENTED` (found where
the guide is silent). Target (docs/benchmarks.md): no MISSED, WRONG or INVENTED.
Run: .venv/bin/python bench/bench_builder.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n import Catalog  # noqa: E402
from faq.builder import build_profile  # noqa: E402
from faq.coverage import FACTS, FOUND, NOT_STATED, found_facts, status  # noqa: E402

STATED = ROOT / "tests" / "faq" / "guides" / "facts.yaml"
SHORT = {NOT_STATED: "-"}


def measure() -> dict[str, dict[str, object]]:
    tr = Catalog("ar").t
    rows: dict[str, dict[str, object]] = {}
    for guide, stated in yaml.safe_load(STATED.read_text(encoding="utf-8")).items():
        text = (ROOT / guide).read_text(encoding="utf-8")
        started = time.perf_counter()
        profile, _, _ = build_profile(text, Path(guide).stem, tr)
        build_ms = (time.perf_counter() - started) * 1000
        found = found_facts(profile)
        rows[guide] = {f: status(stated[f], found[f]) for f in FACTS} | {"build_ms": build_ms}
    return rows


def _name(guide: str) -> str:
    path = Path(guide)
    return path.parent.name if path.name == "guide.txt" else path.stem


def print_table(rows: dict[str, dict[str, object]]) -> None:
    print("| guide | " + " | ".join(FACTS) + " | build |")
    print("|---" * (len(FACTS) + 2) + "|")
    for guide, row in rows.items():
        cells = [SHORT.get(str(row[f]), str(row[f])) for f in FACTS]
        print(f"| {_name(guide)} | " + " | ".join(cells) + f" | {row['build_ms']:.0f} ms |")
    cells = [str(row[f]) for row in rows.values() for f in FACTS]
    stated = sum(1 for row in rows.values() for f in FACTS if row[f] != NOT_STATED)
    found = cells.count(FOUND)
    bad = len(cells) - found - cells.count(NOT_STATED)
    print(f"\nstated facts found: {found}/{stated}; missed, wrong or invented: {bad}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
