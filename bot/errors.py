"""Errors the command line turns into a clear message (and exit code 1)."""

from __future__ import annotations

from faq.profile import ProfileError


class NotMigrated(RuntimeError):
    """PostgreSQL is migrated by `bot.py db upgrade`, never implicitly."""


class UnknownOrg(ProfileError):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug
