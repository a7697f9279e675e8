"""The website chat channel: `create_app(...)` assembles the FastAPI app.

Nothing is created at import time: the engine is entered in the app's lifespan and kept
on `app.state.engine`; the site's services are `app.state.chat` (bot/channels/web/state.py).
The routes: bot/channels/web/routes.py (the page and its JSON API) and health_routes.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bot.channels.web import api_models as api
from bot.channels.web import health_routes, routes
from bot.channels.web.body_limit import BodyLimit
from bot.channels.web.errors import install_error_handlers
from bot.channels.web.security import security_headers
from bot.channels.web.state import WebChat
from bot.channels.web.uploads import MAX_UPLOAD_BODY_BYTES, WebUploads
from bot.channels.web.visitor import COOKIE_NAME, VisitorCookie
from bot.health import Health
from bot.i18n import Catalog
from bot.staff_web import StaffBackend
from bot.staff_web import install as install_staff_web
from bot.staff_web.session import SESSION_COOKIE as STAFF_COOKIE
from handlers.types import ChatEngine

EngineFactory = Callable[[], AbstractAsyncContextManager[ChatEngine]]

# The templates and static files belong to the whole web side (chat and staff inbox).
WEB_DIR = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def create_app(
    *,
    engine_factory: EngineFactory,
    catalog: Catalog,
    org_name: str,
    secret_key: str,
    cookie_secure: bool = False,
    staff: Callable[[], StaffBackend | None] | None = None,
    health: Health | None = None,
    embed_origins: Sequence[str] = (),
    uploads: WebUploads | None = None,
    openapi: bool = False,
) -> FastAPI:
    if not secret_key:
        raise ValueError("secret_key must not be empty: it signs the visitors' cookies")
    app = _bare_app(openapi)
    app.state.engine_factory = engine_factory
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    app.state.chat = WebChat(
        catalog=catalog,
        org_name=org_name,
        templates=templates,
        assets=_assets("chat"),
        visitors=VisitorCookie(
            secret_key, cookie_secure=cookie_secure, embeddable=bool(embed_origins)
        ),
        page_headers=security_headers(embed_origins),
        embed_script=_embed_script(catalog),
        uploads=uploads,
        health=health,
    )
    _limit_bodies(app, catalog, with_uploads=uploads is not None)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.state.staff_source = staff
    if staff is not None:
        install_staff_web(
            app,
            catalog=catalog,
            org_name=org_name,
            secret_key=secret_key,
            cookie_secure=cookie_secure,
            templates=templates,
            assets=_assets("staff"),
        )
    install_error_handlers(app)
    app.include_router(health_routes.router)
    app.include_router(routes.router)
    return app


def _bare_app(openapi: bool) -> FastAPI:
    app = FastAPI(
        title="Tawasul web chat",
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
        # The JSON APIs' description, for staff tools and integrators (TAWASUL_OPENAPI);
        # no docs UI: Swagger's would load from a CDN.
        openapi_url="/openapi.json" if openapi else None,
    )
    if openapi:
        api.install_openapi(app, COOKIE_NAME, STAFF_COOKIE)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with app.state.engine_factory() as engine:
        app.state.engine = engine
        # The staff pages' services open with the engine (server.py's lifespan builds them).
        source = app.state.staff_source
        app.state.staff = source() if source is not None else None
        try:
            yield
        finally:
            del app.state.engine
            app.state.staff = None


def _limit_bodies(app: FastAPI, catalog: Catalog, *, with_uploads: bool) -> None:
    refusal = json.dumps({"error": catalog.t("web-error-too-large")}, ensure_ascii=False)
    # The upload route reads under its own limit and says so in its own words; the floor
    # here sits above it, so it only stops bodies declared far beyond any photo or PDF.
    overrides = {"/api/chat/upload": 2 * MAX_UPLOAD_BODY_BYTES} if with_uploads else {}
    app.add_middleware(BodyLimit, refusal=refusal.encode(), overrides=overrides)


def _assets(name: str) -> Mapping[str, str]:
    """A page's stylesheet and script, their content hash in the URL: browsers cache
    /static, and a new hash makes a deploy reach them at once."""
    return {
        kind: f"/static/{name}.{kind}?v={_version(STATIC_DIR / f'{name}.{kind}')}"
        for kind in ("css", "js")
    }


def _version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _embed_script(catalog: Catalog) -> str:
    texts = {"open": catalog.t("web-embed-open"), "close": catalog.t("web-embed-close")}
    script = (TEMPLATES_DIR / "embed.js").read_text(encoding="utf-8")
    return script.replace("__TAWASUL_TEXTS__", json.dumps(texts, ensure_ascii=False))
