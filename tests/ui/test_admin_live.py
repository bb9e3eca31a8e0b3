"""The admin page's clock and price panels over a living market (simulator on, stepped clock): steps by click
move the venue's time exactly, the mode switches, a price move is followed by the market after a step."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ui_support import expect, screenshot

from support import ADMIN_TOKEN, Server

CAT, SYM = "USDT-FUTURES", "BTCUSDT"


def open_admin(page: Any, server: Server) -> None:
    page.goto(server.base_url + "/admin")
    page.locator("#admin-token").fill(ADMIN_TOKEN)
    page.locator("#token-submit").click()


def fmt(ms: int, page: Any) -> str:
    """The page's own rendering of a time (the browser's time zone)."""
    return str(page.evaluate("""(ms) => { const d = new Date(ms); const p = (x) => String(x).padStart(2, "0");
        return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} `
          + `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`; }""", ms))


def test_clock_steps_mode_and_a_price_move(market_venue: Server, page: Any, console: Any) -> None:
    console.allow(r"Failed to load resource: the server responded with a status of 400 .*/admin/v1/prices")
    open_admin(page, market_venue)
    before = int(market_venue.admin("GET", "/admin/v1/clock")["now"])
    expect(page.locator("#clock-mode")).to_have_text("step")
    expect(page.locator("#clock-now")).to_have_text(fmt(before, page))
    expect(page.locator("#advance-note")).to_be_hidden()

    page.locator("#advance-60000").click()
    expect(page.locator("#clock-result")).to_contain_text("Advanced 60000 ms", timeout=120_000)
    assert int(market_venue.admin("GET", "/admin/v1/clock")["now"]) == before + 60_000
    expect(page.locator("#clock-now")).to_have_text(fmt(before + 60_000, page))
    page.locator("#advance-ms").fill("1500")
    page.locator("#advance-submit").click()
    expect(page.locator("#clock-now")).to_have_text(fmt(before + 61_500, page), timeout=60_000)
    assert int(market_venue.admin("GET", "/admin/v1/clock")["now"]) == before + 61_500

    # a price move: 90 % of the index; after a step of a minute the index, mark and best bid follow
    index = Decimal(market_venue.admin_http.get("/api/v3/market/tickers", params={"category": CAT, "symbol": SYM})
                    .json()["data"][0]["indexPrice"])
    target = (index * Decimal("0.9")).quantize(Decimal("0.1"))
    page.locator("#p-category").select_option(CAT)
    page.locator("#p-symbol").select_option(SYM)
    expect(page.locator("#p-current")).to_contain_text("index")
    page.locator("#p-price").fill(str(target))
    page.locator("#p-submit").click()
    expect(page.locator("#price-result")).to_contain_text(f"Moved {SYM} {CAT} to {target}")
    page.locator("#advance-60000").click()
    expect(page.locator("#clock-result")).to_contain_text("Advanced 60000 ms", timeout=120_000)
    t = market_venue.admin_http.get("/api/v3/market/tickers", params={"category": CAT, "symbol": SYM}).json()["data"][0]
    for field in ("indexPrice", "markPrice", "bid1Price"):
        assert abs(Decimal(t[field]) - target) / target < Decimal("0.02"), (field, t[field], target)
    page.locator("#h-coins").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#h-coins').scrollIntoView()")
    screenshot(page, "admin-clock")

    # the mode: real time at 5x (advancing is then refused, so its buttons are off), then stepped again
    page.locator("#clock-speed").fill("5")
    page.locator("#clock-realtime").click()
    expect(page.locator("#clock-mode")).to_have_text("realtime × 5")
    expect(page.locator("#advance-60000")).to_be_disabled()
    expect(page.locator("#advance-note")).to_be_visible()
    assert market_venue.admin("GET", "/admin/v1/clock")["mode"] == "realtime"
    page.locator("#clock-step").click()
    expect(page.locator("#clock-mode")).to_have_text("step")
    expect(page.locator("#advance-60000")).to_be_enabled()
    assert market_venue.admin("GET", "/admin/v1/clock")["mode"] == "step"
    # a refused move shows the venue's error
    page.locator("#p-price").fill("-1")
    page.locator("#p-submit").click()
    expect(page.locator("#price-result")).to_contain_text("Refused: ")
