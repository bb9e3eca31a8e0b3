"""The virtual clock: the time every command carries, and the timers of the market that run on it.

Modes: ``realtime`` (virtual time flows with the wall clock, times ``speed``; speed 1 is the default and
keeps virtual time equal to wall time on a fresh venue) or ``step`` (time stands still until
``advance(ms)`` moves it).

Invariants:
- ``now_ms()`` never goes backwards, whatever the mode changes.
- Timers run one at a time, in the order of their due time (ties in the order they were set); while a
  timer runs, ``now_ms()`` is its due time in step mode (so what it sends is stamped with it).
- ``advance(ms)`` runs every timer due up to ``now + ms`` (including those set by the timers it runs),
  then leaves the clock at ``now + ms``; advances never interleave with one another or with the
  real-time driver.
- The clock reads the wall clock only here; the engine never does (commands carry their timestamps).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import inspect
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger("utaex.clock")

REALTIME, STEP = "realtime", "step"
MAX_SPEED = 10_000.0
MAX_ADVANCE_MS = 366 * 86_400_000  # one advance moves at most a year

TimerFn = Callable[[], Awaitable[Any] | None]


class Timer:
    __slots__ = ("at", "cancelled", "fn", "seq")

    def __init__(self, at: int, seq: int, fn: TimerFn) -> None:
        self.at = at
        self.seq = seq
        self.fn = fn
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def __lt__(self, other: Timer) -> bool:
        return (self.at, self.seq) < (other.at, other.seq)


class VirtualClock:
    def __init__(self, *, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self.mode = REALTIME
        self.speed = 1.0
        self._v0 = int(wall() * 1000)  # virtual ms at the anchor
        self._w0 = self._v0 / 1000  # wall seconds at the anchor: the instant v0 names, so that real time reads
        # as the wall clock's own milliseconds (a second reading of the wall would put the clock up to 1 ms behind)
        self._last = 0
        self._timers: list[Timer] = []
        self._seq = itertools.count()
        self._lock: asyncio.Lock | None = None
        self._wake: asyncio.Event | None = None
        self._driver: asyncio.Task[None] | None = None

    # ---- reading ---------------------------------------------------------------------------------------
    def _raw(self) -> int:
        if self.mode == STEP:
            return self._v0
        return self._v0 + int((self._wall() - self._w0) * 1000 * self.speed)

    def now_ms(self) -> int:
        ts = self._raw()
        if ts < self._last:
            ts = self._last
        self._last = ts
        return ts

    def doc(self) -> dict[str, Any]:
        """The clock as the admin API shows it (and as it is journaled)."""
        return {"mode": self.mode, "speed": _fmt_speed(self.speed), "now": str(self.now_ms()),
                "pendingTimers": str(sum(1 for t in self._timers if not t.cancelled))}

    # ---- setting ---------------------------------------------------------------------------------------
    def set_mode(self, mode: str, speed: float = 1.0) -> None:
        """Switch to ``mode``; virtual time continues from where it is (never jumps back)."""
        if mode not in (REALTIME, STEP):
            raise ValueError(f"mode must be {REALTIME!r} or {STEP!r}")
        if not 0 < speed <= MAX_SPEED:
            raise ValueError(f"speed must be in (0, {MAX_SPEED:g}]")
        now = self.now_ms()
        self.mode, self.speed = mode, float(speed) if mode == REALTIME else 1.0
        self._v0, self._w0 = now, self._wall()
        self._kick()

    def restore(self, mode: str, speed: float, at: int) -> None:
        """At start-up, from the journaled clock: the same mode and speed; time resumes at ``at`` in step
        mode, at the later of ``at`` and the wall clock in real time."""
        wall = self._wall()
        wall_ms = int(wall * 1000)
        self.mode, self.speed = mode, speed
        self._v0 = max(at, self._last, wall_ms if mode == REALTIME else at)
        self._w0 = wall_ms / 1000 if self._v0 == wall_ms else wall  # on the wall clock's ms, as in __init__
        self._last = self._v0

    def start_at(self, mode: str, speed: float, at: int) -> None:
        """A fresh venue's clock (nothing stamped yet): ``mode`` at ``speed``, time ``at`` now."""
        self.mode, self.speed = mode, speed
        self._v0, self._w0, self._last = at, self._wall(), at
        self._kick()

    def floor(self, at: int) -> None:
        """Time is at least ``at`` (the newest journaled timestamp, after recovery)."""
        if self.now_ms() < at:
            self._v0, self._w0 = at, self._wall()
            self._last = at

    # ---- timers ----------------------------------------------------------------------------------------
    def call_at(self, at: int, fn: TimerFn) -> Timer:
        timer = Timer(int(at), next(self._seq), fn)
        heapq.heappush(self._timers, timer)
        if self._timers[0] is timer:
            self._kick()
        return timer

    def call_later(self, ms: int, fn: TimerFn) -> Timer:
        return self.call_at(self.now_ms() + max(0, int(ms)), fn)

    def clear_timers(self) -> None:
        for t in self._timers:
            t.cancel()
        self._timers.clear()

    async def _run(self, timer: Timer) -> None:
        try:
            out = timer.fn()
            if inspect.isawaitable(out):
                await out
        except Exception:
            log.exception("clock timer failed")

    def _pop_due(self, until: int) -> Timer | None:
        timers = self._timers
        while timers and timers[0].cancelled:
            heapq.heappop(timers)
        if timers and timers[0].at <= until:
            return heapq.heappop(timers)
        return None

    async def advance(self, ms: int) -> int:
        """Step mode: run everything due within the next ``ms``, in time order; returns the new time."""
        if self.mode != STEP:
            raise ValueError("the clock is not in step mode")
        if not 0 <= ms <= MAX_ADVANCE_MS:
            raise ValueError("ms out of range")
        async with self._get_lock():
            target = self.now_ms() + int(ms)
            while (timer := self._pop_due(target)) is not None:
                if timer.at > self._v0:
                    self._v0 = timer.at
                await self._run(timer)
            self._v0 = max(self._v0, target)
            return self.now_ms()

    def journal_doc(self) -> dict[str, Any]:
        """What is journaled after a change (``Configure`` key ``clock``), read back by ``restore``."""
        return {"mode": self.mode, "speed": self.speed, "at": self.now_ms()}

    # ---- the real-time driver --------------------------------------------------------------------------
    def _get_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    def _kick(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def start(self) -> None:
        if self._driver is None:
            self._wake = asyncio.Event()
            self._driver = asyncio.ensure_future(self._drive())

    async def stop(self) -> None:
        self.clear_timers()
        if self._driver is not None:
            self._driver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._driver
            self._driver = None

    async def _drive(self) -> None:
        """In real-time mode, run each timer when virtual time reaches it."""
        wake = self._wake
        assert wake is not None
        while True:
            wake.clear()
            delay: float | None = None
            if self.mode == REALTIME:
                while self._timers and self._timers[0].cancelled:
                    heapq.heappop(self._timers)
                if self._timers:
                    due = self._timers[0].at - self.now_ms()
                    if due <= 0:
                        async with self._get_lock():
                            if self.mode == REALTIME:
                                timer = self._pop_due(self.now_ms())
                                if timer is not None:
                                    await self._run(timer)
                        await asyncio.sleep(0)
                        continue
                    delay = due / 1000 / self.speed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), delay)


def _fmt_speed(speed: float) -> str:
    return str(int(speed)) if speed == int(speed) else repr(speed)
