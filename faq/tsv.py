"""The faq/data files' common shape: UTF-8, tab-separated, a header line, '#' comments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

__all__ = ["data_lines"]


def data_lines(path: Path | str, header: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each data line; blank, comment and header lines skipped."""
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#") or line == header:
                continue
            yield lineno, line.split("\t")
