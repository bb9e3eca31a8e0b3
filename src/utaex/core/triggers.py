"""Triggers: after each command, in the same engine step, arm preset TP/SL of orders that filled and
fire the strategy orders that the step's trades crossed.

Invariants:
- Runs inside ``Engine.apply`` after the command's own work and before the step's position, book and
  account events are gathered, so a triggered order and its fills belong to the step of the trade that
  crossed the trigger, are journaled by that command alone and replay identically.
- The step's events are read in order. At each trade (once per ``exec_id``) the live strategies of its
  symbol are checked against that trade's price; only then are presets armed by that fill, so a trade
  never fires a strategy it armed itself. Orders placed by a trigger add events to the same list and
  are checked in turn; each strategy fires at most once, so the loop ends.
- A long fires its stop-loss at a price <= ``sl`` and its take-profit at >= ``tp`` (a short the other
  way); when one trade crosses both, the stop-loss wins. Either way the strategy ends (one fires, the
  other leg goes with it).
- A strategy whose position is flat at the end of the step is cancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import enums as E
from . import trading
from .commands import PlaceOrder
from .events import FillEvent, OrderEvent, StrategyEvent
from .instruments import Instrument
from .order import Order
from .strategy import CANCELLED, FAILED, PARTIAL, TRIGGERED, Strategy

if TYPE_CHECKING:
    from .engine import Engine

ENDED = (E.FILLED, E.CANCELLED)


def observed(eng: Engine, inst: Instrument, by: str, trade_price: int) -> int:
    """The price a trigger of kind ``by`` ("market" or "mark") sees at a trade: the trade's price, or the
    mark (core/market.py) where the instrument has one of its own (an index was given); otherwise the mark
    follows the last trade (docs/decisions.md)."""
    if by == "mark":
        p = eng.market.by_key.get((inst.category, inst.symbol))
        if p is not None and p.index and p.mark:
            return p.mark
    return trade_price


def fire_on_mark(eng: Engine, category: str, symbol: str, mark: int) -> None:
    """A market tick moved the mark: fire the strategies of the symbol whose mark-price legs it crossed
    (same rules as at a trade: stop-loss wins, each strategy fires once)."""
    live = eng.strategies.by_symbol.get((category, symbol))
    if not live:
        return
    inst = eng.instruments.by_key[(category, symbol)]
    hits: list[tuple[Strategy, str]] = []
    for s in live.values():
        legs = s.legs
        long = s.pos_side == E.LONG
        if legs.sl and legs.sl_by == "mark" and ((mark <= legs.sl) if long else (mark >= legs.sl)):
            hits.append((s, "stopLoss"))
        elif legs.tp and legs.tp_by == "mark" and ((mark >= legs.tp) if long else (mark <= legs.tp)):
            hits.append((s, "takeProfit"))
    for s, which in hits:
        if s.strategy_id in eng.strategies.live:
            trigger(eng, inst, s, which)


def after_step(eng: Engine) -> None:
    book = eng.strategies
    if not book.busy:
        return
    events = eng.events
    presets = book.preset_orders
    last_exec = -1
    i = 0
    while i < len(events):
        ev = events[i]
        i += 1
        kind = type(ev)
        if kind is FillEvent:
            order = ev.order  # type: ignore[union-attr]
            if ev.exec_id != last_exec:  # type: ignore[union-attr]
                last_exec = ev.exec_id  # type: ignore[union-attr]
                if book.by_symbol:
                    fire_at(eng, order.category, order.symbol, ev.price)  # type: ignore[union-attr]
            if order.order_id in presets:
                arm(eng, order)
        elif kind is OrderEvent:
            order = ev.order  # type: ignore[union-attr]
            if order.status in ENDED and order.order_id in presets:
                del presets[order.order_id]
    if book.live:
        flat_positions(eng, eng.touched_positions())


def fire_at(eng: Engine, category: str, symbol: str, price: int) -> None:
    live = eng.strategies.by_symbol.get((category, symbol))
    if not live:
        return
    inst = eng.instruments.by_key[(category, symbol)]
    hits: list[tuple[Strategy, str]] = []
    for s in live.values():  # in id order (ids only grow)
        legs = s.legs
        long = s.pos_side == E.LONG
        if legs.sl:
            p = observed(eng, inst, legs.sl_by, price)
            if (p <= legs.sl) if long else (p >= legs.sl):
                hits.append((s, "stopLoss"))
                continue
        if legs.tp:
            p = observed(eng, inst, legs.tp_by, price)
            if (p >= legs.tp) if long else (p <= legs.tp):
                hits.append((s, "takeProfit"))
    for s, which in hits:
        if s.strategy_id in eng.strategies.live:  # not ended by an earlier hit of this trade
            trigger(eng, inst, s, which)


def trigger(eng: Engine, inst: Instrument, s: Strategy, which: str) -> None:
    """End ``s`` as triggered and place its closing order (market, or limit at the leg's price)."""
    book = eng.strategies
    s.trigger_type = which
    pos = eng.positions.get((s.uid, s.category, s.symbol, s.pos_side))
    avail = pos.qty - pos.pending_close if pos is not None else 0
    lots = min(s.qty, avail) if s.mode == PARTIAL else avail
    lots = min(lots, inst.max_lots)
    if lots < inst.min_lots or lots <= 0:
        book.end(eng, s, FAILED)
        return
    legs = s.legs
    otype, limit = (legs.sl_type, legs.sl_limit) if which == "stopLoss" else (legs.tp_type, legs.tp_limit)
    acct = eng.accounts[s.uid]
    hedge = acct.hold_mode == E.HEDGE
    cmd = PlaceOrder(
        ts=eng.now, uid=s.uid, category=s.category, symbol=s.symbol,
        side=E.SELL if s.pos_side == E.LONG else E.BUY, order_type=otype, qty=trading.fmt_qty(inst, lots),
        price=trading.fmt_price(inst, limit) if otype == E.LIMIT else "",
        pos_side=s.pos_side if hedge else "", reduce_only=not hedge)
    status = TRIGGERED
    result = trading.place(eng, cmd)
    if isinstance(result, Order):
        s.order_id = result.order_id
    else:
        status = FAILED
    book.end(eng, s, status)  # before the scan reaches the order's own fills, so they cannot fire it again


def arm(eng: Engine, order: Order) -> None:
    """A fill of an order with a preset TP/SL: arm (or grow) its partial strategy on the position."""
    book = eng.strategies
    presets = book.preset_orders
    sid = presets[order.order_id]
    side = E.LONG if order.side == E.BUY else E.SHORT
    s = book.live.get(sid) if sid else None
    if s is not None:
        s.qty, s.updated = order.filled, eng.now
        eng.emit(StrategyEvent(s))
    elif not sid:
        pos = eng.positions.get((order.uid, order.category, order.symbol, side))
        if pos is not None and pos.qty and order.preset is not None:
            new = eng.new_id()
            s = Strategy(strategy_id=new, client_oid=str(new), uid=order.uid, category=order.category,
                         symbol=order.symbol, pos_side=side, mode=PARTIAL, qty=order.filled, legs=order.preset,
                         source_order=order.order_id, created=eng.now, updated=eng.now)
            book.add(s)
            presets[order.order_id] = new
            eng.emit(StrategyEvent(s))
    if order.status in ENDED:
        del presets[order.order_id]


def flat_positions(eng: Engine, touched: set[tuple[int, str, str]]) -> None:
    """Cancel the strategies of positions that this step closed."""
    book = eng.strategies
    gone = []
    for uid, cat, sym in sorted(touched):
        for s in book.by_symbol.get((cat, sym), {}).values():
            if s.uid == uid:
                pos = eng.positions.get((uid, cat, sym, s.pos_side))
                if pos is None or pos.qty == 0:
                    gone.append(s)
    for s in gone:
        book.end(eng, s, CANCELLED)
