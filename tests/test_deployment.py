"""The deployment an operator copies (compose.yaml, the Dockerfile, docs/deploy/), held to
the code it deploys, without Docker: every setting it names exists and validates, the
migrations run before the bots, the proxy's upstreams are the bots' containers and its
health path answers, and the image's HEALTHCHECK command, run as written, tells a live bot
from a dead one. On PostgreSQL two bots share one database and one data dir, as the
replicas do."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import yaml

from bot.channels.telegram.webhook import WEBHOOK_PATH as TELEGRAM_WEBHOOK
from bot.channels.web.uploads import MAX_UPLOAD_BODY_BYTES
from bot.channels.whatsapp.webhook import WEBHOOK_MAX_BYTES as WHATSAPP_MAX_BYTES
from bot.config import Settings
from tests.processes import ROOT, BotProcess, clean_env, free_port, new_pg_database, run_cli

PG_URL = os.environ.get("TAWASUL_TEST_DATABASE_URL")
DEPLOY = ROOT / "docs" / "deploy"
# What an operator types into the files: every such name must be one the bot reads.
SETTING_NAME = re.compile(r"\b(?:TAWASUL|TELEGRAM|WHATSAPP)_[A-Z0-9_]*[A-Z0-9]\b")
INTERPOLATION = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")
# What the compose file asks of the shell that runs it, as an operator would set it.
COMPOSE_ENV = {
    "POSTGRES_PASSWORD": "pw",
    "DOMAIN": "chat.example.org",
    "TAWASUL_SECRET_KEY": "s" * 48,
    "TAWASUL_ENCRYPTION_KEY": "A" * 43 + "=",
}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`: an unset required one fails."""

    def one(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        assert kind != "?", f"compose refuses to start without {name}: {rest}"
        return rest if kind == "-" else ""

    return INTERPOLATION.sub(one, value)


def dockerfile() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [i.strip() for i in re.sub(r"\\\n", " ", "\n".join(lines)).splitlines() if i.strip()]


def instruction(name: str) -> list[str]:
    return [i.split(None, 1)[1] for i in dockerfile() if i.split(None, 1)[0] == name]


def image_env() -> dict[str, str]:
    pairs = " ".join(instruction("ENV")).split()
    return dict(pair.split("=", 1) for pair in pairs)


def healthcheck_command() -> str:
    (check,) = instruction("HEALTHCHECK")
    return check.split(" CMD ", 1)[1]


def caddyfile() -> str:
    return (DEPLOY / "Caddyfile").read_text()


def setting_names() -> set[str]:
    prefix = Settings.model_config.get("env_prefix", "")
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    return names


# -- the files, read --------------------------------------------------------------------


def test_compose_has_the_database_the_migrations_the_bots_and_the_proxy() -> None:
    services = compose()["services"]
    assert {"postgres", "migrate", "bot", "proxy"} <= set(services)
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])


def test_the_bots_start_once_the_migrations_succeeded() -> None:
    services = compose()["services"]
    migrate, bot = services["migrate"], services["bot"]
    assert migrate["command"] == ["python", "bot.py", "db", "upgrade"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["image"] == bot["image"]
    assert bot["deploy"]["replicas"] >= 2


def test_every_process_has_the_same_keys_the_same_uploads_and_webhook_mode() -> None:
    spec = compose()
    for name in ("migrate", "bot"):
        service = spec["services"][name]
        env = service["environment"]
        # Required of the shell: compose refuses to start rather than let each generate its own.
        for key in ("TAWASUL_SECRET_KEY", "TAWASUL_ENCRYPTION_KEY"):
            assert env[key].startswith(f"${{{key}:?"), (name, key)
        assert interpolate(env["TAWASUL_TELEGRAM_WEBHOOK_URL"], COMPOSE_ENV).endswith(
            TELEGRAM_WEBHOOK
        )
        data = image_env()["TAWASUL_DATA_DIR"]
        (volume,) = [v.split(":")[0] for v in service["volumes"] if v.endswith(f":{data}")]
        assert volume in spec["volumes"], "a named volume: one for every replica"


def test_what_compose_sets_validates_as_the_bot_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    env = compose()["services"]["bot"]["environment"]
    for name, value in env.items():
        monkeypatch.setenv(name, interpolate(str(value), COMPOSE_ENV))
    settings = Settings(_env_file=None)
    assert settings.cookie_secure is True
    assert settings.database_url and settings.database_url.startswith("postgresql+asyncpg://")
    network = compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert settings.trusted_proxies == interpolate(network, COMPOSE_ENV)


def test_every_variable_named_in_the_deployment_is_a_setting() -> None:
    files = [ROOT / "compose.yaml", ROOT / "Dockerfile", *sorted(DEPLOY.iterdir())]
    named = {name for f in files for name in SETTING_NAME.findall(f.read_text())}
    assert "TAWASUL_DATABASE_URL" in named and "TELEGRAM_BOT_TOKEN" in named
    assert named - setting_names() == set()


def test_the_env_example_validates_once_uncommented(monkeypatch: pytest.MonkeyPatch) -> None:
    for line in (DEPLOY / "tawasul.env.example").read_text().splitlines():
        name, _, value = line.lstrip("# ").partition("=")
        if SETTING_NAME.fullmatch(name) and value and "…" not in value:
            monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.telegram_webhook_url and settings.telegram_webhook_url.endswith(
        TELEGRAM_WEBHOOK
    )


def test_the_image_installs_the_pins_as_make_does() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -c constraints.txt" in makefile
    installs = [r for r in instruction("RUN") if "pip install" in r and "constraints" in r]
    (install,) = installs
    assert re.search(r"pip install (--quiet )?-c constraints\.txt \.( |$)", install), install
    assert "[dev]" not in install and " -e " not in install
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (base,) = instruction("FROM")
    assert base == f"python:{project['requires-python'].removeprefix('>=')}-slim"
    (user,) = instruction("USER")
    assert user.split(":")[0] not in {"0", "root"}
    assert instruction("CMD") == ['["python", "bot.py"]']
    assert image_env()["TAWASUL_HTTP_HOST"] == "0.0.0.0"


def test_the_image_gets_every_package_and_no_secrets() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line for line in lines if line and not line.startswith("#")]
    assert patterns[0] == "*", "an allow-list: what is not named stays out"
    allowed = {p[1:] for p in patterns if p.startswith("!")}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    wanted = {p.rstrip("*") for p in packages} | {"bot.py", "profiles", "constraints.txt"}
    assert wanted | {"pyproject.toml", pyproject["project"]["readme"]} <= allowed
    assert allowed.isdisjoint({".env", "tawasul.env", "var", ".venv", "tests"})


def test_the_proxy_spreads_over_every_replica_and_asks_readiness() -> None:
    spec, caddy = compose(), caddyfile()
    port = image_env()["TAWASUL_HTTP_PORT"]
    replicas = spec["services"]["bot"]["deploy"]["replicas"]
    upstreams = re.search(r"^\s*reverse_proxy (.+) \{$", caddy, re.M)
    assert upstreams is not None
    names = [f"{spec['name']}-bot-{i}:{port}" for i in range(1, replicas + 1)]
    assert upstreams.group(1).split() == names
    assert re.search(r"^\s*lb_policy round_robin$", caddy, re.M)
    proxy = spec["services"]["proxy"]
    assert "./docs/deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]


def test_nginx_lets_uploads_and_webhooks_through() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    assert size is not None
    assert int(size.group(1)) * 1024 * 1024 >= max(MAX_UPLOAD_BODY_BYTES, WHATSAPP_MAX_BYTES)


def test_the_systemd_units_migrate_first_one_port_per_instance() -> None:
    bot = (DEPLOY / "tawasul@.service").read_text()
    migrate = (DEPLOY / "tawasul-migrate.service").read_text()
    assert "Requires=tawasul-migrate.service" in bot
    assert re.search(r"^After=tawasul-migrate\.service", bot, re.M)
    assert "Environment=TAWASUL_HTTP_PORT=%i" in bot
    assert "Type=oneshot" in migrate
    assert re.search(r"^ExecStart=\S+/python bot\.py db upgrade$", migrate, re.M)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_reads_the_units_without_a_complaint(tmp_path: Path) -> None:
    # A scratch root with what the units point at, so that only the units are judged.
    shutil.copytree("/usr/lib/systemd/system", tmp_path / "usr/lib/systemd/system", symlinks=True)
    units = tmp_path / "etc/systemd/system"
    units.mkdir(parents=True)
    for unit in DEPLOY.glob("*.service"):
        shutil.copy(unit, units)
    for path in ("srv/tawasul/data", "etc/tawasul"):
        (tmp_path / path).mkdir(parents=True)
    (tmp_path / "etc/tawasul/tawasul.env").touch()
    python = tmp_path / "srv/tawasul/app/.venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    args = ["--man=no", f"--root={tmp_path}", "tawasul-migrate.service", "tawasul@8001.service"]
    done = subprocess.run(
        ["systemd-analyze", "verify", *args],
        cwd=units,
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = [line for line in (done.stdout + done.stderr).splitlines() if "tawasul" in line]
    assert (done.returncode, said) == (0, [])


# -- the image's commands, run against a real bot ------------------------------------------


def container_env(data_dir: Path, port: int, **settings: str) -> dict[str, str]:
    """What a bot container sees: the image's ENV, compose's environment, tawasul.env's
    defaults; here on loopback, its own port and data dir."""
    compose_env = compose()["services"]["bot"]["environment"]
    env = {k: interpolate(str(v), COMPOSE_ENV) for k, v in compose_env.items()}
    env |= image_env() | {"TAWASUL_DATA_DIR": str(data_dir), "TAWASUL_HTTP_PORT": str(port)}
    env |= {"TAWASUL_HTTP_HOST": "127.0.0.1", "TAWASUL_LOG_LEVEL": "warning"}
    # `python` in the HEALTHCHECK is the image's: here, the one running the tests.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return clean_env(**(env | settings | {"PATH": path}))


def healthcheck(env: dict[str, str]) -> int:
    done = subprocess.run(["sh", "-c", healthcheck_command()], env=env, timeout=30)
    return done.returncode


async def ready(port: int) -> None:
    """Until the Caddyfile's health path answers 200 (start-up trains the FAQ first)."""
    health = re.search(r"^\s*health_uri (\S+)$", caddyfile(), re.M)
    assert health is not None
    url = f"http://127.0.0.1:{port}{health.group(1)}"

    async def answers() -> bool:
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(url, timeout=5)).status_code == 200
        except httpx.TransportError:
            return False

    async with asyncio.timeout(120):
        while not await answers():
            await asyncio.sleep(0.2)


@pytest_asyncio.fixture
async def bots() -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        bot.stop()


async def test_the_healthcheck_tells_a_live_bot_from_a_dead_one(
    tmp_path: Path, bots: list[BotProcess]
) -> None:
    # The image alone, SQLite in its data volume: `docker run tawasul`.
    port = free_port()
    env = container_env(tmp_path / "data", port)
    del env["TAWASUL_DATABASE_URL"]
    bots.append(bot := BotProcess(env))
    bot.start()
    await ready(port)
    assert healthcheck(env) == 0
    bot.kill()
    assert healthcheck(env) != 0


@pytest.mark.skipif(PG_URL is None, reason="needs TAWASUL_TEST_DATABASE_URL")
async def test_migrated_once_two_replicas_serve_one_database(
    tmp_path: Path, bots: list[BotProcess]
) -> None:
    assert PG_URL is not None
    async with new_pg_database(PG_URL, "tawasul_deploy") as url:
        ports = [free_port(), free_port()]
        envs = [container_env(tmp_path / "data", p, TAWASUL_DATABASE_URL=url) for p in ports]
        migrate = compose()["services"]["migrate"]["command"]
        assert migrate[:2] == ["python", "bot.py"]
        done = await asyncio.to_thread(run_cli, migrate[2:], envs[0])
        assert done.returncode == 0, done.stdout + done.stderr
        for env in envs:
            bots.append(bot := BotProcess(env))
            bot.start()
        await asyncio.gather(*(ready(p) for p in ports))
        assert [healthcheck(env) for env in envs] == [0, 0]
        assert not (tmp_path / "data" / "tawasul.db").exists(), "no SQLite beside PostgreSQL"
        for bot in bots:
            bot.stop()
