"""Admin API through AdminClient and AsyncAdminClient: users, keys, deposits, audit."""

from __future__ import annotations

import asyncio

import pytest

from support import ADMIN_TOKEN
from utaex.client import AdminClient, AsyncAdminClient, BitgetError, Client
from utaex.wire.responses import ApiKeyInfo, Audit


def signed(venue, info: ApiKeyInfo) -> Client:
    return Client(info.apiKey, info.secretKey, info.passphrase, base_url=venue.base_url)


def test_users_keys_deposits(venue):
    with AdminClient(ADMIN_TOKEN, base_url=venue.base_url) as admin:
        info = admin.create_user({"USDT": "2500.5", "BTC": 1})
        assert isinstance(info, ApiKeyInfo)
        assert info.uid.isdigit() and info.apiKey.startswith("bg_") and len(info.secretKey) == 64
        assert info.permissions == ["uta_read", "uta_trade"]
        with signed(venue, info) as c:
            doc = c.assets()
            assert [(a.coin, a.balance) for a in doc.assets] == [("BTC", "1"), ("USDT", "2500.5")]
            assert c.account_settings().uid == info.uid

        assert admin.deposit(info.uid, "USDT", "0.5") == "success"
        assert admin.deposit(int(info.uid), "ETH", "3") == "success"

        key = admin.create_api_key(info.uid, read_only=True)
        assert (key.uid, key.permissions) == (info.uid, ["uta_read"])
        assert key.apiKey != info.apiKey
        with signed(venue, key) as ro:
            assert [(a.coin, a.balance) for a in ro.assets().assets] == [("BTC", "1"), ("ETH", "3"), ("USDT", "2501")]
            with pytest.raises(BitgetError) as err:
                ro.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000")
            assert err.value.code == "40014"
        trade_key = admin.create_api_key(info.uid)
        assert trade_key.permissions == ["uta_read", "uta_trade"]

        empty = admin.create_user()
        with signed(venue, empty) as c:
            assert c.assets().assets == []

        with pytest.raises(BitgetError) as err:
            admin.deposit("999999999", "USDT", "1")
        assert (err.value.code, err.value.msg) == ("25005", "User does not exist")
        with pytest.raises(BitgetError) as err:
            admin.create_user({"DOGE": "1"})
        assert (err.value.code, err.value.msg) == ("25201", "Currency does not exist")
        with pytest.raises(ValueError, match="uid must be digits"):
            admin.deposit("../audit", "USDT", "1")


def test_audit(venue):
    with AdminClient(ADMIN_TOKEN, base_url=venue.base_url) as admin:
        before = admin.audit()
        assert isinstance(before, Audit)
        admin.create_user({"USDC": "7"})
        doc = admin.audit(replay=True)
        assert doc.problems == []
        assert doc.replayHash == doc.stateHash
        assert before.replayHash is None
        assert int(doc.users) == int(before.users) + 1
        assert int(doc.journalSeq) > int(before.journalSeq)
        assert doc.deposits["USDC"] != before.deposits.get("USDC")


def test_wrong_token(venue):
    with AdminClient("not-the-token", base_url=venue.base_url) as admin, pytest.raises(BitgetError) as err:
        admin.audit()
    assert (err.value.code, err.value.status) == ("40014", 401)
    with pytest.raises(ValueError, match="admin token"):
        AdminClient("", base_url=venue.base_url)


def test_async_admin(venue):
    async def scenario() -> None:
        async with AsyncAdminClient(ADMIN_TOKEN, base_url=venue.base_url) as admin:
            info = await admin.create_user({"ETH": "2"})
            assert await admin.deposit(info.uid, "ETH", "1.25") == "success"
            key = await admin.create_api_key(info.uid, read_only=True)
            assert key.permissions == ["uta_read"]
            assert (await admin.audit()).problems == []
        with signed(venue, key) as c:
            assert c.assets().coin("ETH").balance == "3.25"

    asyncio.run(scenario())
