"""Encryption at rest for beneficiaries' identifiers (national ID, mobile).

One master key (``TAWASUL_ENCRYPTION_KEY``, or a file generated once in the data dir)
yields two independent keys through HKDF: one encrypts the values (Fernet: AES-128-CBC +
HMAC-SHA256, authenticated), the other computes a keyed hash so that the same national ID
arriving on another channel is recognised without ever being stored in clear. Separate
keys mean a leak of hashes says nothing about the encryption key and the reverse.

A third derived key wraps the beneficiaries' own data keys (envelope encryption,
storage/data_keys.py): what is stored stays under the data key, so destroying one data key
shreds that person's values everywhere, and rotating the master key re-wraps the data
keys without touching the data. A wrapped key names the master key that wrapped it (a
short fingerprint), so a process holding several master keys during a rotation knows
which one opens it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "KEY_ENV",
    "KEY_FILE",
    "MASTER_KEY_BYTES",
    "NEW_KEY_ENV",
    "NEW_SUFFIX",
    "DecryptionError",
    "EncryptionKeyError",
    "Vault",
    "data_fernet",
    "fingerprint",
    "generate_master_key",
    "key_sources",
    "load_or_create_master_key",
]

KEY_ENV = "TAWASUL_ENCRYPTION_KEY"
KEY_FILE = "encryption.key"
NEW_KEY_ENV = "TAWASUL_NEW_ENCRYPTION_KEY"
NEW_SUFFIX = ".new"  # the key a rotation in progress is moving to
MASTER_KEY_BYTES = 32

# Versioned labels: a future scheme derives new keys without colliding with these.
_FERNET_INFO = b"tawasul/identifiers/fernet/v1"
_HASH_INFO = b"tawasul/identifiers/keyed-hash/v1"
_WRAP_INFO = b"tawasul/data-keys/wrap/v1"
_PRINT_INFO = b"tawasul/master/fingerprint/v1"

# The urlsafe alphabet only: the standard one ("+", "/") would decode too, but accepting
# two spellings of one key invites a copy that silently differs from the original.
_URLSAFE_B64 = re.compile(r"[A-Za-z0-9_-]+={0,2}")

_HOW_TO_GENERATE = (
    'generate one with: python -c "import base64, secrets; '
    'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"'
)


class EncryptionKeyError(RuntimeError):
    """The master key is missing, malformed or stored unsafely; the bot must not start."""


class DecryptionError(ValueError):
    """A stored value cannot be decrypted: another key was used, or the value was altered."""


def _derive(master_key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master_key)


def _fernet(key: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(key))


def fingerprint(master_key: bytes) -> str:
    """Names a master key in a wrapped data key without revealing anything of it."""
    return _derive(master_key, _PRINT_INFO).hex()[:12]


class Vault:
    _fernet: Fernet
    _hash_key: bytes
    _wrap_print: str

    def __init__(
        self, master_key: bytes, *, reload: Callable[[], Sequence[bytes]] | None = None
    ) -> None:
        self._wrappers: dict[str, Fernet] = {}
        self._older: list[Fernet] = []
        self._use(master_key)
        # Where the master keys are read again when a data key names one this process has
        # not seen: `keys rotate` ran meanwhile (bot/cli/keys.py).
        self._reload = reload

    def _use(self, master_key: bytes) -> None:
        """The master key that wraps, hashes and encrypts from now on."""
        if len(master_key) != MASTER_KEY_BYTES:
            raise EncryptionKeyError(
                f"the master key must be {MASTER_KEY_BYTES} bytes, got {len(master_key)}"
            )
        if hasattr(self, "_fernet"):
            # A value the dialog sealed under the previous key this very turn still opens.
            self._older.insert(0, self._fernet)
        self._fernet = _fernet(_derive(master_key, _FERNET_INFO))
        self._hash_key = _derive(master_key, _HASH_INFO)
        self._wrap_print = fingerprint(master_key)
        self._wrappers[self._wrap_print] = _fernet(_derive(master_key, _WRAP_INFO))

    def __repr__(self) -> str:
        # Keeps key material out of logs and tracebacks that print locals.
        return "Vault(<redacted>)"

    def encrypt(self, plaintext: str) -> str:
        """A Fernet token; random IV, so the same value encrypts differently each time."""
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return MultiFernet([self._fernet, *self._older]).decrypt(token).decode("utf-8")
        except (InvalidToken, ValueError, TypeError) as exc:
            raise DecryptionError(
                f"cannot decrypt a stored identifier: it was encrypted with another "
                f"{KEY_ENV} (or another {KEY_FILE}), or it was altered"
            ) from exc

    def keyed_hash(self, value: str) -> str:
        """Hex HMAC-SHA256 of ``value``: equal values give equal hashes under one key.

        Callers pass the validated, normalised form (e.g. the 10 ASCII digits of an ID);
        the hash does not normalise, since any folding here would silently merge people.
        """
        return hmac.new(self._hash_key, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def wrap_mark(self) -> str:
        """How every data key wrapped by the current master key begins."""
        return self._wrap_print + "."

    def wrap(self, data_key: bytes) -> str:
        """A data key encrypted under the master key, named by the master's fingerprint."""
        token = self._wrappers[self._wrap_print].encrypt(data_key).decode("ascii")
        return f"{self._wrap_print}.{token}"

    def unwrap(self, wrapped: str) -> bytes:
        named, _, token = wrapped.partition(".")
        if named not in self._wrappers and self._reload is not None:
            # A rotation committed since this process started: the key it names is the
            # master key from now on, for wrapping and hashing too.
            for key in self._reload():
                if fingerprint(key) == named:
                    self._use(key)
        wrapper = self._wrappers.get(named)
        if wrapper is None:
            raise DecryptionError("a data key was wrapped by a master key this process lacks")
        try:
            return wrapper.decrypt(token)
        except (InvalidToken, ValueError, TypeError) as exc:
            raise DecryptionError("a wrapped data key was altered") from exc


def data_fernet(data_key: bytes) -> Fernet:
    """The cipher of one beneficiary's values: their data key, used as it is."""
    return _fernet(data_key)


def generate_master_key() -> str:
    """A new master key in the text form ``TAWASUL_ENCRYPTION_KEY`` expects."""
    return base64.urlsafe_b64encode(os.urandom(MASTER_KEY_BYTES)).decode("ascii")


def _decode_key(text: str, source: str) -> bytes:
    text = text.strip()
    if not _URLSAFE_B64.fullmatch(text):
        raise EncryptionKeyError(
            f"{source} is not urlsafe base64 of {MASTER_KEY_BYTES} bytes; {_HOW_TO_GENERATE}"
        )
    try:
        # validate=True refuses what the lenient decoder would drop, so a mangled key is an
        # error rather than a different key. Padding is optional: token_urlsafe() omits it.
        key = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EncryptionKeyError(
            f"{source} is not urlsafe base64 of {MASTER_KEY_BYTES} bytes; {_HOW_TO_GENERATE}"
        ) from exc
    if len(key) != MASTER_KEY_BYTES:
        raise EncryptionKeyError(
            f"{source} decodes to {len(key)} bytes, not {MASTER_KEY_BYTES}; {_HOW_TO_GENERATE}"
        )
    return key


def _read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise EncryptionKeyError(
            f"{path} is accessible to other users (mode {stat.S_IMODE(mode):04o}); "
            f"the identifiers it protects would be readable by them. Run: chmod 600 {path}"
        )
    return _decode_key(path.read_text(encoding="ascii"), str(path))


def create_secret_file(path: Path, text: str) -> None:
    """Write a secret once: a concurrent creator loses, and nobody reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole into a temporary file (mkstemp: O_EXCL, mode 0600 whatever the umask),
    # then linked into place: the link fails if another starting process got there first,
    # the exclusivity O_EXCL gives, and no reader can ever see a half-written key.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)


def key_sources(data_dir: Path, configured: str | None, new: str | None) -> list[bytes]:
    """Every master key this deployment may be using now: the configured one or the key
    file, and a rotation's new key (`TAWASUL_NEW_ENCRYPTION_KEY`, or the key file's
    `.new` that `keys rotate` writes before it commits). Read again on each call."""
    found = [load_or_create_master_key(data_dir, configured)]
    if new is not None and new.strip():
        found.append(_decode_key(new, NEW_KEY_ENV))
    pending = data_dir / (KEY_FILE + NEW_SUFFIX)
    if pending.exists():
        found.append(_read_key_file(pending))
    return found


def load_or_create_master_key(data_dir: Path, configured: str | None) -> bytes:
    """The master key from ``configured`` (``TAWASUL_ENCRYPTION_KEY``) or the data dir.

    Without a configured key, one is generated into ``data_dir/encryption.key`` (mode
    0600) on first start. Losing that file makes every stored identifier unreadable:
    it belongs in the backups, apart from the database.
    """
    if configured is not None and configured.strip():
        return _decode_key(configured, KEY_ENV)
    path = data_dir / KEY_FILE
    if path.exists():
        return _read_key_file(path)
    create_secret_file(path, generate_master_key() + "\n")
    return _read_key_file(path)
