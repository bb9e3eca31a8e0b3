"""``GET /admin/v1/users``: users by uid with their keys (never a secret), balances, deposits, open orders."""

from __future__ import annotations

import httpx

from support import Server


def test_users_are_listed_with_keys_but_no_secrets(venue: Server) -> None:
    a = venue.new_user({"USDT": "1000", "BTC": "0.5"})
    b = venue.new_user({"ETH": "2"}, read_only=True)
    extra = venue.admin("POST", f"/admin/v1/users/{a['uid']}/api-keys", {"readOnly": True})
    with venue.client(a) as client:
        client.post("/api/v3/trade/place-order", {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy",
                                                  "orderType": "limit", "qty": "0.01", "price": "20000"})
    r = venue.admin_http.get("/admin/v1/users")
    assert r.status_code == 200
    text = r.text
    for creds in (a, b, extra):
        assert creds["secretKey"] not in text and creds["passphrase"] not in text
    users = {u["uid"]: u for u in r.json()["data"]["list"]}
    ua, ub = users[a["uid"]], users[b["uid"]]
    assert [k["apiKey"] for k in ua["apiKeys"]] == [a["apiKey"], extra["apiKey"]]
    assert ua["apiKeys"][0] == {"apiKey": a["apiKey"], "permissions": ["uta_read", "uta_trade"], "signature": "hmac"}
    assert ua["apiKeys"][1]["permissions"] == ["uta_read"]
    assert ua["openOrders"] == "1" and ub["openOrders"] == "0"
    assert ua["deposits"] == {"BTC": "0.5", "USDT": "1000"}
    assert ua["balances"]["USDT"] == "1000" and ub["balances"] == {"ETH": "2"}
    assert ub["apiKeys"] == [{"apiKey": b["apiKey"], "permissions": ["uta_read"], "signature": "hmac"}]


def test_users_page_by_cursor(venue: Server) -> None:
    for _ in range(3):
        venue.new_user({})
    everyone = venue.admin("GET", "/admin/v1/users?limit=500")
    assert everyone["cursor"] == ""
    uids = [u["uid"] for u in everyone["list"]]
    assert uids == sorted(uids, key=int) and len(uids) >= 3
    first = venue.admin("GET", "/admin/v1/users?limit=2")
    assert [u["uid"] for u in first["list"]] == uids[:2] and first["cursor"] == uids[1]
    second = venue.admin("GET", f"/admin/v1/users?limit=2&cursor={first['cursor']}")
    assert [u["uid"] for u in second["list"]] == uids[2:4]


def test_users_list_needs_the_token_and_checks_its_parameters(venue: Server) -> None:
    r = httpx.get(venue.base_url + "/admin/v1/users")
    assert r.status_code == 401 and r.json()["code"] == "40014"
    for query in ("limit=0", "limit=501", "limit=x", "cursor=abc", "cursor=-1"):
        r = venue.admin_http.get(f"/admin/v1/users?{query}")
        assert r.status_code == 400 and r.json()["code"] in ("40017", "40034"), (query, r.text)
