"""Encryption at rest: identifiers round-trip, tampering and wrong keys fail loudly, and
the master key is either configured or generated once into a private file."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken

from storage.crypto import (
    KEY_FILE,
    DecryptionError,
    EncryptionKeyError,
    Vault,
    generate_master_key,
    load_or_create_master_key,
)

NATIONAL_ID = "1000000008"


@pytest.fixture
def vault() -> Vault:
    return Vault(os.urandom(32))


def test_round_trip_and_fresh_ciphertext_each_time(vault: Vault) -> None:
    first, second = vault.encrypt(NATIONAL_ID), vault.encrypt(NATIONAL_ID)
    assert first != second
    assert NATIONAL_ID not in first
    assert vault.decrypt(first) == vault.decrypt(second) == NATIONAL_ID
    assert vault.decrypt(vault.encrypt("+966501234567 ومحمد")) == "+966501234567 ومحمد"


def test_tampered_token_fails(vault: Vault) -> None:
    token = vault.encrypt(NATIONAL_ID)
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[-40] ^= 0x01
    with pytest.raises(DecryptionError, match="altered"):
        vault.decrypt(base64.urlsafe_b64encode(bytes(raw)).decode())
    for garbage in ("", "not a token", "é"):
        with pytest.raises(DecryptionError):
            vault.decrypt(garbage)


def test_wrong_key_fails(vault: Vault) -> None:
    token = vault.encrypt(NATIONAL_ID)
    with pytest.raises(DecryptionError, match="TAWASUL_ENCRYPTION_KEY"):
        Vault(os.urandom(32)).decrypt(token)


def test_keyed_hash_is_deterministic_per_key_and_hides_the_value(vault: Vault) -> None:
    digest = vault.keyed_hash(NATIONAL_ID)
    assert digest == vault.keyed_hash(NATIONAL_ID)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest != NATIONAL_ID and NATIONAL_ID not in digest
    assert digest != vault.keyed_hash("1000000016")
    assert digest != Vault(os.urandom(32)).keyed_hash(NATIONAL_ID)


def test_same_master_key_gives_the_same_vault() -> None:
    master = os.urandom(32)
    token = Vault(master).encrypt(NATIONAL_ID)
    assert Vault(master).decrypt(token) == NATIONAL_ID
    assert Vault(master).keyed_hash(NATIONAL_ID) == Vault(master).keyed_hash(NATIONAL_ID)


def test_derived_keys_are_not_the_master_key() -> None:
    master = os.urandom(32)
    vault = Vault(master)
    plain_hmac = hmac.new(master, NATIONAL_ID.encode(), hashlib.sha256).hexdigest()
    assert vault.keyed_hash(NATIONAL_ID) != plain_hmac
    with pytest.raises(InvalidToken):
        Fernet(base64.urlsafe_b64encode(master)).decrypt(vault.encrypt(NATIONAL_ID))
    assert repr(vault) == "Vault(<redacted>)"


def test_short_master_key_refused() -> None:
    with pytest.raises(EncryptionKeyError):
        Vault(b"too short")


def test_key_file_created_private_once_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    key = load_or_create_master_key(data_dir, None)
    path = data_dir / KEY_FILE
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_master_key(data_dir, None) == key
    assert load_or_create_master_key(data_dir, "") == key
    assert [p.name for p in data_dir.iterdir()] == [KEY_FILE]  # no temporary file left


def test_processes_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    start = threading.Barrier(8)
    keys: list[bytes] = []

    def starting() -> None:
        start.wait()
        keys.append(load_or_create_master_key(tmp_path, None))

    threads = [threading.Thread(target=starting) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_key_file_created_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        load_or_create_master_key(tmp_path, None)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_key_file_readable_by_others_refused(tmp_path: Path, mode: int) -> None:
    load_or_create_master_key(tmp_path, None)
    (tmp_path / KEY_FILE).chmod(mode)
    with pytest.raises(EncryptionKeyError, match="chmod 600"):
        load_or_create_master_key(tmp_path, None)


def test_corrupt_key_file_refused(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    path.write_text("not-a-key\n", encoding="ascii")
    path.chmod(0o600)
    with pytest.raises(EncryptionKeyError, match=KEY_FILE):
        load_or_create_master_key(tmp_path, None)


def test_configured_key_used_as_is_and_nothing_written(tmp_path: Path) -> None:
    master = os.urandom(32)
    configured = base64.urlsafe_b64encode(master).decode()
    assert load_or_create_master_key(tmp_path, configured) == master
    assert load_or_create_master_key(tmp_path, f"  {configured}\n") == master
    assert load_or_create_master_key(tmp_path, configured.rstrip("=")) == master
    assert not (tmp_path / KEY_FILE).exists()


def test_configured_key_wins_over_the_file(tmp_path: Path) -> None:
    generated = load_or_create_master_key(tmp_path, None)
    configured = os.urandom(32)
    loaded = load_or_create_master_key(tmp_path, base64.urlsafe_b64encode(configured).decode())
    assert loaded == configured != generated


def test_generated_key_text_is_accepted_as_configuration(tmp_path: Path) -> None:
    text = generate_master_key()
    assert load_or_create_master_key(tmp_path, text) == base64.urlsafe_b64decode(text)


@pytest.mark.parametrize(
    "configured",
    [
        "secret",
        base64.urlsafe_b64encode(bytes(range(16))).decode(),  # too short
        base64.urlsafe_b64encode(bytes(range(64))).decode(),  # too long
        base64.b64encode(b"\xfb" * 32).decode(),  # standard alphabet: "+" and "/"
        base64.urlsafe_b64encode(bytes(range(32))).decode()[:-2] + "!!",
        bytes(range(32)).hex(),  # hex is not base64 of 32 bytes
    ],
    # Fixed values: test ids must be the same in every run (and every xdist worker).
    ids=["word", "short", "long", "standard-alphabet", "bad-characters", "hex"],
)
def test_malformed_configured_key_refused(tmp_path: Path, configured: str) -> None:
    with pytest.raises(EncryptionKeyError, match="TAWASUL_ENCRYPTION_KEY"):
        load_or_create_master_key(tmp_path, configured)
    assert not (tmp_path / KEY_FILE).exists()
