"""Bad input across endpoints: always a Bitget envelope (code != "00000", a string msg) with a 4xx status, never
a 500, and nothing changes (balances, open orders, positions and settings are compared before and after)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from uta_helpers import envelope, order, raw, state

from support import Server

FUNDS = {"USDT": "1000000", "USDC": "1000000", "BTC": "100", "ETH": "1000"}
PLACE = "/api/v3/trade/place-order"
BATCH = "/api/v3/trade/place-batch"
CANCEL = "/api/v3/trade/cancel-order"
CANCEL_BATCH = "/api/v3/trade/cancel-batch"
CANCEL_SYMBOL = "/api/v3/trade/cancel-symbol-order"
COUNTDOWN = "/api/v3/trade/countdown-cancel-all"
LEVERAGE = "/api/v3/account/set-leverage"
HOLD = "/api/v3/account/set-hold-mode"
GOOD = {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001",
        "price": "10000"}
PARAM = ("40017", "40034")


def j(value: Any) -> bytes:
    return json.dumps(value).encode()


def place(**change: Any) -> bytes:
    return j({k: v for k, v in {**GOOD, **change}.items() if v is not ...})


def case(name: str, method: str, path: str, *, body: bytes = b"", query: str = "", status: int = 400,
         codes: tuple[str, ...] = PARAM, marks: Any = ()) -> Any:
    return pytest.param(method, path, query, body, status, codes, id=name, marks=marks)


POST_ENDPOINTS = (PLACE, BATCH, CANCEL, CANCEL_BATCH, CANCEL_SYMBOL, COUNTDOWN, LEVERAGE, HOLD)

CASES = [
    # invalid JSON
    *[case(f"invalid-json{path}", "POST", path, body=b'{"category": "SPOT",') for path in POST_ENDPOINTS],
    case("not-utf8", "POST", PLACE, body=b"\xff\xfe{}"),
    case("json-trailing-garbage", "POST", PLACE, body=j(GOOD) + b"x"),
    case("json-nan", "POST", PLACE, body=b'{"category":"SPOT","qty":NaN}'),
    # empty body on POST
    *[case(f"empty-body{path}", "POST", path) for path in POST_ENDPOINTS],
    # wrong types (a JSON number where a string is documented is read as its text: tests/api/test_lenient_bodies.py)
    case("qty-object", "POST", PLACE, body=place(qty={"value": "0.001"})),
    case("qty-array", "POST", PLACE, body=place(qty=["0.001"])),
    case("qty-bool", "POST", PLACE, body=place(qty=True)),
    case("qty-number-exponent-too-small", "POST", PLACE, body=place(qty=...)[:-1] + b', "qty": 1e-400}'),
    case("qty-number-too-long", "POST", PLACE, body=place(qty=...)[:-1] + b', "qty": ' + b"9" * 80 + b"}"),
    case("price-object", "POST", PLACE, body=place(price={"v": 10000})),
    case("category-number", "POST", PLACE, body=place(category=1)),
    case("side-bool", "POST", PLACE, body=place(side=True)),
    case("clientOid-object", "POST", PLACE, body=place(clientOid={"id": 123})),
    case("reduceOnly-bool", "POST", PLACE, body=place(reduceOnly=True)),
    case("symbol-null", "POST", PLACE, body=place(symbol=None)),
    case("body-array", "POST", PLACE, body=j([GOOD])),
    case("body-string", "POST", PLACE, body=b'"order"'),
    case("body-number", "POST", PLACE, body=b"42"),
    case("batch-object", "POST", BATCH, body=j(GOOD)),
    case("batch-item-number", "POST", BATCH, body=j([GOOD, 1])),
    case("batch-qty-object", "POST", BATCH, body=j([GOOD, {**GOOD, "qty": {"v": 1}}])),
    case("cancel-orderId-number-unknown", "POST", CANCEL, body=j({"orderId": 1}), codes=("25204",)),
    case("cancel-body-array", "POST", CANCEL, body=j([{"orderId": "1"}])),
    case("cancel-symbol-category-null", "POST", CANCEL_SYMBOL, body=j({"category": None})),
    case("leverage-object", "POST", LEVERAGE, body=j({"category": "USDT-FUTURES", "symbol": "BTCUSDT",
                                                      "leverage": {"x": 20}})),
    case("holdMode-null", "POST", HOLD, body=j({"holdMode": None})),
    case("countdown-array", "POST", COUNTDOWN, body=j({"countdown": [5]})),
    case("countdown-bool", "POST", COUNTDOWN, body=j({"countdown": False})),
    # missing required fields
    case("place-missing-qty", "POST", PLACE, body=place(qty=...)),
    case("place-missing-side", "POST", PLACE, body=place(side=...)),
    case("place-missing-category", "POST", PLACE, body=place(category=...)),
    case("limit-without-price", "POST", PLACE, body=place(price=...)),
    case("cancel-without-ids", "POST", CANCEL, body=j({"category": "SPOT", "symbol": "BTCUSDT"})),
    case("cancel-symbol-without-category", "POST", CANCEL_SYMBOL, body=j({"symbol": "BTCUSDT"})),
    case("leverage-without-leverage", "POST", LEVERAGE, body=j({"category": "USDT-FUTURES", "symbol": "BTCUSDT"})),
    case("hold-mode-empty-object", "POST", HOLD, body=b"{}"),
    case("countdown-empty-object", "POST", COUNTDOWN, body=b"{}"),
    # unknown fields are ignored (tests/api/test_lenient_bodies.py), the known ones still checked
    case("place-unknown-field-bad-qty", "POST", PLACE, body=place(leverage="5", qty="abc"),
         codes=(*PARAM, "25207", "25610")),
    case("batch-unknown-field-bad-item", "POST", BATCH, body=j([GOOD, {**GOOD, "foo": "bar", "qty": {"v": 1}}])),
    case("hold-mode-unknown-field-bad-mode", "POST", HOLD, body=j({"holdMode": "both", "category": "X"})),
    # unknown values
    case("side-unknown", "POST", PLACE, body=place(side="hold")),
    case("orderType-unknown", "POST", PLACE, body=place(orderType="stop")),
    case("timeInForce-unknown", "POST", PLACE, body=place(timeInForce="day")),
    case("category-unknown", "POST", PLACE, body=place(category="OPTIONS")),
    case("category-empty", "POST", PLACE, body=place(category="")),
    case("stpMode-unknown", "POST", PLACE, body=place(stpMode="cancel_all")),
    case("reduceOnly-unknown", "POST", PLACE, body=place(reduceOnly="maybe")),
    case("clientOid-bad-chars", "POST", PLACE, body=place(clientOid="has space")),
    case("clientOid-too-long", "POST", PLACE, body=place(clientOid="x" * 65)),
    case("cancel-symbol-category-unknown", "POST", CANCEL_SYMBOL, body=j({"category": "OPTIONS"})),
    case("holdMode-unknown", "POST", HOLD, body=j({"holdMode": "both"})),
    case("leverage-category-spot", "POST", LEVERAGE, body=j({"category": "SPOT", "symbol": "BTCUSDT",
                                                             "leverage": "5"})),
    case("batch-mixed-categories", "POST", BATCH, body=j([GOOD, {**GOOD, "category": "MARGIN"}])),
    case("batch-empty", "POST", BATCH, body=b"[]"),
    case("batch-21", "POST", BATCH, body=j([{**GOOD, "price": str(10000 + i)} for i in range(21)])),
    case("unfilled-category-unknown", "GET", "/api/v3/trade/unfilled-orders", query="category=OPTIONS"),
    case("history-category-unknown", "GET", "/api/v3/trade/history-orders", query="category=OPTIONS"),
    case("history-category-missing", "GET", "/api/v3/trade/history-orders"),
    case("positions-category-spot", "GET", "/api/v3/position/current-position", query="category=SPOT"),
    case("tickers-category-unknown", "GET", "/api/v3/market/tickers", query="category=OPTIONS"),
    case("instruments-category-missing", "GET", "/api/v3/market/instruments"),
    case("order-info-without-ids", "GET", "/api/v3/trade/order-info", codes=("40034",)),
    # unknown symbols
    case("place-symbol-unknown", "POST", PLACE, body=place(symbol="DOGEUSDT"), codes=("25100",)),
    case("place-symbol-lower-case", "POST", PLACE, body=place(symbol="btcusdt"), codes=("25100",)),
    case("place-symbol-of-other-category", "POST", PLACE, body=place(symbol="BTCPERP"), codes=("25100",)),
    case("cancel-symbol-symbol-unknown", "POST", CANCEL_SYMBOL, body=j({"category": "SPOT", "symbol": "DOGEUSDT"}),
         codes=("25100",)),
    case("leverage-symbol-unknown", "POST", LEVERAGE, body=j({"category": "USDT-FUTURES", "symbol": "DOGEUSDT",
                                                              "leverage": "5"}), codes=("25100",)),
    case("tickers-symbol-unknown", "GET", "/api/v3/market/tickers", query="category=SPOT&symbol=DOGEUSDT",
         codes=("25100",)),
    case("orderbook-symbol-unknown", "GET", "/api/v3/market/orderbook", query="category=SPOT&symbol=DOGEUSDT",
         codes=("25100",)),
    case("fills-public-symbol-unknown", "GET", "/api/v3/market/fills", query="category=SPOT&symbol=DOGEUSDT",
         codes=("25100",)),
    case("fee-rate-symbol-unknown", "GET", "/api/v3/account/fee-rate", query="category=SPOT&symbol=DOGEUSDT",
         codes=("25100",)),
    # numbers: negative, zero, exponent, garbage
    *[case(f"qty-{name}", "POST", PLACE, body=place(qty=v), codes=(*PARAM, "25207", "25610"))
      for name, v in (("negative", "-0.001"), ("zero", "0"), ("exponent", "1e-3"), ("garbage", "abc"),
                      ("empty", ""), ("space", " 0.001"), ("comma", "0,001"), ("fullwidth", "\uff11"),
                      ("superscript", "\u00b2"), ("plus", "+0.001"), ("hex", "0x1"), ("inf", "Infinity"),
                      ("two-dots", "0.0.1"), ("too-precise", "0.0000001"))],
    *[case(f"price-{name}", "POST", PLACE, body=place(price=v), codes=(*PARAM, "25244"))
      for name, v in (("negative", "-10000"), ("zero", "0"), ("exponent", "1e4"), ("garbage", "cheap"),
                      ("empty-string", " "), ("nan", "NaN"), ("fullwidth", "\uff11\uff10"),
                      ("too-precise", "10000.001"), ("superscript", "\u00b2"), ("long", "1" * 70))],
    case("spot-market-buy-amount-zero", "POST", PLACE, body=place(orderType="market", price=..., qty="0"),
         codes=(*PARAM, "25611")),
    # huge numbers
    case("qty-huge", "POST", PLACE, body=place(qty="1" + "0" * 30), codes=(*PARAM, "25208")),
    case("qty-very-long", "POST", PLACE, body=place(qty="9" * 80), codes=PARAM),
    case("price-huge-buy", "POST", PLACE, body=place(price="1" + "0" * 40), codes=(*PARAM, "25202", "25206")),
    case("futures-qty-huge", "POST", PLACE, body=place(category="USDT-FUTURES", qty="9" * 30),
         codes=(*PARAM, "25208")),
    case("futures-notional-beyond-margin", "POST", PLACE, body=place(category="USDT-FUTURES", qty="100000",
                                                                     price="100000"), codes=("25203",)),
    case("leverage-huge", "POST", LEVERAGE, body=j({"category": "USDT-FUTURES", "symbol": "BTCUSDT",
                                                    "leverage": "9" * 30})),
    case("leverage-superscript", "POST", LEVERAGE, body=j({"category": "USDT-FUTURES", "symbol": "BTCUSDT",
                                                           "leverage": "\u00b2"})),
    case("countdown-huge", "POST", COUNTDOWN, body=j({"countdown": "9" * 30})),
    case("countdown-superscript", "POST", COUNTDOWN, body=j({"countdown": "\u00b2"})),
    case("limit-huge", "GET", "/api/v3/trade/unfilled-orders", query="category=SPOT&limit=" + "9" * 30),
    case("limit-garbage", "GET", "/api/v3/trade/history-orders", query="category=SPOT&limit=many"),
    case("limit-superscript", "GET", "/api/v3/market/orderbook", query="category=SPOT&symbol=BTCUSDT&limit=%C2%B2"),
    case("orderbook-limit-201", "GET", "/api/v3/market/orderbook", query="category=SPOT&symbol=BTCUSDT&limit=201"),
    case("public-fills-limit-101", "GET", "/api/v3/market/fills", query="category=SPOT&symbol=BTCUSDT&limit=101"),
    case("startTime-huge", "GET", "/api/v3/trade/history-orders", query="category=SPOT&startTime=" + "9" * 30),
    case("startTime-after-endTime", "GET", "/api/v3/trade/fills",
         query="startTime=1700000000002&endTime=1700000000001"),
    case("history-range-over-30-days", "GET", "/api/v3/trade/history-orders",
         query=f"category=SPOT&startTime={1_700_000_000_000}&endTime={1_700_000_000_000 + 31 * 86_400_000}"),
    case("history-cursor-garbage", "GET", "/api/v3/trade/history-orders", query="category=SPOT&cursor=next"),
    case("history-cursor-huge", "GET", "/api/v3/trade/history-orders", query="category=SPOT&cursor=" + "9" * 25),
    case("history-cursor-superscript", "GET", "/api/v3/trade/history-orders", query="category=SPOT&cursor=%C2%B2"),
    case("fills-cursor-huge", "GET", "/api/v3/trade/fills", query="cursor=9999999999999999999"),
    case("fills-orderId-superscript", "GET", "/api/v3/trade/fills", query="orderId=%C2%B2"),
    case("unfilled-cursor-superscript", "GET", "/api/v3/trade/unfilled-orders", query="cursor=%C2%B2"),
    case("order-info-orderId-huge", "GET", "/api/v3/trade/order-info", query="orderId=9999999999999999999",
         codes=("25204",)),
    case("order-info-orderId-superscript", "GET", "/api/v3/trade/order-info", query="orderId=%C2%B2",
         codes=("25204",)),
    case("order-info-orderId-very-long", "GET", "/api/v3/trade/order-info", query="orderId=" + "1" * 5000,
         codes=("25204",)),
    case("cancel-orderId-huge", "POST", CANCEL, body=j({"orderId": "9" * 40}), codes=("25204",)),
    case("cancel-orderId-superscript", "POST", CANCEL, body=j({"orderId": "\u00b2"}), codes=("25204",)),
    # oversized bodies (> 64 KiB)
    case("oversized-place", "POST", PLACE, body=j({**GOOD, "clientOid": "x" * 70_000})),
    case("oversized-whitespace", "POST", PLACE, body=j(GOOD) + b" " * 70_000),
    case("oversized-batch", "POST", BATCH, body=j([GOOD] * 20 + [{"pad": "x" * 70_000}])),
    case("oversized-cancel-batch", "POST", CANCEL_BATCH, body=b"[" + b" " * 70_000 + b"]"),
    # unknown paths and methods
    case("unknown-path", "GET", "/api/v3/trade/nope", status=404, codes=("40404",)),
    case("unknown-path-post", "POST", "/api/v3/trade/place-orders", body=j(GOOD), status=404, codes=("40404",)),
    case("unknown-version", "GET", "/api/v4/market/tickers", query="category=SPOT", status=404, codes=("40404",)),
    case("trailing-slash", "POST", PLACE + "/", body=j(GOOD), status=404, codes=("40404",)),
    case("get-on-post-route", "GET", PLACE, status=404, codes=("40404",)),
    case("post-on-get-route", "POST", "/api/v3/account/assets", body=b"{}", status=404, codes=("40404",)),
    case("delete", "DELETE", CANCEL, status=404, codes=("40404",)),
    case("api-root", "GET", "/api", status=404, codes=("40404",)),  # "/" is the web console
]


@pytest.fixture(scope="module")
def trader(venue: Server) -> Iterator[dict[str, str]]:
    """A user with open orders in several categories and a non-default leverage."""
    creds = venue.new_user(FUNDS)
    with venue.client(creds) as c:
        order(c, "SPOT", "BTCUSDT", "buy", "0.01", "10000", clientOid="keep-1")
        order(c, "MARGIN", "ETHUSDT", "sell", "0.1", "9000")
        order(c, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "10000")
        order(c, "COIN-FUTURES", "BTCUSD", "sell", "0.01", "90000")
        c.post(LEVERAGE, {"category": "USDC-FUTURES", "symbol": "BTCPERP", "leverage": "7"})
    yield creds


@pytest.mark.parametrize(("method", "path", "query", "body", "status", "codes"), CASES)
def test_bad_input_is_refused_and_changes_nothing(venue: Server, trader: dict[str, str], method: str, path: str,
                                                  query: str, body: bytes, status: int, codes: tuple[str, ...]) -> None:
    with venue.client(trader) as c:
        before = state(c)
        resp = raw(venue, method, path, creds=trader, query=query, body=body)
        assert resp.status_code != 500
        assert resp.headers["content-type"] == "application/json"
        env = envelope(resp)
        assert 400 <= resp.status_code < 500 and env["code"] != "00000" and env["msg"], (resp.status_code, env)
        assert env["data"] is None
        assert (resp.status_code, env["code"]) in {(status, code) for code in codes}, (resp.status_code, env)
        assert state(c) == before


def test_unsigned_bad_input_is_an_auth_error_first(venue: Server) -> None:
    for path in POST_ENDPOINTS:
        resp = raw(venue, "POST", path, body=b"{broken")
        env = envelope(resp)
        assert (resp.status_code, env["code"]) == (400, "40001"), path
