from __future__ import annotations

import random
from collections import deque

from utaex.gateway.ratelimit import RateLimiter


def test_sixth_within_one_second_refused() -> None:
    rl = RateLimiter()
    results = [rl.allow("u1:/api/v3/trade/place-batch", 5, 100.0 + i * 0.1) for i in range(6)]
    assert results == [True] * 5 + [False]


def test_window_slides() -> None:
    rl = RateLimiter()
    key = "u1:cancel"
    for t in (0.0, 0.2, 0.4, 0.6, 0.8):
        assert rl.allow(key, 5, t)
    assert not rl.allow(key, 5, 0.99)
    assert rl.allow(key, 5, 1.0)  # the request at 0.0 has left the window
    assert not rl.allow(key, 5, 1.1)
    assert rl.allow(key, 5, 1.2)


def test_refused_requests_do_not_consume() -> None:
    rl = RateLimiter()
    key = "u1:x"
    assert rl.allow(key, 1, 0.0)
    for i in range(50):
        assert not rl.allow(key, 1, 0.01 * (i + 1))  # hammering until 0.5s
    assert rl.allow(key, 1, 1.0)  # only the admitted request at 0.0 counts


def test_keys_are_independent() -> None:
    rl = RateLimiter()
    assert rl.allow("u1:a", 1, 0.0)
    assert not rl.allow("u1:a", 1, 0.1)
    assert rl.allow("u1:b", 1, 0.1)
    assert rl.allow("u2:a", 1, 0.1)


def test_limit_one_per_second() -> None:
    rl = RateLimiter()
    assert rl.allow("k", 1, 10.0)
    assert not rl.allow("k", 1, 10.999)
    assert rl.allow("k", 1, 11.0)


def test_disabled_always_allows() -> None:
    rl = RateLimiter(enabled=False)
    assert all(rl.allow("k", 1, 0.0) for _ in range(100))
    assert len(rl) == 0


def test_zero_limit_refuses() -> None:
    rl = RateLimiter()
    assert not rl.allow("k", 0, 0.0)


def test_limit_change_for_key() -> None:
    rl = RateLimiter()
    for i in range(3):
        assert rl.allow("k", 10, i * 0.01)
    assert not rl.allow("k", 3, 0.5)
    assert rl.allow("k", 4, 0.5)
    assert not rl.allow("k", 4, 0.6)


def test_burst_at_same_instant() -> None:
    rl = RateLimiter()
    assert [rl.allow("k", 20, 5.0) for _ in range(25)] == [True] * 20 + [False] * 5


def test_idle_keys_evicted_by_time_sweep() -> None:
    rl = RateLimiter(sweep_interval_s=10.0)
    for i in range(100):
        rl.allow(f"ip{i}:/api/v3/market/tickers", 20, 0.0)
    assert len(rl) == 100
    rl.allow("live", 20, 9.5)
    assert len(rl) == 101
    rl.allow("live", 20, 10.0)  # sweep runs: everything older than 1s goes
    assert len(rl) == 1


def test_memory_bounded_by_size_sweep() -> None:
    rl = RateLimiter(sweep_interval_s=1e9, min_sweep_size=64)
    t = 0.0
    for i in range(10_000):
        t += 0.05  # at most ~20 keys are live in any second
        rl.allow(f"ip{i}", 5, t)
        assert len(rl) <= 64 + 1
    rl.sweep(t + 2.0)
    assert len(rl) == 0


def test_reset() -> None:
    rl = RateLimiter()
    assert rl.allow("k", 1, 0.0)
    rl.reset()
    assert len(rl) == 0
    assert rl.allow("k", 1, 0.1)


def _reference_allow(log: deque[float], limit: int, now: float) -> bool:
    while log and log[0] <= now - 1.0:
        log.popleft()
    if len(log) >= limit:
        return False
    log.append(now)
    return True


def test_matches_reference_sliding_log() -> None:
    rng = random.Random(1234)
    rl = RateLimiter(sweep_interval_s=3.0, min_sweep_size=2)
    logs: dict[str, deque[float]] = {}
    t = 0.0
    for _ in range(20_000):
        t += rng.choice([0.0, 0.001, 0.01, 0.05, 0.2, 0.7, 1.5])
        key = f"u{rng.randrange(4)}"
        limit = 3 if key == "u0" else 7
        expected = _reference_allow(logs.setdefault(key, deque()), limit, t)
        assert rl.allow(key, limit, t) == expected


def test_no_window_ever_exceeds_limit() -> None:
    rng = random.Random(99)
    rl = RateLimiter()
    admitted: list[float] = []
    t = 0.0
    for _ in range(5_000):
        t += rng.expovariate(30.0)
        if rl.allow("k", 5, t):
            admitted.append(t)
    for i in range(len(admitted) - 5):
        assert admitted[i + 5] - admitted[i] >= 1.0
