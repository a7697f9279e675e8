"""What the staff pages read off the app: the backend the running core lends them
(`app.state.staff`, set by the lifespan; None while there is no desk) and their own
configuration (`app.state.staff_web`, set by `bot.staff_web.install`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from fastapi import Request
from fastapi.templating import Jinja2Templates

from bot.channels.telegram.files import FetchedFile
from bot.i18n import Catalog
from bot.staff_web.faq_views import FaqDesk
from handlers.clock import SystemClock
from handlers.errors import Refusal
from handlers.staff_auth import LoginThrottle
from handlers.staff_desk import StaffDesk


class FileSource(Protocol):
    async def fetch(self, channel: str, file_id: str) -> FetchedFile | None:
        """The file's bytes, or None when its channel can't give it (or isn't served)."""
        ...


@dataclass
class StaffBackend:
    """What the staff routes need from the running core (built by bot/server.py)."""

    desk: StaffDesk
    files: FileSource | None = None
    throttle: LoginThrottle = field(default_factory=lambda: LoginThrottle(SystemClock()))
    faq: FaqDesk | None = None  # the FAQ editor's pages; None: they answer 503


@dataclass(frozen=True)
class StaffWebConfig:
    """How the staff pages look and sign their cookies, fixed when the app is built."""

    catalog: Catalog
    org_name: str
    secret_key: str = field(repr=False)
    cookie_secure: bool
    templates: Jinja2Templates
    assets: Mapping[str, str]


def config_of(request: Request) -> StaffWebConfig:
    config: StaffWebConfig = request.app.state.staff_web
    return config


def tr_of(request: Request) -> Callable[..., str]:
    """The catalog's `t`, in the language the staff pages speak."""
    return config_of(request).catalog.t


def backend_if_any(request: Request) -> StaffBackend | None:
    # Unset before the lifespan starts and after it ends: the same as no desk.
    found: StaffBackend | None = getattr(request.app.state, "staff", None)
    return found


def backend(request: Request) -> StaffBackend:
    found = backend_if_any(request)
    if found is None:
        raise Refusal("staffweb-error-unavailable", http_status=503)
    return found
