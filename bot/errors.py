"""Errors the command line turns into a clear message (and exit code 1)."""

from __future__ import annotations

from faq.profile import ProfileError


class NotMigrated(RuntimeError):
    """PostgreSQL is migrated by `bot.py db upgrade`, never implicitly."""


class UnknownOrg(ProfileError):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


class BadSetting(Exception):
    """A setting the bot can't start with, said in the catalog's words (shaped like
    `handlers.errors.Refusal`).

    Deliberately not a ValueError: pydantic would wrap that in its own English message,
    while this one passes through a settings validator as it is.
    """

    def __init__(self, message_id: str, **arguments: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.arguments = arguments
