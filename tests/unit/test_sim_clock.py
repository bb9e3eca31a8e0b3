"""The virtual clock's contract (sim/clock.py) and the simulator's layering (sim -> core types only)."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

import utaex.sim
from utaex.sim.clock import REALTIME, STEP, VirtualClock

SIM_DIR = Path(utaex.sim.__file__).parent
ALLOWED_CORE = {"commands", "enums", "instruments"}  # command types, constants, instrument types


def test_advance_runs_due_timers_in_time_order_with_their_time() -> None:
    clock = VirtualClock(wall=lambda: 1000.0)
    clock.set_mode(STEP)
    t0 = clock.now_ms()
    seen: list[tuple[str, int]] = []

    def mark(name: str):  # type: ignore[no-untyped-def]
        def fn() -> None:
            seen.append((name, clock.now_ms()))
            if name == "a":  # a timer set by a timer, still inside the span, runs in the same advance
                clock.call_at(t0 + 1500, mark("c"))
        return fn

    clock.call_at(t0 + 2000, mark("b"))
    clock.call_at(t0 + 1000, mark("a"))
    clock.call_at(t0 + 2000, mark("b2"))  # a tie runs in the order it was set
    clock.call_at(t0 + 5000, mark("late"))
    assert asyncio.run(clock.advance(3000)) == t0 + 3000
    assert seen == [("a", t0 + 1000), ("c", t0 + 1500), ("b", t0 + 2000), ("b2", t0 + 2000)]
    assert clock.now_ms() == t0 + 3000


def test_time_never_goes_back_and_speed_scales_real_time() -> None:
    wall = [1000.0]
    clock = VirtualClock(wall=lambda: wall[0])
    clock.set_mode(REALTIME, 10)
    t0 = clock.now_ms()
    wall[0] += 2.0
    assert clock.now_ms() == t0 + 20_000
    clock.set_mode(STEP)
    wall[0] -= 100  # the wall clock stepping back moves nothing
    assert clock.now_ms() == t0 + 20_000
    with pytest.raises(ValueError):
        clock.set_mode(REALTIME, 0)
    with pytest.raises(ValueError):
        asyncio.run(VirtualClock().advance(1))  # not stepped


def test_real_time_reads_the_wall_clocks_milliseconds() -> None:
    """A real-time venue stamps what a client reading the same wall clock reads, never a millisecond behind
    (a client's timestamp taken before a request is <= the venue's stamp of it), also after a restart."""
    wall = [1000.0007]  # the anchor falls inside a millisecond
    clock = VirtualClock(wall=lambda: wall[0])
    for w in (1000.0019, 1000.0023, 1000.9999, 1003.25):
        wall[0] = w
        assert clock.now_ms() == int(w * 1000), w
    restarted = VirtualClock(wall=lambda: wall[0])
    wall[0] = 1004.0006
    restarted.restore(REALTIME, 1.0, at=1_003_250)  # the journal's newest stamp is older than the wall clock
    wall[0] = 1004.0021
    assert restarted.now_ms() == 1_004_002


def test_cancelled_timers_do_not_run() -> None:
    clock = VirtualClock(wall=lambda: 5.0)
    clock.set_mode(STEP)
    ran: list[int] = []
    timer = clock.call_later(100, lambda: ran.append(1))
    timer.cancel()
    asyncio.run(clock.advance(1000))
    assert ran == []


def test_the_simulator_imports_only_core_types() -> None:
    for path in SIM_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                top, _, rest = (node.module or "").partition(".")
                assert top == "core" and rest in ALLOWED_CORE, (path.name, node.module)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith("utaex."), (path.name, node.module)
