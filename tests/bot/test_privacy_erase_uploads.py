"""A web upload of an erased beneficiary: overwritten, then gone; nothing else is touched."""

from __future__ import annotations

from pathlib import Path

from bot.cli.privacy import shred_upload

STORED = "0123456789abcdef0123456789abcdef"


def test_a_web_upload_is_shredded_and_nothing_outside_the_folder_is_reached(
    tmp_path: Path,
) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / STORED).write_bytes(b"%PDF-1.7 report of the family")
    (tmp_path / "secret.key").write_text("keep me")
    assert shred_upload(uploads, "web", f"web:{STORED}")
    assert not (uploads / STORED).exists()
    assert not shred_upload(uploads, "web", f"web:{STORED}")  # a second time: nothing there
    assert not shred_upload(uploads, "telegram", "AgACAgIAAx")  # kept by Telegram, not here
    assert not shred_upload(uploads, "web", "web:../secret.key")
    assert (tmp_path / "secret.key").read_text() == "keep me"
