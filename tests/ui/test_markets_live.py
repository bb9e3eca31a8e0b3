"""The markets page over a living market (simulator on, stepped clock): mark and index with the funding
countdown, a settlement arriving in the funding history, mark and index candles, a liquidation in the feed.
Time moves only through ``POST /admin/v1/clock/advance``; the page is checked after each step."""

from __future__ import annotations

import re
from typing import Any

from ui_support import FUNDING, advance, expect, screenshot

from support import Server

CAT, SYM = "USDT-FUTURES", "BTCUSDT"


def ticker(srv: Server) -> dict[str, str]:
    r = srv.admin_http.get("/api/v3/market/tickers", params={"category": CAT, "symbol": SYM})
    return dict(r.json()["data"][0])


def seconds(text: str) -> int:
    m = re.fullmatch(r"(\d+)h (\d\d)m (\d\d)s", text)
    assert m, text
    return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])


def test_mark_index_funding_countdown_and_history(market_venue: Server, page: Any) -> None:
    market = market_venue
    advance(market, 5_000)
    page.goto(market.base_url + f"/#{CAT}:{SYM}")
    expect(page.locator("#ws-status")).to_have_text("● live")
    expect(page.locator("#funding-panel")).to_be_visible()
    expect(page.locator("#funding-history tbody")).to_have_text("No funding settled yet")
    now = advance(market, 55_000)  # the pushes of this minute reach the page; then nothing moves
    t = ticker(market)
    stats = page.locator("#stats")
    expect(stats).to_contain_text(f"Mark price{t['markPrice']}")
    expect(stats).to_contain_text(f"Index price{t['indexPrice']}")
    expect(page.locator("#countdown")).to_have_text(re.compile(r"0h 0[01]m \d\ds"))
    # the countdown runs on the venue's time (the newest trade it printed), not on the browser's clock
    left = seconds(page.locator("#countdown").inner_text())
    assert abs(left - (FUNDING - now) // 1000) <= 15, (left, FUNDING - now)

    advance(market, 90_000)  # past 08:00: funding settled, the next one at 16:00
    [row] = market.admin_http.get("/api/v3/market/history-fund-rate",
                                  params={"category": CAT, "symbol": SYM}).json()["data"]["resultList"]
    assert row["fundingRateTimestamp"] == str(FUNDING)
    history = page.locator("#funding-history tbody tr")
    expect(history).to_have_count(1)
    expect(history).to_contain_text(row["fundingRate"])
    expect(page.locator("#countdown")).to_have_text(re.compile(r"7h 5[89]m \d\ds"))
    expect(page.locator("#clock")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))

    # mark and index candles come from REST candles with their type; the trade candles from the kline channel
    for kind in ("mark", "index"):
        with page.expect_response(lambda r, k=kind: "/api/v3/market/candles" in r.url and f"type={k}" in r.url) as info:
            page.locator(f"#ctype-{kind}").click()
        bars = info.value.json()["data"]
        assert bars and info.value.status == 200
        expect(page.locator(f"#ctype-{kind}")).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#chart-empty")).to_have_text("")
    # a step later the typed chart is read again (after the ticker pushes)
    with page.expect_response(lambda r: "/api/v3/market/candles" in r.url and "type=index" in r.url, timeout=120_000):
        advance(market, 60_000)
    page.locator("#ctype-market").click()
    expect(page.locator("#ctype-market")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#chart-empty")).to_have_text("")

    # ten more minutes of the market, a minute at a time: the picture of a living market in the README
    for _ in range(10):
        advance(market, 60_000)
    t = ticker(market)
    expect(stats).to_contain_text(f"Last price{t['lastPrice']}")
    expect(stats).to_contain_text(f"Mark price{t['markPrice']}")
    expect(page.locator("#trades tbody tr.empty")).to_have_count(0)
    screenshot(page, "markets-live")
    # SPOT has no mark, index or funding
    page.locator("#inst-SPOT-BTCUSDT").click()
    expect(page.locator("#funding-panel")).to_be_hidden()
    expect(page.locator("#ctypes")).to_be_hidden()
    expect(page.locator("#stats")).not_to_contain_text("Mark price")


def test_a_liquidation_shows_in_the_feed(market_venue: Server, page: Any) -> None:
    market = market_venue
    page.goto(market.base_url + f"/#{CAT}:{SYM}")
    expect(page.locator("#ws-status")).to_have_text("● live")
    expect(page.locator("#liquidations tbody")).to_have_text("No liquidations since the page opened")
    with market.client(market.new_user({"USDT": "1000"})) as trader:
        trader.post("/api/v3/account/set-leverage", {"category": CAT, "symbol": SYM, "leverage": "20"})
        last = ticker(market)["lastPrice"]
        qty = f"{18_000 / float(last):.3f}"
        trader.post("/api/v3/trade/place-order", {"category": CAT, "symbol": SYM, "side": "buy",
                                                  "orderType": "market", "qty": qty})
        [pos] = trader.get("/api/v3/position/current-position", category=CAT)["list"]
        index = ticker(market)["indexPrice"]
        low = f"{float(index) * 0.88:.1f}"
        market.admin("POST", "/admin/v1/prices", {"category": CAT, "symbol": SYM, "price": low})
        advance(market, 60_000)
        assert trader.get("/api/v3/position/current-position", category=CAT)["list"] == []
    row = page.locator("#liquidations tbody tr").first
    expect(row).to_contain_text(SYM)
    expect(row.locator("td").nth(2)).to_have_text("long")
    expect(row.locator("td").nth(4)).to_have_text(pos["total"])
    assert market.admin("GET", "/admin/v1/audit")["problems"] == []
