"""REST bodies read as the live venue reads them (reference/live-behaviour.md, docs/decisions.md):
unknown fields are ignored (and logged at debug level), a JSON number where a string is documented is read as
its exact decimal text, never through a float; wrong types that cannot be read keep their Bitget error
(tests/api/test_bad_input.py). Every POST endpoint of the Bitget API is driven with hand-written JSON bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from uta_helpers import envelope, failure, order, raw

from support import Server, start_server

FUNDS = {"USDT": "1000000", "BTC": "100"}
FUT, SYM = "USDT-FUTURES", "BTCUSDT"
CCXT_EXTRA = '"createMarketBuyOrderRequiresPrice": false, "cost": 5, "foo": {"a": [1, 2.5]}, "bar": null'


@pytest.fixture(scope="module")
def debug_venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue logging at debug level, so the ignored fields can be seen in its log."""
    srv = start_server(tmp_path_factory.mktemp("lenient"), "--no-rate-limit", "--log-level", "debug")
    yield srv
    srv.stop()


@pytest.fixture
def user(debug_venue: Server) -> dict[str, str]:
    return debug_venue.new_user(FUNDS)


def post(srv: Server, creds: dict[str, str], path: str, text: str) -> Any:
    """POST exactly ``text``; the call must succeed. Returns ``data``."""
    resp = raw(srv, "POST", path, creds=creds, body=text)
    env = envelope(resp)
    assert (resp.status_code, env["code"]) == (200, "00000"), (path, text, env)
    return env["data"]


def info(srv: Server, creds: dict[str, str], order_id: str) -> dict[str, Any]:
    with srv.client(creds) as c:
        result: dict[str, Any] = c.get("/api/v3/trade/order-info", orderId=order_id)
        return result


def test_numbers_and_unknown_fields_on_place_order(debug_venue: Server, user: dict[str, str]) -> None:
    text = ('{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": 0.001, '
            f'"price": 10000, "clientOid": 123456789012345678901234567890, {CCXT_EXTRA}}}')
    placed = post(debug_venue, user, "/api/v3/trade/place-order", text)
    # a float would have made this 1.2345678901234568e+29
    assert placed["clientOid"] == "123456789012345678901234567890"
    got = info(debug_venue, user, placed["orderId"])
    assert (got["qty"], got["price"], got["clientOid"]) == ("0.001", "10000", "123456789012345678901234567890")
    log = debug_venue.log()
    assert "ignored unknown field(s) bar, cost, createMarketBuyOrderRequiresPrice, foo in a PlaceOrderRequest" in log


@pytest.mark.parametrize("number", ["0.1", "0.10", "1e-1", "1E-1", "0.01e1", "100e-3", "1.0E-1"])
def test_a_number_is_read_as_its_exact_decimal_text(debug_venue: Server, user: dict[str, str], number: str) -> None:
    body = ('{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", '
            f'"qty": {number}, "price": 1e4}}')
    placed = post(debug_venue, user, "/api/v3/trade/place-order", body)
    got = info(debug_venue, user, placed["orderId"])
    assert (got["qty"], got["price"]) == ("0.1", "10000")


def test_a_number_too_precise_for_a_float_is_refused_like_its_text(debug_venue: Server, user: dict[str, str]) -> None:
    """10000.000000000000000001 is 10000.0 as a float (accepted); read exactly it has too many decimals."""
    head = '{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001", "price": '
    as_text = failure(raw(debug_venue, "POST", "/api/v3/trade/place-order", creds=user,
                          body=head + '"10000.000000000000000001"}'), 400)
    as_number = failure(raw(debug_venue, "POST", "/api/v3/trade/place-order", creds=user,
                            body=head + "10000.000000000000000001}"), 400)
    assert as_number["code"] == as_text["code"] and as_number["msg"] == as_text["msg"]
    # a quantity one lot more precise than allowed: refused, where a float would round it away
    body = ('{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", '
            '"qty": 0.0010000000000000000001, "price": "10000"}')
    text = body.replace("0.0010000000000000000001", '"0.0010000000000000000001"')
    by_number = failure(raw(debug_venue, "POST", "/api/v3/trade/place-order", creds=user, body=body), 400)
    by_text = failure(raw(debug_venue, "POST", "/api/v3/trade/place-order", creds=user, body=text), 400)
    assert by_number["code"] == by_text["code"]


def test_numbers_and_unknown_fields_on_batch_modify_and_cancel(debug_venue: Server, user: dict[str, str]) -> None:
    item = ('{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": 0.002, '
            '"price": %s, %s}')
    rows = post(debug_venue, user, "/api/v3/trade/place-batch",
                "[" + ", ".join(item % (p, CCXT_EXTRA) for p in ("9001", "9002.5", "9003")) + "]")
    assert all("code" not in r for r in rows), rows
    ids = [r["orderId"] for r in rows]
    assert [info(debug_venue, user, i)["price"] for i in ids] == ["9001", "9002.5", "9003"]
    # modify: the order id and the new price as JSON numbers
    post(debug_venue, user, "/api/v3/trade/modify-order",
         f'{{"orderId": {ids[0]}, "price": 9000.5, "qty": 0.002, "autoCancel": "no", "x": 1}}')
    assert info(debug_venue, user, ids[0])["price"] == "9000.5"
    out = post(debug_venue, user, "/api/v3/trade/batch-modify-order",
               f'[{{"orderId": {ids[1]}, "price": 8999, "y": true}}, {{"orderId": "{ids[2]}", "qty": 3e-3}}]')
    assert all("code" not in r for r in out), out
    assert info(debug_venue, user, ids[1])["price"] == "8999"
    assert info(debug_venue, user, ids[2])["qty"] == "0.003"
    # cancel: ids as numbers, unknown fields beside them
    post(debug_venue, user, "/api/v3/trade/cancel-order", f'{{"orderId": {ids[0]}, "symbol": "BTCUSDT", "z": 0}}')
    out = post(debug_venue, user, "/api/v3/trade/cancel-batch",
               f'[{{"category": "SPOT", "symbol": "BTCUSDT", "orderId": {ids[1]}, "extra": 1}}]')
    assert out[0] == {"orderId": ids[1], "clientOid": info(debug_venue, user, ids[1])["clientOid"]}
    post(debug_venue, user, "/api/v3/trade/cancel-symbol-order", '{"category": "SPOT", "symbol": "BTCUSDT", "q": 1}')
    assert [info(debug_venue, user, i)["orderStatus"] for i in ids] == ["cancelled"] * 3
    log = debug_venue.log()
    for struct in ("CancelBatchItem", "ModifyOrderRequest", "CancelOrderRequest", "CancelSymbolRequest"):
        assert f"in a {struct} body" in log


def test_numbers_and_unknown_fields_on_account_and_countdown(debug_venue: Server, user: dict[str, str]) -> None:
    post(debug_venue, user, "/api/v3/account/set-leverage",
         f'{{"category": "{FUT}", "symbol": "{SYM}", "leverage": 7, "marginMode": "crossed"}}')
    with debug_venue.client(user) as c:
        configs = c.get("/api/v3/account/settings")["symbolConfigList"]
        assert [x["leverage"] for x in configs if (x["category"], x["symbol"]) == (FUT, SYM)] == ["7"]
        post(debug_venue, user, "/api/v3/account/set-hold-mode", '{"holdMode": "hedge_mode", "productType": "x"}')
        assert c.get("/api/v3/account/settings")["holdMode"] == "hedge_mode"
    post(debug_venue, user, "/api/v3/account/set-hold-mode", '{"holdMode": "one_way_mode", "n": 1}')
    post(debug_venue, user, "/api/v3/trade/countdown-cancel-all", '{"countdown": 30, "n": 1}')
    post(debug_venue, user, "/api/v3/trade/countdown-cancel-all", '{"countdown": 0}')
    data = post(debug_venue, user, "/api/v3/account/max-open-available",
                f'{{"category": "{FUT}", "symbol": "{SYM}", "orderType": "limit", "side": "buy", "price": 50000, '
                '"size": 0.01, "w": 2}')
    assert data


def test_numbers_and_unknown_fields_on_positions_and_strategies(debug_venue: Server, user: dict[str, str]) -> None:
    other = debug_venue.new_user(FUNDS)
    with debug_venue.client(other) as b, debug_venue.client(user) as a:
        order(b, FUT, SYM, "sell", "0.01", "50000")
        order(a, FUT, SYM, "buy", "0.01")
    sid = post(debug_venue, user, "/api/v3/trade/place-strategy-order",
               f'{{"category": "{FUT}", "symbol": "{SYM}", "posSide": "long", "stopLoss": 45000, "k": 1}}')["orderId"]
    post(debug_venue, user, "/api/v3/trade/modify-strategy-order",
         f'{{"orderId": {sid}, "qty": 0.01, "stopLoss": 45500.5, "k": [1]}}')
    with debug_venue.client(user) as a:
        [s] = a.get("/api/v3/trade/unfilled-strategy-orders", category=FUT)
    assert (s["orderId"], s["stopLoss"], s["qty"]) == (sid, "45500.5", "0.01")
    post(debug_venue, user, "/api/v3/trade/cancel-strategy-order", f'{{"orderId": {sid}, "k": 1}}')
    post(debug_venue, user, "/api/v3/trade/close-positions", f'{{"category": "{FUT}", "symbol": "{SYM}", "k": 1}}')
    log = debug_venue.log()
    for struct in ("PlaceStrategyRequest", "ModifyStrategyRequest", "CancelStrategyRequest", "ClosePositionsRequest",
                   "SetLeverageRequest", "SetHoldModeRequest", "CountdownRequest", "MaxOpenRequest"):
        assert f"in a {struct} body" in log


def test_the_admin_api_stays_strict(debug_venue: Server) -> None:
    resp = debug_venue.admin_http.post("/admin/v1/users", content=b'{"balances": {}, "readonly": true}')
    assert (resp.status_code, resp.json()["code"]) == (400, "40017")
