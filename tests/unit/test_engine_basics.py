"""Engine basics: placement validation, fills and exact balances, time in force, STP, market buys by
amount, futures hold modes, MARGIN borrowing, ids and determinism.

Amounts are checked to the unit (10**-18 of a coin); every expected figure is worked out by hand from
the documented rules: spot fees are charged in the coin received, futures fees in the settle coin, and
every fee is rounded up.
"""

from __future__ import annotations

from typing import Any

import pytest

from utaex.core import (
    CancelOrder,
    CreateUser,
    Deposit,
    Engine,
    InstrumentSet,
    Order,
    PlaceOrder,
    Reject,
    SetHoldMode,
    SetLeverage,
    audit,
)
from utaex.core.numbers import parse_fixed

T0 = 1_700_000_000_000
SPOT, MARGIN = "SPOT", "MARGIN"
UF, CF, CU = "USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"


def u(text: str) -> int:
    """A decimal string as coin units of 10**-18."""
    value, exact = parse_fixed(text, 18)
    assert exact
    return value


class Ex:
    """A small driver: every command gets the next timestamp (or ``same_ts`` to keep the clock still)."""

    def __init__(self, engine: Engine | None = None, **kw: Any) -> None:
        self.eng = engine or Engine(**kw)
        self.ts = T0
        self.events: list[Any] = []
        self.n = 0

    def do(self, cmd_type: type, *, same_ts: bool = False, **kw: Any) -> Any:
        if not same_ts:
            self.ts += 1
        result, self.events = self.eng.apply(cmd_type(ts=self.ts, **kw))
        return result

    def user(self, **coins: str) -> int:
        self.n += 1
        uid = self.do(CreateUser, api_key=f"key{self.n}", secret="s", passphrase="p").uid
        for coin, amount in coins.items():
            assert not isinstance(self.do(Deposit, uid=uid, coin=coin, amount=amount), Reject)
        return uid

    def place(self, uid: int, side: str, qty: str, price: str = "", *, category: str = SPOT,
              symbol: str = "BTCUSDT", order_type: str = "", same_ts: bool = False, **kw: Any) -> Any:
        otype = order_type or ("limit" if price else "market")
        return self.do(PlaceOrder, uid=uid, category=category, symbol=symbol, side=side, order_type=otype,
                       qty=qty, price=price, same_ts=same_ts, **kw)

    def ok(self, uid: int, side: str, qty: str, price: str = "", **kw: Any) -> Order:
        order = self.place(uid, side, qty, price, **kw)
        assert isinstance(order, Order), order
        return order

    def bal(self, uid: int, coin: str) -> tuple[int, int, int, int]:
        """(balance, frozen, margin, debt) of one coin."""
        a = self.eng.accounts[uid].assets.get(coin)
        return (0, 0, 0, 0) if a is None else (a.balance, a.frozen, a.margin, a.debt)

    def audit_ok(self) -> None:
        assert audit.check(self.eng) == []


def code_of(result: Any) -> str:
    assert isinstance(result, Reject), result
    return result.code


# ---- validation ------------------------------------------------------------------------------------

@pytest.fixture
def ex() -> Ex:
    return Ex()


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"symbol": "FOOUSDT"}, "25100"),
        ({"category": "OPTIONS"}, "40017"),
        ({"category": "spot"}, "40017"),  # the gateway upper-cases; the engine does not guess
        ({"price": "50000.005"}, "25244"),
        ({"category": UF, "price": "50000.05", "qty": "0.01"}, "25244"),
        ({"price": "-1"}, "40017"),
        ({"price": "0"}, "40017"),
        ({"price": "abc"}, "40017"),
        ({"qty": "0.000009"}, "25207"),
        ({"qty": "0.0000001"}, "25610"),
        ({"qty": "0.0000105"}, "25610"),
        ({"qty": "1e-3"}, "40017"),
        ({"qty": "20000000"}, "25208"),
        ({"qty": "0.00001", "price": "50000"}, "25611"),  # 0.5 USDT < 1 USDT
        ({"category": MARGIN, "qty": "0.0001", "price": "40000"}, "25611"),  # 4 USDT < 5 USDT on MARGIN
        ({"side": "long"}, "40017"),
        ({"order_type": "stop"}, "40017"),
        ({"tif": "day"}, "40017"),
        ({"stp_mode": "cancel_all"}, "40017"),
        ({"client_oid": "has space"}, "40017"),
        ({"client_oid": "x" * 33}, "40017"),
        ({"client_oid": "é"}, "40017"),
        ({"order_type": "limit", "price": ""}, "40034"),
    ],
)
def test_validation_codes(ex: Ex, kw: dict[str, str], code: str) -> None:
    uid = ex.user(USDT="1000000", BTC="100")
    args: dict[str, Any] = {"side": "buy", "qty": "0.001", "price": "50000", "order_type": "limit",
                            "category": SPOT, "symbol": "BTCUSDT"}
    args.update(kw)
    before = ex.eng.state_hash()
    result = ex.do(PlaceOrder, uid=uid, same_ts=True, **args)
    assert code_of(result) == code
    assert ex.events == []
    assert ex.eng.state_hash() == before


def test_min_notional_passes_at_the_limit(ex: Ex) -> None:
    uid = ex.user(USDT="1000")
    assert ex.ok(uid, "buy", "0.00002", "50000").status == "live"  # exactly 1 USDT
    assert ex.ok(uid, "buy", "0.0001", "50000", category=MARGIN).status == "live"  # exactly 5 USDT
    assert code_of(ex.place(uid, "buy", "0.000099", "50000", category=MARGIN)) == "25611"


def test_unknown_user(ex: Ex) -> None:
    assert code_of(ex.place(999, "buy", "0.001", "50000")) == "25005"


def test_insufficient_balance_and_margin(ex: Ex) -> None:
    uid = ex.user(USDT="50", BTC="0.001")
    assert code_of(ex.place(uid, "buy", "0.001", "50000.01")) == "25202"  # 50.00001 > 50
    assert ex.ok(uid, "buy", "0.001", "50000").frozen == u("50")
    assert code_of(ex.place(uid, "buy", "0.00002", "50000")) == "25202"  # nothing left
    assert code_of(ex.place(uid, "sell", "0.001001", "60000")) == "25202"
    ex.ok(uid, "sell", "0.001", "60000")
    # futures: 0.01 BTC at 50000, 10x: 50 margin + 0.3 fee reserve > 50 USDT left? nothing is left
    fut = ex.user(USDT="50.3")
    assert code_of(ex.place(fut, "buy", "0.01", "50000.1", category=UF)) == "25203"
    order = ex.ok(fut, "buy", "0.01", "50000", category=UF)
    assert order.frozen == u("50.3")
    assert ex.bal(fut, "USDT") == (u("50.3"), u("50.3"), 0, 0)
    ex.audit_ok()


def test_rejection_for_a_coin_never_held_changes_nothing(ex: Ex) -> None:
    """A rejected placement must not even create an empty asset entry for the coin it lacks."""
    uid = ex.user(USDT="100")
    for kw in ({"side": "sell", "qty": "0.01", "price": "50000"},
               {"side": "buy", "qty": "0.01", "price": "50000", "category": CU, "symbol": "BTCPERP"},
               {"side": "buy", "qty": "0.01", "price": "50000", "category": CF, "symbol": "BTCUSD"}):
        before = ex.eng.state_hash()
        assert code_of(ex.place(uid, same_ts=True, **kw)) in ("25202", "25203")
        assert ex.eng.state_hash() == before
        assert list(ex.eng.accounts[uid].assets) == ["USDT"]


def test_rejected_placement_changes_nothing_with_a_busy_book(ex: Ex) -> None:
    a, b = ex.user(USDT="100000", BTC="10"), ex.user(USDT="10")
    for i in range(5):
        ex.ok(a, "sell", "0.01", f"{50000 + i}")
        ex.ok(a, "buy", "0.01", f"{49000 + i}")
    before = ex.eng.state_hash()
    for kw in ({"side": "buy", "qty": "0.05", "price": "50004"},  # would sweep, but B cannot pay
               {"side": "buy", "qty": "0.05", "price": "50004", "tif": "fok"},
               {"side": "sell", "qty": "0.05", "price": "49000"},
               {"side": "buy", "qty": "0.01", "price": "1", "client_oid": "bad oid"}):
        assert isinstance(ex.place(b, same_ts=True, **kw), Reject)
        assert ex.events == []
    assert ex.eng.state_hash() == before


def test_duplicate_client_oid_and_reuse(ex: Ex) -> None:
    a, b = ex.user(USDT="100000", BTC="1"), ex.user(USDT="100000", BTC="1")
    first = ex.ok(a, "buy", "0.001", "40000", client_oid="my-oid_1")
    assert first.client_oid == "my-oid_1"
    assert code_of(ex.place(a, "buy", "0.001", "40001", client_oid="my-oid_1")) == "25212"
    # unique across categories for one user, but another user may use the same id
    assert code_of(ex.place(a, "buy", "0.01", "40000", category=UF, client_oid="my-oid_1")) == "25212"
    assert ex.ok(b, "buy", "0.001", "40000", client_oid="my-oid_1").client_oid == "my-oid_1"
    # reusable once cancelled ...
    assert ex.do(CancelOrder, uid=a, order_id=str(first.order_id)).status == "cancelled"
    second = ex.ok(a, "sell", "0.001", "60000", client_oid="my-oid_1")
    # ... and once filled
    taker = ex.ok(b, "buy", "0.001", "60000", client_oid="t1")
    assert second.status == "filled" and taker.status == "filled"
    assert ex.ok(a, "buy", "0.001", "30000", client_oid="my-oid_1").status == "live"
    assert ex.ok(b, "buy", "0.001", "30000", client_oid="t1").status == "live"
    ex.audit_ok()


def test_allowed_client_oid_characters(ex: Ex) -> None:
    uid = ex.user(USDT="1000")
    for i, coid in enumerate(("a", "A.b:c/d_e-f", "0" * 32)):
        assert ex.ok(uid, "buy", "0.001", f"{10000 + i}", client_oid=coid).client_oid == coid


def test_open_order_limit() -> None:
    ex = Ex(max_open_spot=3, max_open_futures=2)
    a, b = ex.user(USDT="100000", USDC="1000", BTC="1"), ex.user(USDT="100000", BTC="1")
    orders = [ex.ok(a, "buy", "0.001", f"{40000 + i}") for i in range(2)]
    orders.append(ex.ok(a, "buy", "0.001", "40000", category=MARGIN))  # SPOT + MARGIN share the limit
    before = ex.eng.state_hash()
    rej = ex.place(a, "buy", "0.001", "40005", same_ts=True)
    assert code_of(rej) == "25211" and "3" in rej.msg
    assert code_of(ex.place(a, "sell", "0.001", "60000", tif="post_only", same_ts=True)) == "25211"
    assert ex.eng.state_hash() == before
    # orders that cannot rest are not limited; other users and futures are separate
    ex.ok(b, "sell", "0.001", "45000")
    assert ex.ok(a, "buy", "0.001", "45000", tif="ioc").status == "filled"
    assert ex.ok(b, "buy", "0.001", "40000").status == "live"
    ex.ok(a, "buy", "0.01", "40000", category=UF)
    ex.ok(a, "buy", "0.01", "40000", category=CU, symbol="BTCPERP")
    assert code_of(ex.place(a, "buy", "0.01", "40000", category=UF, symbol="ETHUSDT")) == "25211"
    # a slot frees up when an order ends
    ex.do(CancelOrder, uid=a, order_id=str(orders[0].order_id))
    assert ex.ok(a, "buy", "0.001", "40005").status == "live"
    assert ex.eng.accounts[a].open_spot == 3 and ex.eng.accounts[a].open_futures == 2
    ex.audit_ok()


# ---- fills and balances ----------------------------------------------------------------------------

def test_spot_partial_fills_exact_balances(ex: Ex) -> None:
    a, b = ex.user(BTC="1"), ex.user(USDT="1000")
    ask = ex.ok(a, "sell", "0.01", "50000")
    assert ask.price == 5_000_000 and ask.qty == 10_000 and ask.per_lot == u("0.000001")
    assert ex.bal(a, "BTC") == (u("1"), u("0.01"), 0, 0)

    bid = ex.ok(b, "buy", "0.004", "50001")  # fills at the maker's price
    assert bid.status == "filled" and bid.filled == 4000 and bid.cum_value == u("200")
    assert bid.fee == u("0.000004") and bid.fee_coin == "BTC"  # 0.1% of 0.004 BTC, in the coin received
    assert ask.status == "partially_filled" and ask.filled == 4000 and ask.frozen == u("0.006")
    assert ask.fee == u("0.2") and ask.fee_coin == "USDT"
    assert ex.bal(b, "USDT") == (u("800"), 0, 0, 0)
    assert ex.bal(b, "BTC") == (u("0.003996"), 0, 0, 0)
    assert ex.bal(a, "BTC") == (u("0.996"), u("0.006"), 0, 0)
    assert ex.bal(a, "USDT") == (u("199.8"), 0, 0, 0)
    ex.audit_ok()

    bid2 = ex.ok(b, "buy", "0.01", "50000")  # takes the 0.006 left, rests 0.004
    assert ask.status == "filled" and ask.frozen == 0 and ask.order_id not in ex.eng.orders
    assert bid2.status == "partially_filled" and bid2.filled == 6000 and bid2.frozen == u("200")
    assert ex.bal(b, "USDT") == (u("500"), u("200"), 0, 0)
    assert ex.eng.accounts[b].assets["USDT"].available == u("300")
    assert ex.bal(b, "BTC") == (u("0.00999"), 0, 0, 0)
    assert ex.bal(a, "BTC") == (u("0.99"), 0, 0, 0)
    assert ex.bal(a, "USDT") == (u("499.5"), 0, 0, 0)
    assert ex.eng.fees == {"BTC": u("0.00001"), "USDT": u("0.5")}
    assert ex.eng.books[(SPOT, "BTCUSDT")].best_bid() == 5_000_000
    assert ex.eng.books[(SPOT, "BTCUSDT")].best_ask() is None
    ex.audit_ok()


def test_price_time_priority_and_sweep(ex: Ex) -> None:
    a, b, c = ex.user(BTC="1"), ex.user(BTC="1"), ex.user(USDT="10000")
    a1 = ex.ok(a, "sell", "0.001", "50001")
    b1 = ex.ok(b, "sell", "0.001", "50000")
    a2 = ex.ok(a, "sell", "0.001", "50000")
    taker = ex.ok(c, "buy", "0.0025", "50001")
    assert (b1.filled, a2.filled, a1.filled) == (1000, 1000, 500)
    assert taker.cum_value == u("50") + u("50") + u("25.0005")
    assert ex.bal(c, "USDT") == (u("10000") - u("125.0005"), 0, 0, 0)
    assert ex.bal(c, "BTC") == (u("0.0025") - u("0.0000025"), 0, 0, 0)
    ex.audit_ok()


CUSTOM = [
    {"category": SPOT, "symbol": "XUSDT", "baseCoin": "X", "quoteCoin": "USDT", "tick": "1",
     "lot": "0.000000000000000001", "minOrderQty": "0.000000000000000001", "minOrderAmount": "0",
     "makerFeeRate": "0.0007", "takerFeeRate": "0.0009"},
]


def test_fees_round_up_in_the_received_coin() -> None:
    ex = Ex(Engine(InstrumentSet(CUSTOM)))
    a, b = ex.user(X="1"), ex.user(USDT="1")
    ex.ok(a, "sell", "0.000000000000001001", "3", symbol="XUSDT")  # 1001 units of X at 3 USDT
    taker = ex.ok(b, "buy", "0.000000000000001001", "3", symbol="XUSDT")
    # value 3003 units of USDT; maker fee ceil(3003 * 0.0007) = ceil(2.1021) = 3 USDT units;
    # taker fee ceil(1001 * 0.0009) = ceil(0.9009) = 1 unit of X
    assert taker.fee == 1 and taker.fee_coin == "X"
    assert ex.bal(b, "X") == (1000, 0, 0, 0)
    assert ex.bal(b, "USDT") == (u("1") - 3003, 0, 0, 0)
    assert ex.bal(a, "USDT") == (3000, 0, 0, 0)
    assert ex.bal(a, "X") == (u("1") - 1001, 0, 0, 0)
    assert ex.eng.fees == {"X": 1, "USDT": 3}
    ex.audit_ok()


def test_ioc_remainder_cancelled(ex: Ex) -> None:
    a, b = ex.user(BTC="1"), ex.user(USDT="2000")
    ex.ok(a, "sell", "0.01", "50000")
    ioc = ex.ok(b, "buy", "0.02", "50000", tif="ioc")
    assert ioc.status == "cancelled" and ioc.cancel_reason == "ioc_not_full_cancel"
    assert ioc.filled == 10_000 and ioc.frozen == 0 and ioc.order_id not in ex.eng.orders
    assert ex.bal(b, "USDT") == (u("1500"), 0, 0, 0)
    assert ex.eng.books[(SPOT, "BTCUSDT")].best_bid() is None
    nothing = ex.ok(b, "buy", "0.01", "49000", tif="ioc")  # crosses nothing
    assert nothing.status == "cancelled" and nothing.cancel_reason == "ioc_not_full_cancel" and nothing.filled == 0
    ex.audit_ok()


def test_fok_all_or_nothing(ex: Ex) -> None:
    a, b = ex.user(BTC="1"), ex.user(USDT="5000")
    m1 = ex.ok(a, "sell", "0.01", "50000")
    m2 = ex.ok(a, "sell", "0.01", "50001")
    before_a = ex.bal(a, "BTC")
    miss = ex.ok(b, "buy", "0.02", "50000", tif="fok")
    assert miss.status == "cancelled" and miss.cancel_reason == "fok_not_full_cancel" and miss.filled == 0
    assert m1.filled == 0 and m2.filled == 0 and ex.bal(a, "BTC") == before_a
    assert ex.bal(b, "USDT") == (u("5000"), 0, 0, 0)
    too_big = ex.ok(b, "buy", "0.03", "60000", tif="fok")
    assert too_big.status == "cancelled" and too_big.filled == 0
    empty_side = ex.ok(a, "sell", "0.01", "1000", tif="fok")  # no bids at all
    assert empty_side.cancel_reason == "fok_not_full_cancel"
    hit = ex.ok(b, "buy", "0.02", "50001", tif="fok")
    assert hit.status == "filled" and m1.status == "filled" and m2.status == "filled"
    assert ex.bal(b, "USDT") == (u("5000") - u("1000.01"), 0, 0, 0)
    ex.audit_ok()


def test_post_only(ex: Ex) -> None:
    a, b = ex.user(BTC="1"), ex.user(USDT="5000")
    ask = ex.ok(a, "sell", "0.01", "50000")
    po = ex.ok(b, "buy", "0.01", "50000", tif="post_only")
    assert po.status == "cancelled" and po.cancel_reason == "post_only_fill_cancel" and po.filled == 0
    assert ask.filled == 0 and ex.bal(b, "USDT") == (u("5000"), 0, 0, 0)
    rest = ex.ok(b, "buy", "0.01", "49999.99", tif="post_only")
    assert rest.status == "live" and rest.frozen == u("499.9999")
    ex.audit_ok()


@pytest.mark.parametrize("mode", ["none", "cancel_taker", "cancel_maker", "cancel_both"])
def test_self_trade_prevention(ex: Ex, mode: str) -> None:
    a, c = ex.user(BTC="1", USDT="10000"), ex.user(BTC="1")
    other = ex.ok(c, "sell", "0.001", "49999")  # better price, another user
    own = ex.ok(a, "sell", "0.001", "50000")
    later = ex.ok(c, "sell", "0.001", "50001")
    taker = ex.ok(a, "buy", "0.003", "50001", stp_mode=mode)
    assert other.status == "filled"
    if mode == "none":  # a trades with itself
        assert own.status == "filled" and later.status == "filled" and taker.status == "filled"
        assert taker.filled == 3000
    elif mode == "cancel_taker":
        assert own.status == "live" and own.filled == 0 and later.status == "live"
        assert taker.status == "cancelled" and taker.cancel_reason == "stp_cancel" and taker.filled == 1000
    elif mode == "cancel_maker":
        assert own.status == "cancelled" and own.cancel_reason == "stp_cancel" and own.frozen == 0
        assert later.status == "filled"
        assert taker.status == "partially_filled" and taker.filled == 2000  # rests the rest
        assert taker.frozen == u("50.001")
    else:
        assert own.status == "cancelled" and own.cancel_reason == "stp_cancel"
        assert taker.status == "cancelled" and taker.cancel_reason == "stp_cancel" and taker.filled == 1000
        assert later.status == "live"
    frozen_btc = sum(o.frozen for o in ex.eng.orders.values() if o.uid == a and o.frozen_coin == "BTC")
    assert ex.bal(a, "BTC")[1] == frozen_btc
    ex.audit_ok()


def test_stp_only_applies_to_own_orders(ex: Ex) -> None:
    a, c = ex.user(USDT="10000"), ex.user(BTC="1")
    ex.ok(c, "sell", "0.001", "50000")
    assert ex.ok(a, "buy", "0.001", "50000", stp_mode="cancel_both").status == "filled"


# ---- market orders -------------------------------------------------------------------------------

def test_market_buy_by_quote_amount(ex: Ex) -> None:
    a, b = ex.user(BTC="1"), ex.user(USDT="1000")
    ex.ok(a, "sell", "0.01", "50000")
    mkt = ex.ok(b, "buy", "100.01")  # 100.01 USDT: 0.002 BTC for 100, 0.01 is less than one lot
    assert mkt.order_type == "market" and mkt.qty == 0 and mkt.amount == u("100.01")
    assert mkt.status == "filled" and mkt.filled == 2000 and mkt.cum_value == u("100")
    assert ex.bal(b, "USDT") == (u("900"), 0, 0, 0)
    assert ex.bal(b, "BTC") == (u("0.002") - u("0.000002"), 0, 0, 0)
    big = ex.ok(b, "buy", "900")  # more than the book holds: takes 0.008, the rest is cancelled
    assert big.status == "cancelled" and big.cancel_reason == "ioc_not_full_cancel" and big.filled == 8000
    assert ex.bal(b, "USDT") == (u("500"), 0, 0, 0)
    assert code_of(ex.place(b, "buy", "10")) == "25209"  # empty book
    assert code_of(ex.place(b, "buy", "0.9")) == "25611"  # below 1 USDT
    assert code_of(ex.place(b, "buy", "1.0000001")) == "25610"  # quote precision is 6
    ex.audit_ok()


def test_market_sell_by_base_qty(ex: Ex) -> None:
    a, b = ex.user(USDT="1000"), ex.user(BTC="1")
    ex.ok(a, "buy", "0.001", "50000")
    ex.ok(a, "buy", "0.001", "49000")
    mkt = ex.ok(b, "sell", "0.0015")
    assert mkt.status == "filled" and mkt.cum_value == u("50") + u("24.5")
    assert ex.bal(b, "USDT") == (u("74.5") - u("0.0745"), 0, 0, 0)
    assert ex.bal(b, "BTC") == (u("0.9985"), 0, 0, 0)
    ex.audit_ok()


# ---- futures -------------------------------------------------------------------------------------

def test_linear_futures_fill_margin_and_fees(ex: Ex) -> None:
    a, b = ex.user(USDT="1000"), ex.user(USDT="1000")
    ask = ex.ok(a, "sell", "0.01", "50000", category=UF)
    # per lot (0.0001 BTC = 5 USDT): margin 0.5 at 10x + taker-fee reserve 0.003
    assert ask.per_lot == u("0.503") and ask.frozen == u("50.3")
    bid = ex.ok(b, "buy", "0.004", "50000", category=UF)
    assert bid.status == "filled" and bid.fee == u("0.12") and bid.fee_coin == "USDT"
    assert ask.fee == u("0.04")  # maker 0.02%
    assert ex.bal(b, "USDT") == (u("999.88"), 0, u("20"), 0)
    assert ex.bal(a, "USDT") == (u("999.96"), u("30.18"), u("20"), 0)
    long = ex.eng.positions[(b, UF, "BTCUSDT", "long")]
    short = ex.eng.positions[(a, UF, "BTCUSDT", "short")]
    assert (long.qty, long.cost, long.margin) == (40, u("200"), u("20"))
    assert (short.qty, short.cost, short.margin) == (40, u("200"), u("20"))
    ex.audit_ok()


def test_leverage_changes_margin(ex: Ex) -> None:
    a = ex.user(USDT="1000")
    assert ex.do(SetLeverage, uid=a, category=UF, symbol="BTCUSDT", leverage=20) == 20
    assert code_of(ex.do(SetLeverage, uid=a, category=UF, symbol="BTCUSDT", leverage=126)) == "25223"
    assert code_of(ex.do(SetLeverage, uid=a, category=UF, symbol="BTCUSDT", leverage=0)) == "25223"
    assert code_of(ex.do(SetLeverage, uid=a, category=SPOT, symbol="BTCUSDT", leverage=2)) == "40017"
    assert code_of(ex.do(SetLeverage, uid=a, category=UF, symbol="NOPE", leverage=2)) == "25100"
    order = ex.ok(a, "buy", "0.01", "50000", category=UF)
    assert order.leverage == 20 and order.per_lot == u("0.25") + u("0.003")


def test_hedge_mode_open_and_close(ex: Ex) -> None:
    a, c = ex.user(USDT="1000"), ex.user(USDT="1000")
    assert ex.do(SetHoldMode, uid=a, hold_mode="hedge_mode") == "hedge_mode"
    assert code_of(ex.place(a, "buy", "0.01", "50000", category=UF)) == "40017"  # posSide required
    assert code_of(ex.place(a, "sell", "0.01", "50000", category=UF, pos_side="long")) == "25227"
    ex.ok(c, "sell", "0.01", "50000", category=UF)
    opened = ex.ok(a, "buy", "0.01", "50000", category=UF, pos_side="long")
    assert opened.status == "filled" and not opened.closing
    pos = ex.eng.positions[(a, UF, "BTCUSDT", "long")]
    assert (pos.qty, pos.cost, pos.margin) == (100, u("500"), u("50"))
    # fee 0.3 taker; margin 50
    assert ex.bal(a, "USDT") == (u("999.7"), 0, u("50"), 0)
    # open a short too: hedge mode keeps both sides
    ex.ok(c, "buy", "0.002", "50000", category=UF)
    ex.ok(a, "sell", "0.002", "50000", category=UF, pos_side="short")
    assert ex.eng.positions[(a, UF, "BTCUSDT", "short")].qty == 20
    assert ex.eng.positions[(a, UF, "BTCUSDT", "long")].qty == 100
    assert code_of(ex.place(a, "sell", "0.0101", "51000", category=UF, pos_side="long")) == "25231"
    assert code_of(ex.do(SetHoldMode, uid=a, hold_mode="one_way_mode")) == "25107"
    before = ex.bal(a, "USDT")
    close = ex.ok(a, "sell", "0.006", "51000", category=UF, pos_side="long")
    assert close.closing and close.reduce_only and close.frozen == 0 and close.per_lot == 0
    assert pos.pending_close == 60
    assert code_of(ex.place(a, "sell", "0.005", "51000", category=UF, pos_side="long")) == "25231"
    # c buys 0.006 at 51000 (c is one-way: closes its 0.008 short partially)
    ex.ok(c, "buy", "0.006", "51000", category=UF)
    assert close.status == "filled" and pos.qty == 40 and pos.pending_close == 0
    # close 60 lots of 100: cost 300 released, pnl = 306 - 300 = 6, margin 30 released, maker fee 0.0612
    assert close.fee == u("0.0612")
    bal, frozen, margin, debt = ex.bal(a, "USDT")
    assert (frozen, debt) == (0, 0)
    assert bal == before[0] + u("6") - u("0.0612")
    assert margin == before[2] - u("30")
    assert ex.eng.positions[(a, UF, "BTCUSDT", "long")].realized == u("6")
    ex.audit_ok()


def test_one_way_reduce_only(ex: Ex) -> None:
    a, c = ex.user(USDT="1000"), ex.user(USDT="1000")
    assert code_of(ex.place(a, "sell", "0.001", "50000", category=UF, reduce_only=True)) == "25227"
    ex.ok(c, "sell", "0.004", "50000", category=UF)
    ex.ok(a, "buy", "0.004", "50000", category=UF)
    pos = ex.eng.positions[(a, UF, "BTCUSDT", "long")]
    assert pos.qty == 40
    assert code_of(ex.place(a, "sell", "0.005", "49000", category=UF, reduce_only=True)) == "25231"
    assert code_of(ex.place(a, "buy", "0.001", "49000", category=UF, reduce_only=True)) == "25227"
    ro = ex.ok(a, "sell", "0.003", "49000", category=UF, reduce_only=True)
    assert ro.closing and ro.pos_side == "long" and ro.frozen == 0 and pos.pending_close == 30
    assert code_of(ex.place(a, "sell", "0.0011", "49000", category=UF, reduce_only=True)) == "25231"
    ex.ok(c, "buy", "0.003", "49000", category=UF)
    assert ro.status == "filled" and pos.qty == 10 and pos.pending_close == 0
    assert pos.realized == -u("3")  # 30 lots: cost 150, closed at 147
    assert ("short" not in {p.pos_side for k, p in ex.eng.positions.items() if k[0] == a and p.qty})
    # a plain sell larger than the position closes it and opens a short
    ex.ok(c, "buy", "0.002", "49000", category=UF)
    ex.ok(a, "sell", "0.002", "49000", category=UF)
    assert pos.qty == 0 and ex.eng.positions[(a, UF, "BTCUSDT", "short")].qty == 10
    ex.audit_ok()


def test_inverse_futures(ex: Ex) -> None:
    a, c = ex.user(BTC="1"), ex.user(BTC="1")
    ask = ex.ok(c, "sell", "0.01", "50000", category=CF, symbol="BTCUSD")
    # per lot (0.001 BTC): margin 0.0001 BTC at 10x + 0.0006 x 0.001 fee reserve, all in BTC
    assert ask.frozen_coin == "BTC" and ask.per_lot == u("0.0001") + u("0.0000006")
    ex.ok(a, "buy", "0.01", "50000", category=CF, symbol="BTCUSD")
    assert ex.bal(a, "BTC") == (u("1") - u("0.000006"), 0, u("0.001"), 0)
    ex.ok(c, "buy", "0.01", "55000", category=CF, symbol="BTCUSD")
    ex.ok(a, "sell", "0.01", "55000", category=CF, symbol="BTCUSD")
    # long 0.01 BTC from 50000 to 55000: (550 - 500) USD / 55000 = 0.000909090909090909 BTC (floored)
    assert ex.eng.positions[(a, CF, "BTCUSD", "long")].realized == 909090909090909
    ex.audit_ok()


# ---- MARGIN --------------------------------------------------------------------------------------

def test_margin_borrow_and_repay_on_cancel(ex: Ex) -> None:
    a = ex.user(USDT="100")
    assert code_of(ex.place(a, "buy", "0.007", "50000", category=MARGIN)) == "25202"  # 250 > 2 x 100
    assert code_of(ex.place(a, "buy", "0.007", "50000")) == "25202"  # SPOT never borrows
    order = ex.ok(a, "buy", "0.005", "50000", category=MARGIN)
    assert ex.bal(a, "USDT") == (u("250"), u("250"), 0, u("150"))
    ex.audit_ok()
    ex.do(CancelOrder, uid=a, order_id=str(order.order_id))
    assert ex.bal(a, "USDT") == (u("100"), 0, 0, 0)
    ex.audit_ok()


def test_margin_borrow_fill_and_repay_from_proceeds(ex: Ex) -> None:
    a, c, d = ex.user(USDT="100"), ex.user(BTC="1"), ex.user(USDT="1000")
    bid = ex.ok(a, "buy", "0.005", "50000", category=MARGIN)
    ex.ok(c, "sell", "0.005", "50000")  # SPOT seller hits the MARGIN bid (one book)
    assert bid.status == "filled"
    assert ex.bal(a, "USDT") == (0, 0, 0, u("150"))
    assert ex.bal(a, "BTC") == (u("0.004995"), 0, 0, 0)
    ex.audit_ok()
    ex.ok(d, "buy", "0.004995", "50000")
    ex.ok(a, "sell", "0.004995", "50000", category=MARGIN)
    # proceeds 249.75 - 0.24975 fee = 249.50025; 150 of it repays the debt
    assert ex.bal(a, "USDT") == (u("99.50025"), 0, 0, 0)
    assert ex.bal(a, "BTC") == (0, 0, 0, 0)
    ex.audit_ok()


def test_deposit_repays_debt(ex: Ex) -> None:
    a, c = ex.user(USDT="100"), ex.user(BTC="1")
    ex.ok(a, "buy", "0.005", "50000", category=MARGIN)
    ex.ok(c, "sell", "0.005", "50000")
    ex.do(Deposit, uid=a, coin="USDT", amount="60")
    assert ex.bal(a, "USDT") == (0, 0, 0, u("90"))
    ex.do(Deposit, uid=a, coin="USDT", amount="100")
    assert ex.bal(a, "USDT") == (u("10"), 0, 0, 0)
    ex.audit_ok()


def test_deposit_rejections(ex: Ex) -> None:
    a = ex.user()
    assert code_of(ex.do(Deposit, uid=a, coin="DOGE", amount="1")) == "25201"
    assert code_of(ex.do(Deposit, uid=a, coin="USD", amount="1")) == "25201"
    assert code_of(ex.do(Deposit, uid=a, coin="USDT", amount="0")) == "40017"
    assert code_of(ex.do(Deposit, uid=a, coin="USDT", amount="-1")) == "40017"
    assert code_of(ex.do(Deposit, uid=a, coin="USDT", amount="0.0000000000000000001")) == "40017"
    assert code_of(ex.do(Deposit, uid=12345, coin="USDT", amount="1")) == "25005"


# ---- ids and determinism -------------------------------------------------------------------------

def _script(ex: Ex) -> list[int]:
    a, b = ex.user(USDT="100000", BTC="10"), ex.user(USDT="100000", BTC="10", ETH="10")
    ids = []
    for i in range(30):
        side = "buy" if i % 2 else "sell"
        price = str(50000 + (i % 7) - 3)
        r = ex.place(a if i % 3 else b, side, "0.001", price, same_ts=i % 4 == 0)
        ids.append(r.order_id)
        ids.append(int(r.client_oid))
    ids.append(ex.ok(b, "buy", "0.01", "1000", category=UF).order_id)
    ids.append(ex.ok(b, "sell", "0.01", "3000", category=CF, symbol="ETHUSD").order_id)
    return ids


def test_ids_are_19_digits_and_increasing() -> None:
    ex = Ex()
    ids = _script(ex)
    assert all(len(str(i)) == 19 for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    # many orders within one millisecond stay unique and increasing
    uid = ex.user(USDT="1000000")
    burst = [ex.ok(uid, "buy", "0.001", "1000", same_ts=True).order_id for _ in range(50)]
    assert burst == sorted(burst) and len(set(burst)) == 50 and burst[0] > ids[-1]


def test_same_commands_same_ids_and_state() -> None:
    one, two = Ex(), Ex()
    assert _script(one) == _script(two)
    assert one.eng.state_hash() == two.eng.state_hash()
    other_seed = Ex(seed=7)
    assert _script(other_seed)[0] != _script(Ex())[0]


def test_snapshot_round_trip() -> None:
    ex = Ex()
    _script(ex)
    copy = Engine.from_snapshot(ex.eng.snapshot())
    assert copy.state_hash() == ex.eng.state_hash()
    assert audit.check(copy) == []
    for key, book in ex.eng.books.items():
        assert copy.books[key].depth("buy", 50) == book.depth("buy", 50)
        assert copy.books[key].depth("sell", 50) == book.depth("sell", 50)


# ---- regressions ---------------------------------------------------------------------------------

def test_bug_trimmed_reduce_only_order_still_in_the_takers_plan(ex: Ex) -> None:
    m, t = ex.user(USDT="100000"), ex.user(USDT="100000")
    ex.ok(t, "buy", "1", "100", category=UF)
    ex.ok(m, "sell", "1", "100", category=UF)  # m: short 1 BTC (one-way mode)
    ro = ex.ok(m, "buy", "1", "99", category=UF, reduce_only=True)  # closes the whole short
    ex.ok(m, "buy", "1", "100", category=UF)  # a plain buy at a better price, also closes the short
    taker = ex.place(t, "sell", "2", "99", category=UF)  # sweeps both of m's bids
    # the plain buy fills first and closes m's short, so the reduce-only bid is trimmed and must not fill
    assert isinstance(taker, Order)
    assert ro.status == "cancelled" and ro.cancel_reason == "back_contract_cancel" and ro.filled == 0
    assert taker.filled == 10_000 and taker.status == "partially_filled"
    assert not [p for k, p in ex.eng.positions.items() if k[0] == m and p.qty]
    ex.audit_ok()
