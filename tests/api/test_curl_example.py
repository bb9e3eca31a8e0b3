"""The Cancel-Batch page's curl example, run with real curl and a real signature, gets the documented
response shape (per-item results in request order; missing orders answered with code and msg)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from support import Server
from utaex.wire.signing import prehash, sign_hmac

BODY = ('[{"orderId":"112233","category":"spot","symbol":"BTCUSDT"},'
        '{"clientOid":"123456","category":"spot","symbol":"BTCUSDT"}]')


def curl_cancel_batch(server: Server, creds: dict[str, str], body: str) -> dict[str, object]:
    ts = str(int(time.time() * 1000))
    sign = sign_hmac(creds["secretKey"], prehash(ts, "POST", "/api/v3/trade/cancel-batch", "", body))
    out = subprocess.run(
        ["curl", "-sS", "-X", "POST", server.base_url + "/api/v3/trade/cancel-batch",
         "-H", f"ACCESS-KEY:{creds['apiKey']}", "-H", f"ACCESS-SIGN:{sign}",
         "-H", f"ACCESS-PASSPHRASE:{creds['passphrase']}", "-H", f"ACCESS-TIMESTAMP:{ts}",
         "-H", "locale:zh-CN", "-H", "Content-Type: application/json", "-d", body],
        capture_output=True, text=True, check=True, timeout=30)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_doc_curl_example(server: Server) -> None:
    creds = server.new_user({"USDT": "10000"})
    answer = curl_cancel_batch(server, creds, BODY)
    assert answer["code"] == "00000" and answer["msg"] == "success"
    assert isinstance(answer["requestTime"], int)
    assert answer["data"] == [
        {"orderId": "112233", "clientOid": "", "code": "25204", "msg": "Order does not exist"},
        {"orderId": "", "clientOid": "123456", "code": "25204", "msg": "Order does not exist"},
    ]
    with server.client(creds) as c:
        placed = c.post("/api/v3/trade/place-order", {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy",
                                                      "orderType": "limit", "qty": "0.001", "price": "20000",
                                                      "clientOid": "123456"})
    answer = curl_cancel_batch(server, creds, BODY)
    assert answer["data"] == [
        {"orderId": "112233", "clientOid": "", "code": "25204", "msg": "Order does not exist"},
        {"orderId": placed["orderId"], "clientOid": "123456"},
    ]
