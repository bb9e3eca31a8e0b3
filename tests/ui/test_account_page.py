"""The account page: log in with a key (requests signed in the browser), the ticket, batch cancel by click."""

from __future__ import annotations

import json
import time
from typing import Any

from ui_support import expect, login, place, screenshot

from support import Server


def usdt(client: Any) -> tuple[str, str]:
    """(available, locked) of the user's USDT, as the REST API reports them."""
    asset = next(a for a in client.get("/api/v3/account/assets")["assets"] if a["coin"] == "USDT")
    return asset["available"], asset["locked"]


def test_ticket_three_orders_then_cancel_selected(ui_venue: Server, page: Any) -> None:
    creds = ui_venue.new_user()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.url} {r.headers} {r.post_data or ''}"))
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(str(payload))))
    with ui_venue.client(creds) as client:
        before = usdt(client)
        assert before == ("1000000", "0")
        login(page, ui_venue, creds)
        expect(page.locator("#bal-USDT .avail")).to_have_text(before[0])
        expect(page.locator("#bal-USDT .locked")).to_have_text(before[1])
        expect(page.locator("#open-orders tbody")).to_have_text("No open orders")
        expect(page.locator("#book-symbol")).to_have_text("BTCUSDT SPOT")
        expect(page.locator("#ws-status")).to_have_text("● live")

        prices = ["41000", "41100", "41200"]
        for price in prices:
            page.locator("#t-price").fill(price)
            page.locator("#t-qty").fill("0.01")
            page.locator("#t-submit").click()
            expect(page.locator("#ticket-result")).to_contain_text(f"Placed buy 0.01 BTCUSDT @ {price}")
            # the ticket's book shows the new bid, pushed by the public WebSocket
            expect(page.locator("#bids")).to_contain_text(price)
        rows = page.locator("#open-orders tbody tr")
        expect(rows).to_have_count(3)
        expect(page.locator("#bids tr").first).to_contain_text("41200")
        locked = str(sum(int(p) for p in prices) // 100)  # 0.01 BTC each, no fee frozen
        expect(page.locator("#bal-USDT .locked")).to_have_text(locked)  # from the account push
        assert usdt(client) == (str(1000000 - int(locked)), locked)
        open_ids = [o["orderId"] for o in client.get("/api/v3/trade/unfilled-orders")["list"]]
        assert len(open_ids) == 3

        for oid in open_ids:
            page.locator(f"#o-{oid} input[type=checkbox]").check()
        expect(page.locator("#cancel-selected")).to_have_text("Cancel selected (3)")
        screenshot(page, "account", full_page=True)
        page.locator("#cancel-selected").click()
        results = page.locator("#cancel-results tbody tr")
        expect(results).to_have_count(3)
        for i in range(3):
            expect(results.nth(i).locator("td").nth(4)).to_have_text("cancelled")
            expect(results.nth(i).locator("td").nth(5)).to_have_text("00000")
        expect(page.locator("#cancel-summary")).to_have_text(
            "1 cancel-batch request (3 orders): 3 cancelled, 0 failed")
        assert sorted(results.locator("td:nth-child(3)").all_inner_texts()) == sorted(open_ids)
        expect(page.locator("#open-orders tbody")).to_have_text("No open orders")
        expect(page.locator("#bal-USDT .avail")).to_have_text(before[0])
        expect(page.locator("#bal-USDT .locked")).to_have_text(before[1])
        expect(page.locator("#bids")).to_have_text("")
        assert usdt(client) == before
        assert client.get("/api/v3/trade/unfilled-orders")["list"] == []
        history = page.locator("#history tbody tr")  # refreshed after the order pushes
        expect(history).to_have_count(3)
        for i in range(3):
            expect(history.nth(i)).to_contain_text("cancelled")
        screenshot(page, "account-cancelled", full_page=True)
    # the secret never left the page: not in any URL, header, body or WebSocket frame
    assert sent and not [s for s in sent if creds["secretKey"] in s]


def test_twenty_five_selected_go_as_two_requests(ui_venue: Server, page: Any) -> None:
    creds = ui_venue.new_user()
    with ui_venue.client(creds) as client:
        for start in (0, 20):
            n = 20 if start == 0 else 5
            client.post("/api/v3/trade/place-batch", [
                {"category": "SPOT", "symbol": "ETHUSDT", "side": "buy", "orderType": "limit", "qty": "0.01",
                 "price": str(2000 + start + i)} for i in range(n)])
        assert len(client.get("/api/v3/trade/unfilled-orders")["list"]) == 25
        batches: list[list[dict[str, str]]] = []
        page.on("request", lambda r: "cancel-batch" in r.url and batches.append(json.loads(r.post_data or "[]")))
        login(page, ui_venue, creds)
        expect(page.locator("#open-orders tbody tr")).to_have_count(25)
        page.locator("#select-all").check()
        expect(page.locator("#cancel-selected")).to_have_text("Cancel selected (25)")
        page.locator("#cancel-selected").click()
        expect(page.locator("#cancel-summary")).to_have_text(
            "2 cancel-batch requests (20 + 5 orders): 25 cancelled, 0 failed")
        expect(page.locator("#cancel-results tbody tr")).to_have_count(25)
        expect(page.locator("#cancel-results tbody")).not_to_contain_text("failed")
        assert [len(b) for b in batches] == [20, 5]
        assert all(item["category"] == "SPOT" and item["symbol"] == "ETHUSDT" for b in batches for item in b)
        expect(page.locator("#open-orders tbody")).to_have_text("No open orders")
        assert client.get("/api/v3/trade/unfilled-orders")["list"] == []
        screenshot(page, "account-batch", full_page=True)


def test_wrong_secret_shows_bitgets_error(ui_venue: Server, page: Any, console: Any) -> None:
    console.allow(r"Failed to load resource: the server responded with a status of 400 .*/api/v3/account/assets")
    creds = dict(ui_venue.new_user())
    creds["secretKey"] = "0" * 64
    login(page, ui_venue, creds, expect_ok=False)
    error = page.locator("#login-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("Login refused by the venue: 40009 sign signature error (HTTP 400)")
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#app")).to_be_hidden()
    screenshot(page, "login-error")


def test_account_page_fits_a_phone(ui_venue: Server, page: Any) -> None:
    creds = ui_venue.new_user()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, ui_venue, creds)
    expect(page.locator("#bal-USDT .avail")).to_have_text("1000000")
    expect(page.locator("#t-submit")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    ticket = page.locator("#ticket").bounding_box()
    balances = page.locator("#balances").bounding_box()
    assert ticket is not None and balances is not None
    assert ticket["y"] < balances["y"] and ticket["width"] > 300  # stacked, the ticket first, not squeezed
    screenshot(page, "account-phone", full_page=False)


def test_a_fill_shows_in_fills_positions_and_balances_without_reload(ui_venue: Server, page: Any) -> None:
    creds = ui_venue.new_user()
    with ui_venue.client(ui_venue.new_user()) as maker:
        maker_order = place(maker, "sell", "30500", "0.02", category="USDT-FUTURES")
        login(page, ui_venue, creds)
        expect(page.locator("#positions tbody")).to_have_text("No open positions")
        page.locator("#t-category").select_option("USDT-FUTURES")
        expect(page.locator("#book-symbol")).to_have_text("BTCUSDT USDT-FUTURES")
        expect(page.locator("#asks tr").last).to_contain_text("30500")
        page.locator("#asks tr").last.click()  # a click on a level copies its price into the ticket
        expect(page.locator("#t-price")).to_have_value("30500")
        page.locator("#t-qty").fill("0.02")
        page.locator("#t-submit").click()
        expect(page.locator("#ticket-result")).to_contain_text("Placed buy 0.02 BTCUSDT @ 30500")
        position = page.locator("#positions tbody tr")
        expect(position).to_contain_text("long")
        expect(position.locator("td").nth(3)).to_have_text("0.02")
        expect(position.locator("td").nth(4)).to_have_text("30500")
        expect(page.locator("#asks")).to_have_text("")
        expect(page.locator("#open-orders tbody")).to_have_text("No open orders")
        page.locator("#history-category").select_option("USDT-FUTURES")
        expect(page.locator("#history tbody tr")).to_have_count(1)
        expect(page.locator("#history tbody tr")).to_contain_text("filled")
        page.locator("#tab-fills").click()
        fill = page.locator("#history tbody tr")
        expect(fill).to_have_count(1)
        expect(fill).to_contain_text("30500")
        expect(fill).to_contain_text("taker")
        with ui_venue.client(creds) as client:
            usdt_locked = next(a["locked"] for a in client.get("/api/v3/account/assets")["assets"]
                               if a["coin"] == "USDT")
        assert usdt_locked != "0"  # the position's margin
        expect(page.locator("#bal-USDT .locked")).to_have_text(usdt_locked)
        assert maker.get("/api/v3/trade/order-info", orderId=maker_order)["orderStatus"] == "filled"
        screenshot(page, "account-position", full_page=True)


def test_load_more_then_cancel_120_under_the_real_rate_limits(limited_server: Server, page: Any) -> None:
    """Six cancel-batch requests to a venue with Bitget's rate limits on (5 requests/s per UID): none refused."""
    creds = limited_server.new_user()
    with limited_server.client(creds) as client:
        for start in range(0, 120, 20):
            client.post("/api/v3/trade/place-batch", [
                {"category": "SPOT", "symbol": "ETHUSDT", "side": "sell", "orderType": "limit", "qty": "0.01",
                 "price": str(9000 + start + i)} for i in range(20)])
            time.sleep(0.25)  # place-batch allows 5 requests/s per UID
        sizes: list[int] = []
        page.on("request", lambda r: "cancel-batch" in r.url and sizes.append(len(json.loads(r.post_data or "[]"))))
        login(page, limited_server, creds)
        expect(page.locator("#open-orders tbody tr")).to_have_count(100)
        expect(page.locator("#open-count")).to_have_text("100+")
        page.locator("#load-more").click()
        expect(page.locator("#open-orders tbody tr")).to_have_count(120)
        expect(page.locator("#open-count")).to_have_text("120")
        expect(page.locator("#load-more")).to_be_hidden()
        page.locator("#select-all").check()
        page.locator("#cancel-selected").click()
        expect(page.locator("#cancel-summary")).to_have_text(
            "6 cancel-batch requests (20 + 20 + 20 + 20 + 20 + 20 orders): 120 cancelled, 0 failed")
        assert sizes == [20] * 6
        expect(page.locator("#open-orders tbody")).to_have_text("No open orders")
        assert client.get("/api/v3/trade/unfilled-orders")["list"] == []
