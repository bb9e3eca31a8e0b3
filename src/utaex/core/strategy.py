"""Take-profit / stop-loss strategy orders on futures positions: the record, the checks, and the
commands that place, modify and cancel them (``PlaceStrategy``, ``ModifyStrategy``, ``CancelStrategy``).

Invariants:
- A strategy order freezes nothing: it is a promise to place a closing order later. Only the order it
  produces when triggered (core/triggers.py) reserves anything, through the ordinary order path.
- Every live strategy is indexed three ways in ``StrategyBook`` (by id, by the owner's clientOid, by
  symbol in id order); an ended one is in none of them and sits, final, in its owner's history.
- ``full`` mode: at most one live full strategy per position; it closes what the position holds when
  it fires. ``partial``: the live partial quantities of a position never exceed its size when placed
  or modified; each closes at most its own quantity.
- Prices are ticks and quantities lots of the instrument; 0 means "not set".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from . import enums as E
from . import errors as X
from .commands import CancelStrategy, ModifyStrategy, PlaceStrategy, TpslSpec
from .events import StrategyEvent
from .instruments import Instrument
from .legs import Legs
from .market import mark_price
from .numbers import NumberError, format_fixed, parse_fixed
from .trading import valid_client_oid

if TYPE_CHECKING:
    from .engine import Engine

FULL, PARTIAL = "full", "partial"
LIVE, TRIGGERED, CANCELLED, FAILED = "live", "triggered", "cancelled", "failed"
TRIGGER_BY = ("market", "mark")
ORDER_TYPES = (E.MARKET, E.LIMIT)
HISTORY_KEEP = 1000  # ended strategies kept per user (docs/decisions.md)
MAX_LIVE_PER_SYMBOL = 100

MESSAGES = {
    "25579": "For long position TP/SL (close long), the take-profit trigger price must be greater than the "
             "average entry price",
    "25580": "For long position TP/SL (close long), the stop-loss trigger price must be less than the average "
             "entry price",
    "25581": "For short position TP/SL (close short), the take-profit trigger price must be less than the "
             "average entry price",
    "25582": "For short position TP/SL (close short), the stop-loss trigger price must be greater than the "
             "average entry price",
    "25585": "For long position TP/SL (close long), the take-profit trigger price must be greater than the "
             "latest price",
    "25586": "For long position TP/SL (close long), the stop-loss trigger price must be less than the latest price",
    "25587": "For short position TP/SL (close short), the take-profit trigger price must be less than the "
             "latest price",
    "25588": "For short position TP/SL (close short), the stop-loss trigger price must be greater than the "
             "latest price",
    "25589": "For long position TP/SL (close long), the take-profit trigger price must be greater than the "
             "mark price",
    "25590": "For long position TP/SL (close long), the stop-loss trigger price must be less than the mark price",
    "25591": "For short position TP/SL (close short), the take-profit trigger price must be less than the "
             "mark price",
    "25592": "For short position TP/SL (close short), the stop-loss trigger price must be greater than the "
             "mark price",
    "25593": "The current trading type does not support TP/SL settings",
    "25594": "Only one TP/SL can be set for all positions of the current symbol",
    "25595": "The total TP/SL quantity for partial positions exceeds the position amount",
    "25597": "Strategy does not exist or has already been stopped",
    "25599": f"Maximum number of active TP/SL orders for this symbol is {MAX_LIVE_PER_SYMBOL}; cannot add more",
    "25600": "No changes made to the TP/SL order; please modify before submitting",
    "25601": "Position does not exist; cannot set TP/SL",
    "25602": "Take-profit trigger price must be greater than 0",
    "25603": "Stop-loss trigger price must be greater than 0",
    "25604": "Take-profit order price must be greater than 0",
    "25605": "Stop-loss order price must be greater than 0",
    "25606": "Take-profit trigger price does not meet precision requirements",
    "25607": "Stop-loss trigger price does not meet precision requirements",
    "25608": "Take-profit order price does not meet precision requirements",
    "25609": "Stop-loss order price does not meet precision requirements",
    "25612": "Only opening orders are allowed to have preset take-profit and stop-loss",
}
# direction codes (tp long, sl long, tp short, sl short) per reference price
ENTRY_CODES = ("25579", "25580", "25581", "25582")
LATEST_CODES = ("25585", "25586", "25587", "25588")
MARK_CODES = ("25589", "25590", "25591", "25592")
NOT_FOUND = X.Reject("25597", MESSAGES["25597"])


def rej(code: str) -> X.Reject:
    return X.Reject(code, MESSAGES[code])


class Strategy(msgspec.Struct, kw_only=True, gc=False):
    strategy_id: int
    client_oid: str
    uid: int
    category: str
    symbol: str
    pos_side: str
    mode: str
    qty: int  # lots; in full mode only what the user named (0: the whole position)
    legs: Legs
    source_order: int = 0  # the order whose preset TP/SL armed this strategy (0: placed directly)
    status: str = LIVE
    trigger_type: str = ""  # "takeProfit" | "stopLoss" once triggered
    order_id: int = 0  # the order the trigger produced
    created: int = 0
    updated: int = 0


class StrategyBook:
    """The engine's strategy state: live strategies indexed, ended ones in per-user history."""

    def __init__(self) -> None:
        self.live: dict[int, Strategy] = {}
        self.coids: dict[int, dict[str, Strategy]] = {}
        self.by_symbol: dict[tuple[str, str], dict[int, Strategy]] = {}
        self.history: dict[int, list[Strategy]] = {}
        # pending orders carrying a preset TP/SL -> the strategy id it armed (0: not armed yet)
        self.preset_orders: dict[int, int] = {}

    @property
    def busy(self) -> bool:
        return bool(self.live) or bool(self.preset_orders)

    def add(self, s: Strategy) -> None:
        self.live[s.strategy_id] = s
        self.coids.setdefault(s.uid, {})[s.client_oid] = s
        self.by_symbol.setdefault((s.category, s.symbol), {})[s.strategy_id] = s

    def end(self, eng: Engine, s: Strategy, status: str) -> None:
        del self.live[s.strategy_id]
        del self.coids[s.uid][s.client_oid]
        on_symbol = self.by_symbol[(s.category, s.symbol)]
        del on_symbol[s.strategy_id]
        if not on_symbol:
            del self.by_symbol[(s.category, s.symbol)]
        s.status = status
        s.updated = eng.now
        past = self.history.setdefault(s.uid, [])
        past.append(s)
        if len(past) > HISTORY_KEEP:
            del past[: len(past) - HISTORY_KEEP]
        eng.emit(StrategyEvent(s))

    def on_position(self, uid: int, category: str, symbol: str, pos_side: str) -> list[Strategy]:
        return [s for s in self.by_symbol.get((category, symbol), {}).values()
                if s.uid == uid and s.pos_side == pos_side]

    def find(self, uid: int, order_id: str, client_oid: str) -> Strategy | None:
        if order_id:
            if not (order_id.isascii() and order_id.isdigit()) or len(order_id) > 20:
                return None
            s = self.live.get(int(order_id))
            return s if s is not None and s.uid == uid else None
        if client_oid:
            return self.coids.get(uid, {}).get(client_oid)
        return None

    # ---- snapshot ------------------------------------------------------------------------------------
    def dump(self) -> tuple[list[Strategy], list[Strategy]]:
        past = [s for uid in sorted(self.history) for s in self.history[uid]]
        return [self.live[k] for k in sorted(self.live)], past

    def load(self, live: list[Strategy], past: list[Strategy], pending_presets: list[int]) -> None:
        for s in live:
            self.add(s)
        for s in past:
            self.history.setdefault(s.uid, []).append(s)
        armed = {s.source_order: s.strategy_id for s in live if s.source_order}
        for oid in pending_presets:
            self.preset_orders[oid] = armed.get(oid, 0)


# ---- checks --------------------------------------------------------------------------------------------
def _ticks(inst: Instrument, text: str, name: str, precision: str, positive: str) -> int | X.Reject:
    try:
        raw, exact = parse_fixed(text, inst.tick_dp)
    except NumberError:
        return X.reject(X.PARAM_ERROR, name)
    if not exact or raw % inst.tick_num:
        return rej(precision)
    if raw == 0:
        return rej(positive)
    return raw // inst.tick_num


def _leg(inst: Instrument, price: str, by: str, otype: str, limit: str,
         names: tuple[str, str, str, str], codes: tuple[str, str, str, str]) -> tuple[int, str, str, int] | X.Reject:
    """One leg: (trigger ticks, trigger by, order type, limit ticks); (0, ...) when the leg is not set."""
    if not price:
        if by or otype or limit:  # a detail of a leg that is not there: refused, never ignored
            return X.reject(X.PARAM_MISSING, names[0])
        return 0, "market", E.MARKET, 0
    ticks = _ticks(inst, price, names[0], codes[0], codes[1])
    if isinstance(ticks, X.Reject):
        return ticks
    by = by or "market"
    if by not in TRIGGER_BY:
        return X.reject(X.PARAM_ERROR, names[1])
    otype = otype or E.MARKET
    if otype not in ORDER_TYPES:
        return X.reject(X.PARAM_ERROR, names[2])
    limit_ticks = 0
    if otype == E.LIMIT:
        if not limit:
            return X.reject(X.PARAM_MISSING, names[3])
        checked = _ticks(inst, limit, names[3], codes[2], codes[3])
        if isinstance(checked, X.Reject):
            return checked
        limit_ticks = checked
    return ticks, by, otype, limit_ticks


TP_NAMES = ("takeProfit", "tpTriggerBy", "tpOrderType", "tpLimitPrice")
SL_NAMES = ("stopLoss", "slTriggerBy", "slOrderType", "slLimitPrice")


def parse_legs(inst: Instrument, spec: TpslSpec) -> Legs | X.Reject:
    tp = _leg(inst, spec.take_profit, spec.tp_trigger_by, spec.tp_order_type, spec.tp_limit_price, TP_NAMES,
              ("25606", "25602", "25608", "25604"))
    if isinstance(tp, X.Reject):
        return tp
    sl = _leg(inst, spec.stop_loss, spec.sl_trigger_by, spec.sl_order_type, spec.sl_limit_price, SL_NAMES,
              ("25607", "25603", "25609", "25605"))
    if isinstance(sl, X.Reject):
        return sl
    if not tp[0] and not sl[0]:
        return X.reject(X.PARAM_MISSING, "takeProfit")
    return Legs(tp=tp[0], tp_by=tp[1], tp_type=tp[2], tp_limit=tp[3],
                sl=sl[0], sl_by=sl[1], sl_type=sl[2], sl_limit=sl[3])


def check_direction(legs: Legs, pos_side: str, ref: int, codes: tuple[str, str, str, str] | None,
                    mark: int = 0) -> X.Reject | None:
    """Take-profit beyond ``ref`` in the position's favour, stop-loss on the other side (``codes=None``:
    the codes of each leg's trigger source, latest or mark price; a mark leg is then checked against
    ``mark`` when given)."""
    if not ref:
        return None
    long = pos_side == E.LONG
    tp_codes = codes or (MARK_CODES if legs.tp_by == "mark" else LATEST_CODES)
    sl_codes = codes or (MARK_CODES if legs.sl_by == "mark" else LATEST_CODES)
    tp_ref = mark if codes is None and mark and legs.tp_by == "mark" else ref
    sl_ref = mark if codes is None and mark and legs.sl_by == "mark" else ref
    if legs.tp and (legs.tp <= tp_ref if long else legs.tp >= tp_ref):
        return rej(tp_codes[0] if long else tp_codes[2])
    if legs.sl and (legs.sl >= sl_ref if long else legs.sl <= sl_ref):
        return rej(sl_codes[1] if long else sl_codes[3])
    return None


def _lots(inst: Instrument, text: str) -> int | X.Reject:
    try:
        raw, exact = parse_fixed(text, inst.lot_dp)
    except NumberError:
        return X.reject(X.PARAM_ERROR, "qty")
    if not exact or raw % inst.lot_num:
        return X.reject(X.QTY_PRECISION)
    if raw == 0:
        return X.reject(X.PARAM_ERROR, "qty")
    return raw // inst.lot_num


def _reference(eng: Engine, inst: Instrument, pos_cost: int, pos_qty: int) -> tuple[int, Any]:
    """(reference price, codes): the last price (codes per leg), else the position's average entry."""
    last = eng.last_price.get(inst.book_key, 0)
    if last:
        return last, None
    return (pos_cost // (pos_qty * inst.value_per_tick_lot) if pos_qty else 0), ENTRY_CODES


def _partial_room(book: StrategyBook, s_uid: int, cat: str, sym: str, side: str, skip: int) -> int:
    return sum(s.qty for s in book.on_position(s_uid, cat, sym, side) if s.mode == PARTIAL and s.strategy_id != skip)


# ---- commands ------------------------------------------------------------------------------------------
def place(eng: Engine, cmd: PlaceStrategy) -> Strategy | X.Reject:
    if cmd.uid not in eng.accounts:
        return X.reject(X.USER_NOT_FOUND)
    if cmd.category not in E.FUTURES:
        return rej("25593") if cmd.category in E.CATEGORIES else X.reject(X.PARAM_ERROR, "category")
    inst = eng.instruments.by_key.get((cmd.category, cmd.symbol))
    if inst is None:
        return X.reject(X.SYMBOL_NOT_FOUND, cmd.symbol)
    if cmd.kind not in ("", "tpsl"):
        return X.reject(X.PARAM_ERROR, "type")
    mode = cmd.mode or FULL
    if mode not in (FULL, PARTIAL):
        return X.reject(X.PARAM_ERROR, "tpslMode")
    side = cmd.pos_side
    closing_side = {E.SELL: E.LONG, E.BUY: E.SHORT}.get(cmd.side, "")
    if cmd.side and not closing_side:
        return X.reject(X.PARAM_ERROR, "side")
    if not side:
        if not closing_side:
            return X.reject(X.PARAM_MISSING, "posSide")
        side = closing_side
    if side not in (E.LONG, E.SHORT) or (closing_side and closing_side != side):
        return X.reject(X.PARAM_ERROR, "posSide")
    pos = eng.positions.get((cmd.uid, cmd.category, cmd.symbol, side))
    if pos is None or pos.qty == 0:
        return rej("25601")
    legs = parse_legs(inst, cmd.spec)
    if isinstance(legs, X.Reject):
        return legs
    book = eng.strategies
    qty = 0
    if cmd.qty:
        checked = _lots(inst, cmd.qty)
        if isinstance(checked, X.Reject):
            return checked
        qty = checked
    if mode == PARTIAL:
        if not qty:
            return X.reject(X.PARAM_MISSING, "qty")
        if qty + _partial_room(book, cmd.uid, cmd.category, cmd.symbol, side, 0) > pos.qty:
            return rej("25595")
    elif any(s.mode == FULL for s in book.on_position(cmd.uid, cmd.category, cmd.symbol, side)):
        return rej("25594")
    ref, codes = _reference(eng, inst, pos.cost, pos.qty)
    bad = check_direction(legs, side, ref, codes, mark_price(eng, inst))
    if bad is not None:
        return bad
    coid = cmd.client_oid
    if coid:
        if not valid_client_oid(coid):
            return X.reject(X.PARAM_ERROR, "clientOid")
        if coid in book.coids.get(cmd.uid, {}):
            return X.reject(X.DUPLICATE_CLIENT_OID)
    mine = sum(1 for s in book.by_symbol.get((cmd.category, cmd.symbol), {}).values() if s.uid == cmd.uid)
    if mine >= MAX_LIVE_PER_SYMBOL:
        return rej("25599")
    sid = eng.new_id()
    s = Strategy(strategy_id=sid, client_oid=coid or str(sid), uid=cmd.uid, category=cmd.category,
                 symbol=cmd.symbol, pos_side=side, mode=mode, qty=qty, legs=legs, created=eng.now, updated=eng.now)
    book.add(s)
    eng.emit(StrategyEvent(s))
    return s


def _price_text(inst: Instrument, ticks: int) -> str:
    return format_fixed(ticks * inst.tick_num, inst.tick_dp) if ticks else ""


def spec_of(inst: Instrument, legs: Legs) -> TpslSpec:
    """The legs as the strings a user would send (the inverse of ``parse_legs``)."""
    tp, sl = bool(legs.tp), bool(legs.sl)
    return TpslSpec(
        take_profit=_price_text(inst, legs.tp), stop_loss=_price_text(inst, legs.sl),
        tp_trigger_by=legs.tp_by if tp else "", sl_trigger_by=legs.sl_by if sl else "",
        tp_order_type=legs.tp_type if tp else "", sl_order_type=legs.sl_type if sl else "",
        tp_limit_price=_price_text(inst, legs.tp_limit), sl_limit_price=_price_text(inst, legs.sl_limit))


def modify(eng: Engine, cmd: ModifyStrategy) -> Strategy | X.Reject:
    if not cmd.order_id and not cmd.client_oid:
        return X.reject(X.PARAM_MISSING, "orderId")
    book = eng.strategies
    s = book.find(cmd.uid, cmd.order_id, cmd.client_oid)
    if s is None:
        return NOT_FOUND
    inst = eng.instruments.by_key[(s.category, s.symbol)]
    old = spec_of(inst, s.legs)
    given = cmd.spec
    merged = TpslSpec(**{f: getattr(given, f) or getattr(old, f) for f in TpslSpec.__struct_fields__})
    if given.take_profit and not given.tp_order_type and old.tp_order_type == E.LIMIT and not given.tp_limit_price:
        merged.tp_limit_price = old.tp_limit_price
    legs = parse_legs(inst, merged)
    if isinstance(legs, X.Reject):
        return legs
    qty = s.qty
    if cmd.qty:
        checked = _lots(inst, cmd.qty)
        if isinstance(checked, X.Reject):
            return checked
        qty = checked
    pos = eng.positions.get((s.uid, s.category, s.symbol, s.pos_side))
    if pos is None or pos.qty == 0:
        return rej("25601")
    if s.mode == PARTIAL and qty + _partial_room(book, s.uid, s.category, s.symbol, s.pos_side,
                                                 s.strategy_id) > pos.qty:
        return rej("25595")
    if legs == s.legs and qty == s.qty:
        return rej("25600")
    ref, codes = _reference(eng, inst, pos.cost, pos.qty)
    bad = check_direction(legs, s.pos_side, ref, codes, mark_price(eng, inst))
    if bad is not None:
        return bad
    s.legs, s.qty, s.updated = legs, qty, eng.now
    eng.emit(StrategyEvent(s))
    return s


def cancel(eng: Engine, cmd: CancelStrategy) -> Strategy | X.Reject:
    if not cmd.order_id and not cmd.client_oid:
        return X.reject(X.PARAM_MISSING, "orderId")
    s = eng.strategies.find(cmd.uid, cmd.order_id, cmd.client_oid)
    if s is None or (cmd.category and s.category != cmd.category) or (cmd.symbol and s.symbol != cmd.symbol):
        return NOT_FOUND
    eng.strategies.end(eng, s, CANCELLED)
    return s


def check_preset(eng: Engine, inst: Instrument, spec: TpslSpec, side: str, price: int,
                 closing: bool) -> Legs | X.Reject:
    """The preset TP/SL of an order about to be placed (``price`` 0 for a market order)."""
    if not inst.is_futures:
        return rej("25593")
    if closing:
        return rej("25612")
    legs = parse_legs(inst, spec)
    if isinstance(legs, X.Reject):
        return legs
    pos_side = E.LONG if side == E.BUY else E.SHORT
    if price:
        return check_direction(legs, pos_side, price, ENTRY_CODES) or legs
    return check_direction(legs, pos_side, eng.last_price.get(inst.book_key, 0), None, mark_price(eng, inst)) or legs
