"""Trained matchers kept on disk, so that a process does not train what another already has.

Training takes seconds (cross-validated calibration); every `python bot.py`, `bot.py chat`
and `bot.py faq match` would otherwise pay them at start, and each process of a deployment
after every FAQ edit. A matcher is stored under a digest of its training examples and of the
code that trains and runs it, so a changed bank, profile, edit or matcher is never served
stale.

The files are pickles: they are written and read only in a folder private to the bot's user
(the data dir's `cache/`, 0700, beside the keys), never one others can write.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from faq.matcher import Matcher

FORMAT = 1
KEEP = 8  # matchers kept per cache folder: the versions in use, and a few before them
_PREFIX = "matcher-"
_PACKAGE = Path(__file__).resolve().parent


def matcher_for(examples: Sequence[tuple[str, str]], cache_dir: Path | None) -> Matcher:
    """The matcher trained on `examples`: from the cache when it has it, else trained now."""
    if cache_dir is None:
        return Matcher.train(examples)
    path = cache_dir / f"{_PREFIX}{digest(examples)}.pickle"
    found = _load(path)
    if found is not None:
        return found
    matcher = Matcher.train(examples)
    _store(path, matcher)
    return matcher


def digest(examples: Sequence[tuple[str, str]]) -> str:
    text = json.dumps([FORMAT, _code(), list(examples)], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@cache
def _code() -> str:
    """The faq package's own files: another version of the code trains another matcher."""
    sha = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".tsv", ".txt", ".yaml"):
            sha.update(path.relative_to(_PACKAGE).as_posix().encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


def _load(path: Path) -> Matcher | None:
    try:
        with path.open("rb") as f:
            found = pickle.load(f)
    except Exception:  # missing, half-written, from another version: trained again
        return None
    return found if isinstance(found, Matcher) else None


def _store(path: Path, matcher: Matcher) -> None:
    """Written whole or not at all (a temporary file renamed), then the oldest pruned."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(matcher, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError:
        return  # a read-only or full disk costs the next start a training, nothing more


def _prune(folder: Path) -> None:
    kept = sorted(folder.glob(f"{_PREFIX}*.pickle"), key=_mtime, reverse=True)
    for old in kept[KEEP:]:
        old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
