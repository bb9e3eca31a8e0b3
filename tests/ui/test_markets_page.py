"""The markets page (the console's landing page at ``/``): instruments, live book, trades, candles."""

from __future__ import annotations

from typing import Any

import httpx
from ui_support import expect, place, screenshot

from support import Server


def test_landing_page_is_the_markets_view_and_updates_live(ui_venue: Server, page: Any) -> None:
    with ui_venue.client(ui_venue.new_user()) as maker, ui_venue.client(ui_venue.new_user()) as taker:
        check_markets_page(ui_venue, page, maker, taker)


def check_markets_page(ui_venue: Server, page: Any, maker: Any, taker: Any) -> None:
    for i in range(6):
        place(maker, "buy", f"{49990 - 10 * i}", f"0.{i + 1}")
        place(maker, "sell", f"{50010 + 10 * i}", f"0.{i + 2}")

    page.goto(ui_venue.base_url + "/")
    expect(page.locator("#instruments")).to_contain_text("BTCUSDT")
    expect(page.locator("#instruments")).to_contain_text("USDC-FUTURES")
    expect(page.locator("#ws-status")).to_have_text("● live")
    expect(page.locator("#symbol-title")).to_have_text("BTCUSDT")
    expect(page.locator("#bids tr").first).to_contain_text("49990")
    expect(page.locator("#asks tr").last).to_contain_text("50010")
    expect(page.locator("#spread")).to_have_text("spread 20")

    # the book, the trades and the ticker follow the WebSocket pushes, without reload
    place(maker, "buy", "49995", "0.25")
    expect(page.locator("#bids tr").first).to_contain_text("49995")
    expect(page.locator("#spread")).to_have_text("spread 15")
    place(taker, "buy", "50010", "0.15")  # 0.05 of the best ask's 0.2 stays
    place(taker, "sell", "49995", "0.05")
    expect(page.locator("#trades tbody tr")).to_have_count(2)
    expect(page.locator("#trades tbody tr").first).to_contain_text("49995")
    expect(page.locator("#asks tr").last).to_contain_text("50010")
    expect(page.locator("#asks tr").last.locator("td").nth(1)).to_have_text("0.05")
    expect(page.locator("#stats")).to_contain_text("49995")
    expect(page.locator("#chart-empty")).to_have_text("")
    expect(page.locator("#inst-SPOT-BTCUSDT")).to_contain_text("49995")

    # every file the page uses is served by the venue itself (no CDN), and it answers 200
    urls = page.evaluate("""() => [...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href)""")
    assert urls
    for url in urls:
        assert url.startswith(ui_venue.base_url + "/"), url
        assert httpx.get(url.split("#")[0]).status_code == 200, url
    screenshot(page, "markets")

    # a reload draws the candles again; REST candles are read too where the venue serves them
    if "/api/v3/market/candles" in httpx.get(ui_venue.base_url + "/openapi.json").json()["paths"]:
        with page.expect_response(lambda r: "/api/v3/market/candles" in r.url) as info:
            page.reload()
        answer = info.value
        assert answer.status == 200 and answer.json()["code"] == "00000" and answer.json()["data"]
        assert "interval=1m" in answer.url
    else:
        asked: list[str] = []
        page.on("request", lambda r: "/api/v3/market/candles" in r.url and asked.append(r.url))
        page.reload()
        assert asked == []
    expect(page.locator("#stats")).to_contain_text("49995")
    expect(page.locator("#chart-empty")).to_have_text("")

    # a futures instrument shows mark, index and funding
    page.locator("#inst-USDT-FUTURES-BTCUSDT").click()
    expect(page.locator("#symbol-cat")).to_have_text("USDT-FUTURES")
    expect(page.locator("#stats")).to_contain_text("Funding rate")
    expect(page.locator("#stats")).to_contain_text("Mark price")
    if "/api/v3/market/current-fund-rate" in httpx.get(ui_venue.base_url + "/openapi.json").json()["paths"]:
        [rate] = httpx.get(ui_venue.base_url + "/api/v3/market/current-fund-rate?symbol=BTCUSDT").json()["data"]
        expect(page.locator("#stats")).to_contain_text(f"Next funding (every {rate['fundingRateInterval']} h)")
    expect(page.locator("#bids")).to_have_text("")
    assert page.url.endswith("#USDT-FUTURES:BTCUSDT")


def test_phone_width_stacks_the_panels(ui_venue: Server, page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(ui_venue.base_url + "/")
    expect(page.locator("#ws-status")).to_have_text("● live")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    box_list = page.locator("#instruments").bounding_box()
    box_book = page.locator("#book").bounding_box()
    assert box_list is not None and box_book is not None
    assert box_book["y"] > box_list["y"]


def test_the_banner_names_the_console(ui_venue: Server) -> None:
    assert f"web console: {ui_venue.base_url}/  (your account: {ui_venue.base_url}/account" in ui_venue.log()
    for path in ("/", "/account", "/admin"):
        r = httpx.get(ui_venue.base_url + path)
        assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8", path
        assert "default-src 'self'" in r.headers["content-security-policy"]
    assert httpx.get(ui_venue.base_url + "/console/nope.js").json()["code"] == "40404"
