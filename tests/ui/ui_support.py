"""Helpers of the web console suite: screenshots for docs/, orders placed over the REST API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

__all__ = ["DOCS", "FUNDING", "advance", "expect", "login", "place", "screenshot"]

DOCS = Path(__file__).resolve().parents[2] / "docs"
FUNDING = 1_800_000_000_000  # 2027-01-15 08:00:00 UTC, a funding time (every 8 h): market_venue starts 2 min before


def advance(server: Any, ms: int) -> int:
    """Move a stepped venue's clock by ``ms`` (everything due runs before the answer, which on a loaded machine
    may take a while); the venue's time after it."""
    r = server.admin_http.post("/admin/v1/clock/advance", json={"ms": ms}, timeout=120)
    assert r.json()["code"] == "00000", r.text
    return int(r.json()["data"]["now"])


def screenshot(pg: Any, name: str, full_page: bool = False) -> None:
    """Take the picture docs/console.md shows as docs/console-<name>.png.

    Written into docs/ only with ``UTAEX_SCREENSHOTS=1`` (a test run must not dirty the checkout: ids and
    times differ on every run); otherwise the picture is taken and dropped."""
    png = pg.screenshot(full_page=full_page)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("UTAEX_SCREENSHOTS") == "1":
        (DOCS / f"console-{name}.png").write_bytes(png)


def place(client: Any, side: str, price: str, qty: str, category: str = "SPOT", symbol: str = "BTCUSDT") -> str:
    """A limit order placed over REST; its orderId."""
    body = {"category": category, "symbol": symbol, "side": side, "orderType": "limit", "qty": qty, "price": price}
    return str(client.post("/api/v3/trade/place-order", body)["orderId"])


def login(pg: Any, server: Any, creds: dict[str, str], expect_ok: bool = True) -> None:
    """Open the account page and log in with the form, as a person would."""
    pg.goto(server.base_url + "/account")
    pg.locator("#login-key").fill(creds["apiKey"])
    pg.locator("#login-secret").fill(creds["secretKey"])
    pg.locator("#login-passphrase").fill(creds["passphrase"])
    pg.locator("#login-submit").click()
    if expect_ok:
        expect(pg.locator("#app")).to_be_visible()
