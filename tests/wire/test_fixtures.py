"""Recorded Bitget UTA responses (ccxt's static fixtures) against what utaex answers for the same request.

The recordings are vendored in ``tests/data/bitget-uta-responses.json`` (see tests/data/README.md). For every
recorded ``/api/v3`` response of an endpoint utaex serves, the same kind of request is sent to a real utaex server
in a comparable state, and every field name of the recording must be present in our answer with the same JSON type
(string / number / bool / null / list / dict), recursively. Our extra fields are allowed and collected by
``shape_report()``.

Known, intended difference: ``requestTime`` is a JSON number in our envelope (current Bitget responses send a
number); most recordings have a string.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from support import Server, start_server
from utaex.wire.signing import sign_headers

FIXTURES = Path(__file__).parents[1] / "data/bitget-uta-responses.json"
METHODS = {"fetchTicker", "fetchOrderBook", "fetchBalance", "fetchOpenOrders", "fetchOrder", "fetchClosedOrders",
           "fetchCanceledOrders", "fetchMyTrades", "fetchPositions", "createOrder", "createOrders", "cancelOrder",
           "cancelOrders", "cancelAllOrders", "fetchTrades", "setLeverage", "setPositionMode", "editOrder"}
KNOWN_DIFFERENCES = {("requestTime", "string", "number")}
# an order placed with a preset TP/SL shows its legs as strings (the recordings have none: null there)
TPSL_FIELDS = ("tpTriggerBy", "slTriggerBy", "takeProfit", "stopLoss", "tpOrderType", "slOrderType", "tpLimitPrice",
               "slLimitPrice")
FUNDS = {"USDT": "1000000", "USDC": "1000000", "BTC": "100", "ETH": "1000"}


def recorded_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(FIXTURES.read_text())
    return cases


def case_params() -> list[Any]:
    return [pytest.param(c, id=f"{c['method']}: {c['description']}") for c in recorded_cases()]


# ---- JSON shape comparison ---------------------------------------------------------------------------------
def jtype(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "dict"


@dataclass
class Diff:
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    mismatched: list[tuple[str, str, str]] = field(default_factory=list)


def compare(rec: Any, ours: Any, path: str, diff: Diff) -> None:
    if jtype(rec) != jtype(ours):
        diff.mismatched.append((path, jtype(rec), jtype(ours)))
        return
    if isinstance(rec, dict):
        for key, value in rec.items():
            if key not in ours:
                diff.missing.append(f"{path}.{key}")
            else:
                compare(value, ours[key], f"{path}.{key}", diff)
        diff.extra.extend(f"{path}.{key}" for key in ours if key not in rec)
    elif isinstance(rec, list):
        if rec and not ours:
            diff.mismatched.append((f"{path}[]", "non-empty list", "empty list"))
        for item in rec:  # compare with our item of the same type that shares the most keys
            candidates = [o for o in ours if jtype(o) == jtype(item)] or ours
            if candidates:
                best = max(candidates, key=lambda o: len(set(o) & set(item)) if isinstance(o, dict) and
                           isinstance(item, dict) else 0)
                compare(item, best, f"{path}[]", diff)


# ---- a venue in a comparable state -------------------------------------------------------------------------
class World:
    def __init__(self, srv: Server) -> None:
        self.srv = srv
        self.http = httpx.Client(base_url=srv.base_url, timeout=10)
        self.me = srv.new_user(FUNDS)
        self.other = srv.new_user(FUNDS)

    def call(self, method: str, path: str, params: dict[str, str] | None = None, body: Any = None,
             who: dict[str, str] | None = None) -> dict[str, Any]:
        creds = who or self.me
        query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
        raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = sign_headers(creds["apiKey"], creds["secretKey"], creds["passphrase"], method, path, query, raw)
        resp = self.http.request(method, path + ("?" + query if query else ""), headers=headers,
                                 content=raw or None)
        env: dict[str, Any] = resp.json()
        assert (resp.status_code, env["code"]) == (200, "00000"), (path, params, body, env)
        return env

    def place(self, body: dict[str, str], who: dict[str, str] | None = None) -> dict[str, str]:
        data: dict[str, str] = self.call("POST", "/api/v3/trade/place-order", body=body, who=who)["data"]
        return data

    def limit(self, category: str, side: str, qty: str, price: str, who: dict[str, str] | None = None,
              **extra: str) -> dict[str, str]:
        return self.place({"category": category, "symbol": "BTCUSDT", "orderType": "limit", "qty": qty,
                           "price": price, "timeInForce": "gtc", "side": side, **extra}, who)

    def setup_market(self) -> None:
        """Trades and resting orders on both sides in SPOT and USDT-FUTURES; the user holds a long position."""
        for cat in ("SPOT", "USDT-FUTURES"):
            self.limit(cat, "sell", "0.01", "60000", who=self.other)
            self.limit(cat, "buy", "0.004", "60000")  # taker: a trade, the ask keeps 0.006
            self.limit(cat, "buy", "0.002", "59000", who=self.other)  # a bid
        self.place({"category": "USDT-FUTURES", "symbol": "BTCUSDT", "qty": "0.002", "side": "buy",
                    "orderType": "market", "timeInForce": "gtc"})
        cancelled = self.limit("USDT-FUTURES", "buy", "0.001", "50000")
        self.call("POST", "/api/v3/trade/cancel-order", body={"symbol": "BTCUSDT", "orderId": cancelled["orderId"]})

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    srv = start_server(tmp_path_factory.mktemp("wire-venue"), "--no-rate-limit")
    w = World(srv)
    try:
        w.setup_market()
        yield w
    finally:
        w.close()
        srv.stop()


def _open_then(category: str, query: Callable[[World, dict[str, str]], dict[str, Any]]) -> Callable[
        [World], dict[str, Any]]:
    def probe(w: World) -> dict[str, Any]:
        placed = w.limit(category, "buy", "0.001", "50000")
        try:
            return query(w, placed)
        finally:
            w.call("POST", "/api/v3/trade/cancel-symbol-order", body={"symbol": "BTCUSDT", "category": category})
    return probe


def _create(category: str, price: str = "50000", **extra: str) -> Callable[[World], dict[str, Any]]:
    def probe(w: World) -> dict[str, Any]:
        env = w.call("POST", "/api/v3/trade/place-order", body={
            "category": category, "symbol": "BTCUSDT", "orderType": "limit", "qty": "0.001", "price": price,
            "timeInForce": "gtc", "side": "buy", **extra})
        w.call("POST", "/api/v3/trade/cancel-symbol-order", body={"symbol": "BTCUSDT", "category": category})
        return env
    return probe


def _market_with_stop_loss(w: World) -> dict[str, Any]:
    return w.call("POST", "/api/v3/trade/place-order", body={
        "category": "USDT-FUTURES", "symbol": "BTCUSDT", "qty": "0.001", "side": "buy", "stopLoss": "55000",
        "slOrderType": "market", "orderType": "market", "timeInForce": "gtc"})


def _cancel_by_client_oid(w: World) -> dict[str, Any]:
    w.limit("USDT-FUTURES", "buy", "0.001", "50000", clientOid="123abc")
    return w.call("POST", "/api/v3/trade/cancel-order", body={"symbol": "BTCUSDT", "clientOid": "123abc"})


def _create_orders(w: World) -> dict[str, Any]:
    env = w.call("POST", "/api/v3/trade/place-batch", body=[
        {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "orderType": "limit", "qty": "0.001", "price": price,
         "timeInForce": "gtc", "side": "buy", "posSide": "long"} for price in ("50000", "50100")])
    w.call("POST", "/api/v3/trade/cancel-symbol-order", body={"symbol": "BTCUSDT", "category": "USDT-FUTURES"})
    return env


def _cancel_orders(w: World) -> dict[str, Any]:
    placed = [w.limit("USDT-FUTURES", "buy", "0.001", price) for price in ("50000", "50100")]
    return w.call("POST", "/api/v3/trade/cancel-batch", body=[
        {"orderId": p["orderId"], "symbol": "BTCUSDT", "category": "USDT-FUTURES"} for p in placed])


STRATEGY = {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "qty": "0.001", "side": "sell", "slTriggerBy": "mark",
            "stopLoss": "55000", "slLimitPrice": "54000", "slOrderType": "limit", "posSide": "long"}


def _with_strategy(query: Callable[[World, str], dict[str, Any]], cancel: bool = True) -> Callable[
        [World], dict[str, Any]]:
    """A stop-loss on the user's long (as ccxt's createOrder with stopLossPrice sends it), queried, then cancelled."""
    def probe(w: World) -> dict[str, Any]:
        sid = w.call("POST", "/api/v3/trade/place-strategy-order", body=STRATEGY)["data"]["orderId"]
        try:
            return query(w, sid)
        finally:
            if cancel:
                w.call("POST", "/api/v3/trade/cancel-strategy-order", body={"symbol": "BTCUSDT", "orderId": sid})
    return probe


def _place_strategy(w: World) -> dict[str, Any]:
    env = w.call("POST", "/api/v3/trade/place-strategy-order", body=STRATEGY)
    w.call("POST", "/api/v3/trade/cancel-strategy-order", body={"orderId": env["data"]["orderId"]})
    return env


def _cancelled_strategies(w: World) -> dict[str, Any]:
    for _ in range(2):
        _place_strategy(w)
    return w.call("GET", "/api/v3/trade/history-strategy-orders", {"category": "USDT-FUTURES"})


def _get(path: str, **params: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: w.call("GET", path, params)


PROBES: dict[str, Callable[[World], dict[str, Any]]] = {
    "uta spot create order": _create("SPOT"),
    "uta swap create order with posSide param": _create("USDT-FUTURES", posSide="long"),
    "uta one way mode order with a stop loss attached": _market_with_stop_loss,
    "uta spot margin create order": _create("MARGIN", price="51000"),
    "uta swap fetchMyTrades": _get("/api/v3/trade/fills"),
    "uta swap fetchClosedOrders": _get("/api/v3/trade/history-orders", category="USDT-FUTURES"),
    "uta swap fetchCanceledOrders": _get("/api/v3/trade/history-orders", category="USDT-FUTURES"),
    "uta spot fetchOpenOrders": _open_then("SPOT", lambda w, p: w.call(
        "GET", "/api/v3/trade/unfilled-orders", {"category": "SPOT", "symbol": "BTCUSDT"})),
    "uta swap fetchOpenOrders": _open_then("USDT-FUTURES", lambda w, p: w.call(
        "GET", "/api/v3/trade/unfilled-orders", {"category": "USDT-FUTURES", "symbol": "BTCUSDT"})),
    "uta spot margin fetchOpenOrders": _open_then("MARGIN", lambda w, p: w.call(
        "GET", "/api/v3/trade/unfilled-orders", {"category": "MARGIN", "symbol": "BTCUSDT"})),
    "Fetch the uta balance": _get("/api/v3/account/assets"),
    "fetchPositions uta": _get("/api/v3/position/current-position", category="USDT-FUTURES"),
    "uta orderbook": _get("/api/v3/market/orderbook", symbol="BTCUSDT", category="SPOT"),
    "uta spot fetchOrder": _open_then("SPOT", lambda w, p: w.call(
        "GET", "/api/v3/trade/order-info", {"orderId": p["orderId"]})),
    "uta swap fetchOrder": _open_then("USDT-FUTURES", lambda w, p: w.call(
        "GET", "/api/v3/trade/order-info", {"orderId": p["orderId"]})),
    "uta spot fetchTrades": _get("/api/v3/market/fills", symbol="BTCUSDT", limit="1", category="SPOT"),
    "uta swap fetchTrades": _get("/api/v3/market/fills", symbol="BTCUSDT", limit="1", category="USDT-FUTURES"),
    "uta spot margin fetch trades": _get("/api/v3/market/fills", symbol="BTCUSDT", limit="3", category="MARGIN"),
    "uta spot ticker": _get("/api/v3/market/tickers", symbol="BTCUSDT", category="SPOT"),
    "uta swap ticker": _get("/api/v3/market/tickers", symbol="BTCUSDT", category="USDT-FUTURES"),
    "uta spot cancel order": _open_then("SPOT", lambda w, p: w.call(
        "POST", "/api/v3/trade/cancel-order", body={"symbol": "BTCUSDT", "orderId": p["orderId"]})),
    "uta swap cancel order": _open_then("USDT-FUTURES", lambda w, p: w.call(
        "POST", "/api/v3/trade/cancel-order", body={"symbol": "BTCUSDT", "orderId": p["orderId"]})),
    "cancel uta linear swap order using the clientOrderId": _cancel_by_client_oid,
    "uta spot cancelAllOrders": _open_then("SPOT", lambda w, p: w.call(
        "POST", "/api/v3/trade/cancel-symbol-order", body={"symbol": "BTCUSDT", "category": "SPOT"})),
    "uta swap cancelAllOrders": _open_then("USDT-FUTURES", lambda w, p: w.call(
        "POST", "/api/v3/trade/cancel-symbol-order", body={"symbol": "BTCUSDT", "category": "USDT-FUTURES"})),
    "uta spot margin cancelAllOrders": _open_then("MARGIN", lambda w, p: w.call(
        "POST", "/api/v3/trade/cancel-symbol-order", body={"symbol": "BTCUSDT", "category": "MARGIN"})),
    "uta swap create multiple orders": _create_orders,
    "uta cancel orders": _cancel_orders,
    "uta swap setLeverage": lambda w: w.call("POST", "/api/v3/account/set-leverage", body={
        "symbol": "BTCUSDT", "leverage": "20", "coin": "USDT", "category": "USDT-FUTURES"}),
    "uta strategy order using stopLossPrice and reduceOnly": _place_strategy,
    "uta strategy stopLossPrice editOrder": _with_strategy(lambda w, sid: w.call(
        "POST", "/api/v3/trade/modify-strategy-order", body={
            "orderId": sid, "qty": "0.001", "slTriggerBy": "mark", "stopLoss": "56000", "slLimitPrice": "55000",
            "slOrderType": "limit"})),
    "uta trigger stopLossPrice fetchOpenOrders": _with_strategy(lambda w, sid: w.call(
        "GET", "/api/v3/trade/unfilled-strategy-orders", {"category": "USDT-FUTURES", "symbol": "BTCUSDT"})),
    "uta trigger cancel order": _with_strategy(lambda w, sid: w.call(
        "POST", "/api/v3/trade/cancel-strategy-order", body={"symbol": "BTCUSDT", "orderId": sid}), cancel=False),
    "uta trigger fetchCanceledOrders": _cancelled_strategies,
    "uta setPositionMode": lambda w: w.call("POST", "/api/v3/account/set-hold-mode",
                                            body={"holdMode": "one_way_mode"}),
}


def diff_case(world: World, case: dict[str, Any]) -> Diff:
    probe = PROBES.get(case["description"])
    assert probe is not None, f"no probe for recorded case {case['method']}: {case['description']!r}"
    ours = probe(world)
    diff = Diff()
    compare(case["httpResponse"], ours, "$", diff)
    return diff


@pytest.mark.parametrize("case", case_params())
def test_recorded_fields_are_present_with_the_same_type(world: World, case: dict[str, Any]) -> None:
    diff = diff_case(world, case)
    mismatched = [m for m in diff.mismatched if (m[0].removeprefix("$."), m[1], m[2]) not in KNOWN_DIFFERENCES
                  and not (m[0].rsplit(".", 1)[-1] in TPSL_FIELDS and m[1:] == ("null", "string"))]
    assert diff.missing == [] and mismatched == [], {"missing": diff.missing, "type mismatches": mismatched}


def test_every_recorded_case_is_covered() -> None:
    cases = recorded_cases()
    assert cases and all(c["kind"] == "response" for c in cases)
    unmapped = [c["description"] for c in cases if c["description"] not in PROBES]
    assert unmapped == []
    assert set(PROBES) == {c["description"] for c in cases}, "a probe without a recording"
    assert {c["method"] for c in cases} == METHODS


def shape_report(world: World) -> dict[str, Any]:
    """Extra / missing fields and type differences per recorded case (for humans; see the test module doc)."""
    out: dict[str, Any] = {}
    for case in recorded_cases():
        diff = diff_case(world, case)
        out[f"{case['method']}: {case['description']}"] = {
            "missing": sorted(set(diff.missing)), "extra": sorted(set(diff.extra)),
            "type": sorted(set(diff.mismatched))}
    return out
