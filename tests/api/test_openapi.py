"""``GET /openapi.json`` of the real server: a valid OpenAPI 3.1 document listing every registered route
(the admin API included) with its query parameters, request body and response schema, and the real
answers of the server match those response schemas."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from uta_helpers import raw

from support import ADMIN_TOKEN, Server
from utaex.gateway.app import App
from utaex.gateway.venue import Venue

DOC_URI = "urn:utaex:openapi"


@pytest.fixture(scope="module")
def doc(venue: Server) -> dict[str, Any]:
    r = httpx.get(venue.base_url + "/openapi.json", timeout=10)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    return json.loads(r.content)


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, str]]]:
    """(method, path regex) of every REST route an App registers, from a real App of this code."""
    venue = Venue(Path(tmp_path_factory.mktemp("routes")) / "data", fsync=False)
    try:
        app = App(venue, admin_token="unused")
        routes = [(m, re.escape(p)) for m, p in app.routes]
        routes += [(m, re.escape(prefix) + r"\{[A-Za-z]+\}" + re.escape(suffix))
                   for m, prefix, suffix, _ in app.prefix_routes]
        yield routes
    finally:
        asyncio.run(venue.close())


def operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return doc["paths"][path][method.lower()]  # type: ignore[no-any-return]


def test_document_is_valid_openapi_31(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.1")
    validate(doc)  # raises on any structural error


def test_every_registered_route_is_documented(doc: dict[str, Any], registered: list[tuple[str, str]]) -> None:
    documented = [(m.upper(), p) for p, ops in doc["paths"].items() for m in ops]
    for method, pattern in registered:
        hits = [p for m, p in documented if m == method and re.fullmatch(pattern, p)]
        assert len(hits) == 1, (method, pattern)
    assert len(documented) == len(registered)
    admin = [(m, p) for m, p in registered if p.startswith(re.escape("/admin/"))]
    assert len(admin) >= 4
    for method, path in documented:
        op = operation(doc, method, path)
        if path.startswith("/admin/"):
            assert op["security"] == [{"AdminToken": []}], path
            assert op["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert doc["components"]["securitySchemes"]["AdminToken"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["AdminToken"][
            "description"]}
    uid = operation(doc, "POST", "/admin/v1/users/{uid}/deposits")["parameters"][0]
    assert uid["in"] == "path" and uid["name"] == "uid" and uid["required"] is True


def test_every_operation_has_a_response_schema(doc: dict[str, Any]) -> None:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert "content" in op["responses"]["200"], (
                f"{method.upper()} {path} has no entry in OPERATIONS (src/utaex/gateway/openapi.py)")
            schema = op["responses"]["200"]["content"]["application/json"]["schema"]
            if path != "/openapi.json":
                assert schema["properties"]["data"], (method, path)
    data = operation(doc, "GET", "/api/v3/trade/unfilled-orders")["responses"]["200"]["content"][
        "application/json"]["schema"]["properties"]["data"]
    assert data == {"$ref": "#/components/schemas/OrderPage"}
    page = doc["components"]["schemas"]["OrderPage"]["properties"]["list"]
    assert page == {"type": "array", "items": {"$ref": "#/components/schemas/Order"}, "default": []}
    levels = doc["components"]["schemas"]["OrderBook"]["properties"]["a"]["items"]["prefixItems"]
    assert levels == [{"type": "number"}, {"type": "number"}]  # JSON numbers, as Bitget sends them


def test_gets_have_their_query_parameters(doc: dict[str, Any]) -> None:
    def params(path: str) -> dict[str, bool]:
        return {p["name"]: p["required"] for p in operation(doc, "GET", path).get("parameters", [])
                if p["in"] == "query"}

    assert params("/api/v3/trade/unfilled-orders") == {
        "category": False, "symbol": False, "startTime": False, "endTime": False, "limit": False, "cursor": False}
    assert params("/api/v3/trade/history-orders")["category"] is True
    assert params("/api/v3/market/orderbook") == {"category": True, "symbol": True, "limit": False}
    assert params("/api/v3/trade/order-info") == {"orderId": False, "clientOid": False}
    assert params("/admin/v1/audit") == {"replay": False}
    limit = next(p for p in operation(doc, "GET", "/api/v3/market/orderbook")["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "string"} and "1-200" in limit["description"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method == "get" and path not in ("/api/v2/public/time", "/openapi.json", "/api/v3/account/settings",
                                                "/api/v3/account/assets", "/admin/v1/faults", "/admin/v1/states",
                                                "/admin/v1/clock", "/admin/v1/replication",
                                                "/api/v3/market/discount-rate", "/api/v3/market/proof-of-reserves",
                                                "/api/v3/position/adlRank"):  # the page: no parameters
                assert params(path), path
            if method == "post" and not path.startswith("/admin/"):
                assert op["requestBody"]["required"] is True, path


def test_the_sdk_sends_only_documented_query_parameters(doc: dict[str, Any]) -> None:
    from utaex.client import endpoints as E

    calls = [E.coins("BTC"), E.instruments("SPOT", "BTCUSDT"), E.tickers("SPOT", "BTCUSDT"),
             E.orderbook("SPOT", "BTCUSDT", 5), E.market_fills("SPOT", "BTCUSDT", 5), E.fee_rate("SPOT", "BTCUSDT"),
             E.order_info("1", "x"), E.audit(True),
             E.candles("SPOT", "BTCUSDT", "1m", start_time=1, end_time=2, kind="mark", limit=3),
             E.history_candles("SPOT", "BTCUSDT", "1m", start_time=1, end_time=2, kind="mark", limit=3),
             E.current_fund_rate("BTCUSDT"), E.history_fund_rate("USDT-FUTURES", "BTCUSDT", cursor=1, limit=2),
             E.open_interest("USDT-FUTURES", "BTCUSDT"), E.oi_limit("USDT-FUTURES", "BTCUSDT"),
             E.position_tier("MARGIN", coin="BTC"), E.position_tier("USDT-FUTURES", "BTCUSDT"),
             E.margin_loans("BTC"), E.risk_reserve("USDT-FUTURES", "BTCUSDT"),
             E.unfilled_orders("SPOT", "BTCUSDT", start_time=1, end_time=2, limit=3, cursor="4"),
             E.history_orders("SPOT", "BTCUSDT", start_time=1, end_time=2, limit=3, cursor="4"),
             E.fills("SPOT", order_id="1", start_time=1, end_time=2, limit=3, cursor="4"),
             E.positions("USDT-FUTURES", "BTCUSDT", pos_side="long")]
    for call in calls:
        names = {p["name"] for p in operation(doc, "GET", call.path).get("parameters", [])}
        sent = {k for k, v in (call.params or {}).items() if v is not None}
        assert sent and sent <= names, (call.path, sent - names)


# ---- real answers against the documented schemas ------------------------------------------------------------

def checker(doc: dict[str, Any]) -> Any:
    registry = Registry().with_resource(DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012))

    def check(method: str, path: str, resp: httpx.Response, status: str = "200") -> Any:
        assert str(resp.status_code) == status, resp.text
        answer = operation(doc, method, path)["responses"][status]
        pointer = "/".join(["paths", path.replace("~", "~0").replace("/", "~1"), method.lower(), "responses", status])
        if "$ref" in answer:
            pointer = answer["$ref"].lstrip("#/")
        schema = {"$ref": f"{DOC_URI}#/{pointer}/content/application~1json/schema"}
        body = json.loads(resp.content)
        jsonschema.Draft202012Validator(schema, registry=registry).validate(body)
        return body.get("data")

    return check


def test_real_answers_match_their_schemas(doc: dict[str, Any], venue: Server) -> None:
    check = checker(doc)
    admin = httpx.Client(base_url=venue.base_url, timeout=10, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    with admin:
        user = check("POST", "/admin/v1/users", admin.post("/admin/v1/users", json={"balances": {"USDT": "100000"}}))
        uid = user["uid"]
        check("POST", "/admin/v1/users/{uid}/api-keys", admin.post(f"/admin/v1/users/{uid}/api-keys", json={}))
        check("POST", "/admin/v1/users/{uid}/deposits",
              admin.post(f"/admin/v1/users/{uid}/deposits", json={"coin": "BTC", "amount": "1"}))
        check("GET", "/admin/v1/audit", admin.get("/admin/v1/audit"))
        check("GET", "/admin/v1/audit", httpx.get(venue.base_url + "/admin/v1/audit"), "401")

    def signed(method: str, path: str, query: str = "", body: Any = None, status: str = "200") -> Any:
        data = json.dumps(body).encode() if body is not None else b""
        return check(method, path, raw(venue, method, path, creds=user, query=query, body=data), status)

    order = {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001",
             "price": "1000"}
    placed = signed("POST", "/api/v3/trade/place-order", body=order)
    batch = signed("POST", "/api/v3/trade/place-batch", body=[order, {**order, "price": "1000.001"}])
    assert "code" in batch[1]  # a failed item: price off the tick
    for path, query in [("/api/v2/public/time", ""), ("/api/v2/spot/public/coins", "coin=BTC"),
                        ("/api/v3/market/instruments", "category=USDT-FUTURES"),
                        ("/api/v3/market/tickers", "category=SPOT"),
                        ("/api/v3/market/orderbook", "category=SPOT&symbol=BTCUSDT"),
                        ("/api/v3/market/fills", "category=SPOT&symbol=BTCUSDT"),
                        ("/api/v3/market/candles", "category=SPOT&symbol=BTCUSDT&interval=1m"),
                        ("/api/v3/market/history-candles", "category=SPOT&symbol=BTCUSDT&interval=1D"),
                        ("/api/v3/market/current-fund-rate", "symbol=BTCUSDT"),
                        ("/api/v3/market/history-fund-rate", "category=USDT-FUTURES&symbol=BTCUSDT&limit=3"),
                        ("/api/v3/market/open-interest", "category=USDT-FUTURES"),
                        ("/api/v3/market/oi-limit", "category=USDT-FUTURES"),
                        ("/api/v3/market/position-tier", "category=USDT-FUTURES&symbol=BTCUSDT"),
                        ("/api/v3/market/position-tier", "category=MARGIN&coin=BTC"),
                        ("/api/v3/market/discount-rate", ""), ("/api/v3/market/margin-loans", "coin=USDT"),
                        ("/api/v3/market/proof-of-reserves", ""),
                        ("/api/v3/market/risk-reserve", "category=USDT-FUTURES&symbol=BTCUSDT")]:
        check("GET", path, httpx.get(venue.base_url + path + "?" + query, timeout=10))
    for path, query in [("/api/v3/account/settings", ""), ("/api/v3/account/assets", ""),
                        ("/api/v3/account/fee-rate", "category=SPOT&symbol=BTCUSDT"),
                        ("/api/v3/trade/order-info", "orderId=" + placed["orderId"]),
                        ("/api/v3/trade/unfilled-orders", "category=SPOT"),
                        ("/api/v3/trade/history-orders", "category=SPOT"), ("/api/v3/trade/fills", ""),
                        ("/api/v3/position/current-position", "category=USDT-FUTURES")]:
        signed("GET", path, query)
    signed("POST", "/api/v3/trade/cancel-order", body={"orderId": placed["orderId"]})
    signed("POST", "/api/v3/trade/cancel-batch",
           body=[{"category": "SPOT", "symbol": "BTCUSDT", "orderId": batch[0]["orderId"]},
                 {"category": "SPOT", "symbol": "BTCUSDT", "orderId": placed["orderId"]}])
    signed("POST", "/api/v3/trade/cancel-symbol-order", body={"category": "SPOT"})
    signed("POST", "/api/v3/trade/countdown-cancel-all", body={"countdown": "0"})
    signed("POST", "/api/v3/account/set-leverage", body={"category": "USDT-FUTURES", "symbol": "BTCUSDT",
                                                         "leverage": "5"})
    signed("POST", "/api/v3/account/set-hold-mode", body={"holdMode": "hedge_mode"})
    signed("GET", "/api/v3/trade/order-info", "orderId=1", status="400")
