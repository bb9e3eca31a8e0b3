"""core.candles: grids of every granularity, empty bars, and aggregation of minute bars == bars built
straight from the trades (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from utaex.core.candles import (
    INTERVALS,
    MINUTE,
    WS_INTERVALS,
    Bar,
    MinuteBar,
    aggregate,
    bars_from_trades,
    minute_bars,
    roll,
)

H = 60 * MINUTE
D = 24 * H


def ms(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp() * 1000)


def test_interval_names_are_bitgets() -> None:
    assert set(INTERVALS) == {"1m", "3m", "5m", "15m", "30m", "1H", "2H", "4H", "6H", "12H", "1D", "3D", "1W", "1M",
                              "6Hutc", "12Hutc", "1Dutc", "3Dutc", "1Wutc", "1Mutc"}
    assert set(WS_INTERVALS) <= set(INTERVALS) and len(WS_INTERVALS) == 10
    for absent in ("3H", "8H", "1Hutc", "4Hutc", "1h", "1d", "1min"):
        assert absent not in INTERVALS


def test_grids() -> None:
    t = ms(2026, 3, 18, 15, 59, 59)  # a Wednesday, 23:59:59 in UTC+8
    assert INTERVALS["1m"].start(t) == ms(2026, 3, 18, 15, 59)
    assert INTERVALS["15m"].start(t) == ms(2026, 3, 18, 15, 45)
    assert INTERVALS["1H"].start(t) == ms(2026, 3, 18, 15)
    assert INTERVALS["4H"].start(t) == ms(2026, 3, 18, 12)
    # 6H and longer: the UTC+8 grid (00:00 Asia/Shanghai = 16:00 UTC), the utc variants the UTC grid
    assert INTERVALS["6H"].start(t) == ms(2026, 3, 18, 10)
    assert INTERVALS["6Hutc"].start(t) == ms(2026, 3, 18, 12)
    assert INTERVALS["12H"].start(t) == ms(2026, 3, 18, 4)
    assert INTERVALS["1D"].start(t) == ms(2026, 3, 17, 16)
    assert INTERVALS["1D"].start(t + 1000) == ms(2026, 3, 18, 16)
    assert INTERVALS["1Dutc"].start(t) == ms(2026, 3, 18)
    assert INTERVALS["1W"].start(t) == ms(2026, 3, 15, 16)  # Monday 16th, 00:00 UTC+8
    assert INTERVALS["1Wutc"].start(t) == ms(2026, 3, 16)
    assert INTERVALS["1M"].start(t) == ms(2026, 2, 28, 16)
    assert INTERVALS["1Mutc"].start(t) == ms(2026, 3, 1)
    assert INTERVALS["1M"].next(ms(2026, 2, 28, 16)) == ms(2026, 3, 31, 16)
    assert INTERVALS["1Mutc"].next(ms(2026, 12, 1)) == ms(2027, 1, 1)
    assert INTERVALS["1Mutc"].back(ms(2026, 3, 1), 3) == ms(2025, 12, 1)
    assert INTERVALS["3Dutc"].start(t) % (3 * D) == 0
    assert (INTERVALS["3D"].start(t) + 8 * H) % (3 * D) == 0


@given(st.sampled_from(sorted(INTERVALS)), st.integers(0, 4_000_000_000_000))
def test_slots_tile_time(name: str, ts: int) -> None:
    iv = INTERVALS[name]
    s = iv.start(ts)
    assert s <= ts < iv.next(s)
    assert iv.start(s) == s and iv.prev(iv.next(s)) == s and iv.back(iv.next(s), 1) == s


def test_empty_slots_are_flat_at_the_previous_close() -> None:
    iv = INTERVALS["1m"]
    got = aggregate([MinuteBar(0, 10), MinuteBar(3 * MINUTE, 12)], iv, 0, 4 * MINUTE)
    assert got == [Bar(0, 10, 10, 10, 10, 0, 0), Bar(MINUTE, 10, 10, 10, 10, 0, 0),
                   Bar(2 * MINUTE, 10, 10, 10, 10, 0, 0), Bar(3 * MINUTE, 12, 12, 12, 12, 0, 0),
                   Bar(4 * MINUTE, 12, 12, 12, 12, 0, 0)]
    assert aggregate([MinuteBar(3 * MINUTE, 12)], iv, 0, 3 * MINUTE) == [Bar(3 * MINUTE, 12, 12, 12, 12, 0, 0)]
    assert aggregate([], iv, 0, 3 * MINUTE, prev_close=7)[0] == Bar(0, 7, 7, 7, 7, 0, 0)
    assert aggregate([], iv, 0, 3 * MINUTE) == []


def test_minute_bar_counts_each_trade() -> None:
    b = MinuteBar(60_000, 100)
    for price, lots, exec_id in ((100, 2, 5), (90, 1, 6), (130, 4, 7), (110, 1, 8)):
        b.add(price, lots, price * lots, exec_id)
    assert b.row() == (60_000, 100, 130, 90, 110, 8, 100 * 2 + 90 + 130 * 4 + 110, 8)
    assert MinuteBar.from_row(b.row()).row() == b.row()


trades_strategy = st.lists(
    st.tuples(st.integers(0, 40 * D), st.integers(1, 10**6), st.integers(1, 10**4)), max_size=60)


@settings(max_examples=3 * settings.default.max_examples)  # cheap: three times the profile's count
@given(trades_strategy, st.sampled_from(sorted(INTERVALS)), st.integers(0, 45 * D), st.integers(0, 45 * D))
def test_aggregating_minute_bars_equals_bars_built_from_trades(raw: list[tuple[int, int, int]], name: str,
                                                               a: int, b: int) -> None:
    iv = INTERVALS[name]
    raw.sort(key=lambda t: t[0])
    trades = [(ts, price, lots, price * lots * 10**12, i + 1) for i, (ts, price, lots) in enumerate(raw)]
    lo, hi = iv.start(min(a, b)), iv.start(max(a, b))
    if iv.length:
        hi = min(hi, lo + 600 * iv.length)  # at most 600 slots: the fill is per slot
    before = [t for t in trades if t[0] < lo]
    prev = before[-1][1] if before else None
    inside = [t for t in trades if lo <= t[0] < iv.next(hi)]
    expected = bars_from_trades(inside, iv, lo, hi, prev)
    assert aggregate(minute_bars(trades), iv, lo, hi, prev) == expected
    assert sum(x.volume for x in expected) == sum(t[2] for t in inside)
    assert all(x.low <= min(x.open, x.close) <= max(x.open, x.close) <= x.high for x in expected)
    starts = [x.start for x in expected]
    assert starts == sorted(set(starts)) and all(iv.start(s) == s for s in starts)


@settings(max_examples=200, deadline=None)
@given(trades_strategy, st.sampled_from(sorted(n for n, iv in INTERVALS.items() if iv.length % H == 0)),
       st.integers(0, 45 * D))
def test_hourly_rollup_aggregates_like_the_minutes(raw: list[tuple[int, int, int]], name: str, a: int) -> None:
    """Long intervals read the hourly rollup: it must give exactly the bars the minutes give."""
    iv = INTERVALS[name]
    raw.sort(key=lambda t: t[0])
    minutes = minute_bars([(ts, p, q, p * q, i + 1) for i, (ts, p, q) in enumerate(raw)])
    hours = roll(minutes, H)
    assert all(h.start % H == 0 for h in hours) and sum(h.volume for h in hours) == sum(m.volume for m in minutes)
    lo = iv.start(a)
    hi = iv.back(lo, -20) if iv.length else lo
    for prev in (None, 7):
        assert aggregate(roll(minutes, H), iv, lo, hi, prev) == aggregate(minutes, iv, lo, hi, prev)
