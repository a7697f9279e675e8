"""Configuration from the environment (and `.env`), overridable by a mapping in tests."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import BadSetting

ROOT = Path(__file__).resolve().parent.parent
PROFILES_DIR = ROOT / "profiles"
# Meta's template names: lower case letters, digits and underscores.
_TEMPLATE = r"^[a-z0-9_]{1,512}$"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAWASUL_", env_file=".env", extra="ignore")

    org: str = Field(default="little-hearts", pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    data_dir: Path = Path("var")
    # Trained FAQ matchers (faq/trained.py); the data dir's `cache/` unless set.
    cache_dir: Path | None = None
    # Where the association profiles live (the committed ones by default).
    profiles_dir: Path = PROFILES_DIR
    locale: str = "ar"
    database_url: str | None = None
    secret_key: str | None = None
    # Encrypts national IDs and phone numbers at rest (urlsafe base64 of 32 bytes);
    # generated into the data dir (0600) when unset.
    encryption_key: str | None = None
    # The key `bot.py keys rotate` moves to, known to a running bot before the rotation
    # commits so that it follows without a restart (docs/privacy.md).
    new_encryption_key: str | None = None
    # An unfinished request form is dropped (with a notice) after this many days.
    draft_ttl_days: int = Field(default=7, ge=1, le=365)
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    # Telegram, when a token is given: the usual names, without the prefix (docs/configuration.md).
    telegram_bot_token: str | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base: str | None = Field(default=None, validation_alias="TELEGRAM_API_BASE")
    telegram_staff_chat_id: int | None = Field(
        default=None, validation_alias="TELEGRAM_STAFF_CHAT_ID"
    )
    telegram_poll_timeout: int = Field(default=25, ge=0, le=50)
    # Webhook mode when set: Telegram POSTs updates to this public HTTPS URL (ending in
    # /telegram/webhook); otherwise the bot long-polls.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    # Telegram's published limits; lower them if the bot shares its token's quota. On
    # PostgreSQL they hold for every process together (one budget in the database).
    telegram_per_second: int = Field(default=30, ge=1)
    # Telegram's paid broadcasts: every message goes with allow_paid_broadcast (0.1 Star
    # each, from the bot's balance) and the overall limit becomes this one instead.
    telegram_paid_broadcast: bool = False
    telegram_paid_per_second: int = Field(default=1000, ge=1, le=1000)
    telegram_per_chat_interval: float = Field(default=1.0, ge=0)
    telegram_group_per_minute: int = Field(default=20, ge=1)
    # WhatsApp (Cloud API), when a token and a phone number id are given: Meta's own names.
    whatsapp_access_token: str | None = Field(
        default=None, validation_alias="WHATSAPP_ACCESS_TOKEN"
    )
    whatsapp_phone_number_id: str | None = Field(
        default=None, validation_alias="WHATSAPP_PHONE_NUMBER_ID", pattern=r"^[0-9]{1,32}$"
    )
    whatsapp_app_secret: str | None = Field(default=None, validation_alias="WHATSAPP_APP_SECRET")
    whatsapp_verify_token: str | None = Field(
        default=None, validation_alias="WHATSAPP_VERIFY_TOKEN"
    )
    # The Graph API's base, version included; pointing it elsewhere is how a proxy or the
    # tests' fake server is used.
    whatsapp_api_base: str = Field(
        default="https://graph.facebook.com/v23.0",
        validation_alias="WHATSAPP_API_BASE",
        pattern=r"^https?://[^\s/]+(/[^\s]*)?$",
    )
    # Meta's default throughput per business number (20 for a number shared with the
    # WhatsApp Business app), and the spacing of messages to one person.
    whatsapp_per_second: int = Field(default=80, ge=1, le=1000)
    whatsapp_per_recipient_interval: float = Field(default=1.0, ge=0)
    # Media ids expire: fetch the photos and documents people send into the data directory
    # as they arrive (off: fetched from Meta when staff open them).
    whatsapp_keep_media: bool = True
    # Approved message templates for outside the 24-hour window (docs/channels.md has the
    # text to submit to Meta for each).
    whatsapp_template_language: str = Field(default="ar", pattern=r"^[a-z]{2}(_[A-Z]{2})?$")
    whatsapp_template_status: str = Field(default="tawasul_status_update", pattern=_TEMPLATE)
    whatsapp_template_survey: str = Field(default="tawasul_survey_invite", pattern=_TEMPLATE)
    whatsapp_template_message: str = Field(default="tawasul_new_message", pattern=_TEMPLATE)
    # Seconds after which an outbox message claimed by a process that died mid-send is sent
    # by another (PostgreSQL; on SQLite a restarting bot takes its own back at once).
    outbox_reclaim_after: float = Field(default=120.0, ge=1.0)
    # The periodic jobs' periods in seconds, by job id, where they differ from the
    # defaults: "surveys-send=60,cases-unclaimed=900" (scheduler/jobs.JOB_IDS).
    job_intervals: Annotated[dict[str, int], NoDecode] = Field(default_factory=dict)
    # PostgreSQL: how often a process that doesn't lead the jobs tries to, and how often
    # the leader checks it still does (a dead leader is replaced within about this long).
    leader_retry_seconds: float = Field(default=3.0, gt=0, le=60)
    # Python's own level names, in any case (DEBUG or debug).
    log_level: str = Field(default="info", pattern=r"(?i)^(critical|error|warning|info|debug)$")
    # Set behind HTTPS so the visitor cookie is only sent over TLS (it is also Secure
    # by itself whenever a request came over HTTPS).
    cookie_secure: bool = False
    # Sites that may show the web chat in a frame (CSP frame-ancestors), e.g.
    # "https://www.example.org https://example.org"; the chat's own origin always may.
    embed_origins: str = ""
    # Reverse proxies whose X-Forwarded-For / -Proto are believed (comma-separated IPs or
    # networks); none by default, so a client can't pick the address the throttle sees.
    trusted_proxies: str = ""
    # Publish the JSON APIs' description at /openapi.json (for staff tools and
    # integrators); off by default: it maps the API for anyone who can reach the site.
    openapi: bool = False

    @field_validator("log_level")
    @classmethod
    def _lower_level(cls, value: str) -> str:
        return value.lower()

    @field_validator("embed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in value.replace(",", " ").split():
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(f"not an origin (scheme://host[:port]): {origin!r}")
        return value

    @field_validator("job_intervals", mode="before")
    @classmethod
    def _job_intervals(cls, value: object) -> dict[str, int]:
        entries = _entries(value) if isinstance(value, str) else value
        if not isinstance(entries, Mapping):
            raise BadSetting("cli-error-job-intervals-entry", entry=str(value))
        return {str(job): _period(str(job), seconds) for job, seconds in entries.items()}

    @field_validator("whatsapp_api_base")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.whatsapp_access_token and self.whatsapp_phone_number_id)

    def embed_origin_list(self) -> tuple[str, ...]:
        return tuple(self.embed_origins.replace(",", " ").split())

    def faq_cache_dir(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"

    def profile_dir(self, slug: str | None = None) -> Path:
        return self.profiles_dir / (slug or self.org)


def _entries(text: str) -> dict[str, str]:
    """ "surveys-send=60, cases-unclaimed=900" as {job: seconds}, still text."""
    entries = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        job, equals, seconds = entry.partition("=")
        if not equals or not job.strip():
            raise BadSetting("cli-error-job-intervals-entry", entry=entry)
        entries[job.strip()] = seconds.strip()
    return entries


def _period(job: str, seconds: object) -> int:
    from scheduler.jobs import JOB_IDS  # only when the setting is used: it loads the jobs

    if job not in JOB_IDS:
        raise BadSetting("cli-error-job-intervals-job", job=job, known=", ".join(JOB_IDS))
    text = str(seconds)
    if isinstance(seconds, bool) or not text.isascii() or not text.isdigit() or int(text) < 1:
        raise BadSetting("cli-error-job-intervals-seconds", job=job, seconds=text)
    return int(text)
