"""State capture: the engine's whole state as one value (snapshots, ``state_hash``), the named saved states
(``SaveState`` / ``Reset`` by name), the venue settings (``Configure``) and ``Reset``.

Invariants:
- ``capture`` lists everything in key order, so equal states encode to equal bytes (the state hash);
  ``load`` on a new engine gives back a state that captures identically.
- A saved state leaves the other saved states out (no nesting); restoring one keeps them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from . import errors as X
from . import funding, liquidation, market, strategy
from .commands import Configure, Reset, SaveState
from .ledger import Account, ApiKey
from .order import Order
from .positions import Position
from .reset import reset as reset_venue
from .reset import restore as restore_venue

if TYPE_CHECKING:
    from .engine import Engine


class State(msgspec.Struct):
    """Everything needed to rebuild an engine (snapshot payload); lists sorted by key."""

    now: int
    last_id: int
    last_exec: int
    next_uid: int
    seed: int
    accounts: list[Account]
    keys: list[ApiKey]
    orders: list[Order]
    positions: list[Position]
    deposits: dict[str, int]
    fees: dict[str, int]
    inverse_pnl: dict[str, int]
    last_price: list[tuple[str, str, int]]
    settings: dict[str, str] = msgspec.field(default_factory=dict)
    reset_at: int = 0
    strategies: list[strategy.Strategy] = []
    strategy_history: list[strategy.Strategy] = []
    saved: dict[str, bytes] = {}  # SaveState: name -> snapshot payload (without saved states)
    prices: list[market.Prices] = []  # index/mark of the futures instruments (core/market.py)
    funding_history: list[funding.FundingRecord] = []
    insurance: dict[str, int] = {}  # the insurance fund per coin (core/liquidation.py)
    fund_days: list[liquidation.FundDay] = []


def configure(eng: Engine, cmd: Configure) -> str:
    if cmd.value:
        eng.settings[cmd.key] = cmd.value
    else:
        eng.settings.pop(cmd.key, None)
    return cmd.key


def reset(eng: Engine, cmd: Reset) -> int | X.Reject:
    if cmd.name:
        payload = eng.saved.get(cmd.name)
        if payload is None:
            return X.reject(X.PARAM_ERROR, "name")
        return restore_venue(eng, cmd, type(eng).from_snapshot(payload, eng.instruments,
                                                                max_open_spot=eng.max_open_spot,
                                                                max_open_futures=eng.max_open_futures))
    eng.strategies = strategy.StrategyBook()  # no position is left to protect; their history goes too
    return reset_venue(eng, cmd)


def save_state(eng: Engine, cmd: SaveState) -> int | X.Reject:
    if not cmd.name or len(cmd.name) > 64:
        return X.reject(X.PARAM_ERROR, "name")
    saved, eng.saved = eng.saved, {}
    try:
        payload = eng.snapshot()
    finally:
        eng.saved = saved
    saved[cmd.name] = payload
    return eng.open_order_count()


def capture(eng: Engine) -> State:
    live, past = eng.strategies.dump()
    accounts = []
    for uid in sorted(eng.accounts):
        a = eng.accounts[uid]
        accounts.append(Account(uid, {c: a.assets[c] for c in sorted(a.assets)}, a.hold_mode,
                                {k: a.leverage[k] for k in sorted(a.leverage)}, a.open_spot,
                                a.open_futures, {c: a.deposited[c] for c in sorted(a.deposited)}))
    return State(
        now=eng.now, last_id=eng.last_id, last_exec=eng.last_exec, next_uid=eng.next_uid,
        seed=eng.seed, accounts=accounts, keys=[eng.keys[k] for k in sorted(eng.keys)],
        orders=sorted((o for mine in eng.user_orders.values() for o in mine.values()),
                      key=lambda o: o.order_id),
        positions=[eng.positions[k] for k in sorted(eng.positions)],
        deposits=dict(sorted(eng.deposits.items())), fees=dict(sorted(eng.fees.items())),
        inverse_pnl=dict(sorted(eng.inverse_pnl.items())),
        last_price=sorted((c, s, p) for (c, s), p in eng.last_price.items()),
        settings=dict(sorted(eng.settings.items())), reset_at=eng.reset_at,
        strategies=live, strategy_history=past, saved=dict(sorted(eng.saved.items())),
        prices=eng.market.dump(),
        funding_history=[r for k in sorted(eng.funding_history) for r in eng.funding_history[k]],
        insurance=dict(sorted(eng.insurance.items())),
        fund_days=[r for c in sorted(eng.fund_days) for r in eng.fund_days[c]],
    )


def load(eng: Engine, st: State) -> None:
    """Fill a new engine (built with ``st.seed``) with the captured state ``st``."""
    eng.now, eng.last_id, eng.last_exec, eng.next_uid = st.now, st.last_id, st.last_exec, st.next_uid
    for acct in st.accounts:
        eng.accounts[acct.uid] = acct
        eng.user_orders[acct.uid] = {}
        eng.client_oids[acct.uid] = {}
    eng.keys = {k.api_key: k for k in st.keys}
    for order in st.orders:
        eng.user_orders.setdefault(order.uid, {})[order.order_id] = order
        eng.client_oids.setdefault(order.uid, {})[order.client_oid] = order
        if order.in_book:
            eng.books[eng.instruments.by_key[(order.category, order.symbol)].book_key].add(order)
    eng.positions = {(p.uid, p.category, p.symbol, p.pos_side): p for p in st.positions}
    for p in st.positions:
        eng.user_positions.setdefault(p.uid, {})[(p.category, p.symbol, p.pos_side)] = p
    eng.deposits, eng.fees, eng.inverse_pnl = st.deposits, st.fees, st.inverse_pnl
    eng.last_price = {(c, s): p for c, s, p in st.last_price}
    eng.settings, eng.reset_at = st.settings, st.reset_at
    eng.saved = dict(st.saved)
    eng.market.load(st.prices)
    for rec in st.funding_history:
        eng.funding_history.setdefault((rec.category, rec.symbol), []).append(rec)
    eng.insurance = st.insurance
    for day in st.fund_days:
        eng.fund_days.setdefault(day.coin, []).append(day)
    eng.strategies.load(st.strategies, st.strategy_history,
                        [o.order_id for o in st.orders if o.preset is not None])
