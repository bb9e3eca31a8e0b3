"""POST /api/v3/trade/close-positions and GET /api/v3/account/funding-assets on the real server."""

from __future__ import annotations

from typing import Any

import ccxt
import pytest
from uta_helpers import order

from support import Server
from utaex.client import BitgetError, Client

FUT = "USDT-FUTURES"


def positions(c: Client, symbol: str | None = None) -> list[dict[str, Any]]:
    q = {"category": FUT, **({"symbol": symbol} if symbol else {})}
    return [p for p in c.get("/api/v3/position/current-position", **q)["list"] if p["total"] not in ("0", "")]


def open_long(srv: Server, taker: Client, maker: Client, qty: str, price: str = "30000",
              symbol: str = "BTCUSDT") -> None:
    order(maker, FUT, symbol, "sell", qty, price)
    order(taker, FUT, symbol, "buy", qty)


def test_close_positions_flattens_cancels_pending_closes_and_keeps_the_ledger(fresh: Server) -> None:
    alice, bob = fresh.new_user(), fresh.new_user()
    with fresh.client(alice) as a, fresh.client(bob) as b:
        open_long(fresh, a, b, "0.02")
        assert positions(a)[0]["total"] == "0.02"
        pending = order(a, FUT, "BTCUSDT", "sell", "0.01", "40000", reduceOnly="yes")
        opening = order(a, FUT, "BTCUSDT", "buy", "0.01", "20000")  # an opening order stays
        order(b, FUT, "BTCUSDT", "buy", "0.05", "29000")  # liquidity for the close
        out = a.post("/api/v3/trade/close-positions", {"category": FUT})
        assert len(out["list"]) == 1 and "code" not in out["list"][0], out
        assert out["list"][0]["orderId"] and out["list"][0]["clientOid"]
        assert positions(a) == []
        assert a.get("/api/v3/trade/order-info", orderId=pending["orderId"])["orderStatus"] == "cancelled"
        assert a.get("/api/v3/trade/order-info", orderId=opening["orderId"])["orderStatus"] == "live"
        closing = a.get("/api/v3/trade/order-info", orderId=out["list"][0]["orderId"])
        assert (closing["orderType"], closing["side"], closing["orderStatus"]) == ("market", "sell", "filled")
        assert a.post("/api/v3/trade/close-positions", {"category": FUT}) == {"list": []}
    assert fresh.admin("GET", "/admin/v1/audit")["problems"] == []


def test_close_by_symbol_and_side_and_without_liquidity(fresh: Server) -> None:
    alice, bob = fresh.new_user(), fresh.new_user()
    with fresh.client(alice) as a, fresh.client(bob) as b:
        open_long(fresh, a, b, "0.01")
        open_long(fresh, a, b, "0.1", "2000", "ETHUSDT")
        assert a.post("/api/v3/trade/close-positions", {"category": FUT, "symbol": "BTCUSDT",
                                                        "posSide": "short"}) == {"list": []}
        out = a.post("/api/v3/trade/close-positions", {"category": FUT, "symbol": "BTCUSDT"})
        assert out["list"][0]["code"] == "25123" or "code" in out["list"][0], out  # no bids: refused
        assert len(positions(a, "BTCUSDT")) == 1 and len(positions(a, "ETHUSDT")) == 1
        order(b, FUT, "BTCUSDT", "buy", "0.01", "29000")
        out = a.post("/api/v3/trade/close-positions", {"category": FUT, "symbol": "BTCUSDT"})
        assert "code" not in out["list"][0], out
        assert positions(a, "BTCUSDT") == [] and len(positions(a, "ETHUSDT")) == 1
    assert fresh.admin("GET", "/admin/v1/audit")["problems"] == []


@pytest.mark.parametrize("body, code", [({"category": "SPOT"}, "40017"), ({}, "40034"),
                                        ({"category": FUT, "posSide": "up"}, "40017"),
                                        ({"category": FUT, "symbol": "NOPEUSDT"}, "25100"),
                                        ({"category": FUT, "symbol": ["BTCUSDT"]}, "40017")])
def test_close_positions_refuses_bad_parameters(fresh: Server, body: dict[str, str], code: str) -> None:
    with fresh.client(fresh.new_user()) as c, pytest.raises(BitgetError) as err:
        c.post("/api/v3/trade/close-positions", body)
    assert err.value.code == code


def test_close_in_hedge_mode_and_through_the_sdk(fresh: Server) -> None:
    alice, bob = fresh.new_user(), fresh.new_user()
    with fresh.client(alice) as a, fresh.client(bob) as b:
        a.post("/api/v3/account/set-hold-mode", {"holdMode": "hedge_mode"})
        order(b, FUT, "BTCUSDT", "buy", "0.01", "30000")
        order(a, FUT, "BTCUSDT", "sell", "0.01", posSide="short")
        assert positions(a)[0]["posSide"] == "short"
        order(b, FUT, "BTCUSDT", "sell", "0.05", "31000")
        results = a.close_positions(FUT, pos_side="short")
        assert [r.ok for r in results] == [True]
        assert positions(a) == []


def test_ccxt_close_all_positions(fresh: Server) -> None:
    alice, bob = fresh.new_user(), fresh.new_user()
    with fresh.client(alice) as a, fresh.client(bob) as b:
        open_long(fresh, a, b, "0.01")
        order(b, FUT, "BTCUSDT", "buy", "0.05", "29000")
    ex = ccxt.bitget({"apiKey": alice["apiKey"], "secret": alice["secretKey"], "password": alice["passphrase"],
                      "options": {"uta": True}})
    for key, value in list(ex.urls["api"].items()):
        if isinstance(value, str):
            ex.urls["api"][key] = fresh.base_url
    ex.load_markets()
    closed = ex.close_all_positions({"productType": FUT})
    assert len(closed) == 1
    with fresh.client(alice) as a:
        assert positions(a) == []


def test_funding_assets_is_empty_and_checks_the_coin(fresh: Server) -> None:
    with fresh.client(fresh.new_user()) as c:
        assert c.get("/api/v3/account/funding-assets") == []
        assert c.funding_assets("USDT") == []
        with pytest.raises(BitgetError) as err:
            c.get("/api/v3/account/funding-assets", coin="NOPE")
        assert err.value.code == "25201"


def test_max_open_available_spot_margin_and_futures(fresh: Server) -> None:
    alice, bob = fresh.new_user({"USDT": "10000", "BTC": "2"}), fresh.new_user()
    with fresh.client(alice) as a, fresh.client(bob) as b:
        def ask(**body: str) -> dict[str, str]:
            return a.post("/api/v3/account/max-open-available", body)  # type: ignore[no-any-return]

        spot = ask(category="SPOT", symbol="BTCUSDT", orderType="limit", side="buy", price="20000")
        assert spot == {"available": "10000", "maxOpen": "", "buyOpenCost": "", "sellOpenCost": "",
                        "maxBuyOpen": "", "maxSellOpen": ""}
        order(a, "SPOT", "BTCUSDT", "buy", "0.1", "20000")  # freezes 2000 USDT
        assert ask(category="SPOT", symbol="BTCUSDT", orderType="limit", side="buy",
                   price="20000")["available"] == "8000"
        assert ask(category="SPOT", symbol="BTCUSDT", orderType="market", side="sell")["available"] == "2"
        margin = ask(category="MARGIN", symbol="BTCUSDT", orderType="limit", side="buy", price="20000")
        assert margin["available"] == "8000" and float(margin["maxOpen"]) > 8000  # borrowing adds to it
        fut = ask(category="USDT-FUTURES", symbol="BTCUSDT", orderType="limit", side="buy", price="30000",
                  size="0.1")
        # 0.1 BTC at 30000 with leverage 10: 300 margin + 0.0006 x 3000 = 1.8 fee
        assert fut["buyOpenCost"] == fut["sellOpenCost"] == "301.8", fut
        assert fut["available"] == "8000" and fut["maxBuyOpen"] == fut["maxSellOpen"]
        assert fut["maxBuyOpen"] == "2.6507"  # floor(8000 / 0.3018 per 0.0001 lot) = 26507 lots
        # the reported maximum really is placeable, and one lot more is not
        placed = order(a, "USDT-FUTURES", "BTCUSDT", "buy", fut["maxBuyOpen"], "30000")
        assert placed["orderId"]
        assert ask(category="USDT-FUTURES", symbol="BTCUSDT", orderType="limit", side="buy",
                   price="30000")["maxBuyOpen"] == "0"
        market = ask(category="USDT-FUTURES", symbol="ETHUSDT", orderType="market", side="buy")
        assert market["maxBuyOpen"] == "" and market["maxSellOpen"] == ""  # no price yet: no figure
        order(b, "USDT-FUTURES", "ETHUSDT", "sell", "1", "2000")
        assert ask(category="USDT-FUTURES", symbol="ETHUSDT", orderType="market", side="buy")["maxBuyOpen"]
        with pytest.raises(BitgetError) as err:
            ask(category="SPOT", symbol="BTCUSDT", orderType="limit", side="buy")
        assert err.value.code == "40034"
        left = ask(category="SPOT", symbol="BTCUSDT", orderType="market", side="buy")["available"]
        assert a.max_open_available("SPOT", "BTCUSDT", "market", "buy").available == left == "0.1874"
