"""What keeps the chat page to itself: its headers (CSP, who may frame it) and the uploads'
same-site check."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request

from handlers.errors import Refusal

# The page loads only its own files; the texts blob is JSON, which CSP does not execute.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; "
    "frame-ancestors 'self'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# A visitor's answers are theirs alone: never kept by a cache, never served for another cookie.
NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie"}
# The header the page adds to an upload: a plain cross-site form cannot send it.
UPLOAD_HEADER = "x-tawasul-upload"


def security_headers(embed_origins: Sequence[str]) -> dict[str, str]:
    """The chat page's headers: framed only by itself and the association's own sites."""
    if not embed_origins:
        return {**_SECURITY_HEADERS, "X-Frame-Options": "SAMEORIGIN"}
    # X-Frame-Options can't name other origins; browsers that know CSP ignore it anyway.
    return {**_SECURITY_HEADERS, "Content-Security-Policy": f"{_CSP} {' '.join(embed_origins)}"}


def require_same_site(request: Request) -> None:
    """Uploads are multipart, which any site's form may post: only the page's own do."""
    if request.headers.get(UPLOAD_HEADER) != "1":
        raise Refusal("web-error-cross-site", http_status=403)
    # Sent by every current browser; "none" is the visitor's own doing (typed, bookmarked).
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise Refusal("web-error-cross-site", http_status=403)
