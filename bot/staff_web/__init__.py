"""The staff web inbox under /staff: sign-in, cases, requests, reports (routes over
handlers/staff_desk), and the FAQ editor (over handlers/faq_learning).

`install(app, ...)` mounts it on the web app: its configuration goes on
`app.state.staff_web`; the routes read the running core's `StaffBackend` from
`app.state.staff` (set by the app's lifespan), and refuse with 503 while there is none.

Modules: session (signed cookies, CSRF), login (sign-in, sign-out), pages (rendering,
refusal pages, forms, who may open what), cases, requests, files (attachments), reports
(figures, CSV); faq, faq_unanswered, faq_views (the FAQ editor); state (what the routes
read off the app).
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from bot.i18n import Catalog
from bot.staff_web import cases, faq, faq_unanswered, files, login, pages, reports, requests
from bot.staff_web.faq_views import FaqDesk
from bot.staff_web.state import FileSource, StaffBackend, StaffWebConfig

__all__ = ["FaqDesk", "FileSource", "StaffBackend", "install"]


def install(
    app: FastAPI,
    *,
    catalog: Catalog,
    org_name: str,
    secret_key: str,
    cookie_secure: bool,
    templates: Jinja2Templates,
    assets: Mapping[str, str],
) -> None:
    """Mount the staff pages on `app`, speaking `catalog`'s language."""
    config = StaffWebConfig(catalog, org_name, secret_key, cookie_secure, templates, assets)
    app.state.staff_web = config
    # In this order: the catch-all for other paths under /staff comes last.
    # faq_unanswered before faq: /staff/faq/unanswered is not an entry's page.
    for module in (login, cases, requests, files, reports, faq_unanswered, faq):
        app.include_router(module.router)
    app.include_router(pages.fallback)
