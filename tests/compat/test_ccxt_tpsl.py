"""ccxt 4.5.90 (``bitget``, ``options={'uta': True}``, unchanged) and TP/SL against the real utaex server:
``create_order`` with attached ``stopLoss`` / ``takeProfit`` (place-order presets), with ``stopLossPrice`` /
``takeProfitPrice`` (place-strategy-order), ``edit_order`` of a strategy order (modify-strategy-order),
``cancel_order`` / ``fetch_open_orders`` / ``fetch_canceled_and_closed_orders`` with ``trigger: True``.

History strategy items carry no status field (as Bitget's recorded answer), so ccxt's ``fetch_canceled_orders``
and ``fetch_closed_orders`` with ``trigger`` filter every one of them out (status None), against Bitget as here;
``fetch_canceled_and_closed_orders`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ccxt_env import Trader

SYM = "BTC/USDT:USDT"


def open_triggers(t: Trader) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = t.ex.fetch_open_orders(SYM, params={"trigger": True})
    return result


def contracts(t: Trader) -> float:
    return sum(p["contracts"] or 0 for p in t.ex.fetch_positions([SYM]))


def move_price(maker: Trader, taker: Trader, price: float, side: str = "buy") -> None:
    """``maker`` rests 0.05 at ``price`` and ``taker`` takes 0.005 of it: the last price is ``price``."""
    maker.ex.create_order(SYM, "limit", side, 0.05, price)
    taker.ex.create_order(SYM, "market", "sell" if side == "buy" else "buy", 0.005)


def test_attached_stop_loss_and_take_profit(new_trader: Callable[..., Trader]) -> None:
    me, other, mover = new_trader(), new_trader(), new_trader()
    other.ex.create_order(SYM, "limit", "sell", 0.01, 50000)
    placed = me.ex.create_order(SYM, "market", "buy", 0.01, None, {
        "stopLoss": {"triggerPrice": 45000}, "takeProfit": {"triggerPrice": 60000}})
    order = me.ex.fetch_order(placed["id"], SYM)
    assert (order["status"], order["stopLossPrice"], order["takeProfitPrice"]) == ("closed", 45000.0, 60000.0)
    [armed] = open_triggers(me)
    assert armed["id"] != placed["id"]
    assert (armed["symbol"], armed["amount"], armed["stopLossPrice"], armed["takeProfitPrice"]) == (
        SYM, 0.01, 45000.0, 60000.0)
    assert contracts(me) == 0.01
    move_price(other, mover, 44000)  # the stop-loss fires in the step of this trade
    assert contracts(me) == 0
    assert open_triggers(me) == []
    ended = me.ex.fetch_canceled_and_closed_orders(SYM, params={"trigger": True})
    assert [o["id"] for o in ended] == [armed["id"]]
    assert me.ex.fetch_canceled_orders(SYM, params={"trigger": True}) == []  # no status: see the module doc
    closing = [o for o in me.ex.fetch_closed_orders(SYM) if o["side"] == "sell"]
    assert [(o["type"], o["filled"], o["reduceOnly"]) for o in closing] == [("market", 0.01, True)]
    fills = [(t["side"], t["amount"], t["price"]) for t in me.ex.fetch_my_trades(SYM) if t["order"] == closing[0]["id"]]
    assert fills == [("sell", 0.01, 44000.0)]


def test_stop_loss_price_order_edit_and_cancel(new_trader: Callable[..., Trader]) -> None:
    me, other = new_trader(), new_trader()
    other.ex.create_order(SYM, "limit", "sell", 0.02, 50000)
    me.ex.create_order(SYM, "market", "buy", 0.02)
    sl = me.ex.create_order(SYM, "limit", "sell", 0.02, 44900, {"stopLossPrice": 45000, "reduceOnly": True})
    [armed] = open_triggers(me)
    assert (armed["id"], armed["stopLossPrice"], armed["price"], armed["amount"]) == (sl["id"], 45000.0, 44900.0,
                                                                                      0.02)
    edited = me.ex.edit_order(sl["id"], SYM, "limit", "sell", 0.02, 45900, {"stopLossPrice": 46000})
    assert edited["id"] == sl["id"]
    [armed] = open_triggers(me)
    assert (armed["stopLossPrice"], armed["price"]) == (46000.0, 45900.0)
    me.ex.cancel_order(sl["id"], SYM, {"trigger": True})
    assert open_triggers(me) == []
    assert [o["id"] for o in me.ex.fetch_canceled_and_closed_orders(SYM, params={"trigger": True})] == [sl["id"]]
    assert contracts(me) == 0.02  # cancelled, never fired


def test_take_profit_price_market_fires_on_the_mark(new_trader: Callable[..., Trader]) -> None:
    me, other, mover = new_trader(), new_trader(), new_trader()
    other.ex.create_order(SYM, "limit", "sell", 0.01, 50000)
    me.ex.create_order(SYM, "market", "buy", 0.01)
    tp = me.ex.create_order(SYM, "market", "sell", 0.01, None, {"takeProfitPrice": 55000, "reduceOnly": True})
    [armed] = open_triggers(me)
    assert (armed["id"], armed["takeProfitPrice"]) == (tp["id"], 55000.0)
    other.ex.create_order(SYM, "limit", "buy", 0.05, 54000)  # depth for the take-profit's market sell
    move_price(other, mover, 55000, side="sell")  # a trade at 55000: the mark follows the last price
    assert contracts(me) == 0
    assert open_triggers(me) == []
