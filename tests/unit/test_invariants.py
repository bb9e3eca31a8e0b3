"""Property tests of the engine.

1. A hypothesis state machine drives several users over all five categories (deposits, placements of
   every type / time in force / STP mode, single, batch and cancel-all cancels, single and batch
   modifies, leverage, hold mode, market ticks: marks, funding, liquidations)
   and checks after every step: ``audit.check`` finds nothing; a cancel never touches another user's
   orders or balances; replaying the recorded commands into a fresh engine and a snapshot round trip
   both give the same ``state_hash``.
2. A reference model: random limit orders, cancels and modifies on one SPOT book against a naive
   list-based price-time-priority book; which orders rest, in which queue order, and how much each has
   filled must agree.

How many examples run, and how long the longest is, comes from the hypothesis profile (tests/conftest.py):
``ci`` by default (100 state-machine examples, about 12 s on an idle 2-core machine), ``HYPOTHESIS_PROFILE=thorough``
for the big run (2,000 examples).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from utaex.core import (
    CancelAll,
    CancelBatch,
    CancelItem,
    CancelOrder,
    Command,
    CreateUser,
    Deposit,
    Engine,
    InstrumentSet,
    ModifyBatch,
    ModifyItem,
    ModifyOrder,
    Order,
    PlaceOrder,
    Reject,
    SetHoldMode,
    SetLeverage,
    audit,
)
from utaex.core.commands import (
    CancelStrategy,
    ClosePositions,
    IndexQuote,
    MarketTick,
    ModifyStrategy,
    PlaceStrategy,
    TpslSpec,
)
from utaex.core.events import LedgerEntry, PositionClosed
from utaex.core.numbers import format_fixed, parse_fixed
from utaex.core.strategy import Strategy

T0 = 1_700_000_000_000
INSTRUMENTS = InstrumentSet()
ENGINE_KW: dict[str, Any] = {"max_open_spot": 12, "max_open_futures": 12}
N_USERS = 3

# Known engine bug (see test_engine_basics.test_bug_trimmed_reduce_only_order_still_in_the_takers_plan):
# while a taker sweeps the book, one maker's plain order can close that maker's position and trim
# (cancel) the maker's reduce-only order that is further down the same sweep. Until it is fixed the
# machine does not send a futures placement when one user in one-way mode has both closing and
# non-closing orders resting on the same side of that book. (The scenario is narrow: with the guard off,
# 2000 examples did not reach it; the guard only keeps an unlucky seed from failing on a known bug.)
AVOID_KNOWN_TRIM_BUG = False


@dataclass(frozen=True)
class Market:
    category: str
    symbol: str
    mid: int  # whole quote units
    step: str  # price step between the levels the machine uses (a multiple of the tick)
    qty: str  # base quantity unit (orders use 1..4 of it)
    off_tick: str  # a price that is not a multiple of the tick


MARKETS = [
    Market("SPOT", "BTCUSDT", 50000, "5", "0.0005", "50000.001"),
    Market("SPOT", "BTCUSDT", 50000, "5", "0.0005", "50000.001"),  # listed twice: the busiest book
    Market("SPOT", "ETHUSDT", 3000, "1", "0.01", "3000.001"),
    Market("MARGIN", "BTCUSDT", 50000, "5", "0.0005", "50000.001"),
    Market("USDT-FUTURES", "BTCUSDT", 50000, "5", "0.001", "50000.01"),
    Market("USDT-FUTURES", "ETHUSDT", 3000, "1", "0.01", "3000.001"),
    Market("COIN-FUTURES", "BTCUSD", 50000, "5", "0.002", "50000.01"),
    Market("USDC-FUTURES", "ETHPERP", 3000, "1", "0.01", "3000.001"),
]
FUTURES = {"USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"}
COINS = ["BTC", "ETH", "USDT", "USDC"]
DEPOSITS = {"BTC": ["0.01", "0.5", "3"], "ETH": ["0.2", "5", "50"], "USDT": ["30", "500", "20000"],
            "USDC": ["30", "500", "20000"]}
CLIENT_OIDS = ["", "", "", "a", "b", "c"]
RICH = (("BTC", "2"), ("ETH", "30"), ("USDT", "20000"), ("USDC", "20000"))
POOR = (("BTC", "0.001"), ("ETH", "0.05"), ("USDT", "60"), ("USDC", "60"))  # borrows on MARGIN, hits 2520x
INITIAL = [RICH, RICH, POOR]


@dataclass(frozen=True)
class Spec:
    """One placement the machine may send."""

    user: int
    market: Market
    side: str
    otype: str
    tif: str
    stp: str
    offset: int
    size: int
    close: bool  # reduce-only in one-way mode
    pos_side: str  # used in hedge mode
    coid: str
    odd: str | None  # None, or a way to make the placement invalid
    same_ts: bool


SPECS = st.builds(
    Spec,
    user=st.integers(0, N_USERS - 1),
    market=st.sampled_from(MARKETS),
    side=st.sampled_from(["buy", "sell"]),
    otype=st.sampled_from(["limit", "limit", "limit", "market"]),
    tif=st.sampled_from(["gtc", "gtc", "gtc", "ioc", "fok", "post_only"]),
    stp=st.sampled_from(["none", "none", "cancel_taker", "cancel_maker", "cancel_both"]),
    offset=st.integers(-4, 4),
    size=st.integers(1, 4),
    close=st.sampled_from([False, False, False, True]),
    pos_side=st.sampled_from(["long", "short"]),
    coid=st.sampled_from(CLIENT_OIDS),
    odd=st.sampled_from([None] * 20 + ["off_tick", "tiny", "bad_coid", "precision"]),
    same_ts=st.booleans(),
)


def price_of(market: Market, offset: int) -> str:
    return str(market.mid + offset * int(market.step))


def frozen_view(eng: Engine, uid: int) -> bytes:
    """Everything of one user that another user's cancel must leave alone."""
    mine = sorted((o for o in eng.orders.values() if o.uid == uid), key=lambda o: o.order_id)
    positions = sorted((k, p) for k, p in eng.positions.items() if k[0] == uid)
    return msgspec.json.encode([eng.accounts[uid], mine, [p for _, p in positions]])


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.eng = Engine(INSTRUMENTS, **ENGINE_KW)
        self.ts = T0
        self.cmds: list[Command] = []
        self.uids: list[int] = []
        self.known: list[Order] = []  # every order ever accepted (ids for valid and stale cancels)
        self.cancel_check: tuple[int, dict[int, bytes]] | None = None
        self.recorded: dict[tuple[int, str], int] = {}  # (uid, coin) -> sum of its financial records
        self.last_step: tuple[Any, list[Any]] = (None, [])  # the latest command's result and events
        self.lifetimes: set[int] = set()  # position ids reported closed

    # ---- plumbing -----------------------------------------------------------------------------------
    def apply(self, cmd_type: type, same_ts: bool = False, **kw: Any) -> Any:
        if not same_ts:
            self.ts += 1
        cmd = cmd_type(ts=self.ts, **kw)
        self.cmds.append(cmd)
        result, events = self.eng.apply(cmd)
        self.last_step = (result, events)
        for ev in events:  # financial records: per (uid, coin) the running sum of the changes
            if type(ev) is LedgerEntry:
                key = (ev.uid, ev.coin)
                self.recorded[key] = self.recorded.get(key, 0) + ev.amount + ev.fee
                assert ev.balance == self.recorded[key], ev
            elif type(ev) is PositionClosed:
                assert ev.position_id not in self.lifetimes and ev.open_lots == ev.close_lots > 0, ev
                self.lifetimes.add(ev.position_id)
        return result

    def before_cancel(self, uid: int) -> None:
        self.cancel_check = (uid, {o: frozen_view(self.eng, o) for o in self.uids if o != uid})

    @initialize()
    def users(self) -> None:
        for i in range(N_USERS):
            acct = self.apply(CreateUser, api_key=f"key{i}", secret="s", passphrase="p")
            self.uids.append(acct.uid)
            for coin, amount in INITIAL[i]:
                self.apply(Deposit, uid=acct.uid, coin=coin, amount=amount)

    # ---- rules --------------------------------------------------------------------------------------
    @rule(user=st.integers(0, N_USERS - 1), coin=st.sampled_from(COINS), size=st.integers(0, 2))
    def deposit(self, user: int, coin: str, size: int) -> None:
        result = self.apply(Deposit, uid=self.uids[user], coin=coin, amount=DEPOSITS[coin][size])
        assert not isinstance(result, Reject)

    @rule(spec=SPECS)
    def place(self, spec: Spec) -> None:
        self._place(spec)

    @rule(specs=st.lists(SPECS, min_size=2, max_size=6))
    def place_several(self, specs: list[Spec]) -> None:
        for spec in specs:
            self._place(spec)

    def _place(self, spec: Spec) -> None:
        uid = self.uids[spec.user]
        market, side, otype, odd = spec.market, spec.side, spec.otype, spec.odd
        acct = self.eng.accounts[uid]
        is_futures = market.category in FUTURES
        qty = str(Decimal(market.qty) * spec.size)
        if otype == "market" and side == "buy" and not is_futures:
            qty = str(60 * spec.size)  # quote amount
        price = price_of(market, spec.offset) if otype == "limit" else ""
        coid = spec.coid
        kw: dict[str, Any] = {}
        if is_futures:
            if acct.hold_mode == "hedge_mode":
                kw["pos_side"] = spec.pos_side
            elif spec.close:
                kw["reduce_only"] = True
            if AVOID_KNOWN_TRIM_BUG and self._trim_bug_risk(market):
                return
        if odd == "off_tick" and otype == "limit":
            price = market.off_tick
        elif odd == "tiny":
            qty = "0.00000001"
        elif odd == "precision":
            qty = qty + ("000001" if "." in qty else ".0000001")
        elif odd == "bad_coid":
            coid = "no spaces allowed"
        before = self.eng.state_hash() if odd else ""
        result = self.apply(PlaceOrder, same_ts=spec.same_ts, uid=uid, category=market.category,
                            symbol=market.symbol, side=side, order_type=otype, qty=qty, price=price, tif=spec.tif,
                            stp_mode=spec.stp, client_oid=coid, **kw)
        if isinstance(result, Reject):
            if odd and spec.same_ts:
                assert self.eng.state_hash() == before
            return
        assert isinstance(result, Order)
        assert not odd or (odd == "off_tick" and otype == "market"), (odd, result)
        self.known.append(result)

    @rule(data=st.data())
    def close_position(self, data: st.DataObject) -> None:
        """A closing order (reduce-only in one-way mode) for part or all of an open position."""
        held = sorted(k for k, p in self.eng.positions.items() if p.qty > p.pending_close)
        if not held:
            return
        uid, category, symbol, pos_side = data.draw(st.sampled_from(held))
        pos = self.eng.positions[(uid, category, symbol, pos_side)]
        market = next(m for m in MARKETS if m.category == category and m.symbol == symbol)
        inst = INSTRUMENTS.by_key[(category, symbol)]
        lots = data.draw(st.integers(1, pos.qty - pos.pending_close))
        qty = format_fixed(lots * inst.lot_num, inst.lot_dp)
        otype = data.draw(st.sampled_from(["limit", "limit", "market"]))
        price = price_of(market, data.draw(st.integers(-3, 3))) if otype == "limit" else ""
        kw: dict[str, Any] = {"pos_side": pos_side} if self.eng.accounts[uid].hold_mode == "hedge_mode" else {
            "reduce_only": True}
        if AVOID_KNOWN_TRIM_BUG and self._trim_bug_risk(market):
            return
        result = self.apply(PlaceOrder, uid=uid, category=category, symbol=symbol,
                            side="sell" if pos_side == "long" else "buy", order_type=otype, qty=qty, price=price,
                            tif=data.draw(st.sampled_from(["gtc", "gtc", "ioc", "post_only"])), **kw)
        if isinstance(result, Order):
            assert result.closing and result.frozen == 0
            self.known.append(result)
        else:
            assert result.code in ("25209", "25202", "25203", "25211", "25611"), result

    def _trim_bug_risk(self, market: Market) -> bool:
        seen: dict[tuple[int, str], set[bool]] = {}
        for o in self.eng.orders.values():
            if o.category == market.category and o.symbol == market.symbol and o.hold_mode == "one_way_mode":
                seen.setdefault((o.uid, o.side), set()).add(o.closing)
        return any(len(kinds) == 2 for kinds in seen.values())

    def _ref(self, data: st.DataObject, user: int) -> tuple[str, str, str, str]:
        """A cancel target: (orderId, clientOid, category, symbol), valid or not."""
        uid = self.uids[user]
        pending = [o for o in self.eng.orders.values()]
        kind = data.draw(st.sampled_from(["own", "own", "own", "any", "stale", "bogus", "coid", "mixed"]))
        mine = [o for o in pending if o.uid == uid]
        if kind == "own" and mine:
            o = data.draw(st.sampled_from(sorted(mine, key=lambda x: x.order_id)))
        elif kind in ("any", "mixed") and pending:
            o = data.draw(st.sampled_from(sorted(pending, key=lambda x: x.order_id)))
        elif kind == "stale" and self.known:
            o = data.draw(st.sampled_from(self.known))
        elif kind == "coid":
            coid = data.draw(st.sampled_from(["a", "b", "c", "zz"]))
            m = data.draw(st.sampled_from(MARKETS))
            return "", coid, m.category, m.symbol
        else:
            return data.draw(st.sampled_from(["", "1", "abc", "9" * 19])), "", "SPOT", "BTCUSDT"
        cat, sym = o.category, o.symbol
        where = data.draw(st.sampled_from(["exact", "exact", "none", "wrong"]))
        if where == "none":
            cat = sym = ""
        elif where == "wrong":
            cat, sym = ("SPOT", "BTCUSDT") if o.category != "SPOT" else ("MARGIN", o.symbol)
        if kind == "mixed":
            other = data.draw(st.sampled_from(["a", "b", "c"]))
            return str(o.order_id), other, cat, sym
        if data.draw(st.booleans()):
            return str(o.order_id), "", cat, sym
        return "", o.client_oid, cat, sym

    @rule(data=st.data(), user=st.integers(0, N_USERS - 1))
    def cancel_one(self, data: st.DataObject, user: int) -> None:
        uid = self.uids[user]
        oid, coid, cat, sym = self._ref(data, user)
        self.before_cancel(uid)
        result = self.apply(CancelOrder, uid=uid, order_id=oid, client_oid=coid, category=cat, symbol=sym)
        if isinstance(result, Order):
            assert result.uid == uid and result.status == "cancelled" and result.cancel_reason == "normal_cancel"

    @rule(data=st.data(), user=st.integers(0, N_USERS - 1), n=st.integers(1, 20))
    def cancel_batch(self, data: st.DataObject, user: int, n: int) -> None:
        uid = self.uids[user]
        items = []
        for _ in range(n):
            oid, coid, cat, sym = self._ref(data, user)
            items.append(CancelItem(order_id=oid, client_oid=coid, category=cat, symbol=sym))
        pending_before = {o.order_id for o in self.eng.orders.values()}
        self.before_cancel(uid)
        results = self.apply(CancelBatch, uid=uid, items=items)
        assert len(results) == n
        cancelled: set[int] = set()
        for it, res in zip(items, results, strict=True):
            if isinstance(res, Order):
                assert res.uid == uid and res.status == "cancelled" and res.order_id in pending_before
                assert res.order_id not in cancelled
                cancelled.add(res.order_id)
                if it.order_id:
                    assert str(res.order_id) == it.order_id
                else:
                    assert res.client_oid == it.client_oid
                assert not it.category or res.category == it.category
            else:
                assert res.code == ("25204" if it.order_id or it.client_oid else "40017")
        assert {o.order_id for o in self.eng.orders.values()} == pending_before - cancelled

    def _modify_item(self, data: st.DataObject, user: int) -> ModifyItem:
        """A modify of a valid or invalid target, to a price near its market and a size of 1..4 units."""
        mine = sorted((o for o in self.eng.orders.values() if o.uid == self.uids[user]), key=lambda o: o.order_id)
        if mine and data.draw(st.integers(0, 3)):  # mostly one of the user's own pending orders, by orderId
            o = data.draw(st.sampled_from(mine))
            oid, coid, cat, sym = str(o.order_id), "", "", ""
        else:
            oid, coid, cat, sym = self._ref(data, user)
        target = self.eng.find_pending(self.uids[user], oid, coid)
        market = (next(m for m in MARKETS if m.category == target.category and m.symbol == target.symbol)
                  if target is not None else MARKETS[0])
        what = data.draw(st.sampled_from(["price", "price", "qty", "qty", "both", "none", "odd"]))
        price = qty = ""
        if what in ("price", "both"):
            price = price_of(market, data.draw(st.integers(-4, 4)))
        if what in ("qty", "both"):
            qty = str(Decimal(market.qty) * data.draw(st.integers(1, 4)))
        if what == "odd":
            price = data.draw(st.sampled_from([market.off_tick, "0", "-1", "x"]))
        return ModifyItem(order_id=oid, client_oid=coid, category=cat, symbol=sym, qty=qty, price=price,
                          new_client_oid=data.draw(st.sampled_from(["", "", "", "a", "d", "bad oid"])),
                          auto_cancel=data.draw(st.booleans()))

    def _check_modified(self, uid: int, item: ModifyItem, res: Any, before: dict[int, tuple[int, int]]) -> None:
        if isinstance(res, Reject):
            return
        assert res.uid == uid and res.order_id in before
        if item.order_id:
            assert str(res.order_id) == item.order_id
        if item.new_client_oid:
            assert res.client_oid == item.new_client_oid
        inst = INSTRUMENTS.by_key[(res.category, res.symbol)]
        if item.price:
            assert res.price * inst.tick_num == parse_fixed(item.price, inst.tick_dp)[0]
        if item.qty:
            assert res.qty * inst.lot_num == parse_fixed(item.qty, inst.lot_dp)[0]
        assert (res.price, res.qty) != before[res.order_id]
        if res.status in ("live", "partially_filled"):
            assert res.in_book and res.frozen == res.remaining * res.per_lot

    @rule(data=st.data(), user=st.integers(0, N_USERS - 1))
    def modify_one(self, data: st.DataObject, user: int) -> None:
        self._modify_one(data, user)

    def _modify_one(self, data: st.DataObject, user: int) -> None:
        uid = self.uids[user]
        item = self._modify_item(data, user)
        before = {o.order_id: (o.price, o.qty) for o in self.eng.orders.values()}
        result = self.apply(ModifyOrder, uid=uid, item=item)
        self._check_modified(uid, item, result, before)
        if isinstance(result, Reject) and not item.auto_cancel:
            assert {o.order_id: (o.price, o.qty) for o in self.eng.orders.values()} == before

    @rule(data=st.data(), spec=SPECS)
    def place_then_modify(self, data: st.DataObject, spec: Spec) -> None:
        """A resting order, then a modify of it (most users hold no pending order at a random step)."""
        self._place(Spec(**{**spec.__dict__, "otype": "limit", "tif": data.draw(st.sampled_from(["gtc", "post_only"])),
                            "odd": None}))
        self._modify_one(data, spec.user)

    @rule(data=st.data(), user=st.integers(0, N_USERS - 1), n=st.integers(1, 20))
    def modify_batch(self, data: st.DataObject, user: int, n: int) -> None:
        uid = self.uids[user]
        items = [self._modify_item(data, user) for _ in range(n)]
        before = {o.order_id: (o.price, o.qty) for o in self.eng.orders.values()}
        results = self.apply(ModifyBatch, uid=uid, items=items)
        assert len(results) == n
        done = [r.order_id for r in results if isinstance(r, Order)]
        assert len(done) == len(set(done))
        for item, res in zip(items, results, strict=True):
            self._check_modified(uid, item, res, before)

    @rule(user=st.integers(0, N_USERS - 1), market=st.sampled_from([None, *MARKETS]), by_symbol=st.booleans())
    def cancel_all(self, user: int, market: Market | None, by_symbol: bool) -> None:
        uid = self.uids[user]
        self.before_cancel(uid)
        cat = market.category if market else ""
        sym = market.symbol if market and by_symbol else ""
        victims = self.apply(CancelAll, uid=uid, category=cat, symbol=sym)
        assert all(v.uid == uid and v.status == "cancelled" for v in victims)
        assert not [o for o in self.eng.orders.values()
                    if o.uid == uid and (not cat or o.category == cat) and (not sym or o.symbol == sym)]

    @rule(user=st.integers(0, N_USERS - 1), market=st.sampled_from([m for m in MARKETS if m.category in FUTURES]),
          leverage=st.sampled_from([1, 2, 5, 10, 20, 125, 126]))
    def set_leverage(self, user: int, market: Market, leverage: int) -> None:
        result = self.apply(SetLeverage, uid=self.uids[user], category=market.category, symbol=market.symbol,
                            leverage=leverage)
        assert result == leverage if leverage <= 125 else result.code == "25223"

    @rule(user=st.integers(0, N_USERS - 1), mode=st.sampled_from(["one_way_mode", "hedge_mode"]))
    def set_hold_mode(self, user: int, mode: str) -> None:
        self.apply(SetHoldMode, uid=self.uids[user], hold_mode=mode)

    @rule()
    def sweep_spot(self) -> None:
        """A big market order from a fresh-funded user: exercises multi-level fills and dust handling."""
        if not self.eng.books[("SPOT", "BTCUSDT")].asks:
            return
        uid = self.uids[0]
        self.apply(Deposit, uid=uid, coin="USDT", amount="100000")
        self.apply(PlaceOrder, uid=uid, category="SPOT", symbol="BTCUSDT", side="buy", order_type="market",
                   qty="5000")

    # ---- TP/SL strategy orders ----------------------------------------------------------------------
    def _legs(self, data: st.DataObject, market: Market, long: bool) -> TpslSpec:
        """Legs around the market's mid (sometimes on the wrong side, off the tick or with a detail missing)."""
        sign = 1 if long else -1
        legs: dict[str, str] = {}
        for leg, direction in (("tp", 1), ("sl", -1)):
            if not data.draw(st.booleans()):
                continue
            price = price_of(market, sign * direction * data.draw(st.integers(-1, 4)))
            legs["take_profit" if leg == "tp" else "stop_loss"] = data.draw(
                st.sampled_from([price, price, price, market.off_tick]))
            legs[f"{leg}_trigger_by"] = data.draw(st.sampled_from(["", "market", "mark"]))
            otype = data.draw(st.sampled_from(["", "market", "limit"]))
            legs[f"{leg}_order_type"] = otype
            if otype == "limit" and data.draw(st.integers(0, 5)):
                legs[f"{leg}_limit_price"] = price_of(market, data.draw(st.integers(-2, 2)))
        return TpslSpec(**legs)

    @rule(data=st.data(), user=st.integers(0, N_USERS - 1),
          market=st.sampled_from([m for m in MARKETS if m.category in FUTURES]))
    def place_with_preset(self, data: st.DataObject, user: int, market: Market) -> None:
        """An opening futures order with a preset TP/SL (armed on the position when it fills)."""
        uid = self.uids[user]
        side = data.draw(st.sampled_from(["buy", "sell"]))
        otype = data.draw(st.sampled_from(["limit", "market"]))
        price = price_of(market, data.draw(st.integers(-3, 3))) if otype == "limit" else ""
        kw: dict[str, Any] = {}
        if self.eng.accounts[uid].hold_mode == "hedge_mode":
            kw["pos_side"] = "long" if side == "buy" else "short"
        qty = str(Decimal(market.qty) * data.draw(st.integers(1, 4)))
        result = self.apply(PlaceOrder, uid=uid, category=market.category, symbol=market.symbol, side=side,
                            order_type=otype, qty=qty, price=price, tpsl=self._legs(data, market, side == "buy"),
                            **kw)
        if isinstance(result, Order):
            assert result.preset is not None
            self.known.append(result)

    @rule(data=st.data())
    def place_strategy(self, data: st.DataObject) -> None:
        held = sorted(k for k, p in self.eng.positions.items() if p.qty > 0)
        if not held:
            return
        uid, category, symbol, pos_side = data.draw(st.sampled_from(held))
        market = next(m for m in MARKETS if m.category == category and m.symbol == symbol)
        pos = self.eng.positions[(uid, category, symbol, pos_side)]
        inst = INSTRUMENTS.by_key[(category, symbol)]
        mode = data.draw(st.sampled_from(["", "full", "partial", "partial"]))
        lots = data.draw(st.integers(1, pos.qty + 1))
        qty = format_fixed(lots * inst.lot_num, inst.lot_dp) if mode == "partial" or data.draw(st.booleans()) else ""
        before = self.eng.state_hash()
        result = self.apply(PlaceStrategy, same_ts=True, uid=uid, category=category, symbol=symbol,
                            pos_side=pos_side, mode=mode, qty=qty, client_oid=data.draw(st.sampled_from(CLIENT_OIDS)),
                            spec=self._legs(data, market, pos_side == "long"))
        if isinstance(result, Reject):
            assert self.eng.state_hash() == before, result
        else:
            assert isinstance(result, Strategy) and result.status == "live"

    @rule(data=st.data())
    def trade_through_trigger(self, data: st.DataObject) -> None:
        """Two other users trade at a live strategy's trigger price, leaving depth for its closing order."""
        live = sorted(self.eng.strategies.live.values(), key=lambda s: s.strategy_id)
        if not live:
            return
        s = data.draw(st.sampled_from(live))
        others = [u for u in self.uids if u != s.uid]
        maker, taker = data.draw(st.permutations(others))[:2]
        inst = INSTRUMENTS.by_key[(s.category, s.symbol)]
        market = next(m for m in MARKETS if m.category == s.category and m.symbol == s.symbol)
        ticks = s.legs.sl or s.legs.tp if data.draw(st.booleans()) else s.legs.tp or s.legs.sl
        price = format_fixed(ticks * inst.tick_num, inst.tick_dp)
        for uid in (maker, taker):
            self.apply(Deposit, uid=uid, coin=inst.settle, amount="100" if inst.settle == "BTC" else "1000000")
        side = data.draw(st.sampled_from(["buy", "sell"]))
        other = "sell" if side == "buy" else "buy"
        kw = {u: ({"pos_side": "long" if sd == "buy" else "short"}
                  if self.eng.accounts[u].hold_mode == "hedge_mode" else {})
              for u, sd in ((maker, side), (taker, other))}
        qty = str(Decimal(market.qty) * 8)
        self.apply(PlaceOrder, uid=maker, category=s.category, symbol=s.symbol, side=side, order_type="limit",
                   qty=qty, price=price, **kw[maker])
        self.apply(PlaceOrder, uid=taker, category=s.category, symbol=s.symbol, side=other, order_type="limit",
                   qty=market.qty, price=price, tif="ioc", **kw[taker])

    @rule(data=st.data())
    def close_positions_with_strategies(self, data: st.DataObject) -> None:
        """close-positions on a position that has strategy orders: those end with it in the same step."""
        live = sorted(self.eng.strategies.live.values(), key=lambda s: s.strategy_id)
        if not live:
            return
        s = data.draw(st.sampled_from(live))
        results = self.apply(ClosePositions, uid=s.uid, category=s.category, symbol=s.symbol, pos_side=s.pos_side)
        pos = self.eng.positions.get((s.uid, s.category, s.symbol, s.pos_side))
        if pos is None or pos.qty == 0:
            assert s.status != "live" and s.strategy_id not in self.eng.strategies.live, results
        else:
            assert s.status == "live" or s.strategy_id not in self.eng.strategies.live

    def _strategy_ref(self, data: st.DataObject) -> tuple[int, str, str]:
        live = sorted(self.eng.strategies.live.values(), key=lambda s: s.strategy_id)
        if live and data.draw(st.integers(0, 4)):
            s = data.draw(st.sampled_from(live))
            return s.uid, (str(s.strategy_id) if data.draw(st.booleans()) else ""), s.client_oid
        return self.uids[data.draw(st.integers(0, N_USERS - 1))], data.draw(st.sampled_from(["1", "x", ""])), "zz"

    @rule(data=st.data())
    def modify_strategy(self, data: st.DataObject) -> None:
        uid, oid, coid = self._strategy_ref(data)
        s = self.eng.strategies.find(uid, oid, coid)
        market = next(m for m in MARKETS if s is None or (m.category == s.category and m.symbol == s.symbol))
        qty = data.draw(st.sampled_from(["", market.qty, str(Decimal(market.qty) * 2)]))
        before = self.eng.state_hash()
        result = self.apply(ModifyStrategy, same_ts=True, uid=uid, order_id=oid, client_oid=coid, qty=qty,
                            spec=self._legs(data, market, s is None or s.pos_side == "long"))
        if isinstance(result, Reject):
            assert self.eng.state_hash() == before, result
        else:
            assert result is s and s.status == "live"

    @rule(data=st.data())
    def cancel_strategy(self, data: st.DataObject) -> None:
        uid, oid, coid = self._strategy_ref(data)
        s = self.eng.strategies.find(uid, oid, coid)
        result = self.apply(CancelStrategy, uid=uid, order_id=oid, client_oid=coid)
        if s is None:
            assert isinstance(result, Reject) and result.code in ("25597", "40034")
        else:
            assert result is s and s.status == "cancelled" and s.strategy_id not in self.eng.strategies.live

    # ---- invariants ---------------------------------------------------------------------------------
    @rule(data=st.data(), side=st.sampled_from(["buy", "sell"]))
    def leveraged_position(self, data: st.DataObject, side: str) -> None:
        """The poor user opens about 40x its USDT on BTCUSDT against a rich user's order at the mid, so that
        market ticks can liquidate it."""
        rich, poor = self.uids[data.draw(st.integers(0, 1))], self.uids[2]
        self.apply(SetLeverage, uid=poor, category="USDT-FUTURES", symbol="BTCUSDT", leverage=100)
        qty = data.draw(st.sampled_from(["0.01", "0.04"]))
        other = "sell" if side == "buy" else "buy"
        maker = self.apply(PlaceOrder, uid=rich, category="USDT-FUTURES", symbol="BTCUSDT", side=other,
                           order_type="limit", qty=qty, price="50000")
        if isinstance(maker, Order):
            self.known.append(maker)
        for depth_side, price in (("buy", "45000"), ("sell", "55000")):  # what a liquidation can close against
            depth = self.apply(PlaceOrder, uid=rich, category="USDT-FUTURES", symbol="BTCUSDT", side=depth_side,
                               order_type="limit", qty="0.05", price=price)
            if isinstance(depth, Order):
                self.known.append(depth)
        taker = self.apply(PlaceOrder, uid=poor, category="USDT-FUTURES", symbol="BTCUSDT", side=side,
                           order_type="market", qty=qty)
        if isinstance(taker, Order):
            self.known.append(taker)

    @rule(data=st.data(), jump=st.sampled_from([0, 0, 0, 1_000, 3_600_000, 8 * 3_600_000]))
    def market_tick(self, data: st.DataObject, jump: int) -> None:
        """A market tick (core/tick.py) with index prices of some futures markets moved by up to 30 %, sometimes
        after a jump of the clock across a funding time: marks, mark triggers, liquidations and funding."""
        futures = sorted({(m.category, m.symbol, m.mid) for m in MARKETS if m.category in FUTURES})
        chosen = data.draw(st.lists(st.sampled_from(futures), unique=True, max_size=len(futures)))
        index = [IndexQuote(category=c, symbol=sym, price=str(mid * data.draw(st.integers(70, 130)) // 100))
                 for c, sym, mid in chosen]
        self.ts += jump
        result = self.apply(MarketTick, index=index)
        assert not isinstance(result, Reject), result
        for acct in self.eng.accounts.values():
            assert all(a.balance >= 0 for a in acct.assets.values()), acct

    @invariant()
    def audit_is_clean(self) -> None:
        assert audit.check(self.eng) == []

    @invariant()
    def records_add_up_to_balances(self) -> None:
        """Every balance change was recorded: per user and coin the financial records sum to the balance."""
        for uid, acct in self.eng.accounts.items():
            for coin, asset in acct.assets.items():
                assert self.recorded.get((uid, coin), 0) == asset.balance, (uid, coin)

    @invariant()
    def cancels_leave_other_users_alone(self) -> None:
        if self.cancel_check is None:
            return
        uid, views = self.cancel_check
        self.cancel_check = None
        for other, view in views.items():
            assert frozen_view(self.eng, other) == view, f"cancel by {uid} changed user {other}"

    @invariant()
    def replay_and_snapshot_agree(self) -> None:
        want = self.eng.state_hash()
        fresh = Engine(INSTRUMENTS, **ENGINE_KW)
        for cmd in self.cmds:
            fresh.apply(cmd)
        assert fresh.state_hash() == want
        copy = Engine.from_snapshot(self.eng.snapshot(), INSTRUMENTS, **ENGINE_KW)
        assert copy.state_hash() == want
        assert copy.books[("SPOT", "BTCUSDT")].depth("buy", 20) == self.eng.books[("SPOT", "BTCUSDT")].depth("buy", 20)
        for uid in self.uids:  # the per-user position index is rebuilt from the snapshot
            assert copy.open_positions(uid) == self.eng.open_positions(uid)

    @invariant()
    def reads_agree_with_state(self) -> None:
        """The gateway's read API shows exactly the engine's own pending orders and open positions."""
        eng = self.eng
        orders = eng.orders
        for uid in self.uids:
            mine = sorted((o for o in orders.values() if o.uid == uid), key=lambda o: -o.order_id)
            assert eng.open_orders(uid) == mine
            for cat, sym in {(o.category, o.symbol) for o in mine}:
                assert eng.open_orders(uid, cat, sym) == [o for o in mine if (o.category, o.symbol) == (cat, sym)]
            held = [eng.positions[k] for k in sorted(eng.positions) if k[0] == uid and eng.positions[k].qty]
            assert eng.open_positions(uid) == held
            assert all(eng.position_of(uid, p.category, p.symbol, p.pos_side) is p for p in held)


TestEngineMachine = EngineMachine.TestCase


# ---- reference model: one SPOT book, naive price-time priority -----------------------------------

@dataclass
class RefOrder:
    seq: int
    side: str
    price: int
    qty: int
    filled: int = 0
    resting: bool = False
    done: bool = False
    prio: int = 0  # queue position: the seq of placement, or a later stamp when a modify re-queued it


@dataclass
class RefBook:
    orders: list[RefOrder] = field(default_factory=list)
    stamp: int = 0

    def resting(self) -> list[RefOrder]:
        return [o for o in self.orders if o.resting]

    def place(self, order: RefOrder, tif: str) -> None:
        self.orders.append(order)
        self._enter(order, tif)

    def _enter(self, order: RefOrder, tif: str) -> None:
        self.stamp += 1
        order.prio = self.stamp
        if order.side == "buy":
            makers = sorted((o for o in self.resting() if o.side == "sell" and o.price <= order.price),
                            key=lambda o: (o.price, o.prio))
        else:
            makers = sorted((o for o in self.resting() if o.side == "buy" and o.price >= order.price),
                            key=lambda o: (-o.price, o.prio))
        if tif == "fok" and sum(m.qty - m.filled for m in makers) < order.qty:
            order.done = True
            return
        for maker in makers:
            take = min(maker.qty - maker.filled, order.qty - order.filled)
            if take == 0:
                break
            maker.filled += take
            order.filled += take
            if maker.filled == maker.qty:
                maker.resting, maker.done = False, True
        if order.filled < order.qty and tif == "gtc":
            order.resting = True
        else:
            order.done = True

    def modify(self, seq: int, price: int, qty: int) -> bool:
        """A qty decrease keeps the queue place; a price change or a qty increase re-enters (may match)."""
        order = self.orders[seq]
        if not order.resting or (price, qty) == (order.price, order.qty) or qty <= order.filled:
            return False
        if price == order.price and qty < order.qty:
            order.qty = qty
            return True
        order.resting = False
        order.price, order.qty = price, qty
        self._enter(order, "gtc")
        return True

    def cancel(self, seq: int) -> bool:
        for o in self.orders:
            if o.seq == seq and o.resting:
                o.resting, o.done = False, True
                return True
        return False


ref_op = st.one_of(
    st.tuples(st.just("place"), st.sampled_from(["buy", "sell"]), st.integers(-6, 6), st.integers(1, 6),
              st.sampled_from(["gtc", "gtc", "gtc", "ioc", "fok"]), st.integers(0, 2)),
    st.tuples(st.just("cancel"), st.integers(0, 60)),
    st.tuples(st.just("modify"), st.integers(0, 60), st.none() | st.integers(-6, 6), st.none() | st.integers(1, 6)),
)



@settings(max_examples=3 * settings.default.max_examples)  # cheap: three times the profile's count
@given(ops=st.lists(ref_op, min_size=1, max_size=60))
@example(ops=[("place", "buy", 0, 3, "gtc", 0), ("place", "buy", 0, 3, "gtc", 1), ("modify", 0, None, 1),
              ("modify", 1, None, 4), ("place", "sell", 1, 2, "gtc", 2), ("modify", 4, -1, None)])
def test_matches_reference_book(ops: list[tuple[Any, ...]]) -> None:
    eng = Engine(INSTRUMENTS, max_open_spot=1000)
    ts = T0
    uids = []
    for i in range(3):
        ts += 1
        uid = eng.apply(CreateUser(ts=ts, api_key=f"k{i}", secret="s", passphrase="p"))[0].uid
        uids.append(uid)
        for coin, amount in (("BTC", "100"), ("USDT", "10000000")):
            eng.apply(Deposit(ts=ts, uid=uid, coin=coin, amount=amount))
    ref = RefBook()
    ids: list[int] = []  # model seq -> engine order id
    orders: list[Order] = []
    for op in ops:
        ts += 1
        if op[0] == "place":
            _, side, offset, lots, tif, who = op
            price = 5_000_000 + offset * 100  # ticks of 0.01
            cmd = PlaceOrder(ts=ts, uid=uids[who], category="SPOT", symbol="BTCUSDT", side=side,
                             order_type="limit", qty=f"0.00{lots}", price=f"{price // 100}", tif=tif)
            order, _ = eng.apply(cmd)
            assert isinstance(order, Order), order
            ref.place(RefOrder(len(ids), side, price, lots * 1000), tif)
            ids.append(order.order_id)
            orders.append(order)
        elif ids and op[0] == "modify":
            _, pick, offset, lots = op
            seq = pick % len(ids)
            order = orders[seq]
            price = order.price if offset is None else 5_000_000 + offset * 100  # None: keep it
            qty = order.qty if lots is None else lots * 1000
            item = ModifyItem(order_id=str(order.order_id), price="" if offset is None else f"{price // 100}",
                              qty="" if lots is None else f"0.00{lots}")
            result, _ = eng.apply(ModifyOrder(ts=ts, uid=order.uid, item=item))
            if offset is None and lots is None:
                assert isinstance(result, Reject)
                assert result.code == "40017"
            else:
                assert isinstance(result, Order) == ref.modify(seq, price, qty), result
        elif ids:
            seq = op[1] % len(ids)
            order = orders[seq]
            result, _ = eng.apply(CancelOrder(ts=ts, uid=order.uid, order_id=str(order.order_id)))
            assert isinstance(result, Order) == ref.cancel(seq)
        resting = {ids[o.seq] for o in ref.resting()}
        assert set(eng.orders) == resting
        assert [o.filled for o in orders] == [o.filled for o in ref.orders]
        book = eng.books[("SPOT", "BTCUSDT")]
        for side_levels, side in ((book.bids, "buy"), (book.asks, "sell")):
            for price, level in side_levels.items():
                fifo = [ids[o.seq] for o in sorted(ref.resting(), key=lambda o: o.prio)
                        if o.side == side and o.price == price]
                assert list(level) == fifo
        assert audit.check(eng) == []
