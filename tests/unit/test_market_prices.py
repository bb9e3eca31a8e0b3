"""Index and mark prices driven by ``MarketTick`` (core/market.py): the definitions of
docs/decisions.md ("Index, mark and funding") checked to the tick, journal round trip and replay."""

from __future__ import annotations

import msgspec
from test_engine_basics import T0, UF, Ex

from utaex.core import Engine, Reject
from utaex.core.commands import AnyCommand, IndexQuote, MarketTick
from utaex.core.events import MarkPriceChanged
from utaex.core.market import BASIS_WINDOW_MS, compute_mark, index_price, mark_price


def q(price: str, symbol: str = "BTCUSDT", category: str = UF) -> IndexQuote:
    return IndexQuote(category=category, symbol=symbol, price=price)



def test_without_index_both_follow_the_last_trade() -> None:
    ex = Ex()
    i = ex.eng.instruments.get(UF, "BTCUSDT")
    assert i is not None
    assert index_price(ex.eng, i) == mark_price(ex.eng, i) == 0
    a, b = ex.user(USDT="100000"), ex.user(USDT="100000")
    ex.ok(a, "sell", "0.01", "40000", category=UF)
    ex.ok(b, "buy", "0.01", "40000", category=UF)
    assert index_price(ex.eng, i) == mark_price(ex.eng, i) == 400_000
    assert ex.do(MarketTick, index=[]) == []  # no index: nothing kept, nothing pushed
    assert mark_price(ex.eng, i) == 400_000


def test_index_sets_mark_within_the_band() -> None:
    ex = Ex()
    i = ex.eng.instruments.get(UF, "BTCUSDT")
    assert i is not None
    changed = ex.do(MarketTick, index=[q("50000.0")])
    assert changed == [(UF, "BTCUSDT")]
    ev = [e for e in ex.events if isinstance(e, MarkPriceChanged)]
    assert ev == [MarkPriceChanged(UF, "BTCUSDT", 500_000, 500_000, ex.ts)]
    assert index_price(ex.eng, i) == mark_price(ex.eng, i) == 500_000
    # a book far away: mid 60000, so index+basis is 60000 too; the median is clamped to index + 0.5%
    a = ex.user(USDT="1000000")
    ex.ok(a, "buy", "0.01", "59990", category=UF)
    ex.ok(a, "sell", "0.01", "60010", category=UF)
    ex.do(MarketTick, index=[q("50000.0")])
    assert mark_price(ex.eng, i) == 502_500
    assert ex.do(MarketTick, index=[q("50000.0")]) == []  # nothing moved: no event


def test_compute_mark_median_and_mean() -> None:
    assert compute_mark(1000, 2, 1001, 999) == 1001  # median of 1002, 1001, 999
    assert compute_mark(1000, 0, 0, 1004) == 1002  # two values: their mean
    assert compute_mark(1000, 0, 0, 0) == 1000
    assert compute_mark(1000, 0, 2000, 2000) == 1005  # band 0.5%
    assert compute_mark(1000, 0, 10, 10) == 995


def test_basis_is_a_time_weighted_average() -> None:
    ex = Ex()
    a = ex.user(USDT="1000000")
    ex.do(MarketTick, index=[q("50000.0")])  # empty book: basis 0
    ex.ok(a, "buy", "0.01", "50009.9", category=UF)
    ex.ok(a, "sell", "0.01", "50010.1", category=UF)  # mid 50010.0: sample +100 ticks
    ex.ts += BASIS_WINDOW_MS // 4 - 1
    ex.do(MarketTick, index=[q("50000.0")])
    p = ex.eng.market.by_key[(UF, "BTCUSDT")]
    assert p.basis == 25  # a quarter of the way
    # median(index+basis 500025, mid 500100, no trade) -> mean of the two
    assert p.mark == (500_025 + 500_100) // 2


def test_rejected_tick_changes_nothing() -> None:
    ex = Ex()
    ex.do(MarketTick, index=[q("50000.0")])
    before = ex.eng.state_hash()
    for bad in ([q("50000.05")], [q("abc")], [q("0")], [q("1", symbol="NOPE")], [q("50000.0"), q("-1", "ETHUSDT")]):
        res = ex.do(MarketTick, same_ts=True, index=bad)
        assert isinstance(res, Reject), bad
    assert ex.eng.state_hash() == before
    assert ex.do(MarketTick, index=[q("50000", category="SPOT")]) == []  # spot quotes: no index there


def test_older_tick_changes_nothing_and_replay_is_exact() -> None:
    ex = Ex()
    cmds = [MarketTick(ts=T0 + 10, index=[q("50000.0"), q("3000.00", "ETHUSDT")]),
            MarketTick(ts=T0 + 5, index=[q("40000.0")]),
            MarketTick(ts=T0 + 20, index=[q("50100.0")])]
    for c in cmds:
        ex.eng.apply(c)
    assert ex.eng.market.by_key[(UF, "BTCUSDT")].index == 501_000
    enc, dec = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(AnyCommand)
    fresh = Engine()
    for c in cmds:
        back = dec.decode(enc.encode(c))
        assert back == c
        fresh.apply(back)
    assert fresh.state_hash() == ex.eng.state_hash()
    copy = Engine.from_snapshot(ex.eng.snapshot())
    assert copy.state_hash() == ex.eng.state_hash()
    assert copy.market.by_key[(UF, "ETHUSDT")].mark == 300_000
