"""ModifyOrder / ModifyBatch in the engine (core/modify.py): price and qty changes, queue priority, exact
re-freezing, crossing modifies matching at once, autoCancel, newClientOid, the error codes, partial success
per item in a batch, journal round trip and replay."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utaex.core import (
    CancelOrder,
    CreateUser,
    Deposit,
    Engine,
    ModifyBatch,
    ModifyItem,
    ModifyOrder,
    Order,
    PlaceOrder,
    Reject,
    audit,
)
from utaex.core.commands import AnyCommand
from utaex.core.events import FillEvent, OrderEvent, OrderModified
from utaex.core.numbers import parse_fixed

T0 = 1_700_000_000_000
SPOT, MARGIN, UF, CF = "SPOT", "MARGIN", "USDT-FUTURES", "COIN-FUTURES"


def u(text: str) -> int:
    return parse_fixed(text, 18)[0]


class Ex:
    def __init__(self) -> None:
        self.eng = Engine()
        self.ts = T0
        self.events: list[Any] = []
        self.cmds: list[Any] = []
        self.n = 0

    def do(self, cmd_type: type, **kw: Any) -> Any:
        self.ts += 1
        cmd = cmd_type(ts=self.ts, **kw)
        self.cmds.append(cmd)
        result, self.events = self.eng.apply(cmd)
        assert audit.check(self.eng) == []
        return result

    def user(self, **coins: str) -> int:
        self.n += 1
        uid = self.do(CreateUser, api_key=f"k{self.n}", secret="s", passphrase="p").uid
        for coin, amount in coins.items():
            self.do(Deposit, uid=uid, coin=coin, amount=amount)
        return uid

    def rich(self) -> int:
        return self.user(BTC="100", ETH="1000", USDT="10000000", USDC="10000000")

    def place(self, uid: int, side: str, qty: str, price: str, category: str = SPOT, symbol: str = "BTCUSDT",
              **kw: Any) -> Order:
        order = self.do(PlaceOrder, uid=uid, category=category, symbol=symbol, side=side, order_type="limit",
                        qty=qty, price=price, **kw)
        assert isinstance(order, Order), order
        return order

    def modify(self, uid: int, order: Order | None = None, **kw: Any) -> Any:
        if order is not None:
            kw.setdefault("order_id", str(order.order_id))
        return self.do(ModifyOrder, uid=uid, item=ModifyItem(**kw))

    def asset(self, uid: int, coin: str) -> Any:
        return self.eng.accounts[uid].assets[coin]

    def level(self, side: str, price: int) -> list[int]:
        book = self.eng.books[(SPOT, "BTCUSDT")]
        return list((book.bids if side == "buy" else book.asks)[price])


def test_price_change_keeps_order_id_refreezes_and_loses_priority() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    first = ex.place(alice, "buy", "0.01", "40000")
    other = ex.place(bob, "buy", "0.01", "39000")
    before = ex.asset(alice, "USDT").frozen
    assert before == u("400")
    result = ex.modify(alice, first, price="39000")
    assert result is first and first.order_id == result.order_id and first.status == "live"
    assert first.price == 3_900_000 and first.frozen == u("390")
    assert ex.asset(alice, "USDT").frozen == u("390")
    assert ex.level("buy", 3_900_000) == [other.order_id, first.order_id]  # back of the new level
    assert 4_000_000 not in ex.eng.books[(SPOT, "BTCUSDT")].bids
    kinds = [type(e) for e in ex.events]
    assert kinds[:2] == [OrderModified, OrderEvent]
    assert ex.events[0].price == 4_000_000 and ex.events[0].qty == 10_000


def test_qty_decrease_keeps_priority_and_increase_loses_it() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    a = ex.place(alice, "sell", "0.01", "41000")
    b = ex.place(bob, "sell", "0.01", "41000")
    assert ex.modify(alice, a, qty="0.004") is a
    assert ex.level("sell", 4_100_000) == [a.order_id, b.order_id]
    assert a.frozen == u("0.004") and ex.asset(alice, "BTC").frozen == u("0.004")
    assert ex.modify(alice, a, qty="0.02") is a
    assert ex.level("sell", 4_100_000) == [b.order_id, a.order_id]
    assert ex.asset(alice, "BTC").frozen == u("0.02")


def test_partially_filled_order_modified_on_total_qty() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    a = ex.place(alice, "sell", "0.01", "41000")
    ex.place(bob, "buy", "0.004", "41000")
    assert a.filled == 4000 and a.status == "partially_filled"
    assert ex.modify(alice, a, qty="0.004") == Reject("25568", "The order does not meet the modification requirements.")
    assert ex.modify(alice, a, qty="0.003").code == "25568"
    assert ex.modify(alice, a, qty="0.006") is a
    assert a.remaining == 2000 and a.frozen == u("0.002") and a.status == "partially_filled"
    assert ex.asset(alice, "BTC").frozen == u("0.002")


def test_crossing_modify_matches_at_once_as_taker() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    ask = ex.place(bob, "sell", "0.004", "40500")
    bid = ex.place(alice, "buy", "0.01", "40000")
    usdt = ex.asset(alice, "USDT").balance
    assert ex.modify(alice, bid, price="41000") is bid
    fills = [e for e in ex.events if type(e) is FillEvent]
    taker = next(f for f in fills if f.order is bid)
    assert not taker.maker and taker.price == 4_050_000 and taker.qty == 4000
    assert ask.status == "filled" and bid.status == "partially_filled" and bid.filled == 4000
    assert bid.price == 4_100_000 and bid.frozen == u("246")  # 0.006 x 41000 rests
    assert ex.asset(alice, "USDT").balance == usdt - u("162")
    assert ex.eng.books[(SPOT, "BTCUSDT")].best_bid() == 4_100_000
    assert [type(e) for e in ex.events if type(e) in (OrderModified, OrderEvent) and e.order is bid] == [
        OrderModified, OrderEvent]


def test_crossing_modify_that_fills_completely_ends_the_order() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    ex.place(bob, "buy", "0.02", "40000")
    ask = ex.place(alice, "sell", "0.01", "41000")
    assert ex.modify(alice, ask, price="39000") is ask
    assert ask.status == "filled" and ask.filled == 10_000 and ask.frozen == 0
    assert ask.order_id not in ex.eng.orders
    assert ex.asset(alice, "BTC").frozen == 0


def test_post_only_may_not_cross_and_auto_cancel() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    ex.place(bob, "sell", "0.01", "40500")
    po = ex.place(alice, "buy", "0.01", "40000", tif="post_only")
    assert ex.modify(alice, po, price="40500").code == "25568"
    assert po.status == "live" and po.price == 4_000_000 and po.order_id in ex.eng.orders
    assert ex.modify(alice, po, price="40400") is po  # not crossing: fine
    assert ex.modify(alice, po, price="40600", auto_cancel=True).code == "25568"
    assert po.status == "cancelled" and po.cancel_reason == "modify_limit_order"
    assert ex.asset(alice, "USDT").frozen == 0


def test_insufficient_funds_changes_nothing_unless_auto_cancel() -> None:
    ex = Ex()
    poor = ex.user(USDT="500")
    order = ex.place(poor, "buy", "0.01", "40000")
    before = msgspec.json.encode([ex.eng.accounts[poor], order])
    assert ex.modify(poor, order, qty="0.02") == Reject("25202", "Insufficient balance")
    assert msgspec.json.encode([ex.eng.accounts[poor], order]) == before
    assert ex.modify(poor, order, price="60000").code == "25202"
    assert ex.modify(poor, order, qty="0.02", auto_cancel=True).code == "25202"
    assert order.status == "cancelled" and ex.asset(poor, "USDT").frozen == 0


def test_errors() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    a = ex.place(alice, "buy", "0.01", "40000", client_oid="mine")
    assert ex.modify(alice, a, price="40000", qty="0.01") == Reject(
        "25571", "The modification price and qty is the same as the original value. Please adjust and try again.")
    assert ex.modify(alice, a, auto_cancel=True).code == "40017"  # neither qty nor price: malformed, no cancel
    assert a.status == "live"
    assert ex.modify(alice, price="1").code == "40034"  # neither id
    assert ex.modify(bob, a, price="39000").code == "25204"  # another user's order
    assert ex.modify(alice, a, price="39000", category="SPOT", symbol="ETHUSDT").code == "25204"
    assert ex.modify(alice, a, price="39000.001").code == "25244"
    assert ex.modify(alice, a, qty="0.0000001").code == "25610"
    assert ex.modify(alice, a, qty="0.000001").code == "25207"
    assert ex.modify(alice, a, qty="0.00001", price="1").code == "25611"
    ex.place(alice, "buy", "0.01", "39000", client_oid="taken")
    assert ex.modify(alice, a, price="39500", new_client_oid="taken").code == "25212"
    assert ex.modify(alice, a, price="39500", new_client_oid="bad oid").code == "40017"
    assert a.price == 4_000_000 and a.client_oid == "mine"
    ex.do(CancelOrder, uid=alice, order_id=str(a.order_id))
    assert ex.modify(alice, a, price="39000").code == "25204"  # cancelled: not pending
    filled = ex.place(alice, "sell", "0.01", "39000")  # fills against the 39000 bid at once
    assert filled.status == "filled"
    assert ex.modify(alice, filled, price="39100").code == "25204"


def test_new_client_oid_renames_and_frees_the_old_one() -> None:
    ex = Ex()
    alice = ex.rich()
    a = ex.place(alice, "buy", "0.01", "40000", client_oid="old")
    assert ex.modify(alice, client_oid="old", price="39000", new_client_oid="new") is a
    assert a.client_oid == "new" and ex.eng.client_oids[alice]["new"] is a and "old" not in ex.eng.client_oids[alice]
    assert ex.place(alice, "buy", "0.01", "38000", client_oid="old").client_oid == "old"


def test_futures_margin_refrozen_at_the_new_price() -> None:
    ex = Ex()
    alice = ex.rich()
    o = ex.place(alice, "buy", "0.1", "40000", category=UF)  # 10x: margin 400 + taker fee 2.4
    assert o.frozen == u("402.4")
    assert ex.modify(alice, o, price="30000", qty="0.2") is o
    assert o.frozen == u("603.6") and ex.asset(alice, "USDT").frozen == u("603.6")
    inv = ex.place(alice, "sell", "0.01", "60000", category=CF, symbol="ETHUSD")
    held = inv.frozen
    assert ex.modify(alice, inv, price="70000") is inv
    assert inv.frozen == held and ex.asset(alice, "ETH").frozen == held  # inverse: margin in coin per lot


def test_reduce_only_orders_are_not_modifiable() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    ex.place(bob, "sell", "0.1", "40000", category=UF)
    ex.place(alice, "buy", "0.1", "40000", category=UF)
    close = ex.place(alice, "sell", "0.1", "45000", category=UF, reduce_only=True)
    assert ex.modify(alice, close, price="44000").code == "25568"
    assert ex.modify(alice, close, price="44000", auto_cancel=True).code == "25568"
    assert close.status == "cancelled" and close.cancel_reason == "modify_limit_order"


def test_margin_modify_borrows_and_repays() -> None:
    ex = Ex()
    alice = ex.user(USDT="100")
    o = ex.place(alice, "buy", "0.002", "40000", category=MARGIN)  # 80 USDT, own funds
    assert ex.modify(alice, o, qty="0.004") is o  # 160: borrows 60
    usdt = ex.asset(alice, "USDT")
    assert usdt.debt == u("60") and usdt.frozen == u("160")
    assert ex.modify(alice, o, qty="0.001") is o  # 40: the freed funds repay the loan
    assert usdt.debt == 0 and usdt.frozen == u("40") and usdt.balance == u("100")


def test_batch_partial_success_in_order_and_once_per_order() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    a = ex.place(alice, "buy", "0.01", "40000", client_oid="a")
    b = ex.place(alice, "sell", "0.01", "42000", category=UF)
    theirs = ex.place(bob, "buy", "0.01", "39000")
    items = [
        ModifyItem(order_id=str(a.order_id), price="39500"),
        ModifyItem(order_id=str(theirs.order_id), price="39100"),
        ModifyItem(client_oid="a", price="39600"),  # the same order again
        ModifyItem(order_id=str(b.order_id), qty="0.02"),
        ModifyItem(price="1"),
        ModifyItem(order_id=str(b.order_id), price="42000.05"),
    ]
    res = ex.do(ModifyBatch, uid=alice, items=items)
    assert len(res) == 6
    assert res[0] is a and a.price == 3_950_000
    assert res[1].code == "25204" and theirs.price == 3_900_000
    assert res[2].code == "40017" and a.price == 3_950_000
    assert res[3] is b and b.qty == 200
    assert res[4].code == "40017"
    assert res[5].code == "40017"  # b already modified in this batch


def test_journal_round_trip_and_replay() -> None:
    ex = Ex()
    alice, bob = ex.rich(), ex.rich()
    ex.place(bob, "sell", "0.005", "40500")
    a = ex.place(alice, "buy", "0.01", "40000", client_oid="x")
    ex.modify(alice, a, price="41000", new_client_oid="y", auto_cancel=True)
    ex.do(ModifyBatch, uid=alice, items=[ModifyItem(client_oid="y", qty="0.02"), ModifyItem(order_id="1")])
    enc, dec = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(AnyCommand)
    fresh = Engine()
    for cmd in ex.cmds:
        back = dec.decode(enc.encode(cmd))
        assert back == cmd
        fresh.apply(back)
    assert fresh.state_hash() == ex.eng.state_hash()
    copy = Engine.from_snapshot(ex.eng.snapshot())
    assert copy.state_hash() == ex.eng.state_hash()


@pytest.mark.parametrize("side", ["buy", "sell"])
def test_stp_cancel_taker_on_a_crossing_modify(side: str) -> None:
    ex = Ex()
    alice = ex.rich()
    opp = "sell" if side == "buy" else "buy"
    ex.place(alice, opp, "0.01", "40000")
    o = ex.place(alice, side, "0.01", "39000" if side == "buy" else "41000", stp_mode="cancel_taker")
    assert ex.modify(alice, o, price="40000") is o
    assert o.status == "cancelled" and o.cancel_reason == "stp_cancel"


# ---- the batch's fast path is the single-item path -----------------------------------------------------
_MOVES = st.lists(st.tuples(st.integers(0, 11), st.integers(-3, 3), st.sampled_from(["", "0.002", "0.0001"])),
                  min_size=1, max_size=12, unique_by=lambda m: m[0])  # once per order (a batch refuses repeats)


@settings(max_examples=60, deadline=None)
@given(category=st.sampled_from([SPOT, MARGIN, UF]), moves=_MOVES)
def test_a_batch_ends_as_the_same_modifies_one_by_one(category: str, moves: list[tuple[int, int, str]]) -> None:
    """ModifyBatch (whose common item skips ``_change``) and the same items as ModifyOrder commands, one per
    step at the same timestamp, leave identical engines (state hash) and answer alike, item by item."""
    engines = []
    answers = []
    for batched in (True, False):
        eng = Engine()
        ts = T0
        eng.apply(CreateUser(ts=ts, api_key="a", secret="s", passphrase="p"))
        eng.apply(CreateUser(ts=ts, api_key="b", secret="s", passphrase="p"))
        a, b = sorted(eng.accounts)
        for uid in (a, b):
            eng.apply(Deposit(ts=ts, uid=uid, coin="USDT", amount="30000"))
            eng.apply(Deposit(ts=ts, uid=uid, coin="BTC", amount="1"))
        orders, prices = [], []
        for i in range(12):  # a's bids and asks around 50000, b's resting on both sides further out
            side = "buy" if i % 2 else "sell"
            price = 50000 - 10 * (i + 1) if side == "buy" else 50000 + 10 * (i + 1)
            placed, _ = eng.apply(PlaceOrder(ts=ts, uid=a, category=category, symbol="BTCUSDT", side=side,
                                             order_type="limit", qty="0.001", price=str(price)))
            orders.append(placed)
            prices.append(price)
            eng.apply(PlaceOrder(ts=ts, uid=b, category=category, symbol="BTCUSDT", side=side, order_type="limit",
                                 qty="0.001", price=str(price + (-15 if side == "buy" else 15))))
        items = [ModifyItem(order_id=str(orders[i].order_id), price=str(prices[i] + 10 * d) if d else "",
                            qty=qty or ("" if d else "0.003")) for i, d, qty in moves]
        ts += 1
        if batched:
            results, _ = eng.apply(ModifyBatch(ts=ts, uid=a, items=items))
        else:
            results = [eng.apply(ModifyOrder(ts=ts, uid=a, item=item))[0] for item in items]
        answers.append([r.code if isinstance(r, Reject) else (r.order_id, r.price, r.qty, r.status) for r in results])
        assert audit.check(eng) == []
        engines.append(eng)
    assert answers[0] == answers[1]
    assert engines[0].state_hash() == engines[1].state_hash()
