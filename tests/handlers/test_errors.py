"""The one refusal type: what a person reads comes from the catalog, with its arguments."""

from __future__ import annotations

from bot.i18n import Catalog
from handlers.errors import Refusal


def test_a_refusal_reads_as_its_catalog_text_in_each_language() -> None:
    refusal = Refusal("web-error-too-long", http_status=413, limit=2000)
    assert refusal.http_status == 413
    arabic = refusal.text(Catalog("ar").t)
    english = refusal.text(Catalog("en").t)
    assert arabic == "رسالتك طويلة جداً؛ الحد الأقصى 2,000 حرف."
    assert "2,000" in english
    assert arabic != english
