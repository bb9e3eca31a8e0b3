"""Market reads beyond the book (real server over HTTP): candles and history-candles from the venue's
own trades, persisted across restarts and kills, and agreeing with the WS ``kline`` topic."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from uta_helpers import failure, fmt, order
from websockets.asyncio.client import connect

from support import Server, start_server
from utaex.core.candles import INTERVALS, MinuteBar, roll
from utaex.store import SQLiteHistoryStore

MIN = 60_000
DAY = 86_400_000
SPOT, FUT = "SPOT", "USDT-FUTURES"


def store_bars(data_dir: Path, rows: list[tuple[str, str, int, int, int, int, int, int, int, int]]) -> None:
    """Minute bars and their hourly rollup into a data dir's history store, as an earlier run leaves them."""
    store = SQLiteHistoryStore(data_dir / "history.sqlite3")
    store.put_bars(rows)
    books = sorted({(r[0], r[1]) for r in rows})
    for cat, sym in books:
        minutes = [MinuteBar.from_row(r[2:]) for r in sorted(rows) if (r[0], r[1]) == (cat, sym)]
        store.put_bars([(cat, sym, *b.row()) for b in roll(minutes, 3_600_000)], 3_600_000)
    store.close()


def get(srv: Server, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{srv.base_url}/api/v3/market/{path}", params=params, timeout=10)


def data(srv: Server, path: str, **params: Any) -> Any:
    r = get(srv, path, **params)
    env = r.json()
    assert r.status_code == 200 and env["code"] == "00000", env
    return env["data"]


def trade(srv: Server, cat: str, symbol: str, fills: list[tuple[str, str]]) -> None:
    """Each (price, qty) is one trade: a maker's resting sell taken at once by a market-priced buy."""
    maker, taker = srv.new_user(), srv.new_user()
    with srv.client(maker) as m, srv.client(taker) as t:
        for price, qty in fills:
            order(m, cat, symbol, "sell", qty, price)
            order(t, cat, symbol, "buy", qty, price)


def public_fills(srv: Server, cat: str, symbol: str) -> list[tuple[int, Decimal, Decimal]]:
    """(ts, price, size) of the venue's recent trades, oldest first."""
    rows = data(srv, "fills", category=cat, symbol=symbol, limit=100)
    return [(int(f["ts"]), Decimal(f["price"]), Decimal(f["size"])) for f in reversed(rows)]


def expected_rows(trades: list[tuple[int, Decimal, Decimal]], interval: str, until: int = 0) -> list[list[str]]:
    """Bars of ``interval`` built by hand from trades, empty slots flat at the previous close, up to the
    slot opening at ``until`` (the live one) or the last trade's."""
    iv = INTERVALS[interval]
    slots: dict[int, list[Decimal]] = {}
    for ts, p, q in trades:
        s = slots.setdefault(iv.start(ts), [p, p, p, p, Decimal(0), Decimal(0)])
        s[1], s[2], s[3] = max(s[1], p), min(s[2], p), p
        s[4] += q
        s[5] += p * q
    out: list[list[str]] = []
    start, last = min(slots), max(max(slots), until)
    close: Decimal | None = None
    while start <= last:
        if start in slots:
            o, h, lo, c, v, t = slots[start]
            close = c
            out.append([str(start), fmt(o), fmt(h), fmt(lo), fmt(c), fmt(v), fmt(t)])
        else:
            assert close is not None
            out.append([str(start), fmt(close), fmt(close), fmt(close), fmt(close), "0", "0"])
        start = iv.next(start)
    return out


def candles_now(srv: Server, trades: list[tuple[int, Decimal, Decimal]], interval: str, **params: Any) -> None:
    """The server's candles equal the hand-built bars up to its live bar (the minute may turn meanwhile)."""
    rows = data(srv, "candles", interval=interval, **params)
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    assert rows and int(rows[-1][0]) == INTERVALS[interval].start(int(rows[-1][0])) <= now
    assert rows == expected_rows(trades, interval, int(rows[-1][0])), interval


def test_candles_are_built_from_the_venues_trades(fresh: Server) -> None:
    trade(fresh, SPOT, "BTCUSDT", [("50000", "0.01"), ("50100.5", "0.002"), ("49990", "0.03"), ("50020", "0.1")])
    trades = public_fills(fresh, SPOT, "BTCUSDT")
    assert len(trades) == 4
    for interval in ("1m", "5m", "1H", "4H", "6H", "1D", "1Dutc", "1W", "1M", "3D"):
        rows = data(fresh, "candles", category=SPOT, symbol="BTCUSDT", interval=interval)
        assert all(len(r) == 7 and all(isinstance(x, str) for x in r) for r in rows)
        candles_now(fresh, trades, interval, category=SPOT, symbol="BTCUSDT")
    # the live bar is not closed: history-candles leaves it out (and has nothing older)
    assert data(fresh, "history-candles", category=SPOT, symbol="BTCUSDT", interval="1D") == []
    # mark and index bars follow the last price; they carry no volume
    fut = data(fresh, "candles", category=FUT, symbol="BTCUSDT", interval="1m", type="MARK")
    assert fut == []  # no futures trade yet: no bar
    trade(fresh, FUT, "BTCUSDT", [("60000", "0.5"), ("60010.1", "0.25")])
    market = data(fresh, "candles", category=FUT, symbol="BTCUSDT", interval="1H")
    for kind in ("mark", "MARK", "index"):
        mark = data(fresh, "candles", category=FUT, symbol="BTCUSDT", interval="1H", type=kind)
        assert mark == [[*r[:5], "0", "0"] for r in market]
    assert market[-1][5] == "0.75" and Decimal(market[-1][6]) == Decimal("60000") * Decimal("0.5") + Decimal(
        "60010.1") * Decimal("0.25")
    # the same feed as the WebSocket kline topic: its snapshot equals the REST page
    rest = data(fresh, "candles", category=SPOT, symbol="BTCUSDT", interval="1m")

    async def kline() -> list[dict[str, str]]:
        async with connect(f"ws://127.0.0.1:{fresh.port}/v3/ws/public", compression=None) as ws:
            await ws.send(json.dumps({"op": "subscribe", "args": [
                {"instType": "spot", "topic": "kline", "symbol": "BTCUSDT", "interval": "1m"}]}))
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), 5))
                if msg.get("action") == "snapshot":
                    return msg["data"]  # type: ignore[no-any-return]

    pushed = asyncio.run(kline())
    keys = ("start", "open", "high", "low", "close", "volume", "turnover")
    rest_after = data(fresh, "candles", category=SPOT, symbol="BTCUSDT", interval="1m")
    assert [[c[k] for k in keys] for c in pushed] in (rest, rest_after)  # the minute may turn in between


def test_candle_bounds_limits_and_grids(tmp_path: Path) -> None:
    """Bars written to the history store by an earlier run (days old) are served by both endpoints:
    candles (startTime exclusive, endTime inclusive), history-candles (startTime inclusive, endTime
    exclusive), newest bars first when the limit cuts, empty minutes flat at the previous close."""
    data_dir = tmp_path / "v" / "data"  # start_server's layout
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    t0 = (now - 3 * DAY) // DAY * DAY + 15 * 60 * MIN  # 15:00 UTC three days ago
    # ticks of 0.01, lots of 0.000001: (start, o, h, l, c, lots, turnover units 10**-18)
    bars = [(t0, 100, 150, 90, 120, 10, 10**18), (t0 + 2 * MIN, 130, 130, 125, 125, 5, 2 * 10**18),
            (t0 + 61 * MIN, 200, 210, 190, 200, 1, 10**16)]
    store_bars(data_dir, [(SPOT, "BTCUSDT", ts, o, h, lo, c, v, t, 1) for ts, o, h, lo, c, v, t in bars])
    srv = start_server(tmp_path / "v", "--no-rate-limit")
    try:
        q = {"category": SPOT, "symbol": "BTCUSDT"}
        rows = data(srv, "history-candles", **q, interval="1m", startTime=t0, endTime=t0 + 3 * MIN)
        assert rows == [[str(t0), "1", "1.5", "0.9", "1.2", "0.00001", "1"],
                        [str(t0 + MIN), "1.2", "1.2", "1.2", "1.2", "0", "0"],
                        [str(t0 + 2 * MIN), "1.3", "1.3", "1.25", "1.25", "0.000005", "2"]]
        flat = [str(t0 + 3 * MIN), "1.25", "1.25", "1.25", "1.25", "0", "0"]
        assert data(srv, "candles", **q, interval="1m", startTime=t0, endTime=t0 + 3 * MIN) == [*rows[1:], flat]
        # the limit keeps the bars nearest endTime
        assert data(srv, "history-candles", **q, interval="1m", startTime=t0, endTime=t0 + 3 * MIN,
                    limit=2) == rows[1:]
        # 1H on the UTC grid; the bar at 16:00 UTC holds the minute at 16:01
        hour = data(srv, "history-candles", **q, interval="1H", startTime=t0, endTime=t0 + 2 * 60 * MIN)
        assert hour == [[str(t0), "1", "1.5", "0.9", "1.25", "0.000015", "3"],
                        [str(t0 + 60 * MIN), "2", "2.1", "1.9", "2", "0.000001", "0.01"]]
        # 1D on the UTC+8 grid: 15:00 UTC belongs to the day that opened at 16:00 UTC the day before,
        # 16:01 UTC to the next one; 1Dutc puts both in one day
        day = data(srv, "history-candles", **q, interval="1D", startTime=t0 - DAY, endTime=t0 + DAY)
        assert [r[0] for r in day] == [str(t0 - 23 * 60 * MIN), str(t0 + 60 * MIN)]
        assert day[0][1:] == ["1", "1.5", "0.9", "1.25", "0.000015", "3"]
        utc = data(srv, "history-candles", **q, interval="1Dutc", startTime=t0 - DAY, endTime=t0 + 9 * 60 * MIN)
        assert utc == [[str(t0 - 15 * 60 * MIN), "1", "2.1", "0.9", "2", "0.000016", "3.01"]]
        # every day since is flat at the last close up to the live day (candles) / the last closed one
        recent = data(srv, "candles", **q, interval="1D", startTime=t0)
        assert recent[-1][0] == str(INTERVALS["1D"].start(now)) and recent[-1][1:] == ["2"] * 4 + ["0", "0"]
        hist = data(srv, "history-candles", **q, interval="1D", startTime=t0 - DAY)
        assert hist == day + recent[1:-1]
        # startTime exclusive for candles, inclusive for history-candles
        assert data(srv, "candles", **q, interval="1m", startTime=t0 - 1, endTime=t0)[0][0] == str(t0)
        assert data(srv, "candles", **q, interval="1m", startTime=t0, endTime=t0) == []
        assert data(srv, "history-candles", **q, interval="1m", startTime=t0, endTime=t0 + 1)[0][0] == str(t0)
        assert data(srv, "history-candles", **q, interval="1m", startTime=t0, endTime=t0) == []
        # a trade now: after the stored bars (its exec id is above theirs), the live bar
        trade(srv, SPOT, "BTCUSDT", [("3", "0.5")])
        live = data(srv, "candles", **q, interval="1m", limit=1)
        assert live[0][1:] == ["3", "3", "3", "3", "0.5", "1.5"]
        assert int(live[0][0]) == INTERVALS["1m"].start(public_fills(srv, SPOT, "BTCUSDT")[-1][0])
    finally:
        srv.stop()


def test_candle_defaults_limit_100_and_history_90_days_before_end(tmp_path: Path) -> None:
    """candles: 100 bars without ``limit``, the newest (the live bar last); history-candles without
    ``startTime``: the 90 days before ``endTime`` (or now), startTime's inclusive bound on the bar's open."""
    data_dir = tmp_path / "v" / "data"
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    t0 = (now - 3 * DAY) // DAY * DAY + 15 * 60 * MIN  # 15:00 UTC three days ago: a 1H bar opens there
    store_bars(data_dir, [(SPOT, "BTCUSDT", t0, 100, 100, 100, 100, 10, 10**18, 1)])
    srv = start_server(tmp_path / "v", "--no-rate-limit")
    try:
        q = {"category": SPOT, "symbol": "BTCUSDT"}
        rows = data(srv, "candles", **q, interval="1m")
        live = INTERVALS["1m"].start(int(dt.datetime.now(dt.UTC).timestamp() * 1000))
        assert len(rows) == 100 and int(rows[-1][0]) in (live, live - MIN)  # the minute may turn meanwhile
        assert [int(r[0]) for r in rows] == list(range(int(rows[0][0]), int(rows[-1][0]) + 1, MIN))
        assert len(data(srv, "candles", **q, interval="1m", limit=1000)) == 1000
        assert data(srv, "history-candles", **q, interval="1m")[-1][0] == str(INTERVALS["1m"].start(
            int(rows[-1][0]) - 1))  # history: closed bars only, the live minute left out
        # history-candles without startTime: the window is the 90 days before endTime
        first = [str(t0), "1", "1", "1", "1", "0.00001", "1"]
        assert data(srv, "history-candles", **q, interval="1H")[0] == first  # endTime now
        assert data(srv, "history-candles", **q, interval="1H", endTime=t0 + 90 * DAY)[0] == first
        later = data(srv, "history-candles", **q, interval="1H", endTime=t0 + 90 * DAY + 1)
        assert later[0] == [str(t0 + 60 * MIN), "1", "1", "1", "1", "0", "0"]
    finally:
        srv.stop()


def test_candle_errors(server: Server) -> None:
    q = {"category": SPOT, "symbol": "BTCUSDT"}
    for bad in ("3H", "8H", "1Hutc", "4Hutc", "1h", "1d", "1min", "2m"):
        env = failure(get(server, "candles", **q, interval=bad), 400, "40020")
        assert env["msg"] == f"Parameter {bad} error"
        failure(get(server, "history-candles", **q, interval=bad), 400, "40020")
    for good in ("2H", "3D", "1W", "1M", "6Hutc", "12Hutc", "1Dutc", "3Dutc", "1Wutc", "1Mutc"):
        assert isinstance(data(server, "candles", **q, interval=good), list)
    assert data(server, "candles", **q, interval="1m", limit=1000) is not None
    failure(get(server, "candles", **q, interval="1m", limit=1001), 400, "40020")
    failure(get(server, "candles", **q, interval="1m", limit=0), 400, "40020")
    assert data(server, "history-candles", **q, interval="1m", limit=100) is not None
    failure(get(server, "history-candles", **q, interval="1m", limit=101), 400, "40020")
    env = failure(get(server, "history-candles", **q, interval="1m", startTime=0, endTime=90 * DAY + 1), 400, "00001")
    assert env["msg"] == "startTime and endTime interval cannot be greater than 90 days"
    assert data(server, "history-candles", **q, interval="1m", startTime=0, endTime=90 * DAY) == []
    failure(get(server, "candles", **q, interval="1m", type="last"), 400, "40020")
    failure(get(server, "candles", **q), 400, "40034")
    failure(get(server, "candles", category=SPOT, interval="1m"), 400, "40034")
    failure(get(server, "candles", symbol="BTCUSDT", interval="1m"), 400, "40034")
    failure(get(server, "candles", category="MARGIN", symbol="BTCUSDT", interval="1m"), 400, "40020")
    failure(get(server, "candles", category=SPOT, symbol="NOPEUSDT", interval="1m"), 400, "25100")
    failure(get(server, "candles", **q, interval="1m", startTime="x"), 400, "40017")


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_candles_survive_restart_and_kill(tmp_path: Path, how: str) -> None:
    """Bars are persisted and rebuilt from the journal without counting a trade twice."""
    srv = start_server(tmp_path / "v", "--no-rate-limit")
    try:
        trade(srv, FUT, "ETHUSDT", [("3000", "1"), ("3001.5", "2")])
        before = public_fills(srv, FUT, "ETHUSDT")
        if how == "stop":
            srv.stop()  # a clean stop persists the open minute and its hour's rollup
            store = SQLiteHistoryStore(srv.data_dir / "history.sqlite3")
            try:
                hour = store.bars(FUT, "ETHUSDT", 0, 2**62, 3_600_000)
                assert sum(b.volume for b in hour) == 300 and hour[-1].start % 3_600_000 == 0  # lots of 0.01
                assert sum(b.volume for b in store.bars(FUT, "ETHUSDT", 0, 2**62)) == 300
            finally:
                store.close()
        else:
            srv.kill()
        srv.start()
        q = {"category": FUT, "symbol": "ETHUSDT"}
        candles_now(srv, before, "1m", **q)
        trade(srv, FUT, "ETHUSDT", [("2999", "0.5")])
        after = public_fills(srv, FUT, "ETHUSDT")
        every = before + [t for t in after if t[0] >= before[-1][0] and t not in before]
        assert len(every) == 3
        srv.kill()
        srv.start()
        for interval in ("1m", "1D"):
            candles_now(srv, every, interval, **q)
    finally:
        srv.stop()


# ---- funding, open interest, tiers and the venue's own figures -----------------------------------------------

H8 = 8 * 3_600_000


def test_current_and_history_funding_rate(server: Server) -> None:
    before = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    (cur,) = data(server, "current-fund-rate", symbol="BTCUSDT")  # the page takes no category
    # no market tick: no premium, so the running period's rate is the interest, 0.01 % per 8 h (core/funding.py)
    assert cur == {"symbol": "BTCUSDT", "fundingRate": "0.0001", "fundingRateInterval": "8",
                   "nextUpdate": cur["nextUpdate"], "minFundingRate": "-0.003", "maxFundingRate": "0.003"}
    nxt = int(cur["nextUpdate"])
    assert nxt % H8 == 0 and before < nxt <= before + H8 + 1000  # next settlement on the 8 h UTC grid
    assert data(server, "current-fund-rate", symbol="BTCPERP")[0]["symbol"] == "BTCPERP"
    failure(get(server, "current-fund-rate"), 400, "40034")
    failure(get(server, "current-fund-rate", symbol="NOPE"), 400, "25100")
    hist = data(server, "history-fund-rate", category=FUT, symbol="BTCUSDT", limit=3)
    assert hist == {"resultList": []}  # nothing settled yet (tests/api/test_funding_api.py settles some)
    for bad in ({"limit": "201"}, {"limit": "0"}, {"cursor": "101"}, {"cursor": "x"}):
        failure(get(server, "history-fund-rate", category=FUT, symbol="BTCUSDT", **bad), 400, "40020")
    failure(get(server, "history-fund-rate", category=SPOT, symbol="BTCUSDT"), 400, "40020")
    failure(get(server, "history-fund-rate", symbol="BTCUSDT"), 400, "40034")
    tick = data(server, "tickers", category=FUT, symbol="BTCUSDT")[0]
    assert tick["fundingRate"] == cur["fundingRate"]


def test_open_interest_sums_open_positions(fresh: Server) -> None:
    cat, sym = "COIN-FUTURES", "ETHUSD"
    q = {"category": cat}
    empty = data(fresh, "open-interest", **q)
    assert [(r["symbol"], r["openInterest"]) for r in empty["list"]] == [("BTCUSD", "0"), ("ETHUSD", "0")]
    assert isinstance(empty["ts"], str) and int(empty["ts"]) > 0
    trade(fresh, cat, sym, [("2000", "1.5")])
    trade(fresh, cat, sym, [("2001", "0.25")])
    oi = data(fresh, "open-interest", **q, symbol=sym)
    assert oi["list"] == [{"symbol": sym, "openInterest": "1.75"}]
    assert data(fresh, "tickers", **q, symbol=sym)[0]["openInterest"] == "1.75"
    failure(get(fresh, "open-interest", category=SPOT), 400, "40020")
    failure(get(fresh, "open-interest"), 400, "40034")
    failure(get(fresh, "open-interest", **q, symbol="NOPE"), 400, "25100")


def test_oi_limit_and_position_tiers_come_from_the_instrument_config(tmp_path: Path) -> None:
    tiers = [{"maxTierValue": "10000", "leverage": 20, "mmr": "0.01"},
             {"maxTierValue": "50000.5", "leverage": 10, "mmr": "0.025"}]
    inst = {"category": FUT, "symbol": "SOLUSDT", "baseCoin": "SOL", "quoteCoin": "USDT", "tick": "0.001",
            "lot": "0.1", "minOrderQty": "0.1", "minOrderAmount": "5", "maxLeverage": 20, "fundInterval": 4,
            "tiers": tiers, "oiLimit": "250000"}
    spot = {"category": "SPOT", "symbol": "SOLUSDT", "baseCoin": "SOL", "quoteCoin": "USDT", "tick": "0.001",
            "lot": "0.1", "minOrderQty": "0.1", "minOrderAmount": "1"}
    config = tmp_path / "venue.json"
    others = [{**spot, "symbol": "BTCUSDC", "baseCoin": "BTC", "quoteCoin": "USDC"},  # the demo account's coins
              {**spot, "symbol": "ETHUSDT", "baseCoin": "ETH"}]
    config.write_text(json.dumps({"instruments": [inst, spot, {**spot, "category": "MARGIN"}, *others]}))
    srv = start_server(tmp_path / "v", "--no-rate-limit", "--config", str(config))
    try:
        assert data(srv, "position-tier", category=FUT, symbol="SOLUSDT") == [
            {"tier": "1", "minTierValue": "0", "maxTierValue": "10000", "leverage": "20", "mmr": "0.01"},
            {"tier": "2", "minTierValue": "10000", "maxTierValue": "50000.5", "leverage": "10", "mmr": "0.025"}]
        assert data(srv, "oi-limit", category=FUT) == [
            {"symbol": "SOLUSDT", "notionalValue": "250000", "totalNotionalValue": "250000"}]
        (cur,) = data(srv, "current-fund-rate", symbol="SOLUSDT")
        assert cur["fundingRateInterval"] == "4" and int(cur["nextUpdate"]) % (4 * 3_600_000) == 0
        (doc,) = data(srv, "instruments", category=FUT, symbol="SOLUSDT")
        assert doc["fundInterval"] == "4"
        (margin,) = data(srv, "position-tier", category="MARGIN", coin="sol")
        assert margin == {"tier": "1", "minTierValue": "", "maxTierValue": "", "leverage": "3", "mmr": "0.1"}
        failure(get(srv, "position-tier", category="MARGIN"), 400, "40034")
        failure(get(srv, "position-tier", category="MARGIN", coin="DOGE"), 400, "40020")
        failure(get(srv, "position-tier", category=FUT), 400, "40034")
        failure(get(srv, "position-tier", category=SPOT, symbol="SOLUSDT"), 400, "40020")
    finally:
        srv.stop()


def test_default_tiers_and_instrument_fields(server: Server) -> None:
    tiers = data(server, "position-tier", category=FUT, symbol="BTCUSDT")
    assert [t["tier"] for t in tiers] == [str(i) for i in range(1, len(tiers) + 1)] and len(tiers) >= 3
    assert tiers[0]["minTierValue"] == "0" and tiers[0]["leverage"] == "125"
    assert all(a["maxTierValue"] == b["minTierValue"] for a, b in itertools.pairwise(tiers))
    assert [int(t["leverage"]) for t in tiers] == sorted((int(t["leverage"]) for t in tiers), reverse=True)
    assert [Decimal(t["mmr"]) for t in tiers] == sorted(Decimal(t["mmr"]) for t in tiers)
    (perp,) = data(server, "instruments", category=FUT, symbol="BTCUSDT")
    for key in ("openCostUpRatio", "feeRateUpRatio", "maxProductOrderNum", "maxSymbolOrderNum", "maxPositionNum",
                "offTime", "limitOpenTime"):
        assert isinstance(perp[key], str) and perp[key] != "", key
    (margin,) = data(server, "instruments", category="MARGIN", symbol="BTCUSDT")
    assert margin["maxPositionNum"] != ""


def test_discount_loans_reserves_and_risk_reserve(fresh: Server) -> None:
    rates = {r["coin"]: r["list"] for r in data(fresh, "discount-rate")}
    assert set(rates) == {"BTC", "ETH", "USDC", "USDT"}
    assert rates["USDT"] == [{"tierStartValue": "0", "discountRate": "1"}]
    assert rates["BTC"][0]["tierStartValue"] == "0" and all(set(t) == {"tierStartValue", "discountRate"}
                                                            for t in rates["BTC"])
    assert data(fresh, "margin-loans", coin="BTC") == {"dailyInterest": "0", "annualInterest": "0",
                                                       "limit": data(fresh, "margin-loans", coin="usdt")["limit"]}
    failure(get(fresh, "margin-loans"), 400, "40034")
    failure(get(fresh, "margin-loans", coin="DOGE"), 400, "40020")
    reserves = data(fresh, "proof-of-reserves")
    assert set(reserves) == {"merkleRootHash", "totalReserveRatio", "list"}
    assert [r["coin"] for r in reserves["list"]] == ["BTC", "ETH", "USDC", "USDT"]
    users_before = {r["coin"]: Decimal(r["userAssets"]) for r in reserves["list"]}
    fresh.new_user({"USDT": "1234.567", "BTC": "2"})
    after = {r["coin"]: r for r in data(fresh, "proof-of-reserves")["list"]}
    assert Decimal(after["USDT"]["userAssets"]) - users_before["USDT"] == Decimal("1234.56")  # two decimals
    assert Decimal(after["BTC"]["userAssets"]) - users_before["BTC"] == 2
    assert after["USDT"]["reserveRatio"] == "100%" and after["USDT"]["platformAssets"] == after["USDT"]["userAssets"]
    trade(fresh, SPOT, "BTCUSDT", [("50000", "0.1")])  # fees go to the venue: platform assets exceed user assets
    usdt = {r["coin"]: r for r in data(fresh, "proof-of-reserves")["list"]}["USDT"]
    assert Decimal(usdt["platformAssets"]) > Decimal(usdt["userAssets"]) and usdt["reserveRatio"].endswith("%")
    assert data(fresh, "risk-reserve", category=FUT, symbol="BTCUSDT") == {
        "totalBalance": "", "coin": "USDT", "riskReserveRecords": []}
    assert data(fresh, "risk-reserve", category="COIN-FUTURES", symbol="BTCUSD")["coin"] == "BTC"
    failure(get(fresh, "risk-reserve", category=FUT), 400, "40034")


def test_a_venue_reset_hides_earlier_bars(tmp_path: Path) -> None:
    data_dir = tmp_path / "v" / "data"
    old = (int(dt.datetime.now(dt.UTC).timestamp() * 1000) - 3 * DAY) // MIN * MIN
    store_bars(data_dir, [(SPOT, "BTCUSDT", old, 100, 100, 100, 100, 1, 10**18, 1)])
    srv = start_server(tmp_path / "v", "--no-rate-limit")
    try:
        q = {"category": SPOT, "symbol": "BTCUSDT", "interval": "1m"}
        assert data(srv, "history-candles", **q, startTime=old, endTime=old + MIN)[0][0] == str(old)
        trade(srv, SPOT, "BTCUSDT", [("50000", "0.01")])
        assert data(srv, "candles", **q)[-1][5] == "0.01"
        srv.admin("POST", "/admin/v1/reset", {})
        for _ in range(2):  # and again after a restart (journal replay, then a snapshot)
            assert data(srv, "candles", **q) == []
            assert data(srv, "history-candles", **q, startTime=old, endTime=old + MIN) == []
            assert data(srv, "candles", **{**q, "interval": "1D"}, startTime=old - DAY) == []
            srv.stop()
            srv.start()
        trade(srv, SPOT, "BTCUSDT", [("51000", "0.02")])
        rows = data(srv, "candles", **q)
        assert rows[0][1:6] == ["51000", "51000", "51000", "51000", "0.02"]
    finally:
        srv.stop()


# the "data" of each page's response example (reference/bitget-uta/public/*.md), for keys and JSON types
PAGE_EXAMPLES: dict[str, tuple[dict[str, str], Any]] = {
    "candles": ({"category": SPOT, "symbol": "BTCUSDT", "interval": "1m"},
                [["1687708800000", "27176.93", "27177.43", "27166.93", "27177.43", "2990.08", "81246917.3294"]]),
    "current-fund-rate": ({"symbol": "BTCUSDT"}, [{
        "symbol": "BTCUSDT", "fundingRate": "0.000071", "fundingRateInterval": "8", "nextUpdate": "1743062400000",
        "minFundingRate": "-0.003", "maxFundingRate": "0.003"}]),
    # history-fund-rate: empty until a settlement; its page's shape is checked where funding is settled
    # (tests/api/test_liquidation_api.py)
    "open-interest": ({"category": FUT, "symbol": "BTCUSDT"}, {
        "list": [{"symbol": "BTCUSDT", "openInterest": "2243.019"}], "ts": "1730969652411"}),
    "oi-limit": ({"category": FUT}, [{"symbol": "BTCUSDT", "notionalValue": "1000000",
                                      "totalNotionalValue": "5000000"}]),
    "position-tier": ({"category": FUT, "symbol": "BTCUSDT"}, [{
        "tier": "1", "minTierValue": "0", "maxTierValue": "100000", "leverage": "125", "mmr": "0.004"}]),
    "discount-rate": ({}, [{"coin": "ETH", "list": [{"tierStartValue": "0", "discountRate": "0.99"}]}]),
    "margin-loans": ({"coin": "BTC"}, {"dailyInterest": "0.1", "annualInterest": "0.00416667", "limit": "3000"}),
    "proof-of-reserves": ({}, {"merkleRootHash": "e0dff99bbe2c2dcb", "totalReserveRatio": "175%", "list": [
        {"coin": "BTC", "userAssets": "9530.89", "platformAssets": "29679.59", "reserveRatio": "311%"}]}),
    "risk-reserve": ({"category": FUT, "symbol": "BTCUSDT"}, {"totalBalance": "", "coin": "USDT",
                                                            "riskReserveRecords": []}),
}


def same_shape(got: Any, example: Any, where: str = "data") -> None:
    assert type(got) is type(example), (where, got, example)
    if isinstance(example, dict):
        assert set(got) == set(example), (where, set(got) ^ set(example))
        for key, value in example.items():
            same_shape(got[key], value, f"{where}.{key}")
    elif isinstance(example, list) and example:
        assert got, f"{where}: empty where the page shows items"
        for item in got:
            same_shape(item, example[0], f"{where}[]")


@pytest.mark.parametrize("path", sorted(PAGE_EXAMPLES))
def test_answers_have_the_shape_of_the_pages_examples(venue: Server, path: str) -> None:
    if path == "candles":  # this module's own venue: the trade meets no other test's orders
        trade(venue, SPOT, "BTCUSDT", [("50000", "0.001")])
    params, example = PAGE_EXAMPLES[path]
    same_shape(data(venue, path, **params), example)
