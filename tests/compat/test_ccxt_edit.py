"""ccxt 4.5.90 ``edit_order`` (``bitget`` with ``uta: True``, unchanged) against the real server: it sends
``POST /api/v3/trade/modify-order`` with ``orderId`` (or ``clientOid``), ``qty`` and ``price`` only, and reads
back the ids; the modified order is then read through ccxt's own parsers."""

from __future__ import annotations

from collections.abc import Callable

import ccxt
import pytest
from ccxt_env import Trader

SPOT = "BTC/USDT"


@pytest.mark.parametrize("symbol", [SPOT, "BTC/USDT:USDT", "BTC/USD:BTC"])
def test_edit_order_price_and_amount(new_trader: Callable[..., Trader], symbol: str) -> None:
    ex = new_trader().ex
    placed = ex.create_order(symbol, "limit", "buy", 0.01, 30000)
    edited = ex.edit_order(placed["id"], symbol, "limit", "buy", 0.02, 29000)
    assert edited["id"] == placed["id"]
    o = ex.fetch_order(placed["id"], symbol)
    assert (o["price"], o["amount"], o["status"], o["filled"]) == (29000, 0.02, "open", 0)
    assert [x["id"] for x in ex.fetch_open_orders(symbol)] == [placed["id"]]


def test_edit_order_by_client_order_id(new_trader: Callable[..., Trader]) -> None:
    ex = new_trader().ex
    placed = ex.create_order(SPOT, "limit", "sell", 0.01, 60000, {"clientOrderId": "edit-me"})
    edited = ex.edit_order(placed["id"], SPOT, "limit", "sell", 0.005, 61000, {"clientOrderId": "edit-me"})
    assert edited["id"] == placed["id"] and edited["clientOrderId"] == "edit-me"
    o = ex.fetch_order(placed["id"], SPOT)
    assert (o["price"], o["amount"]) == (61000, 0.005)


def test_edit_order_that_crosses_trades_at_once(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    ask = maker.ex.create_order(SPOT, "limit", "sell", 0.004, 50000)
    bid = taker.ex.create_order(SPOT, "limit", "buy", 0.01, 49000)
    taker.ex.edit_order(bid["id"], SPOT, "limit", "buy", 0.01, 50500)
    assert maker.ex.fetch_order(ask["id"], SPOT)["status"] == "closed"
    o = taker.ex.fetch_order(bid["id"], SPOT)
    assert (o["status"], o["filled"], o["remaining"], o["price"]) == ("open", 0.004, 0.006, 50500)
    assert o["info"]["avgPrice"] == "50000"  # ccxt leaves ``average`` None on an open UTA order
    trades = taker.ex.fetch_my_trades(SPOT)
    assert [(t["order"], t["price"], t["amount"], t["takerOrMaker"]) for t in trades] == [
        (bid["id"], 50000, 0.004, "taker")]


def test_edit_of_a_cancelled_order_fails(new_trader: Callable[..., Trader]) -> None:
    ex = new_trader().ex
    placed = ex.create_order(SPOT, "limit", "buy", 0.01, 30000)
    ex.cancel_order(placed["id"], SPOT)
    with pytest.raises(ccxt.ExchangeError, match="25204"):
        ex.edit_order(placed["id"], SPOT, "limit", "buy", 0.01, 29000)
