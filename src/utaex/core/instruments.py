"""Instruments: the tradable symbols of the five UTA categories and their exact trading rules.

Invariants:
- ``tick`` and ``lot`` are exact decimal strings; every derived integer (``value_per_tick_lot``,
  ``lot_units``, ``min_lots`` ...) is computed from them without rounding (their product must have at
  most 18 decimals).
- SPOT and MARGIN instruments of one symbol share one order book (``book_key``).
- ``kind`` is ``spot`` (SPOT/MARGIN), ``linear`` (USDT-/USDC-FUTURES: margin, fees and PnL in the quote
  coin) or ``inverse`` (COIN-FUTURES: margin, fees and PnL in the base coin, quantities in base coin).
- ``tiers`` (futures) is the one source of position tiers: contiguous notional bands from 0, each with
  its maximum leverage (non-increasing, at most ``maxLeverage``) and maintenance margin rate
  (non-decreasing); the last band's upper bound is the largest position notional. Notionals are in the
  quote coin (USD for COIN-FUTURES). ``tier_of`` finds the band of a notional (the later
  maintenance-margin rules read it, as ``/api/v3/market/position-tier`` does).
"""

from __future__ import annotations

from typing import Any

import msgspec

from .enums import CATEGORIES, COIN_FUTURES, MARGIN, SPOT, USDC_FUTURES, USDT_FUTURES
from .numbers import DP, decimals_of, parse_fixed


class TierSpec(msgspec.Struct, forbid_unknown_fields=True):
    """One position tier: positions of notional up to ``maxTierValue`` (decimal string, quote coin)."""

    maxTierValue: str
    leverage: int
    mmr: str


DEFAULT_TIERS: tuple[tuple[str, int, str], ...] = (
    ("200000", 125, "0.004"), ("1000000", 75, "0.005"), ("5000000", 50, "0.01"), ("20000000", 20, "0.025"),
    ("50000000", 10, "0.05"), ("100000000", 5, "0.1"))
FUND_INTERVALS = (1, 2, 4, 8)


class InstrumentSpec(msgspec.Struct, forbid_unknown_fields=True):
    """The configurable description of one instrument (what a config file holds)."""

    category: str
    symbol: str
    baseCoin: str
    quoteCoin: str
    tick: str
    lot: str
    minOrderQty: str
    minOrderAmount: str
    maxOrderQty: str = "1000000"
    makerFeeRate: str = "0.001"
    takerFeeRate: str = "0.001"
    quotePrecision: int = 6
    maxLeverage: int = 125
    maxCrossedLeverage: int = 3
    fundInterval: int = 8
    tiers: list[TierSpec] | None = None
    oiLimit: str = "10000000"
    minFundingRate: str = "-0.003"
    maxFundingRate: str = "0.003"


class Tier(msgspec.Struct, frozen=True):
    """A position tier with exact bounds (value units, 10**-18 of the quote coin) and its text forms."""

    tier: int
    min_value: int
    max_value: int
    leverage: int
    mmr_e8: int
    min_text: str
    max_text: str
    mmr: str


class Instrument:
    """One tradable instrument with all rules pre-computed as integers."""

    __slots__ = (
        "base",
        "book_key",
        "category",
        "fund_interval_h",
        "fund_max_e8",
        "fund_min_e8",
        "is_futures",
        "kind",
        "lot_cache",
        "lot_dp",
        "lot_num",
        "lot_units",
        "maker_e8",
        "margin_leverage",
        "max_leverage",
        "max_lots",
        "min_lots",
        "min_notional_units",
        "price_cache",
        "price_dp",
        "qty_dp",
        "quote",
        "quote_dp",
        "settle",
        "spec",
        "symbol",
        "taker_e8",
        "tick_dp",
        "tick_num",
        "tiers",
        "value_per_tick_lot",
    )

    def __init__(self, spec: InstrumentSpec) -> None:
        if spec.category not in CATEGORIES:
            raise ValueError(f"unknown category {spec.category}")
        self.spec = spec
        self.category = spec.category
        self.symbol = spec.symbol
        self.base = spec.baseCoin
        self.quote = spec.quoteCoin
        self.is_futures = spec.category not in (SPOT, MARGIN)
        if spec.category == COIN_FUTURES:
            self.kind, self.settle = "inverse", spec.baseCoin
        elif self.is_futures:
            self.kind, self.settle = "linear", spec.quoteCoin
        else:
            self.kind, self.settle = "spot", spec.quoteCoin
        self.book_key = (SPOT if spec.category == MARGIN else spec.category, spec.symbol)
        self.tick_num, self.tick_dp = decimals_of(spec.tick)
        self.lot_num, self.lot_dp = decimals_of(spec.lot)
        if self.tick_num <= 0 or self.lot_num <= 0 or self.tick_dp + self.lot_dp > DP:
            raise ValueError(f"bad tick/lot for {spec.symbol}")
        self.price_dp = self.tick_dp
        self.qty_dp = self.lot_dp
        self.quote_dp = spec.quotePrecision
        self.value_per_tick_lot = self.tick_num * self.lot_num * 10 ** (DP - self.tick_dp - self.lot_dp)
        self.lot_units = self.lot_num * 10 ** (DP - self.lot_dp)
        min_qty, _ = parse_fixed(spec.minOrderQty, self.lot_dp)
        max_qty, _ = parse_fixed(spec.maxOrderQty, self.lot_dp)
        self.min_lots = max(1, -(-min_qty // self.lot_num))
        self.max_lots = max_qty // self.lot_num
        self.min_notional_units, _ = parse_fixed(spec.minOrderAmount, DP)
        self.maker_e8, _ = parse_fixed(spec.makerFeeRate, 8)
        self.taker_e8, _ = parse_fixed(spec.takerFeeRate, 8)
        self.max_leverage = spec.maxLeverage
        self.margin_leverage = spec.maxCrossedLeverage
        if spec.fundInterval not in FUND_INTERVALS:
            raise ValueError(f"fundInterval of {spec.symbol} must be one of {FUND_INTERVALS} (hours)")
        self.fund_interval_h = spec.fundInterval
        self.fund_min_e8, self.fund_max_e8 = _rate_bounds(spec)
        self.tiers = _tiers(spec) if self.is_futures else ()
        # memo of valid inputs (pure functions of this instrument): price string -> ticks (> 0, on the
        # tick grid); limit quantity string -> lots (on the lot grid, within min/max). Bounded.
        self.price_cache: dict[str, int] = {}
        self.lot_cache: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"Instrument({self.category} {self.symbol})"

    def tier_of(self, value: int) -> Tier:
        """The tier of a position of notional ``value`` (value units); the last tier beyond its bound."""
        for t in self.tiers:
            if value <= t.max_value:
                return t
        return self.tiers[-1]


def _rate_bounds(spec: InstrumentSpec) -> tuple[int, int]:
    """(min, max) funding rate in 1e-8 (a negative minimum is written with a leading ``-``)."""
    out = []
    for text in (spec.minFundingRate, spec.maxFundingRate):
        neg = text.startswith("-")
        try:
            value, exact = parse_fixed(text[1:] if neg else text, 8)
        except ValueError:
            raise ValueError(f"funding rate bounds of {spec.symbol} must be decimal strings") from None
        if not exact:
            raise ValueError(f"funding rate bounds of {spec.symbol}: at most 8 decimals")
        out.append(-value if neg else value)
    if out[0] > out[1]:
        raise ValueError(f"minFundingRate of {spec.symbol} exceeds its maxFundingRate")
    return out[0], out[1]


def _tiers(spec: InstrumentSpec) -> tuple[Tier, ...]:
    raw = spec.tiers if spec.tiers is not None else [
        TierSpec(top, min(lev, spec.maxLeverage), mmr) for top, lev, mmr in DEFAULT_TIERS]
    if not raw:
        raise ValueError(f"tiers of {spec.symbol} must not be empty")
    out: list[Tier] = []
    low, low_text, last_lev, last_mmr = 0, "0", spec.maxLeverage, 0
    for i, t in enumerate(raw, 1):
        try:
            top, top_exact = parse_fixed(t.maxTierValue, DP)
            mmr, mmr_exact = parse_fixed(t.mmr, 8)
        except ValueError:
            raise ValueError(f"tier {i} of {spec.symbol}: maxTierValue and mmr must be decimal strings") from None
        if not (top_exact and mmr_exact) or top <= low or not 1 <= t.leverage <= last_lev or mmr < last_mmr:
            raise ValueError(f"tier {i} of {spec.symbol}: bounds must grow, leverage (<= maxLeverage) must not "
                             "grow, mmr (at most 8 decimals) must not shrink")
        out.append(Tier(i, low, top, t.leverage, mmr, low_text, t.maxTierValue, t.mmr))
        low, low_text, last_lev, last_mmr = top, t.maxTierValue, t.leverage, mmr
    return tuple(out)


def _spot(symbol: str, base: str, tick: str, lot: str, min_qty: str) -> list[dict[str, Any]]:
    common = {"symbol": symbol, "baseCoin": base, "quoteCoin": "USDT", "tick": tick, "lot": lot,
              "minOrderQty": min_qty, "minOrderAmount": "1", "maxOrderQty": "10000000",
              "makerFeeRate": "0.001", "takerFeeRate": "0.001", "quotePrecision": 6}
    return [{"category": SPOT, **common}, {"category": MARGIN, **common, "minOrderAmount": "5"}]


def _future(category: str, symbol: str, base: str, quote: str, tick: str, lot: str,
            min_amount: str) -> dict[str, Any]:
    return {"category": category, "symbol": symbol, "baseCoin": base, "quoteCoin": quote, "tick": tick,
            "lot": lot, "minOrderQty": lot, "minOrderAmount": min_amount, "maxOrderQty": "1000000",
            "makerFeeRate": "0.0002", "takerFeeRate": "0.0006", "quotePrecision": 6 if quote != "USD" else 1,
            "maxLeverage": 125}


DEFAULT_INSTRUMENTS: list[dict[str, Any]] = [
    *_spot("BTCUSDT", "BTC", "0.01", "0.000001", "0.00001"),
    *_spot("ETHUSDT", "ETH", "0.01", "0.0001", "0.0001"),
    _future(USDT_FUTURES, "BTCUSDT", "BTC", "USDT", "0.1", "0.0001", "5"),
    _future(USDT_FUTURES, "ETHUSDT", "ETH", "USDT", "0.01", "0.01", "5"),
    _future(COIN_FUTURES, "BTCUSD", "BTC", "USD", "0.1", "0.001", "5"),
    _future(COIN_FUTURES, "ETHUSD", "ETH", "USD", "0.01", "0.01", "5"),
    _future(USDC_FUTURES, "BTCPERP", "BTC", "USDC", "0.1", "0.0001", "5"),
    _future(USDC_FUTURES, "ETHPERP", "ETH", "USDC", "0.01", "0.01", "5"),
]


class InstrumentSet:
    """All instruments, indexed by (category, symbol)."""

    def __init__(self, specs: list[dict[str, Any]] | list[InstrumentSpec] | None = None) -> None:
        raw = DEFAULT_INSTRUMENTS if specs is None else specs
        self.by_key: dict[tuple[str, str], Instrument] = {}
        for item in raw:
            spec = item if isinstance(item, InstrumentSpec) else msgspec.convert(item, InstrumentSpec)
            inst = Instrument(spec)
            key = (inst.category, inst.symbol)
            if key in self.by_key:
                raise ValueError(f"duplicate instrument {key}")
            self.by_key[key] = inst
        self.coins: list[str] = sorted(
            {c for i in self.by_key.values() for c in (i.base, i.quote) if c != "USD"}
        )

    def get(self, category: str, symbol: str) -> Instrument | None:
        return self.by_key.get((category, symbol))

    def of_category(self, category: str) -> list[Instrument]:
        return [i for i in self.by_key.values() if i.category == category]

    def specs(self) -> list[InstrumentSpec]:
        return [i.spec for i in self.by_key.values()]
