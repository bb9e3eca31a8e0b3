"""Funding of the perpetual contracts: the rate from the premium of mark over index, settled at every
funding time of the instrument's interval, carried by ``MarketTick`` (docs/decisions.md, "Funding").

The rate of a period (all figures in 1e-8):
- ``premium`` is the time-weighted average over the period of ``(mark - index) / index`` (core/market.py
  adds ``premium * dt`` at every tick);
- ``interest`` is 0.01 % per 8 hours, scaled to the instrument's interval;
- ``rate = premium + clamp(interest - premium, -0.05 %, +0.05 %)``, clamped to the instrument's
  ``[minFundingRate, maxFundingRate]`` and truncated toward zero to 6 decimals (Bitget shows 6).
A period with no premium sample (no index, or no tick) has rate = interest (0.0001 for 8 hours).

Settlement: the first tick opens the period that contains it (nothing is charged); a later tick whose
time reaches the next funding time settles the period with the positions held at that tick. A tick that
jumps over several funding times settles once (the simulator ticks every second). Every open position
pays or receives ``notional(mark) * |rate|``: when the rate is positive longs pay and shorts receive,
when negative the other way. A payer is charged the amount rounded up (at most its balance, so no
balance goes negative); a receiver is credited it rounded down; the difference goes to the insurance
fund (core/liquidation.py), so coins are conserved exactly.

Invariants: pure (times come from the command); a settlement changes balances only by the amounts of its
``FundingSettled`` event and the insurance fund by their difference; history keeps the newest
``HISTORY_KEEP`` rates per instrument, newest last.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from . import enums as E
from . import liquidation, records
from .events import FundingSettled
from .instruments import Instrument
from .market import Prices, mark_price

if TYPE_CHECKING:
    from .engine import Engine
    from .positions import Position

HOUR_MS = 3_600_000
E8 = 10**8
INTEREST_8H_E8 = 10_000  # 0.01 %
PREMIUM_CLAMP_E8 = 50_000  # 0.05 %
RATE_DP = 6
RATE_UNIT = 100  # 1e-6 in 1e-8
HISTORY_KEEP = 1000


class FundingRecord(msgspec.Struct, gc=False, array_like=True):
    """One settled rate (1e-8, a multiple of 100: 6 decimals) at a funding time."""

    category: str
    symbol: str
    ts: int
    rate_e8: int


def interval_ms(inst: Instrument) -> int:
    return inst.fund_interval_h * HOUR_MS


def next_funding_time(inst: Instrument, now: int) -> int:
    """The first funding time strictly after ``now`` (funding times: every interval from 00:00 UTC)."""
    step = interval_ms(inst)
    return (now // step + 1) * step


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // b
    return q if a >= 0 else -q


def rate_of(inst: Instrument, premium_sum: int, premium_ms: int) -> int:
    """The funding rate (1e-8, truncated to 6 decimals) for a period's premium samples."""
    premium = _trunc_div(premium_sum, premium_ms) if premium_ms > 0 else 0
    interest = INTEREST_8H_E8 * inst.fund_interval_h // 8
    rate = premium + min(max(interest - premium, -PREMIUM_CLAMP_E8), PREMIUM_CLAMP_E8)
    rate = min(max(rate, inst.fund_min_e8), inst.fund_max_e8)
    return _trunc_div(rate, RATE_UNIT) * RATE_UNIT


def current_rate(eng: Engine, inst: Instrument) -> int:
    """The rate the running period would settle at now (1e-8)."""
    p = eng.market.by_key.get((inst.category, inst.symbol))
    if p is None:
        return rate_of(inst, 0, 0)
    return rate_of(inst, p.premium_sum, p.premium_ms)


def history(eng: Engine, inst: Instrument) -> list[FundingRecord]:
    """Settled rates of the instrument, newest last."""
    return eng.funding_history.get((inst.category, inst.symbol), [])


def notional(inst: Instrument, pos: Position, mark: int) -> int:
    """What funding is charged on, in settle-coin units: value at mark (linear) or size in coin (inverse)."""
    value: int = pos.qty * inst.lot_units if inst.kind == "inverse" else pos.qty * mark * inst.value_per_tick_lot
    return value


def settle_due(eng: Engine, ts: int) -> None:
    """At a tick: open the first period, or settle every instrument whose funding time ``ts`` reached."""
    for key in sorted(eng.instruments.by_key):
        inst = eng.instruments.by_key[key]
        if not inst.is_futures:
            continue
        p = eng.market.get(inst)
        step = interval_ms(inst)
        boundary = ts // step * step
        if not p.period_start:
            p.period_start = boundary
        elif boundary > p.period_start:
            settle(eng, inst, p, boundary)


def settle(eng: Engine, inst: Instrument, p: Prices, at: int) -> None:
    rate = rate_of(inst, p.premium_sum, p.premium_ms)
    p.premium_sum = p.premium_ms = 0
    p.period_start = at
    rows = eng.funding_history.setdefault((inst.category, inst.symbol), [])
    rows.append(FundingRecord(inst.category, inst.symbol, at, rate))
    if len(rows) > HISTORY_KEEP:
        del rows[: len(rows) - HISTORY_KEEP]
    mark = mark_price(eng, inst)
    coin = inst.settle
    paid = received = 0
    payments: list[tuple[int, str, int]] = []
    if rate and mark:
        payer = E.LONG if rate > 0 else E.SHORT
        held = [(k, pos) for k, pos in eng.positions.items()
                if k[1] == inst.category and k[2] == inst.symbol and pos.qty]
        held.sort(key=lambda kp: kp[0])
        for (uid, _, _, side), pos in held:
            base = notional(inst, pos, mark) * abs(rate)
            asset = eng.accounts[uid].asset(coin)
            if side == payer:
                amount = min(-(-base // E8), max(asset.balance, 0))
                asset.balance -= amount
                paid += amount
                payments.append((uid, side, -amount))
                change, kind = -amount, records.FUNDING_OUT
            else:
                amount = base // E8
                asset.balance += amount
                received += amount
                payments.append((uid, side, amount))
                change, kind = amount, records.FUNDING_IN
            if change:
                pos.funding += change
                records.ledger(eng, uid, inst.category, inst.symbol, coin, kind, change, 0, asset.balance)
            eng.touched.add(uid)
            eng.touch_position(pos)  # its funding total changed
    liquidation.to_fund(eng, coin, paid - received)
    eng.emit(FundingSettled(inst.category, inst.symbol, coin, rate, mark, at, payments))
