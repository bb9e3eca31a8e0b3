"""ccxt 4.5.90 (``bitget`` with ``uta: True``, unchanged) reading account history from the real server:
``fetch_positions_history`` (``GET /api/v3/position/history-position``), ``fetch_ledger``
(``GET /api/v3/account/financial-records``), ``close_all_positions`` (``POST /api/v3/trade/close-positions``)
and batch modify. ccxt 4.5.90 has no unified ``edit_orders`` for bitget (the base class raises
``NotSupported``); a ccxt user sends ``batch-modify-order`` through ccxt's implicit API method, which is what
the test does, and reads the orders back through ccxt's own parsers.

Amounts by hand (USDT-FUTURES BTCUSDT, taker 0.06 %, maker 0.02 %; SPOT 0.1 %)."""

from __future__ import annotations

from collections.abc import Callable

import ccxt
import pytest
from ccxt_env import Trader

SWAP, SPOT = "BTC/USDT:USDT", "BTC/USDT"


def test_fetch_positions_history_after_open_and_close(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    maker.ex.create_order(SWAP, "limit", "sell", 0.01, 50000)
    taker.ex.create_order(SWAP, "market", "buy", 0.01)
    maker.ex.create_order(SWAP, "limit", "buy", 0.01, 51000)
    taker.ex.create_order(SWAP, "market", "sell", 0.01)
    [pos] = taker.ex.fetch_positions_history([SWAP])
    assert (pos["symbol"], pos["side"], pos["entryPrice"], pos["contracts"], pos["marginMode"]) == (
        SWAP, "long", 50000, 0.01, "cross")
    assert pos["realizedPnl"] == 10 and pos["id"] == pos["info"]["positionId"]
    assert pos["info"]["netProfit"] == "9.394" and pos["info"]["closePriceAvg"] == "51000"
    assert isinstance(pos["timestamp"], int) and pos["timestamp"] <= taker.ex.milliseconds()
    [short] = maker.ex.fetch_positions_history([SWAP], None, 10)
    assert (short["side"], short["realizedPnl"]) == ("short", -10)
    assert taker.ex.fetch_positions_history(["ETH/USDT:USDT"]) == []


def test_fetch_ledger_spot_swap_and_deposits(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    maker.ex.create_order(SPOT, "limit", "sell", 0.01, 50000)
    taker.ex.create_order(SPOT, "limit", "buy", 0.01, 50000)
    maker.ex.create_order(SWAP, "limit", "sell", 0.01, 50000)
    taker.ex.create_order(SWAP, "market", "buy", 0.01)
    [btc] = taker.ex.fetch_ledger("BTC")  # ccxt's default market type: SPOT
    assert (btc["currency"], btc["direction"], btc["amount"], btc["fee"]["cost"], btc["type"]) == (
        "BTC", "in", 0.01, 0.00001, "trade")
    assert btc["info"]["type"] == "ORDER_DEALT_IN"  # a Bitget type ccxt knows: every type we send is one
    [usdt_out] = taker.ex.fetch_ledger("USDT")
    assert (usdt_out["direction"], usdt_out["amount"], usdt_out["type"]) == ("out", 500, "trade")
    assert usdt_out["after"] == usdt_out["before"] - 500
    [deal] = taker.ex.fetch_ledger("USDT", None, None, {"type": "swap"})  # category USDT-FUTURES
    assert (deal["info"]["type"], deal["type"], deal["amount"], deal["fee"]["cost"]) == ("BUY_DEAL", "trade", 0, 0.3)
    deposits = taker.ex.fetch_ledger(None, None, None, {"category": "OTHER"})
    funded = {a["coin"] for a in taker.ex.privateUtaGetV3AccountAssets()["data"]["assets"]}
    assert sorted((d["currency"], d["type"], d["direction"], d["info"]["type"]) for d in deposits) == [
        (coin, "transfer", "in", "TRANSFER_IN") for coin in sorted(funded)]
    assert all(isinstance(d["id"], str) and d["timestamp"] for d in deposits)
    assert len(taker.ex.fetch_ledger(None, None, 1, {"category": "OTHER"})) == 1


def test_close_all_positions(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    maker.ex.create_order(SWAP, "limit", "sell", 0.01, 50000)
    taker.ex.create_order(SWAP, "market", "buy", 0.01)
    maker.ex.create_order(SWAP, "limit", "buy", 0.01, 49000)
    closed = taker.ex.close_all_positions()  # category USDT-FUTURES, ccxt's default product type
    assert len(closed) == 1 and closed[0]["info"]["orderId"]
    assert taker.ex.fetch_positions([SWAP]) == []
    [hist] = taker.ex.fetch_positions_history([SWAP])
    assert (hist["side"], hist["realizedPnl"], hist["info"]["closePriceAvg"]) == ("long", -10, "49000")
    assert taker.ex.close_all_positions() == []


def test_batch_modify_through_the_implicit_api(new_trader: Callable[..., Trader]) -> None:
    ex = new_trader().ex
    a = ex.create_order(SPOT, "limit", "buy", 0.01, 30000)
    b = ex.create_order(SWAP, "limit", "buy", 0.01, 30000)
    with pytest.raises(ccxt.NotSupported):
        ex.edit_orders([{"id": a["id"], "symbol": SPOT, "type": "limit", "side": "buy", "amount": 0.02,
                         "price": 29000}])
    res = ex.privateUtaPostV3TradeBatchModifyOrder([
        {"orderId": a["id"], "qty": "0.02", "price": "29000"},
        {"orderId": b["id"], "price": "29500"},
        {"orderId": "1", "price": "1"},
    ])
    assert res["code"] == "00000"
    items = res["data"]
    assert [i["orderId"] for i in items[:2]] == [a["id"], b["id"]] and items[2]["code"] == "25204"
    assert (ex.fetch_order(a["id"], SPOT)["price"], ex.fetch_order(a["id"], SPOT)["amount"]) == (29000, 0.02)
    assert ex.fetch_order(b["id"], SWAP)["price"] == 29500
