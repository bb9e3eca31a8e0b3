"""Financial records, positions history and ADL rank over real HTTP (the ``adl-notification`` channel is in
tests/ws/test_ws_adl.py): each answer has the keys and JSON types of its page's example and the values the trades
imply, worked out by hand.

Amounts by hand: SPOT BTCUSDT fees 0.1 %; USDT-FUTURES BTCUSDT maker 0.02 %, taker 0.06 %. A buys 0.01 BTC
@ 50000 on SPOT (pays 500 USDT, receives 0.01 BTC less a 0.00001 fee), then opens a 0.01 long @ 50000 as
taker (fee 0.3) and closes it @ 51000 as taker (PnL +10, fee 0.306).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from uta_helpers import envelope, failure, order, raw

from support import Server, start_server
from utaex.client import Client

FUNDS = {"USDT": "100000", "BTC": "1"}
SPOT, FUT = "SPOT", "USDT-FUTURES"
RECORDS, HISTORY, ADL = ("/api/v3/account/financial-records", "/api/v3/position/history-position",
                         "/api/v3/position/adlRank")

# the "data" of each page's response example (reference/bitget-uta/), for keys and JSON types
RECORD_EXAMPLE = {"list": [{"category": "Margin", "id": "13111111111111111", "symbol": "BTCUSDT", "coin": "BTC",
                            "type": "ORDER_DEALT_IN", "amount": "0.00531168", "fee": "-0.00000531",
                            "balance": "55.10017801", "ts": "1745853486185"}], "cursor": "122222222222222222"}
HISTORY_EXAMPLE = {"list": [{
    "positionId": "1111111111111111111", "category": "USDT-FUTURES", "symbol": "EOSUSDT", "marginCoin": "USDT",
    "holdMode": "one_way_mode", "posSide": "long", "marginMode": "crossed", "openPriceAvg": "1960.001",
    "closePriceAvg": "1959.999", "openTotalPos": "58", "closeTotalPos": "58", "cumRealisedPnl": "-0.116",
    "netProfit": "-45.588", "totalFunding": "0", "openFeeTotal": "-22.7360116", "closeFeeTotal": "-22.7359884",
    "createdTime": "1729928018076", "updatedTime": "1729929656321"}], "cursor": "1111111111111111111"}
ADL_EXAMPLE = [{"symbol": "MOVEUSDT", "marginCoin": "USDT", "adlRank": "0.4872", "holdSide": "long"}]
FUNDING_ASSETS_EXAMPLE = [{"coin": "USDT", "balance": "100", "available": "100", "frozen": "0"}]
MAX_OPEN_EXAMPLE = {"available": "1000", "maxOpen": "10", "buyOpenCost": "10", "sellOpenCost": "10",
                    "maxBuyOpen": "1", "maxSellOpen": "1"}
CLOSE_EXAMPLE = {"list": [{"orderId": "1322441400976261120", "clientOid": "1322441400976261121"}]}


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


def data(srv: Server, creds: dict[str, str], method: str, path: str, query: str = "", body: Any = None) -> Any:
    """The exact JSON ``data`` of one signed request (no SDK decoding in between)."""
    r = raw(srv, method, path, creds=creds, query=query, body=json.dumps(body) if body is not None else b"")
    env = envelope(r)
    assert r.status_code == 200 and env["code"] == "00000", env
    return env["data"]


class Pair:
    """A (under test) and B (the other side), funded alike, on one venue of their own."""

    def __init__(self, srv: Server) -> None:
        self.srv = srv
        self.creds_a, self.creds_b = srv.new_user(FUNDS), srv.new_user(FUNDS)
        self.a, self.b = srv.client(self.creds_a), srv.client(self.creds_b)

    def records(self, query: str) -> Any:
        return data(self.srv, self.creds_a, "GET", RECORDS, query)

    def round_trip(self) -> None:
        """A: a SPOT buy, then a futures long opened and closed (all as taker against B)."""
        order(self.b, SPOT, "BTCUSDT", "sell", "0.01", "50000")
        order(self.a, SPOT, "BTCUSDT", "buy", "0.01", "50000")
        order(self.b, FUT, "BTCUSDT", "sell", "0.01", "50000")
        order(self.a, FUT, "BTCUSDT", "buy", "0.01", "50000")
        order(self.b, FUT, "BTCUSDT", "buy", "0.01", "51000")
        order(self.a, FUT, "BTCUSDT", "sell", "0.01", "51000")


@pytest.fixture
def pair(fresh: Server) -> Iterator[Pair]:
    p = Pair(fresh)
    yield p
    p.a.close()
    p.b.close()


def test_financial_records_of_deposits_spot_and_futures(pair: Pair) -> None:
    pair.round_trip()
    deposits = pair.records("category=OTHER")
    same_shape(deposits, RECORD_EXAMPLE)
    assert [(r["category"], r["coin"], r["type"], r["amount"], r["fee"], r["balance"], r["symbol"])
            for r in deposits["list"]] == [("OTHER", "BTC", "TRANSFER_IN", "1", "0", "1", ""),
                                           ("OTHER", "USDT", "TRANSFER_IN", "100000", "0", "100000", "")]
    spot = pair.records("category=SPOT")
    same_shape(spot, RECORD_EXAMPLE)
    assert [(r["coin"], r["type"], r["amount"], r["fee"], r["balance"], r["symbol"]) for r in spot["list"]] == [
        ("BTC", "ORDER_DEALT_IN", "0.01", "-0.00001", "1.00999", "BTCUSDT"),
        ("USDT", "ORDER_DEALT_FROZEN_OUT", "-500", "0", "99500", "BTCUSDT")]
    fut = pair.records("category=usdt-futures&coin=USDT")
    same_shape(fut, RECORD_EXAMPLE)
    assert [(r["type"], r["amount"], r["fee"], r["balance"]) for r in fut["list"]] == [
        ("SELL_DEAL", "10", "-0.306", "99509.394"), ("BUY_DEAL", "0", "-0.3", "99499.7")]
    # newest first, ids growing with time, every timestamp a millisecond string
    every = [*fut["list"], *spot["list"], *deposits["list"]]
    assert all(int(r["id"]) > 0 and r["ts"].isdigit() for r in every)
    assert [int(r["id"]) for r in fut["list"]] == sorted((int(r["id"]) for r in fut["list"]), reverse=True)
    # per coin, the records add up to the balance the account shows
    for coin in ("USDT", "BTC"):
        total = sum(Decimal(r["amount"]) + Decimal(r["fee"]) for r in every if r["coin"] == coin)
        asset = next(a for a in data(pair.srv, pair.creds_a, "GET", "/api/v3/account/assets")["assets"]
                     if a["coin"] == coin)
        assert total == Decimal(asset["balance"]), coin
    # B's records are B's: A never sees them, and B's maker fills show B's side
    b = data(pair.srv, pair.creds_b, "GET", RECORDS, "category=USDT-FUTURES")
    assert [(r["type"], r["amount"], r["fee"]) for r in b["list"]] == [("BUY_DEAL", "-10", "-0.102"),
                                                                        ("SELL_DEAL", "0", "-0.1")]
    assert not {r["id"] for r in b["list"]} & {r["id"] for r in fut["list"]}


def test_financial_records_filters_paging_and_refusals(pair: Pair) -> None:
    pair.round_trip()
    assert [r["type"] for r in pair.records("category=SPOT&type=ORDER_DEALT_IN")["list"]] == ["ORDER_DEALT_IN"]
    assert pair.records("category=SPOT&coin=ETH") == {"list": [], "cursor": ""}
    assert pair.records("category=MARGIN") == {"list": [], "cursor": ""}
    assert [r["coin"] for r in pair.records("category=OTHER&coin=usdt")["list"]] == ["USDT"]
    first = pair.records("category=OTHER&limit=1")
    assert [r["coin"] for r in first["list"]] == ["BTC"] and first["cursor"] == first["list"][0]["id"]
    second = pair.records(f"category=OTHER&limit=1&cursor={first['cursor']}")
    assert [r["coin"] for r in second["list"]] == ["USDT"] and second["cursor"] == ""
    ts = int(second["list"][0]["ts"])
    assert pair.records(f"category=OTHER&startTime={ts - 60_000}&endTime={ts - 1}")["list"] == []
    assert len(pair.records(f"category=OTHER&startTime={ts}")["list"]) == 2
    for query, code in (("", "40034"), ("category=FUTURES", "40017"), ("category=SPOT&coin=NOPE", "25201"),
                        ("category=SPOT&cursor=x", "40017"), ("category=SPOT&limit=101", "40017")):
        r = raw(pair.srv, "GET", RECORDS, creds=pair.creds_a, query=query)
        failure(r, 400, code)


def test_positions_history_after_a_long_is_opened_and_closed(pair: Pair) -> None:
    pair.round_trip()
    hist = data(pair.srv, pair.creds_a, "GET", HISTORY, "category=USDT-FUTURES")
    same_shape(hist, HISTORY_EXAMPLE)
    [closed] = hist["list"]
    assert {k: v for k, v in closed.items() if k not in ("positionId", "createdTime", "updatedTime")} == {
        "category": FUT, "symbol": "BTCUSDT", "marginCoin": "USDT", "holdMode": "one_way_mode", "posSide": "long",
        "marginMode": "crossed", "openPriceAvg": "50000", "closePriceAvg": "51000", "openTotalPos": "0.01",
        "closeTotalPos": "0.01", "cumRealisedPnl": "10", "netProfit": "9.394", "totalFunding": "0",
        "openFeeTotal": "-0.3", "closeFeeTotal": "-0.306"}
    assert int(closed["createdTime"]) <= int(closed["updatedTime"])
    assert hist["cursor"] == ""
    # B held the short side: its own closed short, with its maker fees
    [short] = data(pair.srv, pair.creds_b, "GET", HISTORY, "category=USDT-FUTURES&symbol=BTCUSDT")["list"]
    assert (short["posSide"], short["cumRealisedPnl"], short["netProfit"]) == ("short", "-10", "-10.202")
    assert short["positionId"] != closed["positionId"]
    # an open position is not history; a second lifetime on the same key is a second row
    order(pair.b, FUT, "BTCUSDT", "sell", "0.02", "51000")
    order(pair.a, FUT, "BTCUSDT", "buy", "0.02", "51000")
    assert len(data(pair.srv, pair.creds_a, "GET", HISTORY, "category=USDT-FUTURES")["list"]) == 1
    order(pair.b, FUT, "BTCUSDT", "buy", "0.02", "51000")
    order(pair.a, FUT, "BTCUSDT", "sell", "0.02", "51000")
    both = data(pair.srv, pair.creds_a, "GET", HISTORY, "category=USDT-FUTURES")["list"]
    assert [(p["openTotalPos"], p["cumRealisedPnl"]) for p in both] == [("0.02", "0"), ("0.01", "10")]
    assert data(pair.srv, pair.creds_a, "GET", HISTORY, "category=USDT-FUTURES&symbol=ETHUSDT")["list"] == []
    assert data(pair.srv, pair.creds_a, "GET", HISTORY, "category=COIN-FUTURES")["list"] == []
    for query, code in (("", "40034"), ("category=SPOT", "40017"), ("category=USDT-FUTURES&cursor=-1", "40017")):
        failure(raw(pair.srv, "GET", HISTORY, creds=pair.creds_a, query=query), 400, code)


def test_stop_loss_close_shows_in_history_and_records(pair: Pair) -> None:
    """A preset stop-loss fires on a crossing trade: the position it closes is history at once."""
    order(pair.b, FUT, "BTCUSDT", "sell", "0.01", "50000")
    order(pair.a, FUT, "BTCUSDT", "buy", "0.01", "50000", stopLoss="45000", slOrderType="market")
    c = pair.srv.client(pair.srv.new_user(FUNDS))
    order(pair.b, FUT, "BTCUSDT", "buy", "0.02", "44000")  # the bid the stop's market order will meet
    order(c, FUT, "BTCUSDT", "sell", "0.01", "44000")  # the crossing trade
    c.close()
    [closed] = data(pair.srv, pair.creds_a, "GET", HISTORY, "category=USDT-FUTURES")["list"]
    assert (closed["closePriceAvg"], closed["cumRealisedPnl"]) == ("44000", "-60")
    [sell, _buy] = pair.records("category=USDT-FUTURES")["list"]
    assert (sell["type"], sell["amount"], sell["fee"]) == ("SELL_DEAL", "-60", "-0.264")


def test_adl_rank_orders_positions_by_pnl_and_leverage(fresh: Server) -> None:
    srv = fresh
    users = [srv.new_user(FUNDS) for _ in range(4)]
    a, b, c, d = (srv.client(u) for u in users)
    try:
        assert data(srv, users[0], "GET", ADL) == []  # no position, no rank
        c.set_leverage(FUT, "20", "BTCUSDT")
        order(d, FUT, "BTCUSDT", "sell", "0.01", "50000")
        order(a, FUT, "BTCUSDT", "buy", "0.01", "50000")  # A long @ 50000, leverage 10
        order(d, FUT, "BTCUSDT", "sell", "0.01", "52000")
        order(b, FUT, "BTCUSDT", "buy", "0.01", "52000")  # B long @ 52000, leverage 10
        order(d, FUT, "BTCUSDT", "sell", "0.01", "50000")
        order(c, FUT, "BTCUSDT", "buy", "0.01", "50000")  # C long @ 50000, leverage 20; last price 50000
        ranks = {u["apiKey"]: data(srv, u, "GET", ADL) for u in users}
        for doc in ranks.values():
            same_shape(doc, ADL_EXAMPLE)
        # at 50000: A and C break even, B loses; among the longs B is last, A and C share the front
        assert ranks[users[0]["apiKey"]] == [{"symbol": "BTCUSDT", "marginCoin": "USDT", "adlRank": "1",
                                              "holdSide": "long"}]
        assert ranks[users[1]["apiKey"]][0]["adlRank"] == "0.3333"
        assert ranks[users[2]["apiKey"]][0]["adlRank"] == "1"
        assert ranks[users[3]["apiKey"]] == [{"symbol": "BTCUSDT", "marginCoin": "USDT", "adlRank": "1",
                                              "holdSide": "short"}]  # alone on its side
        order(d, FUT, "BTCUSDT", "sell", "0.01", "55000")
        order(b, FUT, "BTCUSDT", "buy", "0.01", "55000")  # last price 55000: every long gains
        ranks = {u["apiKey"]: data(srv, u, "GET", ADL)[0]["adlRank"] for u in users[:3]}
        # A: +10 % at leverage 10 beats B (two lots averaging 53500: +2.8 %), C at leverage 20 is first
        assert [ranks[u["apiKey"]] for u in users[:3]] == ["0.6666", "0.3333", "1"]
    finally:
        for cl in (a, b, c, d):
            cl.close()


def test_funding_assets_max_open_and_close_positions_shapes(pair: Pair) -> None:
    srv, creds = pair.srv, pair.creds_a
    assets = data(srv, creds, "GET", "/api/v3/account/funding-assets")
    assert assets == []  # deposits go to the unified account (docs/decisions.md): nothing to show
    failure(raw(srv, "GET", "/api/v3/account/funding-assets", creds=creds, query="coin=NOPE"), 400, "25201")
    body = {"category": FUT, "symbol": "BTCUSDT", "orderType": "limit", "side": "buy", "price": "50000",
            "size": "0.01"}
    answers = [data(srv, creds, "POST", path, body=body)
               for path in ("/api/v3/account/max-open-available", "/api/v3/trade/max-open-available")]
    assert answers[0] == answers[1]  # both paths the page shows, one answer
    same_shape(answers[0], MAX_OPEN_EXAMPLE)
    # 100000 USDT at leverage 10 and 50000: 0.01 costs 50 margin and a 0.3 taker fee; at most ~19.88 BTC
    assert answers[0]["available"] == "100000" and answers[0]["buyOpenCost"] == "50.3"
    assert Decimal("19.8") < Decimal(answers[0]["maxBuyOpen"]) <= Decimal("100000") / Decimal("5030")
    order(pair.b, FUT, "BTCUSDT", "sell", "0.01", "50000")
    order(pair.a, FUT, "BTCUSDT", "buy", "0.01", "50000")
    order(pair.b, FUT, "BTCUSDT", "buy", "0.01", "49000")
    closed = data(srv, creds, "POST", "/api/v3/trade/close-positions", body={"category": FUT})
    same_shape(closed, CLOSE_EXAMPLE)
    assert data(srv, creds, "GET", "/api/v3/position/current-position", "category=USDT-FUTURES")["list"] == []
    [hist] = data(srv, creds, "GET", HISTORY, "category=USDT-FUTURES")["list"]
    assert (hist["closePriceAvg"], hist["cumRealisedPnl"]) == ("49000", "-10")


def test_sdk_reads_the_same(pair: Pair) -> None:
    pair.round_trip()
    a: Client = pair.a
    page = a.financial_records("SPOT", coin="BTC")
    assert [(r.type, r.amount, r.fee) for r in page.list] == [("ORDER_DEALT_IN", "0.01", "-0.00001")]
    [closed] = a.history_positions("USDT-FUTURES").list
    assert (closed.posSide, closed.netProfit) == ("long", "9.394")
    assert a.adl_rank() == []


def test_positions_history_carries_the_funding_paid_while_open(tmp_path_factory: pytest.TempPathFactory) -> None:
    """On a stepped clock: a long and a short of 0.1 BTC @ 50000 over one funding time (rate 0.01 % at mark
    50000: the long pays 0.5), then closed @ 50000: the long's history shows totalFunding -0.5 and a net
    profit of -0.5 less its fees (3 + 3 taker), the short's +0.5 less its maker fees (1 + 1)."""
    srv = start_server(tmp_path_factory.mktemp("funding-history"), "--no-rate-limit", "--market", "off")
    try:
        srv.admin("POST", "/admin/v1/clock", {"mode": "step"})
        long_creds, short_creds = srv.new_user({"USDT": "100000"}), srv.new_user({"USDT": "100000"})
        with srv.client(long_creds) as long_, srv.client(short_creds) as short:
            order(short, FUT, "BTCUSDT", "sell", "0.1", "50000")
            order(long_, FUT, "BTCUSDT", "buy", "0.1")

            def tick() -> None:
                srv.admin("POST", "/admin/v1/market-tick",
                          {"index": [{"category": FUT, "symbol": "BTCUSDT", "price": "50000"}]})

            tick()  # opens the funding period
            (cur,) = long_.get("/api/v3/market/current-fund-rate", symbol="BTCUSDT")
            now = int(srv.admin("GET", "/admin/v1/clock")["now"])
            srv.admin("POST", "/admin/v1/clock/advance", {"ms": int(cur["nextUpdate"]) - now})
            tick()  # settles
            order(short, FUT, "BTCUSDT", "buy", "0.1", "50000")
            order(long_, FUT, "BTCUSDT", "sell", "0.1")
        [lh] = data(srv, long_creds, "GET", HISTORY, "category=USDT-FUTURES")["list"]
        [sh] = data(srv, short_creds, "GET", HISTORY, "category=USDT-FUTURES")["list"]
        assert (lh["totalFunding"], lh["cumRealisedPnl"], lh["openFeeTotal"], lh["closeFeeTotal"], lh["netProfit"]) == (
            "-0.5", "0", "-3", "-3", "-6.5")
        assert (sh["totalFunding"], sh["netProfit"]) == ("0.5", "-1.5")
    finally:
        srv.stop()
