"""The scheduler's jobs run against the handler tests' engine: the same fixtures."""

from tests.handlers.conftest import clock, engine, faq

__all__ = ["clock", "engine", "faq"]
