"""The admin API over real HTTP: a request that fails changes nothing (docs/admin-api.md)."""

from __future__ import annotations

import httpx
import pytest

from support import ADMIN_TOKEN, Server


@pytest.mark.parametrize("amount", ["abc", "0", "-1", "1.0000000000000000001", "", "1e3"])
def test_create_user_with_a_bad_balance_creates_nothing(venue: Server, amount: str) -> None:
    before = venue.admin("GET", "/admin/v1/audit")
    r = httpx.post(venue.base_url + "/admin/v1/users", timeout=10, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                   json={"balances": {"USDT": "100", "BTC": amount}})
    body = r.json()
    assert (r.status_code, body["code"]) == (400, "40017"), body
    assert "BTC" in body["msg"], body
    after = venue.admin("GET", "/admin/v1/audit")
    assert (after["users"], after["deposits"], after["journalSeq"]) == (
        before["users"], before["deposits"], before["journalSeq"])
    assert after["problems"] == []
