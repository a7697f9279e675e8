"""`GET /healthz`: each channel's state beside `{"status": "ok"}` (the web is up whenever
this answers). `GET /readyz`: 200 once the database answers, 503 while it doesn't."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.channels.web import api_models as api
from bot.channels.web.state import chat_of
from bot.health import Health

router = APIRouter()


# HEAD as well, for load balancers; the description names GET only.
@router.get("/healthz", response_model=None, responses={200: {"model": api.Health}})
@router.head("/healthz", include_in_schema=False)
async def healthz(request: Request) -> dict[str, str]:
    # The web is up if this answers; each channel says its own state beside it.
    return (chat_of(request).health or Health()).report()


@router.get("/readyz", responses={200: {"model": api.Readiness}, 503: {"model": api.Readiness}})
@router.head("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    health = chat_of(request).health
    # No database behind this app's report: ready once started.
    ready = hasattr(request.app.state, "engine") if health is None else await health.ready()
    body = {"status": "ready" if ready else "unavailable"}
    return JSONResponse(body, status_code=200 if ready else 503)
