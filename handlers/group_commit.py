"""Group commit: updates that arrive together share one transaction.

A webhook or a web chat request handles one update; under load, dozens arrive while one
transaction is committing. Instead of a transaction each, whoever arrives while the
database is busy waits for the next batch, which takes everything queued so far (up to
`most`) in one BEGIN/COMMIT. Nobody waits for company: with nothing in flight, an update
goes at once, alone. An update is answered only once its batch committed (stored before
the channel's 200), and a batch that fails is tried again one update at a time, so one
bad update holds none of the others back and gets its own error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        run: Callable[[Sequence[T]], Awaitable[list[R]]],
        *,
        most: int = 100,
        parallel: int = 1,
    ) -> None:
        self._run = run
        self._most = most
        self._parallel = parallel  # batches in flight at once (one where writers queue)
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._running = 0

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._running < self._parallel:
            self._running += 1
            asyncio.get_running_loop().create_task(self._drain())
        # Shielded: a caller that gives up (a dropped connection) doesn't cancel the batch.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[: self._most], self._queue[self._most :]
                await self._commit(batch)
        finally:
            self._running -= 1

    async def _commit(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._run([item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc=exc)
                return
            for one in batch:
                await self._commit([one])
            return
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result=result)


def _settle(
    future: asyncio.Future[R], *, result: R | None = None, exc: Exception | None = None
) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)  # type: ignore[arg-type]
