"""Index, mark, funding and liquidation over the real server (quiet venue, stepped clock), driven by
``POST /admin/v1/market-tick`` (a ``MarketTick`` at the venue's virtual time, as the simulator sends).

The key scenario (issue 15): 1,000 USDT at 20x holding 18,000 USDT of BTCUSDT long, the price driven 12 %
down: liquidated against the book, no negative balance, the insurance fund and the balances reconcile in
``/admin/v1/audit``. Figures by hand (taker 0.06 %, first tier mmr 0.4 %): the open costs a 10.8 fee; the
close at 88000 realises -2160 and costs 9.504; 989.2 - 2169.504 = -1180.304 is covered by the fund.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from uta_helpers import balance, order

from support import Server, start_server
from utaex.client import Client

CAT, SYM = "USDT-FUTURES", "BTCUSDT"
H8 = 8 * 3_600_000


@pytest.fixture
def stepped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A quiet venue whose virtual clock moves only when the test advances it."""
    srv = start_server(tmp_path_factory.mktemp("liq"), "--no-rate-limit", "--market", "off")
    srv.admin("POST", "/admin/v1/clock", {"mode": "step"})
    yield srv
    for c in CLIENTS:
        c.close()
    CLIENTS.clear()
    srv.stop()


CLIENTS: list[Client] = []


def user(srv: Server, usdt: str) -> Client:
    """A signed client of a new user holding ``usdt`` (closed with the venue)."""
    c = srv.client(srv.new_user({"USDT": usdt}))
    CLIENTS.append(c)
    return c


def tick(srv: Server, price: str | None = None) -> dict[str, Any]:
    index = [] if price is None else [{"category": CAT, "symbol": SYM, "price": price}]
    result: dict[str, Any] = srv.admin("POST", "/admin/v1/market-tick", {"index": index})
    return result


def ticker(c: Client) -> dict[str, Any]:
    doc: dict[str, Any] = c.get("/api/v3/market/tickers", category=CAT, symbol=SYM)[0]
    return doc


def positions(c: Client) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = c.get("/api/v3/position/current-position", category=CAT)["list"]
    return rows


def test_twenty_x_long_is_liquidated_when_the_price_drops_twelve_percent(stepped: Server) -> None:
    trader = user(stepped, "1000")
    maker = user(stepped, "10000000")
    trader.post("/api/v3/account/set-leverage", {"category": CAT, "symbol": SYM, "leverage": "20"})
    order(maker, CAT, SYM, "sell", "0.18", "100000")
    order(trader, CAT, SYM, "buy", "0.18")
    answer = tick(stepped, "100000")
    assert answer["changed"] == [{"category": CAT, "symbol": SYM, "indexPrice": "100000", "markPrice": "100000"}]
    t = ticker(trader)
    assert (t["indexPrice"], t["markPrice"], t["fundingRate"]) == ("100000", "100000", "0.0001")
    (pos,) = positions(trader)
    # liquidated below 17010.8 / 0.996 = 17079.12 USDT of notional, a mark of 94883.98
    assert (pos["markPrice"], pos["unrealisedPnl"], pos["mmr"], pos["liquidationPrice"]) == (
        "100000", "0", "0.004", "94883.9")
    acct = trader.get("/api/v3/account/assets")
    # maintenance 18000 * 0.4 % = 72, initial margin 18000 / 20 = 900, margin ratio 72 / 989.2 (4 decimals)
    assert (acct["mmr"], acct["imr"], acct["mgnRatio"], acct["effEquity"]) == ("72", "900", "0.0727", "989.2")
    order(maker, CAT, SYM, "buy", "1", "88000")
    order(maker, CAT, SYM, "sell", "1", "88010")
    tick(stepped, "88000")  # the mark: median(88000, mid 88005, last 100000) = 88005
    assert positions(trader) == []
    assert balance(trader, "USDT") == ("0", "0")
    (liq,) = [o for o in trader.get("/api/v3/trade/history-orders", category=CAT)["list"] if o["side"] == "sell"]
    assert (liq["execType"], liq["orderType"], liq["orderStatus"], liq["avgPrice"], liq["cumExecQty"]) == (
        "liquidation", "market", "filled", "88000", "0.18")
    assert liq["tradeSide"] == "burst_sell_single"  # the enum's liquidation variant (one-way mode)
    recs = trader.get("/api/v3/account/financial-records", category=CAT, coin="USDT")["list"]
    assert [(r["type"], r["amount"], r["fee"], r["balance"]) for r in recs[:2]] == [  # newest first
        ("LIQ_FUND_IN", "1180.304", "0", "0"), ("BURST_SELL_SSM", "-2160", "-9.504", "-1180.304")]
    audit = stepped.admin("GET", "/admin/v1/audit")
    assert audit["problems"] == []
    assert audit["insuranceFund"] == {"USDT": "-1180.304"}
    # nothing is open any more (the maker's short was closed by the liquidation): every USDT deposited is in a
    # balance, in the fees or in the insurance fund (negative: it paid the deficit)
    money = (Decimal(audit[k]["USDT"]) for k in ("balances", "fees", "insuranceFund"))
    assert sum(money) == Decimal(audit["deposits"]["USDT"])
    # the public risk reserve is the insurance fund, per UTC day
    now = int(stepped.admin("GET", "/admin/v1/clock")["now"])
    reserve = trader.get("/api/v3/market/risk-reserve", category=CAT, symbol=SYM)
    assert reserve == {"totalBalance": "", "coin": "USDT", "riskReserveRecords": [
        {"type": "", "amount": "-1180.304", "balance": "-1180.304", "ts": str(now - now % 86_400_000)}]}
    replayed = stepped.admin_http.get("/admin/v1/audit", params={"replay": "1"}).json()["data"]
    assert replayed["replayHash"] == replayed["stateHash"]  # the journal's market ticks replay to this state
    stepped.stop()
    stepped.start()
    after = stepped.admin("GET", "/admin/v1/audit")
    assert (after["stateHash"], after["insuranceFund"], after["problems"]) == (
        replayed["stateHash"], {"USDT": "-1180.304"}, [])


def test_funding_is_paid_and_received_at_the_interval(stepped: Server) -> None:
    long_, short = user(stepped, "100000"), user(stepped, "100000")
    order(short, CAT, SYM, "sell", "0.1", "50000")
    order(long_, CAT, SYM, "buy", "0.1")
    tick(stepped, "50000")  # opens the funding period
    (cur,) = long_.get("/api/v3/market/current-fund-rate", symbol=SYM)
    nxt = int(cur["nextUpdate"])
    before = (balance(long_, "USDT")[0], balance(short, "USDT")[0])
    now = int(stepped.admin("GET", "/admin/v1/clock")["now"])
    stepped.admin("POST", "/admin/v1/clock/advance", {"ms": nxt - now - 1})
    tick(stepped, "50000")
    assert (balance(long_, "USDT")[0], balance(short, "USDT")[0]) == before  # not yet
    stepped.admin("POST", "/admin/v1/clock/advance", {"ms": 1})
    tick(stepped, "50000")
    # 0.1 BTC at mark 50000 = 5000 USDT * 0.01 %: the long pays 0.5, the short receives it
    assert Decimal(balance(long_, "USDT")[0]) == Decimal(before[0]) - Decimal("0.5")
    assert Decimal(balance(short, "USDT")[0]) == Decimal(before[1]) + Decimal("0.5")
    for c, kind, amount in ((long_, "CONTRACT_MAIN_SETTLE_FEE_USER_OUT", "-0.5"),
                            (short, "CONTRACT_MAIN_SETTLE_FEE_USER_IN", "0.5")):
        rec = c.get("/api/v3/account/financial-records", category=CAT, type=kind)["list"]
        assert [(r["symbol"], r["amount"], r["ts"]) for r in rec] == [(SYM, amount, str(nxt))]
        assert positions(c)[0]["totalFunding"] == amount
    hist = long_.get("/api/v3/market/history-fund-rate", category=CAT, symbol=SYM)["resultList"]
    assert hist == [{"symbol": SYM, "fundingRate": "0.0001", "fundingRateTimestamp": str(nxt)}]
    (cur2,) = long_.get("/api/v3/market/current-fund-rate", symbol=SYM)
    assert int(cur2["nextUpdate"]) == nxt + H8
    assert stepped.admin("GET", "/admin/v1/audit")["problems"] == []


def test_market_tick_refusals(stepped: Server) -> None:
    for bad, code in (({"index": [{"category": CAT, "symbol": SYM, "price": "100.05"}]}, "25244"),
                      ({"index": [{"category": CAT, "symbol": "NOPE", "price": "1"}]}, "25100"),
                      ({"index": [{"category": CAT, "symbol": SYM}]}, "40034"),
                      ({"index": [{"category": CAT, "symbol": SYM, "price": "-1"}]}, "40017")):
        r = stepped.admin_http.post("/admin/v1/market-tick", json=bad)
        assert r.json()["code"] == code, (bad, r.json())
    assert tick(stepped)["changed"] == []


def test_mark_and_index_candles_come_from_the_ticks(stepped: Server) -> None:
    sym = "ETHUSDT"
    now = int(stepped.admin("GET", "/admin/v1/clock")["now"])
    stepped.admin("POST", "/admin/v1/clock/advance", {"ms": 60_000 - now % 60_000})  # at a minute's start
    first = now - now % 60_000 + 60_000
    for price in ("3000", "3020", "2995"):  # no book, no trade: the mark is the index
        stepped.admin("POST", "/admin/v1/market-tick", {"index": [{"category": CAT, "symbol": sym, "price": price}]})
        stepped.admin("POST", "/admin/v1/clock/advance", {"ms": 1000})
    stepped.admin("POST", "/admin/v1/clock/advance", {"ms": 60_000})
    stepped.admin("POST", "/admin/v1/market-tick", {"index": [{"category": CAT, "symbol": sym, "price": "3005"}]})
    for restarted in (False, True):  # the same bars after a restart (store + journal replay)
        if restarted:
            stepped.stop()
            stepped.start()
        with httpx.Client(base_url=stepped.base_url) as http:
            def rows(path: str, kind: str, **extra: str) -> list[list[str]]:
                r = http.get(f"/api/v3/market/{path}", params={"category": CAT, "symbol": sym, "interval": "1m",
                                                               "type": kind, **extra})
                out: list[list[str]] = r.json()["data"]
                return out

            for kind in ("mark", "index"):
                assert rows("candles", kind) == [[str(first), "3000", "3020", "2995", "2995", "0", "0"],
                                                 [str(first + 60_000), "3005", "3005", "3005", "3005", "0", "0"]]
                assert rows("history-candles", kind, endTime=str(first + 60_000)) == [
                    [str(first), "3000", "3020", "2995", "2995", "0", "0"]]
            assert rows("candles", "market") == []  # no trade
