"""The failed-authentication throttle: a sliding window of failures per key (time is given)."""

from __future__ import annotations

from utaex.gateway.ratelimit import FailureThrottle


def test_blocks_after_limit_failures_until_the_oldest_leaves_the_window() -> None:
    t = FailureThrottle(3, 60.0)
    for now in (0.0, 10.0, 20.0):
        assert not t.blocked("k", now)
        t.record("k", now)
    assert t.blocked("k", 20.0) and t.blocked("k", 59.9)
    assert not t.blocked("other", 20.0)
    assert not t.blocked("k", 60.0)  # the failure at 0 has left the window
    t.record("k", 60.0)
    assert t.blocked("k", 69.9) and not t.blocked("k", 70.0)


def test_idle_keys_are_swept_and_zero_limit_never_blocks() -> None:
    t = FailureThrottle(2, 1.0)
    for i in range(100):
        t.record(f"addr{i}", 0.0)
    t.record("late", 5.0)
    assert len(t) == 1
    off = FailureThrottle(0, 60.0)
    for _ in range(10):
        off.record("k", 0.0)
    assert not off.blocked("k", 0.0) and len(off) == 0
