"""The REST points of reference/live-behaviour.md that are not candles or bodies (those are in test_market_extra.py
and test_lenient_bodies.py), each against the real server: business rejections are HTTP 400 with Bitget's
envelope, there is no v3 time endpoint (404, while v2's answers), and ``set-hold-mode``'s live codes."""

from __future__ import annotations

import json

import httpx
from uta_helpers import envelope, failure, order, raw

from support import Server

FUT, SYM = "USDT-FUTURES", "BTCUSDT"
HOLD = "/api/v3/account/set-hold-mode"


def test_business_rejections_are_http_400_with_the_envelope(venue: Server) -> None:
    creds = venue.new_user({"USDT": "1000000", "BTC": "10"})
    cases = [
        ("POST", "/api/v3/trade/cancel-order", "", {"orderId": "1234567890123456789"}, "25204",
         "Order does not exist"),
        ("POST", "/api/v3/trade/place-order", "", {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy",
                                                   "orderType": "limit", "qty": "0.00001", "price": "1000"},
         "25611", None),
        ("POST", "/api/v3/trade/place-order", "", {"category": "SPOT", "symbol": "NOPEUSDT", "side": "buy",
                                                   "orderType": "limit", "qty": "1", "price": "1"}, "25100", None),
        ("POST", "/api/v3/trade/place-order", "", {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy",
                                                   "orderType": "limit", "qty": "1000", "price": "10000"}, "25202",
         "Insufficient balance"),
        ("GET", "/api/v3/market/candles", "category=SPOT&symbol=BTCUSDT&interval=3H", None, "40020",
         "Parameter 3H error"),
        ("POST", HOLD, "", {"holdMode": "both"}, "40034", "Parameter both does not exist"),
    ]
    for method, path, query, body, code, msg in cases:
        resp = raw(venue, method, path, creds=creds, query=query, body=json.dumps(body) if body is not None else b"")
        env = failure(resp, 400, code)
        assert resp.headers["content-type"] == "application/json"
        if msg is not None:
            assert env["msg"] == msg, env


def test_there_is_no_v3_time_endpoint(venue: Server) -> None:
    for method in ("GET", "POST"):
        resp = httpx.request(method, venue.base_url + "/api/v3/public/time", timeout=10)
        assert resp.status_code == 404
        env = envelope(resp)
        assert env["code"] == "40404" and env["data"] is None, env
    ok = httpx.get(venue.base_url + "/api/v2/public/time", timeout=10)  # where SDKs fall back to
    assert ok.status_code == 200 and ok.json()["code"] == "00000"
    assert abs(int(ok.json()["data"]["serverTime"]) - ok.json()["requestTime"]) < 5000


def test_set_hold_mode_unknown_value_and_open_position(venue: Server) -> None:
    a, b = venue.new_user({"USDT": "1000000"}), venue.new_user({"USDT": "1000000"})
    for value in ("both", "HEDGE_MODE", "hedge"):
        env = failure(raw(venue, "POST", HOLD, creds=a, body=json.dumps({"holdMode": value})), 400, "40034")
        assert env["msg"] == f"Parameter {value} does not exist"
    failure(raw(venue, "POST", HOLD, creds=a, body=b'{"holdMode": true}'), 400, "40017")  # not readable as text
    with venue.client(a) as ca, venue.client(b) as cb:
        order(cb, FUT, SYM, "sell", "0.01", "50000")
        order(ca, FUT, SYM, "buy", "0.01")  # a long: the mode cannot change
        env = failure(raw(venue, "POST", HOLD, creds=a, body=b'{"holdMode": "hedge_mode"}'), 400, "25107")
        assert env["msg"] == "There is currently a position, please close the position"
        assert ca.get("/api/v3/account/settings")["holdMode"] == "one_way_mode"
        # the same mode again is no change, so no refusal
        assert ca.post(HOLD, {"holdMode": "one_way_mode"}) == "success"
        ca.post("/api/v3/trade/close-positions", {"category": FUT})
        order(cb, FUT, SYM, "buy", "0.01", "50000")
        ca.post("/api/v3/trade/close-positions", {"category": FUT})
        assert ca.get("/api/v3/position/current-position", category=FUT)["list"] == []
        # open futures orders without a position: 25010
        resting = order(ca, FUT, SYM, "buy", "0.01", "30000")
        failure(raw(venue, "POST", HOLD, creds=a, body=b'{"holdMode": "hedge_mode"}'), 400, "25010")
        ca.post("/api/v3/trade/cancel-order", {"orderId": resting["orderId"]})
        assert ca.post(HOLD, {"holdMode": "hedge_mode"}) == "success"
