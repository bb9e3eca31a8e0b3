"""The account page over a living market (simulator on, stepped clock): a 20x long shows its mark, PnL on
mark and liquidation price, follows the mark as time moves, pays funding at the funding time (the ledger
and the position's funding), and is liquidated when the price is driven 12 % down (the ledger's BURST rows).
Time moves only through ``POST /admin/v1/clock/advance``; the page is checked after each step."""

from __future__ import annotations

from typing import Any

from ui_support import FUNDING, advance, expect, login, screenshot

from support import Server

CAT, SYM = "USDT-FUTURES", "BTCUSDT"


def position(client: Any) -> dict[str, str]:
    [pos] = client.get("/api/v3/position/current-position", category=CAT)["list"]
    return dict(pos)


def records(client: Any) -> list[dict[str, str]]:
    return list(client.get("/api/v3/account/financial-records", category=CAT, limit="100")["list"])


def test_position_on_mark_funding_and_liquidation_in_the_ledger(market_venue: Server, page: Any) -> None:
    now = advance(market_venue, 5_000)
    creds = market_venue.new_user({"USDT": "1000"})
    with market_venue.client(creds) as trader:
        trader.post("/api/v3/account/set-leverage", {"category": CAT, "symbol": SYM, "leverage": "20"})
        [tick] = trader.get("/api/v3/market/tickers", category=CAT, symbol=SYM)
        qty = f"{18_000 / float(tick['lastPrice']):.3f}"
        trader.post("/api/v3/trade/place-order", {"category": CAT, "symbol": SYM, "side": "buy",
                                                  "orderType": "market", "qty": qty})
        login(page, market_venue, creds)
        row = page.locator(f"#pos-{CAT}-{SYM}-long")
        pos = position(trader)
        expect(row.locator(".mark")).to_have_text(pos["markPrice"])
        expect(row.locator(".upnl")).to_have_text(pos["unrealisedPnl"])
        expect(row.locator(".liq")).to_have_text(pos["liquidationPrice"])
        assert float(pos["liquidationPrice"]) > 0

        # the mark moves with the market: the row follows (the public ticker push re-reads the positions)
        now = advance(market_venue, 60_000)
        moved = position(trader)
        assert moved["markPrice"] != pos["markPrice"]
        expect(row.locator(".mark")).to_have_text(moved["markPrice"])
        expect(row.locator(".upnl")).to_have_text(position(trader)["unrealisedPnl"])
        assets = trader.get("/api/v3/account/assets")  # the account's figures follow the mark as well
        expect(page.locator("#equity")).to_have_text(
            f"equity {assets['accountEquity']} USD · unrealised PnL {assets['unrealisedPnl']}")

        # the funding time passes: the long pays (rate 0.0001 > 0); the ledger and the position show it
        page.locator("#tab-ledger").click()
        page.locator("#history-category").select_option(CAT)
        expect(page.locator("#history tbody tr").first).to_contain_text("BUY_DEAL")  # the opening fills
        advance(market_venue, FUNDING - now + 1_000)
        paid = [r for r in records(trader) if r["type"] == "CONTRACT_MAIN_SETTLE_FEE_USER_OUT"]
        assert len(paid) == 1 and paid[0]["amount"].startswith("-")
        ledger = page.locator("#history tbody")
        expect(ledger).to_contain_text("CONTRACT_MAIN_SETTLE_FEE_USER_OUT funding paid")
        expect(ledger).to_contain_text(paid[0]["amount"])
        expect(row.locator(".funding")).to_have_text(position(trader)["totalFunding"])
        screenshot(page, "account-funding", full_page=True)

        # the price is driven 12 % down: liquidated; the ledger shows the liquidation's fills
        index = trader.get("/api/v3/market/tickers", category=CAT, symbol=SYM)[0]["indexPrice"]
        market_venue.admin("POST", "/admin/v1/prices", {"category": CAT, "symbol": SYM,
                                                        "price": f"{float(index) * 0.88:.1f}"})
        advance(market_venue, 60_000)
        assert trader.get("/api/v3/position/current-position", category=CAT)["list"] == []
        expect(page.locator("#positions tbody")).to_have_text("No open positions")
        burst = [r for r in records(trader) if r["type"].startswith("BURST_")]
        assert burst
        expect(ledger).to_contain_text(f"{burst[0]['type']} liquidation")
        assert all(not a["equity"].startswith("-") for a in trader.get("/api/v3/account/assets")["assets"])
    assert market_venue.admin("GET", "/admin/v1/audit")["problems"] == []
