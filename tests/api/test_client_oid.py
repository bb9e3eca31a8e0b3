"""A clientOid must match Bitget's pattern in full: a final newline (which ``$`` lets through) is a
parameter error for place-order, cancel-order and each cancel-batch item, over real HTTP."""

from __future__ import annotations

import json

import pytest
from uta_helpers import envelope, failure, open_ids, order, raw

from support import Server
from utaex.client import Client

BUY = {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001",
       "price": "20000"}
BAD = ("abc\n", "abc\r\n", "\nabc", "a" * 33, "ab c", "")


@pytest.fixture(scope="module")
def creds(server: Server) -> dict[str, str]:
    return server.new_user({"USDT": "100000"})


@pytest.mark.parametrize("coid", [c for c in BAD if c])
def test_place_order_refuses_a_malformed_client_oid(server: Server, creds: dict[str, str], coid: str) -> None:
    resp = raw(server, "POST", "/api/v3/trade/place-order", creds=creds,
               body=json.dumps({**BUY, "clientOid": coid}))
    failure(resp, 400, "40017")
    assert "clientOid" in envelope(resp)["msg"]


def test_a_trailing_newline_names_no_order_and_cancels_nothing(server: Server, creds: dict[str, str]) -> None:
    with server.client(creds) as client:
        placed = order(client, "SPOT", "BTCUSDT", "buy", "0.001", "20000", clientOid="abc")
        _cancel_newline_then_plain(server, creds, client, placed)


def _cancel_newline_then_plain(server: Server, creds: dict[str, str], client: Client,
                               placed: dict[str, str]) -> None:
    body = [{"category": "SPOT", "symbol": "BTCUSDT", "clientOid": "abc\n"},
            {"category": "SPOT", "symbol": "BTCUSDT", "clientOid": "abc"}]
    resp = raw(server, "POST", "/api/v3/trade/cancel-batch", creds=creds, body=json.dumps(body))
    env = envelope(resp)
    assert (resp.status_code, env["code"]) == (200, "00000"), env
    bad, good = env["data"]["list"] if isinstance(env["data"], dict) else env["data"]
    assert bad["code"] == "40017" and bad["clientOid"] == "abc\n", bad
    assert good == {"orderId": placed["orderId"], "clientOid": "abc"}
    assert placed["orderId"] not in open_ids(client, "SPOT")


def test_cancel_order_refuses_a_malformed_client_oid(server: Server, creds: dict[str, str]) -> None:
    with server.client(creds) as client:
        placed = order(client, "SPOT", "BTCUSDT", "buy", "0.001", "20000", clientOid="keep")
        resp = raw(server, "POST", "/api/v3/trade/cancel-order", creds=creds,
                   body=json.dumps({"category": "SPOT", "symbol": "BTCUSDT", "clientOid": "keep\n"}))
        failure(resp, 400, "40017")
        assert placed["orderId"] in open_ids(client, "SPOT")


def test_modify_refuses_a_new_client_oid_with_a_trailing_newline(server: Server, creds: dict[str, str]) -> None:
    with server.client(creds) as client:
        placed = order(client, "SPOT", "BTCUSDT", "buy", "0.001", "20000")
        resp = raw(server, "POST", "/api/v3/trade/modify-order", creds=creds,
                   body=json.dumps({"category": "SPOT", "symbol": "BTCUSDT", "orderId": placed["orderId"],
                                    "price": "20001", "newClientOid": "renamed\n"}))
        failure(resp, 400, "40017")
