"""Index and mark prices of the futures instruments, driven by ``MarketTick`` (the market clock's step).

Definitions (docs/decisions.md, "Index, mark and funding"):
- The index is the reference price the tick carries (the simulator's oracle). An instrument whose index
  was never given (a quiet venue, ``--market off``) has index = mark = its last trade price, read live.
- The basis is a time-weighted moving average of ``mid - index`` (``mid`` the middle of the best bid and
  ask), with a window of ``BASIS_WINDOW_MS``: each tick moves it by ``(sample - basis) * dt / window``.
- The mark is the median of (index + basis, mid, last trade price), leaving out the ones that do not
  exist (two values: their mean), then kept within ``MARK_BAND_E8`` of the index.
- Each tick also adds ``premium * dt`` (premium = (mark - index) / index, in 1e-8) to the funding
  period's sum (core/funding.py turns it into the rate).

Invariants:
- Pure: every input is in the command (its ``ts``, its index prices) or in the engine (book, last trade).
- All prices are ``int`` ticks of their instrument; premiums are integers of 1e-8; nothing is a float.
- ``Prices.ts`` never goes backwards: a tick older than an instrument's last one changes nothing for it.
- A rejected tick (unknown instrument, a price that is not a positive multiple of the tick) changes
  nothing at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from . import errors as X
from .commands import MarketTick
from .events import MarkPriceChanged
from .instruments import Instrument
from .numbers import NumberError, parse_fixed

if TYPE_CHECKING:
    from .engine import Engine

E8 = 10**8
BASIS_WINDOW_MS = 300_000  # 5 minutes, as Bitget's moving average of the basis
MARK_BAND_E8 = 500_000  # the mark stays within 0.5% of the index


class Prices(msgspec.Struct, gc=False):
    """The market prices of one futures instrument (ticks) and its funding period's running premium."""

    category: str
    symbol: str
    index: int = 0  # 0: never given (index and mark follow the last trade)
    mark: int = 0
    basis: int = 0
    ts: int = 0  # time of the last tick that updated these prices
    premium_sum: int = 0  # sum of premium_e8 * ms over the current funding period
    premium_ms: int = 0
    period_start: int = 0  # the funding time that opened the current period (0: before the first tick)


class MarketPrices:
    """Every futures instrument's ``Prices``, keyed (category, symbol)."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], Prices] = {}

    def get(self, inst: Instrument) -> Prices:
        key = (inst.category, inst.symbol)
        p = self.by_key.get(key)
        if p is None:
            p = self.by_key[key] = Prices(inst.category, inst.symbol)
        return p

    def dump(self) -> list[Prices]:
        return [self.by_key[k] for k in sorted(self.by_key)]

    def load(self, rows: list[Prices]) -> None:
        self.by_key = {(p.category, p.symbol): p for p in rows}


def index_price(eng: Engine, inst: Instrument) -> int:
    """The instrument's index (ticks): the last one given, else its last trade price (0 before any)."""
    p = eng.market.by_key.get((inst.category, inst.symbol))
    if p is not None and p.index:
        return p.index
    return eng.last_price.get(inst.book_key, 0)


def mark_price(eng: Engine, inst: Instrument) -> int:
    """The instrument's mark (ticks): as of its last tick, else its last trade price (0 before any)."""
    p = eng.market.by_key.get((inst.category, inst.symbol))
    if p is not None and p.index and p.mark:
        return p.mark
    return eng.last_price.get(inst.book_key, 0)


def parse_index(eng: Engine, cmd: MarketTick) -> dict[tuple[str, str], int] | X.Reject:
    """The tick's index prices as ticks per futures instrument (quotes of SPOT/MARGIN are ignored:
    those have no index or mark)."""
    out: dict[tuple[str, str], int] = {}
    for q in cmd.index:
        inst = eng.instruments.get(q.category, q.symbol)
        if inst is None:
            return X.reject(X.SYMBOL_NOT_FOUND, q.symbol)
        if not inst.is_futures:
            continue
        try:
            raw, exact = parse_fixed(q.price, inst.tick_dp)
        except NumberError:
            return X.reject(X.PARAM_ERROR, "price")
        if not exact or raw % inst.tick_num or raw <= 0:
            return X.reject(X.PRICE_MULTIPLE, inst.spec.tick)
        out[(inst.category, inst.symbol)] = raw // inst.tick_num
    return out


def compute_mark(index: int, basis: int, mid: int, last: int) -> int:
    """Median of (index + basis, mid, last) over those that exist (> 0), within the band around index."""
    values = sorted(v for v in (index + basis, mid, last) if v > 0)
    if not values:
        return index
    mark = values[1] if len(values) == 3 else sum(values) // len(values)
    band = index * MARK_BAND_E8 // E8
    return min(max(mark, index - band), index + band)


def update(eng: Engine, inst: Instrument, p: Prices, ts: int, index: int) -> bool:
    """Move one instrument's prices to ``ts``; True when its index or mark changed."""
    if ts < p.ts:
        return False
    before = (p.index, p.mark)
    if index:
        p.index = index
    if not p.index:  # never given: nothing to keep, the reads follow the last trade
        p.ts = ts
        return False
    book = eng.books[inst.book_key]
    bid, ask = book.best_bid(), book.best_ask()
    mid = (bid + ask) // 2 if bid is not None and ask is not None else 0
    dt = ts - p.ts if p.ts else 0
    if mid:
        sample = mid - p.index
        if not p.ts:
            p.basis = sample
        else:
            p.basis += (sample - p.basis) * min(dt, BASIS_WINDOW_MS) // BASIS_WINDOW_MS
    p.mark = compute_mark(p.index, p.basis, mid, eng.last_price.get(inst.book_key, 0))
    if p.period_start and dt:
        p.premium_sum += (p.mark - p.index) * E8 // p.index * dt
        p.premium_ms += dt
    p.ts = ts
    return (p.index, p.mark) != before


def tick(eng: Engine, cmd: MarketTick) -> list[tuple[str, str]] | X.Reject:
    """Apply a market tick's prices; returns the (category, symbol) of the instruments whose index or
    mark changed (the later steps -- mark triggers, liquidations, funding -- run on every tick)."""
    given = parse_index(eng, cmd)
    if isinstance(given, X.Reject):
        return given
    changed: list[tuple[str, str]] = []
    ts = cmd.ts
    for key in sorted(eng.instruments.by_key):
        inst = eng.instruments.by_key[key]
        if not inst.is_futures:
            continue
        p = eng.market.get(inst)
        if update(eng, inst, p, ts, given.get(key, 0)):
            changed.append(key)
            eng.emit(MarkPriceChanged(inst.category, inst.symbol, p.index, p.mark, ts))
    return changed
