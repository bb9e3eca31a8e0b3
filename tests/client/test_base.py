"""The shared client base without a server: signing, query and body bytes, envelopes, errors, exact numbers.

Responses here are shaped like the real Bitget's (``requestTime`` as a string, extra fields), served by
``httpx.MockTransport``; every request the client sends is captured and its signature re-checked.
"""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

import httpx
import pytest

from utaex.client import (
    BITGET_BASE_URL,
    AdminClient,
    AsyncClient,
    BitgetError,
    Client,
    Credentials,
    ItemError,
    OrderIds,
)
from utaex.client.base import num
from utaex.wire.signing import prehash, sign_hmac

KEY, SECRET, PASS = "bg_key", "s3cret", "pass phrase"


def envelope(data, code="00000", msg="success") -> bytes:
    return json.dumps({"code": code, "msg": msg, "requestTime": "1750495435060", "data": data}).encode()


class Recorder:
    def __init__(self, *answers: tuple[int, bytes]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.answers.pop(0)
        return httpx.Response(status, content=body)


def check_signature(req: httpx.Request) -> None:
    ts = req.headers["ACCESS-TIMESTAMP"]
    assert abs(int(ts) - time.time() * 1000) < 5000
    assert req.headers["ACCESS-KEY"] == KEY and req.headers["ACCESS-PASSPHRASE"] == PASS
    message = prehash(ts, req.method, req.url.path, req.url.query.decode(), req.content)
    assert req.headers["ACCESS-SIGN"] == sign_hmac(SECRET, message)


def test_signed_get_sorts_and_signs_the_query():
    rec = Recorder((200, envelope({"list": [], "cursor": ""})))
    with Client(KEY, SECRET, PASS, base_url=BITGET_BASE_URL + "/", transport=httpx.MockTransport(rec)) as c:
        page = c.history_orders("SPOT", "BTCUSDT", limit=5)
    assert (page.list, page.cursor) == ([], "")
    (req,) = rec.requests
    assert str(req.url) == "https://api.bitget.com/api/v3/trade/history-orders?category=SPOT&limit=5&symbol=BTCUSDT"
    assert req.content == b""
    check_signature(req)


def test_signed_post_sends_the_gateway_struct_bytes():
    rec = Recorder((200, envelope({"orderId": "1320239033384062976", "clientOid": "1320239033384062977",
                                   "extra": "ignored"})))
    with Client(KEY, SECRET, PASS, transport=httpx.MockTransport(rec)) as c:
        ids = c.place_order("SPOT", "BTCUSDT", "buy", "limit", Decimal("0.001"), 50000, time_in_force="gtc",
                            reduce_only=False)
    assert ids == OrderIds(orderId="1320239033384062976", clientOid="1320239033384062977")
    (req,) = rec.requests
    assert req.method == "POST" and req.url.path == "/api/v3/trade/place-order"
    assert json.loads(req.content) == {"category": "SPOT", "symbol": "BTCUSDT", "qty": "0.001", "side": "buy",
                                       "orderType": "limit", "price": "50000", "timeInForce": "gtc",
                                       "reduceOnly": "NO"}
    check_signature(req)


def test_public_calls_are_not_signed_and_book_levels_are_decimals():
    book = b'{"code":"00000","msg":"success","requestTime":1750330050193,"data":{"a":[[104898.1,0.123896]],' \
           b'"b":[[104833,0.108037],[104803.10,1E-8]],"ts":"1750330050203"}}'
    rec = Recorder((200, book))
    with Client(KEY, SECRET, PASS, transport=httpx.MockTransport(rec)) as c:
        ob = c.orderbook("SPOT", "BTCUSDT", limit=5)
    assert ob.a == [(Decimal("104898.1"), Decimal("0.123896"))]
    assert ob.b == [(Decimal("104833"), Decimal("0.108037")), (Decimal("104803.10"), Decimal("0.00000001"))]
    assert str(ob.b[1][0]) == "104803.10"  # exact digits, as sent
    assert not any(h.startswith("access-") for h in rec.requests[0].headers)


def test_errors_carry_code_msg_and_status():
    rec = Recorder((400, envelope(None, "40009", "sign signature error")),
                   (429, b'{"code":429,"msg":"Too Many Requests","requestTime":1}'),
                   (502, b"<html>Bad gateway</html>"),
                   (200, b""))
    with Client(KEY, SECRET, PASS, transport=httpx.MockTransport(rec)) as c:
        for code, msg, status in (("40009", "sign signature error", 400), ("429", "Too Many Requests", 429),
                                  ("502", "<html>Bad gateway</html>", 502), ("200", "HTTP 200 without a Bitget "
                                                                                    "envelope", 200)):
            with pytest.raises(BitgetError) as err:
                c.assets()
            assert (err.value.code, err.value.msg, err.value.status) == (code, msg, status)
            assert str(err.value) == f"{code} {msg} (HTTP {status})"


def test_batch_results_are_success_or_failure_objects():
    rows = [{"orderId": "1", "clientOid": "a"}, {"orderId": "", "clientOid": "b", "code": "25204",
                                                 "msg": "Order does not exist"}]
    rec = Recorder((200, envelope(rows)))
    with Client(KEY, SECRET, PASS, transport=httpx.MockTransport(rec)) as c:
        results = c.cancel_batch([{"category": "SPOT", "symbol": "BTCUSDT", "orderId": "1"},
                                  {"category": "SPOT", "symbol": "BTCUSDT", "clientOid": "b"}])
    assert results == [OrderIds(orderId="1", clientOid="a"),
                       ItemError(code="25204", msg="Order does not exist", orderId="", clientOid="b")]
    assert [r.ok for r in results] == [True, False]
    assert json.loads(rec.requests[0].content) == [{"category": "SPOT", "symbol": "BTCUSDT", "orderId": "1"},
                                                   {"category": "SPOT", "symbol": "BTCUSDT", "clientOid": "b"}]


def test_admin_client_sends_the_bearer_token():
    rec = Recorder((200, envelope("success")))
    with AdminClient("tok", transport=httpx.MockTransport(rec)) as admin:
        assert admin.deposit(42, "BTC", Decimal("1.50")) == "success"
    (req,) = rec.requests
    assert req.headers["Authorization"] == "Bearer tok"
    assert req.url.path == "/admin/v1/users/42/deposits"
    assert json.loads(req.content) == {"coin": "BTC", "amount": "1.50"}


def test_async_client_signs_the_same_way():
    rec = Recorder((200, envelope({"makerFeeRate": "0.0002", "takerFeeRate": "0.0006"})))

    async def go() -> None:
        async with AsyncClient(KEY, SECRET, PASS, transport=httpx.MockTransport(rec)) as c:
            fee = await c.fee_rate("USDT-FUTURES", "BTCUSDT")
            assert (fee.makerFeeRate, fee.takerFeeRate) == ("0.0002", "0.0006")

    asyncio.run(go())
    check_signature(rec.requests[0])
    assert rec.requests[0].url.query == b"category=USDT-FUTURES&symbol=BTCUSDT"


def test_credentials_and_numbers():
    with pytest.raises(ValueError, match="together"):
        Client(KEY, SECRET)
    assert "s3cret" not in repr(Credentials(KEY, SECRET, PASS))
    assert [num("0.10"), num(5), num(Decimal("1E-8")), num(Decimal("2.50"))] == ["0.10", "5", "0.00000001", "2.50"]
    for bad in (0.1, True, None):
        with pytest.raises(TypeError):
            num(bad)  # type: ignore[arg-type]
