"""Sliding-window rate limiting per (UID or IP, endpoint), and the throttle of failed authentications.

Bitget documents limits such as "10/sec/UID" or "20/sec/IP".  ``RateLimiter.allow``
admits at most ``limit_per_s`` requests per key in any one-second sliding window.

For each key we keep a deque bounded to ``limit_per_s`` holding the times of the most
recently *admitted* requests.  A new request is admitted iff fewer than ``limit_per_s``
are stored, or the oldest stored one is at least one second old; that is O(1) per call.
Refused requests are not recorded.  Idle keys are dropped by a lazy sweep whose cost
is amortized over the calls that created them.

``FailureThrottle`` counts failures only (a wrong signature or passphrase, an unknown key): once a key
has ``limit`` failures within ``window_s`` seconds, ``blocked`` is true until the oldest of them leaves
the window. The auth path asks ``blocked`` before checking anything, so a throttled key or address
learns nothing more, right or wrong.
"""

from __future__ import annotations

from collections import deque

__all__ = ["FailureThrottle", "RateLimiter"]

WINDOW_S = 1.0


class RateLimiter:
    """Per-key sliding-window limiter.  ``now`` is a monotonic time in seconds supplied by the caller."""

    __slots__ = ("_buckets", "_min_sweep_size", "_next_sweep", "_sweep_interval", "_sweep_size", "enabled")

    def __init__(
        self, enabled: bool = True, sweep_interval_s: float = 30.0, min_sweep_size: int = 4096
    ) -> None:
        self.enabled = enabled
        self._buckets: dict[str, deque[float]] = {}
        self._sweep_interval = sweep_interval_s
        self._min_sweep_size = min_sweep_size
        self._sweep_size = min_sweep_size
        self._next_sweep: float | None = None

    def allow(self, key: str, limit_per_s: int, now: float) -> bool:
        """True if the request is admitted (and counted); False if it would exceed the limit.

        ``limit_per_s <= 0`` refuses everything.
        """
        if not self.enabled:
            return True
        if self._next_sweep is None:
            self._next_sweep = now + self._sweep_interval
        elif now >= self._next_sweep or len(self._buckets) > self._sweep_size:
            self._sweep(now)
        if limit_per_s <= 0:
            return False
        times = self._buckets.get(key)
        if times is None:
            self._buckets[key] = deque((now,), maxlen=limit_per_s)
            return True
        if times.maxlen != limit_per_s:
            times = deque(times, maxlen=limit_per_s)
            self._buckets[key] = times
        if len(times) == limit_per_s and now - times[0] < WINDOW_S:
            return False
        times.append(now)  # drops the oldest when full
        return True

    def _sweep(self, now: float) -> None:
        cutoff = now - WINDOW_S
        buckets = self._buckets
        for key in [k for k, times in buckets.items() if times[-1] <= cutoff]:
            del buckets[key]
        self._next_sweep = now + self._sweep_interval
        # Size-triggered sweeps only fire again after the live set doubles: amortized O(1).
        self._sweep_size = max(self._min_sweep_size, 2 * len(buckets))

    def sweep(self, now: float) -> None:
        """Drop every key with no admitted request in the last second."""
        self._sweep(now)

    def reset(self) -> None:
        """Forget all keys."""
        self._buckets.clear()
        self._next_sweep = None
        self._sweep_size = self._min_sweep_size

    def __len__(self) -> int:
        """Number of keys currently tracked."""
        return len(self._buckets)


class FailureThrottle:
    """At most ``limit`` failures per key in any ``window_s`` sliding window; ``limit <= 0``: never blocks."""

    __slots__ = ("_failures", "_next_sweep", "limit", "window_s")

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    def blocked(self, key: str, now: float) -> bool:
        times = self._failures.get(key)
        return times is not None and len(times) == self.limit and now - times[0] < self.window_s

    def record(self, key: str, now: float) -> None:
        if self.limit <= 0:
            return
        if now >= self._next_sweep:
            self._sweep(now)
        times = self._failures.get(key)
        if times is None:
            self._failures[key] = deque((now,), maxlen=self.limit)
        else:
            times.append(now)  # drops the oldest when full

    def _sweep(self, now: float) -> None:
        cutoff = now - self.window_s
        for key in [k for k, times in self._failures.items() if times[-1] <= cutoff]:
            del self._failures[key]
        self._next_sweep = now + self.window_s

    def __len__(self) -> int:
        return len(self._failures)
