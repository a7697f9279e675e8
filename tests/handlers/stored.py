"""Looking for a secret in everything the engine stored, however it was written."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlalchemy import select

from faq.normalize import to_ascii_digits
from storage.db import Database
from storage.models import Base


async def copies_in(
    database: Database, secrets: Iterable[str], separators: re.Pattern[str]
) -> list[str]:
    """Every stored value, in every table, that holds one of ``secrets`` once its digits are
    Western and ``separators`` are taken out: "table.column: value", once per secret."""
    hits: list[str] = []
    async with database.reading() as s:
        for table in Base.metadata.sorted_tables:
            for row in (await s.execute(select(table))).mappings():
                for column, value in row.items():
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str):
                        squeezed = separators.sub("", to_ascii_digits(value))
                        hits += [
                            f"{table.name}.{column}: {value!r}" for x in secrets if x in squeezed
                        ]
    return hits
