"""The web console: static pages shipped in ``utaex/console`` and served at ``/``, ``/account``, ``/admin``.

Invariants:
- The pages are plain files read once at start-up; nothing is built or fetched at run time and every
  ``src``/``href`` they use is served here (``/console/<file>``); a Content-Security-Policy of
  ``'self'`` makes the browser refuse anything else.
- The console has no private door into the venue: its pages call the public REST v3 and WebSocket v3
  APIs (signed in the browser) and the admin API (bearer token), as any client would.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import App, Request

PAGES = {"/": "index.html", "/account": "account.html", "/admin": "admin.html"}
TYPES = {
    "html": b"text/html; charset=utf-8",
    "js": b"text/javascript; charset=utf-8",
    "css": b"text/css; charset=utf-8",
    "svg": b"image/svg+xml",
    "png": b"image/png",
}
CSP = (b"default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
       b"base-uri 'none'; form-action 'self'")
ASSET_LIMIT = 100  # per IP and path per second: a page load is one request per file


def files() -> dict[str, bytes]:
    """Every shipped console file by name."""
    root = resources.files("utaex") / "console"
    out: dict[str, bytes] = {}
    for entry in root.iterdir():
        ext = entry.name.rsplit(".", 1)[-1]
        if entry.is_file() and ext in TYPES:
            out[entry.name] = entry.read_bytes()
    return out


def register(app: App) -> None:
    from ..app import Bare, Route

    shipped = files()

    def serve(name: str) -> Any:
        body = shipped[name]
        headers = [(b"content-type", TYPES[name.rsplit(".", 1)[-1]]), (b"cache-control", b"no-cache"),
                   (b"x-content-type-options", b"nosniff"), (b"content-security-policy", CSP)]

        async def handler(req: Request) -> Any:
            return Bare(body, headers)

        return handler

    for name in shipped:
        path = f"/console/{name}"
        app.pages[("GET", path)] = Route(serve(name), None, ASSET_LIMIT, path)
    for path, name in PAGES.items():
        if name in shipped:
            app.pages[("GET", path)] = Route(serve(name), None, ASSET_LIMIT, path)
