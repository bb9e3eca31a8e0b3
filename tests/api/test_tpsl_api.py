"""TP/SL over real HTTP: preset TP/SL on place-order / place-batch, the five strategy endpoints, triggers firing
in the same step as the trade that crossed them, and armed strategies surviving a restart.

Amounts by hand (USDT-FUTURES, taker 0.06 %, leverage 10): a buy of 0.01 @ 50000 costs a 0.3 fee and holds 50
margin; closing it at 44000 realises -60 and costs 0.264 in fees.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from uta_helpers import balance, error_of, open_orders, order

from support import Server, free_port
from utaex.client import Client

FUNDS = {"USDT": "1000000", "BTC": "10"}
CAT, SYM = "USDT-FUTURES", "BTCUSDT"
STRATEGY_KEYS = {"orderId", "clientOid", "category", "symbol", "qty", "posSide", "tpTriggerBy", "slTriggerBy",
                 "takeProfit", "stopLoss", "tpOrderType", "slOrderType", "tpLimitPrice", "slLimitPrice",
                 "createdTime", "updatedTime"}
PLACE_S, MODIFY_S, CANCEL_S = ("/api/v3/trade/place-strategy-order", "/api/v3/trade/modify-strategy-order",
                               "/api/v3/trade/cancel-strategy-order")
UNFILLED_S, HISTORY_S = "/api/v3/trade/unfilled-strategy-orders", "/api/v3/trade/history-strategy-orders"


class Trio:
    """A (the user under test), B (the other side) and C (moves the price), on one venue."""

    def __init__(self, srv: Server) -> None:
        self.a, self.b, self.c = (srv.client(srv.new_user(FUNDS)) for _ in range(3))

    def close(self) -> None:
        for c in (self.a, self.b, self.c):
            c.close()

    def long(self, qty: str = "0.01", price: str = "50000", **preset: str) -> dict[str, str]:
        """A opens a long at ``price`` against B's ask (a market buy, with the preset TP/SL given)."""
        order(self.b, CAT, SYM, "sell", qty, price)
        return order(self.a, CAT, SYM, "buy", qty, **preset)

    def trade_at(self, price: str, depth: str = "0.02", side: str = "buy") -> None:
        """B rests ``depth`` at ``price`` (a bid by default), C takes 0.005 of it: the last price is ``price``."""
        order(self.b, CAT, SYM, side, depth, price)
        order(self.c, CAT, SYM, "sell" if side == "buy" else "buy", "0.005")


@pytest.fixture
def trio(fresh: Server) -> Iterator[Trio]:
    t = Trio(fresh)
    yield t
    t.close()


def positions(c: Client) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = c.get("/api/v3/position/current-position", category=CAT)["list"]
    return result


def unfilled(c: Client) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = c.get(UNFILLED_S, category=CAT)
    return result


# ---- preset TP/SL ----------------------------------------------------------------------------------------------
def test_preset_stop_loss_closes_a_long_in_the_same_step_as_the_crossing_trade(trio: Trio) -> None:
    placed = trio.long(stopLoss="45000", slOrderType="market")
    info = trio.a.get("/api/v3/trade/order-info", orderId=placed["orderId"])
    assert (info["stopLoss"], info["slTriggerBy"], info["slOrderType"], info["takeProfit"]) == (
        "45000", "market", "market", "")
    [armed] = unfilled(trio.a)
    assert set(armed) == STRATEGY_KEYS
    assert (armed["qty"], armed["posSide"], armed["stopLoss"], armed["slOrderType"], armed["takeProfit"]) == (
        "0.01", "long", "45000", "market", "")
    assert armed["orderId"] != placed["orderId"] and armed["clientOid"] == armed["orderId"]
    trio.trade_at("46000", depth="0.005")  # above the stop: nothing happens (and no bid left there)
    assert len(unfilled(trio.a)) == 1 and positions(trio.a)[0]["total"] == "0.01"
    trio.trade_at("44000")  # crosses it: the answer to C's order comes after A's long is closed
    assert positions(trio.a) == []
    assert unfilled(trio.a) == []
    [done] = trio.a.get(HISTORY_S, category=CAT)["list"]
    assert (done["orderId"], done["triggerType"], done["stopLoss"]) == (armed["orderId"], "stopLoss", "45000")
    closing = [o for o in trio.a.get("/api/v3/trade/history-orders", category=CAT)["list"] if o["side"] == "sell"]
    assert [(o["orderType"], o["qty"], o["cumExecQty"], o["avgPrice"], o["reduceOnly"], o["orderStatus"])
            for o in closing] == [("market", "0.01", "0.01", "44000", "YES", "filled")]
    assert balance(trio.a, "USDT") == ("999939.436", "0")


def test_preset_on_a_resting_order_arms_when_it_fills(trio: Trio) -> None:
    placed = order(trio.a, CAT, SYM, "buy", "0.01", "50000", takeProfit="55000", stopLoss="45000")
    assert unfilled(trio.a) == []  # nothing to protect yet
    order(trio.b, CAT, SYM, "sell", "0.004")  # a partial fill arms the strategy for what has filled
    [armed] = unfilled(trio.a)
    assert (armed["qty"], armed["takeProfit"], armed["stopLoss"]) == ("0.004", "55000", "45000")
    order(trio.b, CAT, SYM, "sell", "0.006")
    [armed2] = unfilled(trio.a)
    assert (armed2["orderId"], armed2["qty"]) == (armed["orderId"], "0.01")
    assert trio.a.get("/api/v3/trade/order-info", orderId=placed["orderId"])["orderStatus"] == "filled"


def test_preset_in_a_batch(trio: Trio) -> None:
    order(trio.b, CAT, SYM, "sell", "0.02", "50000")
    rows = trio.a.post("/api/v3/trade/place-batch", [
        {"category": CAT, "symbol": SYM, "side": "buy", "orderType": "market", "qty": "0.01", "stopLoss": "40000"},
        {"category": CAT, "symbol": SYM, "side": "buy", "orderType": "market", "qty": "0.01", "stopLoss": "50000"},
    ])
    assert "code" not in rows[0]
    assert (rows[1]["code"], rows[1]["orderId"]) == ("25586", "")  # a stop above the last price
    assert [s["stopLoss"] for s in unfilled(trio.a)] == ["40000"]


# ---- strategy endpoints ---------------------------------------------------------------------------------------
def test_take_profit_limit_on_the_mark_price_places_a_resting_closing_order(trio: Trio) -> None:
    trio.long()
    placed = trio.a.post(PLACE_S, {"category": "usdt-futures", "symbol": SYM, "posSide": "long", "tpslMode": "partial",
                                   "qty": "0.004", "takeProfit": "52000", "tpTriggerBy": "mark",
                                   "tpOrderType": "limit", "tpLimitPrice": "53000", "clientOid": "tp-1"})
    assert placed["clientOid"] == "tp-1"
    [s] = unfilled(trio.a)
    assert (s["orderId"], s["qty"], s["tpTriggerBy"], s["tpLimitPrice"], s["stopLoss"]) == (
        placed["orderId"], "0.004", "mark", "53000", "")
    trio.trade_at("52000", side="sell")  # B asks at 52000, C buys: the mark follows the last price
    [rest] = open_orders(trio.a, CAT)
    assert (rest["side"], rest["price"], rest["qty"], rest["reduceOnly"]) == ("sell", "53000", "0.004", "YES")
    assert positions(trio.a)[0]["available"] == "0.006"
    assert balance(trio.a, "USDT") == ("999949.7", "50")  # a closing order freezes nothing


def test_place_modify_cancel_and_history(trio: Trio) -> None:
    trio.long()
    sid = trio.a.post(PLACE_S, {"category": CAT, "symbol": SYM, "posSide": "long", "stopLoss": "45000"})["orderId"]
    assert unfilled(trio.a)[0]["qty"] == "0.01"  # full, placed without qty: the position's size
    same = trio.a.post(MODIFY_S, {"orderId": sid, "qty": "0.01", "stopLoss": "46000", "slOrderType": "limit",
                                  "slLimitPrice": "45500"})
    assert same["orderId"] == sid
    [s] = unfilled(trio.a)
    assert (s["stopLoss"], s["slOrderType"], s["slLimitPrice"], s["qty"]) == ("46000", "limit", "45500", "0.01")
    trio.a.post(MODIFY_S, {"orderId": sid, "qty": "0.004"})  # a full strategy: qty is shown, it closes everything
    assert unfilled(trio.a)[0]["qty"] == "0.004"
    assert error_of(trio.a.post, MODIFY_S, {"orderId": sid, "stopLoss": "46000"}).code == "25600"
    assert trio.a.post(CANCEL_S, {"orderId": sid}) is None
    assert unfilled(trio.a) == []
    [h] = trio.a.get(HISTORY_S, category=CAT, type="tpsl")["list"]
    assert (h["orderId"], h["triggerType"], h["stopLoss"]) == (sid, "", "46000")
    for path, body in ((CANCEL_S, {"orderId": sid}), (MODIFY_S, {"orderId": sid, "stopLoss": "1"})):
        err = error_of(trio.a.post, path, body)
        assert (err.code, err.status) == ("25597", 400)
    assert error_of(trio.b.get, HISTORY_S, category="SPOT").code == "40017"
    assert trio.b.get(HISTORY_S, category=CAT)["list"] == []  # another user's strategies are not there


REFUSALS = [
    ("no position", {"posSide": "short", "stopLoss": "60000"}, "25601"),
    ("spot", {"category": "SPOT", "stopLoss": "45000"}, "25593"),
    ("stop above the last price", {"stopLoss": "51000"}, "25586"),
    ("take profit below the mark", {"takeProfit": "49000", "tpTriggerBy": "mark"}, "25589"),
    ("no leg", {}, "40034"),
    ("a detail of a missing leg", {"stopLoss": "45000", "tpOrderType": "limit"}, "40034"),
    ("limit without a price", {"stopLoss": "45000", "slOrderType": "limit"}, "40034"),
    ("trigger off the tick", {"stopLoss": "45000.05"}, "25607"),
    ("zero trigger", {"takeProfit": "0"}, "25602"),
    ("bad trigger source", {"stopLoss": "45000", "slTriggerBy": "index"}, "40017"),
    ("bad mode", {"stopLoss": "45000", "tpslMode": "half"}, "40017"),
    ("bad type", {"stopLoss": "45000", "type": "plan"}, "40017"),
    ("partial without qty", {"stopLoss": "45000", "tpslMode": "partial"}, "40034"),
    ("partial over the position", {"stopLoss": "45000", "tpslMode": "partial", "qty": "0.02"}, "25595"),
    ("side against posSide", {"stopLoss": "45000", "side": "buy"}, "40017"),
    ("neither posSide nor side", {"posSide": None, "stopLoss": "45000"}, "40034"),
    ("stopLoss an object", {"stopLoss": {"price": "45000"}}, "40017"),  # unknown fields are ignored
    ("clientOid with a final newline", {"stopLoss": "45000", "clientOid": "tp\n"}, "40017"),
]


@pytest.fixture(scope="module")
def held(venue: Server) -> Iterator[Client]:
    """A user with a 0.01 long at 50000 (last price 50000)."""
    t = Trio(venue)
    t.long()
    t.b.close()
    t.c.close()
    yield t.a
    t.a.close()


@pytest.mark.parametrize(("name", "change", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_strategy_refusals_change_nothing(held: Client, name: str, change: dict[str, Any], code: str) -> None:
    body = {k: v for k, v in {"category": CAT, "symbol": SYM, "posSide": "long", **change}.items() if v is not None}
    err = error_of(held.post, PLACE_S, body)
    assert (err.code, err.status) == (code, 400), err.msg
    assert unfilled(held) == []


def test_one_full_strategy_per_position_and_partials_within_it(held: Client) -> None:
    full = held.post(PLACE_S, {"category": CAT, "symbol": SYM, "posSide": "long", "stopLoss": "45000"})
    try:
        assert error_of(held.post, PLACE_S, {"category": CAT, "symbol": SYM, "posSide": "long",
                                             "takeProfit": "55000"}).code == "25594"
        part = held.post(PLACE_S, {"category": CAT, "symbol": SYM, "side": "sell", "tpslMode": "partial",
                                   "qty": "0.006", "takeProfit": "55000"})  # posSide from ccxt's side
        assert error_of(held.post, PLACE_S, {"category": CAT, "symbol": SYM, "posSide": "long", "tpslMode": "partial",
                                             "qty": "0.005", "takeProfit": "56000"}).code == "25595"
        assert error_of(held.post, MODIFY_S, {"orderId": part["orderId"], "qty": "0.011"}).code == "25595"
        held.post(CANCEL_S, {"clientOid": part["clientOid"]})
    finally:
        held.post(CANCEL_S, {"orderId": full["orderId"]})


def test_preset_refusals(held: Client) -> None:
    base = {"category": CAT, "symbol": SYM, "side": "buy", "orderType": "limit", "qty": "0.001", "price": "49000"}
    cases = [({"stopLoss": "49000"}, "25580"), ({"takeProfit": "48000"}, "25579"),
             ({"category": "SPOT", "stopLoss": "40000"}, "25593"),
             ({"side": "sell", "reduceOnly": "YES", "price": "51000", "stopLoss": "52000"}, "25612"),
             ({"stopLoss": "40000", "slOrderType": "stop"}, "40017")]
    for change, code in cases:
        err = error_of(held.post, "/api/v3/trade/place-order", {**base, **change})
        assert err.code == code, (change, err.msg)
    assert open_orders(held, CAT) == [] and open_orders(held, "SPOT") == []


def test_restore_brings_back_live_strategies_and_hides_older_history(fresh: Server) -> None:
    t = Trio(fresh)
    try:
        t.long()
        gone = t.a.post(PLACE_S, {"category": CAT, "symbol": SYM, "posSide": "long", "takeProfit": "60000"})
        t.a.post(CANCEL_S, {"orderId": gone["orderId"]})
        kept = t.a.post(PLACE_S, {"category": CAT, "symbol": SYM, "posSide": "long", "stopLoss": "45000"})
        fresh.admin("POST", "/admin/v1/states", {"name": "armed"})
        t.a.post(CANCEL_S, {"orderId": kept["orderId"]})
        fresh.admin("POST", "/admin/v1/reset", {"name": "armed"})
        assert [s["orderId"] for s in unfilled(t.a)] == [kept["orderId"]]
        assert t.a.get(HISTORY_S, category=CAT)["list"] == []
        fresh.admin("POST", "/admin/v1/reset", {})
        assert unfilled(t.a) == [] and t.a.get(HISTORY_S, category=CAT)["list"] == []
    finally:
        t.close()


# ---- durability ---------------------------------------------------------------------------------------------
def test_armed_strategies_survive_a_restart_and_still_fire(tmp_path: Path) -> None:
    data = tmp_path / "data"
    srv = Server(data, free_port(), ("--no-rate-limit",)).start()
    users = [srv.new_user(FUNDS) for _ in range(3)]
    t = Trio.__new__(Trio)
    t.a, t.b, t.c = (srv.client(u) for u in users)
    t.long(stopLoss="45000")
    sid = t.a.post(PLACE_S, {"category": CAT, "symbol": SYM, "posSide": "long", "takeProfit": "60000"})["orderId"]
    before = unfilled(t.a)
    t.close()
    assert srv.stop(signal.SIGTERM) == 0
    srv = Server(data, free_port(), ("--no-rate-limit",)).start()
    try:
        t.a, t.b, t.c = (srv.client(u) for u in users)
        assert unfilled(t.a) == before and sid in {s["orderId"] for s in before}
        assert srv.admin("GET", "/admin/v1/audit")["problems"] == []
        t.trade_at("44000")
        assert positions(t.a) == [] and unfilled(t.a) == []
        kinds = {h["orderId"]: h["triggerType"] for h in t.a.get(HISTORY_S, category=CAT)["list"]}
        assert kinds[sid] == ""  # the take-profit went with the position
        assert sorted(kinds.values()) == ["", "stopLoss"]
    finally:
        t.close()
        srv.stop()
