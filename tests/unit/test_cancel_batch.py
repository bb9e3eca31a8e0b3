"""CancelBatch in the engine: the points of GUIDE §4 that the engine owns (items 3-8) and the WebSocket
variant whose items carry no category or symbol.

Items 1, 2 (request shape, 1-20 items, one category) and 9 (auth, rate limit) belong to the gateway.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from utaex.core import (
    CancelBatch,
    CancelItem,
    CancelOrder,
    CreateUser,
    Deposit,
    Engine,
    Order,
    PlaceOrder,
    Reject,
    audit,
)
from utaex.core.events import AccountEvent, BookEvent, FillEvent, OrderEvent
from utaex.core.numbers import parse_fixed

T0 = 1_700_000_000_000
SPOT, MARGIN = "SPOT", "MARGIN"
UF, CF, CU = "USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"
NOT_FOUND = Reject("25204", "Order does not exist")

# one resting order per category: (category, symbol, side, qty, price)
ONE_PER_CATEGORY = [
    (SPOT, "BTCUSDT", "buy", "0.001", "40000"),
    (MARGIN, "ETHUSDT", "sell", "0.01", "4000"),
    (UF, "BTCUSDT", "buy", "0.01", "40000"),
    (CF, "ETHUSD", "sell", "0.1", "4000"),
    (CU, "BTCPERP", "sell", "0.01", "60000"),
]


def u(text: str) -> int:
    return parse_fixed(text, 18)[0]


class Ex:
    def __init__(self) -> None:
        self.eng = Engine()
        self.ts = T0
        self.events: list[Any] = []
        self.n = 0

    def do(self, cmd_type: type, **kw: Any) -> Any:
        self.ts += 1
        result, self.events = self.eng.apply(cmd_type(ts=self.ts, **kw))
        return result

    def user(self, **coins: str) -> int:
        self.n += 1
        uid = self.do(CreateUser, api_key=f"k{self.n}", secret="s", passphrase="p").uid
        for coin, amount in coins.items():
            self.do(Deposit, uid=uid, coin=coin, amount=amount)
        return uid

    def rich(self) -> int:
        return self.user(BTC="100", ETH="1000", USDT="10000000", USDC="10000000")

    def place(self, uid: int, category: str, symbol: str, side: str, qty: str, price: str, **kw: Any) -> Order:
        order = self.do(PlaceOrder, uid=uid, category=category, symbol=symbol, side=side, order_type="limit",
                        qty=qty, price=price, **kw)
        assert isinstance(order, Order), order
        return order

    def spot(self, uid: int, side: str, qty: str, price: str, **kw: Any) -> Order:
        return self.place(uid, SPOT, "BTCUSDT", side, qty, price, **kw)

    def batch(self, uid: int, *items: CancelItem) -> list[Any]:
        result = self.do(CancelBatch, uid=uid, items=list(items))
        assert isinstance(result, list) and len(result) == len(items)
        return result

    def snapshot_of(self, uid: int) -> bytes:
        acct = self.eng.accounts[uid]
        mine = sorted((o for o in self.eng.orders.values() if o.uid == uid), key=lambda o: o.order_id)
        return msgspec.json.encode([acct, mine])


def item(order: Order | None = None, *, oid: str | None = None, coid: str | None = None, cat: str | None = None,
         sym: str | None = None) -> CancelItem:
    """A REST item naming ``order`` by id (override any field)."""
    return CancelItem(
        order_id=oid if oid is not None else (str(order.order_id) if order else ""),
        client_oid=coid if coid is not None else "",
        category=cat if cat is not None else (order.category if order else SPOT),
        symbol=sym if sym is not None else (order.symbol if order else "BTCUSDT"),
    )


@pytest.fixture
def ex() -> Ex:
    return Ex()


def test_results_in_request_order_with_partial_success(ex: Ex) -> None:
    a = ex.rich()
    orders = [ex.spot(a, "buy", "0.001", f"{40000 + i}") for i in range(4)]
    ex.do(CancelOrder, uid=a, order_id=str(orders[1].order_id))
    res = ex.batch(a, item(orders[3]), item(orders[1]), item(oid="123"), item(orders[0]),
                   item(oid="", coid=""), item(orders[2]))
    assert res[0] is orders[3] and res[3] is orders[0] and res[5] is orders[2]
    assert res[1] == NOT_FOUND and res[2] == NOT_FOUND
    assert isinstance(res[4], Reject) and res[4].code == "40017"
    for o in (orders[3], orders[0], orders[2]):
        assert o.status == "cancelled" and o.cancel_reason == "normal_cancel" and o.updated == ex.ts
    assert ex.eng.orders == {}
    # one order push per cancelled order, in item order, then the book and the owner's account
    pushes = [e.order for e in ex.events if isinstance(e, OrderEvent)]
    assert pushes == [orders[3], orders[0], orders[2]]
    assert [e for e in ex.events if isinstance(e, BookEvent)] == [BookEvent(SPOT, "BTCUSDT")]
    assert [e for e in ex.events if isinstance(e, AccountEvent)] == [AccountEvent(a)]
    assert not [e for e in ex.events if isinstance(e, FillEvent)]
    assert audit.check(ex.eng) == []


def test_order_id_wins_over_client_oid(ex: Ex) -> None:
    a = ex.rich()
    first = ex.spot(a, "buy", "0.001", "40000", client_oid="first")
    second = ex.spot(a, "buy", "0.001", "40001", client_oid="second")
    res = ex.batch(a, item(first, coid="second"))
    assert res == [first] and first.status == "cancelled" and second.status == "live"
    # orderId names nothing pending: no fallback to the clientOid
    res = ex.batch(a, item(first, coid="second"), item(oid="999", coid="second"))
    assert res == [NOT_FOUND, NOT_FOUND] and second.status == "live"
    assert ex.batch(a, item(oid="", coid="second")) == [second]


def test_client_oid_names_only_the_pending_order(ex: Ex) -> None:
    a, b = ex.rich(), ex.rich()
    old = ex.spot(a, "sell", "0.001", "50000", client_oid="reuse-me")
    ex.spot(b, "buy", "0.001", "50000")  # fills a's order
    assert old.status == "filled"
    assert ex.batch(a, item(oid="", coid="reuse-me")) == [NOT_FOUND]
    new = ex.spot(a, "buy", "0.001", "40000", client_oid="reuse-me")
    res = ex.batch(a, item(oid="", coid="reuse-me"))
    assert res == [new] and new.status == "cancelled"
    again = ex.spot(a, "buy", "0.001", "40000", client_oid="reuse-me")
    res = ex.batch(a, item(oid="", coid="reuse-me"), item(oid="", coid="reuse-me"))
    assert res == [again, NOT_FOUND]


def test_other_users_order_is_indistinguishable_from_missing(ex: Ex) -> None:
    a, b = ex.rich(), ex.rich()
    theirs = ex.spot(b, "buy", "0.001", "40000", client_oid="shared")
    mine = ex.spot(a, "buy", "0.001", "40001", client_oid="shared")
    before = ex.snapshot_of(b)
    res = ex.batch(a, item(theirs), item(theirs, coid="shared"), item(oid="99999999"))
    assert res == [NOT_FOUND, NOT_FOUND, NOT_FOUND]
    assert res[0] == res[2]  # same code and message as a missing order
    assert theirs.status == "live" and mine.status == "live"
    assert ex.snapshot_of(b) == before
    # a's clientOid names a's own order, never b's
    assert ex.batch(a, item(oid="", coid="shared")) == [mine]
    assert theirs.status == "live" and ex.snapshot_of(b) == before


def test_filled_and_cancelled_orders(ex: Ex) -> None:
    a, b = ex.rich(), ex.rich()
    filled = ex.spot(a, "sell", "0.001", "50000")
    ex.spot(b, "buy", "0.001", "50000")
    cancelled = ex.spot(a, "buy", "0.001", "40000")
    ex.do(CancelOrder, uid=a, order_id=str(cancelled.order_id))
    assert ex.batch(a, item(filled), item(cancelled)) == [NOT_FOUND, NOT_FOUND]
    assert filled.status == "filled" and cancelled.cancel_reason == "normal_cancel"


def test_duplicate_in_same_batch(ex: Ex) -> None:
    a = ex.rich()
    o = ex.spot(a, "buy", "0.001", "40000", client_oid="dup")
    other = ex.spot(a, "buy", "0.001", "40001")
    res = ex.batch(a, item(o), item(other), item(o), item(oid="", coid="dup"))
    assert res == [o, other, NOT_FOUND, NOT_FOUND]
    assert sum(isinstance(e, OrderEvent) for e in ex.events) == 2
    assert ex.eng.accounts[a].assets["USDT"].frozen == 0


def test_category_and_symbol_must_match(ex: Ex) -> None:
    a = ex.rich()
    spot = ex.spot(a, "buy", "0.001", "40000", client_oid="s")
    margin = ex.place(a, MARGIN, "BTCUSDT", "buy", "0.001", "40000", client_oid="m")
    fut = ex.place(a, UF, "BTCUSDT", "buy", "0.01", "40000", client_oid="f")
    res = ex.batch(
        a,
        item(spot, cat=MARGIN),  # same book, other category
        item(margin, cat=SPOT),
        item(fut, cat=SPOT),
        item(spot, sym="ETHUSDT"),
        item(fut, sym="ETHUSDT"),
        item(oid="", coid="f", cat=UF, sym="BTCPERP"),
        item(oid="", coid="s", cat=UF, sym="BTCUSDT"),
    )
    assert res == [NOT_FOUND] * 7
    assert {o.status for o in (spot, margin, fut)} == {"live"}
    res = ex.batch(a, item(spot), item(margin), item(oid="", coid="f", cat=UF, sym="BTCUSDT"))
    assert res == [spot, margin, fut]


def test_item_with_neither_id(ex: Ex) -> None:
    a = ex.rich()
    o = ex.spot(a, "buy", "0.001", "40000")
    res = ex.batch(a, CancelItem(category=SPOT, symbol="BTCUSDT"), item(o), CancelItem())
    assert isinstance(res[0], Reject) and res[0].code == "40017" and res[0] == res[2]
    assert res[1] is o


@pytest.mark.parametrize("bad_id", ["abc", "-1", "1.5", "", " 1", "1" * 25, "0"])
def test_malformed_order_ids_are_not_found(ex: Ex, bad_id: str) -> None:
    a = ex.rich()
    o = ex.spot(a, "buy", "0.001", "40000")
    res = ex.batch(a, item(oid=bad_id, coid="nope"))
    assert res == [NOT_FOUND] and o.status == "live"


def test_partial_fill_then_cancel_releases_exactly_the_remainder_spot(ex: Ex) -> None:
    a, b = ex.user(USDT="1000"), ex.user(BTC="1")
    bid = ex.spot(a, "buy", "0.01", "50000")  # freezes 500 USDT
    ex.spot(b, "sell", "0.004", "49000")  # fills 0.004 at 50000 (maker price)
    assert bid.status == "partially_filled" and bid.frozen == u("300")
    usdt = ex.eng.accounts[a].assets["USDT"]
    assert (usdt.balance, usdt.frozen) == (u("800"), u("300"))
    res = ex.batch(a, item(bid))
    assert res == [bid]
    assert bid.status == "cancelled" and bid.cancel_reason == "normal_cancel"
    assert bid.filled == 4000 and bid.fee == u("0.000004") and bid.cum_value == u("200") and bid.frozen == 0
    assert (usdt.balance, usdt.frozen, usdt.available) == (u("800"), 0, u("800"))
    assert ex.eng.accounts[a].assets["BTC"].balance == u("0.003996")
    assert ex.eng.books[(SPOT, "BTCUSDT")].best_bid() is None
    assert audit.check(ex.eng) == []


def test_partial_fill_then_cancel_releases_exactly_the_remainder_futures(ex: Ex) -> None:
    a, b = ex.user(USDT="1000"), ex.user(USDT="1000")
    ask = ex.place(a, UF, "BTCUSDT", "sell", "0.01", "50000")  # 100 lots x 0.503
    ex.place(b, UF, "BTCUSDT", "buy", "0.003", "50000")
    usdt = ex.eng.accounts[a].assets["USDT"]
    # 30 lots filled: maker fee 0.03, margin 15 into the position; 70 x 0.503 still frozen
    assert (usdt.balance, usdt.frozen, usdt.margin) == (u("999.97"), u("35.21"), u("15"))
    assert ex.batch(a, item(ask)) == [ask]
    assert (usdt.balance, usdt.frozen, usdt.margin) == (u("999.97"), 0, u("15"))
    assert ask.filled == 30 and ask.fee == u("0.03") and ask.status == "cancelled"
    assert ex.eng.positions[(a, UF, "BTCUSDT", "short")].qty == 30
    assert audit.check(ex.eng) == []


def test_margin_cancel_repays_borrowed_funds(ex: Ex) -> None:
    a = ex.user(USDT="100")
    o = ex.place(a, MARGIN, "BTCUSDT", "buy", "0.005", "50000")
    usdt = ex.eng.accounts[a].assets["USDT"]
    assert usdt.debt == u("150")
    assert ex.batch(a, item(o)) == [o]
    assert (usdt.balance, usdt.frozen, usdt.debt) == (u("100"), 0, 0)
    assert audit.check(ex.eng) == []


def test_all_five_categories_in_one_engine(ex: Ex) -> None:
    a = ex.rich()
    orders = [ex.place(a, *spec) for spec in ONE_PER_CATEGORY]
    before = {c: (x.balance, x.frozen) for c, x in ex.eng.accounts[a].assets.items()}
    assert any(f for _, f in before.values())
    # one batch per category, as the REST endpoint requires
    for order in orders:
        assert ex.batch(a, item(order)) == [order]
        assert order.status == "cancelled" and order.frozen == 0
    for asset in ex.eng.accounts[a].assets.values():
        assert asset.frozen == 0
    assert {c: x.balance for c, x in ex.eng.accounts[a].assets.items()} == {c: b for c, (b, _) in before.items()}
    assert ex.eng.accounts[a].open_spot == 0 and ex.eng.accounts[a].open_futures == 0
    assert audit.check(ex.eng) == []


def test_exactly_twenty_items(ex: Ex) -> None:
    a = ex.rich()
    orders = [ex.place(a, UF, "BTCUSDT" if i % 2 else "ETHUSDT", "buy", "0.01", f"{1000 + i}") for i in range(20)]
    res = ex.batch(a, *[item(o) for o in orders])
    assert res == orders and all(o.status == "cancelled" for o in orders)
    assert [e.order for e in ex.events if isinstance(e, OrderEvent)] == orders
    assert ex.eng.accounts[a].assets["USDT"].frozen == 0
    assert audit.check(ex.eng) == []


def test_success_item_carries_real_ids(ex: Ex) -> None:
    a = ex.rich()
    o = ex.spot(a, "buy", "0.001", "40000")  # no clientOid given: the server makes one
    assert len(o.client_oid) == 19 and o.client_oid.isdigit()
    (res,) = ex.batch(a, item(o))
    assert res.order_id == o.order_id and res.client_oid == o.client_oid


def test_batch_is_one_step(ex: Ex) -> None:
    """Every item sees the book as the batch left it; nothing trades between items."""
    a, b = ex.rich(), ex.rich()
    asks = [ex.spot(a, "sell", "0.001", f"{50000 + i}") for i in range(3)]
    bid = ex.spot(b, "buy", "0.001", "49999")
    fills_before = ex.eng.last_exec
    res = ex.batch(a, *[item(o) for o in asks])
    assert res == asks and ex.eng.last_exec == fills_before
    assert bid.status == "live"
    assert ex.eng.books[(SPOT, "BTCUSDT")].best_ask() is None


# ---- the WebSocket variant: items carry only orderId / clientOid ---------------------------------

def test_ws_items_resolve_among_all_pending_orders(ex: Ex) -> None:
    a, b = ex.rich(), ex.rich()
    orders = [ex.place(a, *spec, client_oid=f"c{i}") for i, spec in enumerate(ONE_PER_CATEGORY)]
    theirs = ex.place(b, *ONE_PER_CATEGORY[0], client_oid="c0")
    items = [
        CancelItem(order_id=str(orders[0].order_id)),
        CancelItem(client_oid="c1"),
        CancelItem(order_id=str(orders[2].order_id), client_oid="c3"),  # orderId wins
        CancelItem(order_id=str(theirs.order_id)),
        CancelItem(client_oid="c3"),
        CancelItem(order_id=str(orders[4].order_id)),
        CancelItem(order_id=str(orders[4].order_id)),
        CancelItem(),
    ]
    res = ex.batch(a, *items)
    assert res[:3] == orders[:3] and res[3] == NOT_FOUND and res[4] is orders[3]
    assert res[5] is orders[4] and res[6] == NOT_FOUND and res[7].code == "40017"
    assert theirs.status == "live"
    assert all(o.status == "cancelled" for o in orders)
    assert audit.check(ex.eng) == []

