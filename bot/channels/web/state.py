"""What the web chat's routes read from `app.state`: the engine and the wake-ups (set by
the lifespan; no wake-ups, no long polls) and `app.state.chat`, the site's services (set
once by `create_app`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from fastapi import Request
from fastapi.templating import Jinja2Templates

from bot.channels.web.uploads import WebUploads
from bot.channels.web.visitor import VisitorCookie
from bot.health import Health
from bot.i18n import Catalog
from handlers.types import ChatEngine
from storage.notify import Wakeups


@dataclass(frozen=True)
class WebChat:
    catalog: Catalog
    org_name: str
    templates: Jinja2Templates
    assets: Mapping[str, str]  # the page's stylesheet and script, with their content hash
    visitors: VisitorCookie
    page_headers: Mapping[str, str]
    embed_script: str
    uploads: WebUploads | None = None
    # None: no database behind this app's report, ready once started.
    health: Health | None = None


def chat_of(request: Request) -> WebChat:
    return cast(WebChat, request.app.state.chat)


def engine_of(request: Request) -> ChatEngine:
    return cast(ChatEngine, request.app.state.engine)


def wakeups_of(request: Request) -> Wakeups | None:
    return cast(Wakeups | None, getattr(request.app.state, "wakeups", None))
