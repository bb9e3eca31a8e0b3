"""The venue raises the young-generation collection threshold while it serves and restores the process's own
on close (docs/decisions.md, "Latency")."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from utaex.gateway.venue import GC_YOUNG_THRESHOLD, Venue


def test_young_threshold_while_serving_then_restored(tmp_path: Path) -> None:
    before = gc.get_threshold()
    assert before[0] != GC_YOUNG_THRESHOLD

    async def run() -> tuple[int, ...]:
        venue = Venue(tmp_path / "data", fsync=False)
        venue.recover()
        venue.start()
        try:
            return gc.get_threshold()
        finally:
            await venue.close()

    during = asyncio.run(run())
    assert during == (GC_YOUNG_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before
