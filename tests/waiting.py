"""Waiting for something another task or process does, within a bound (never a timing)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def until(check: Callable[[], Any], timeout: float, poll: float = 0.02) -> Any:
    """The first truthy value of ``check()``; TimeoutError after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while not (result := check()):
            await asyncio.sleep(poll)
    return result
