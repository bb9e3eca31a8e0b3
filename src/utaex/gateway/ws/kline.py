"""Candles for the ``kline`` topic: the REST ``candles`` bars (``gateway.candles``), as push documents.

Invariants: a push holds exactly the bars ``GET /api/v3/market/candles`` answers for the same symbol
and interval at that moment (same feed, same grid, same empty-bar rule): the snapshot is its default
page (the newest 100 bars, the live one last), an update the live bar. No trade ever: no bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.candles import INTERVALS as ALL_INTERVALS
from ...core.candles import WS_INTERVALS
from ..candles import bars, kline_doc

if TYPE_CHECKING:
    from ...core.instruments import Instrument
    from ..venue import Venue

INTERVALS = {name: ALL_INTERVALS[name] for name in WS_INTERVALS}
SNAPSHOT_BARS = 100


def candles(venue: Venue, inst: Instrument, interval: str, now: int, *,
            live_only: bool = False) -> list[dict[str, Any]]:
    """The snapshot (or, ``live_only``, the update) of ``interval`` at ``now``, oldest first."""
    iv = INTERVALS[interval]
    live = iv.start(now)
    lo = live if live_only else iv.back(live, SNAPSHOT_BARS - 1)
    return [kline_doc(inst, b) for b in bars(venue, inst, iv, lo, live, now)]
