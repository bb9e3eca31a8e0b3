"""Funding rates as the venue reports them (``current-fund-rate``, ``history-fund-rate``, tickers).

Every rate the gateway shows goes through ``rate_at``; the market simulator replaces it when funding
is charged (it then reads the rates it settled). Until then no funding is charged, so every rate,
current or past, is ``"0"`` -- exactly what the venue's ledger did.

Invariants: settlements fall on the instrument's grid, every ``fundInterval`` hours from 00:00 UTC;
the next one is strictly after ``now``; history lists past settlements newest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.instruments import Instrument

HOUR = 3_600_000
MIN_RATE, MAX_RATE = "-0.003", "0.003"


def rate_at(inst: Instrument, ts: int) -> str:
    """The funding rate of ``inst`` for the settlement at ``ts`` (the current one for the next settlement)."""
    return "0"


def next_settlement(inst: Instrument, now: int) -> int:
    step = inst.fund_interval_h * HOUR
    return (now // step + 1) * step


def past_settlements(inst: Instrument, now: int, skip: int, count: int) -> list[int]:
    """Times of past settlements, newest first, leaving out the ``skip`` most recent."""
    step = inst.fund_interval_h * HOUR
    last = now // step * step - skip * step
    return [last - k * step for k in range(count) if last - k * step >= 0]
