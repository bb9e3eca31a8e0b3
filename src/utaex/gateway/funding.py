"""Funding rates as the venue reports them (``current-fund-rate``, ``history-fund-rate``, tickers), read
from the engine (core/funding.py: the rate of the running period, the settled rates).

Invariants: settlements fall on the instrument's grid, every ``fundInterval`` hours from 00:00 UTC; the
next one is strictly after ``now`` (the venue's clock); history lists the settled rates newest first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core import funding as F
from ..core.numbers import format_fixed

if TYPE_CHECKING:
    from ..core.engine import Engine
    from ..core.instruments import Instrument


def rate_str(rate_e8: int) -> str:
    """A rate in 1e-8 (6 significant decimals) as Bitget writes it: ``"0.0001"``, ``"-0.000071"``."""
    return format_fixed(rate_e8 // F.RATE_UNIT if rate_e8 >= 0 else -(-rate_e8 // F.RATE_UNIT), F.RATE_DP)


def current(eng: Engine, inst: Instrument) -> str:
    """The rate the running period would settle at now."""
    return rate_str(F.current_rate(eng, inst))


def next_settlement(inst: Instrument, now: int) -> int:
    return F.next_funding_time(inst, now)


def history(eng: Engine, inst: Instrument, skip: int, count: int) -> list[tuple[int, str]]:
    """(time, rate) of settled periods, newest first, leaving out the ``skip`` most recent."""
    rows = F.history(eng, inst)
    end = len(rows) - skip
    return [(r.ts, rate_str(r.rate_e8)) for r in reversed(rows[max(0, end - count):max(0, end)])]
