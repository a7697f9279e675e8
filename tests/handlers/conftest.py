"""The engine the handler tests drive: the little-hearts profile, the request form, a clock
stopped on a Sunday morning, over the `database` fixture (tests/conftest.py).

tests/scheduler/conftest.py shares these fixtures.
"""

from __future__ import annotations

import pytest

from bot.config import PROFILES_DIR
from faq.profile import missing_phrases
from faq.service import FaqService
from handlers.clock import FixedClock
from handlers.engine import Engine
from storage.db import Database
from tests.handlers.chats import SUNDAY, form_engine, tr


@pytest.fixture(scope="module")
def faq() -> FaqService:
    return FaqService.from_dir(PROFILES_DIR / "little-hearts", missing_phrases(tr.t))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(SUNDAY)


@pytest.fixture
def engine(database: Database, faq: FaqService, clock: FixedClock) -> Engine:
    return form_engine(database, faq, clock)
