"""Account endpoints through the SDK (sync and async): settings, assets, fee rate, leverage, hold mode."""

from __future__ import annotations

import pytest

from utaex.client import BitgetError
from utaex.wire.responses import AccountAssets, AccountSettings, Asset, FeeRate

FUTURES_SYMBOLS = [("USDT-FUTURES", "BTCUSDT"), ("USDT-FUTURES", "ETHUSDT"), ("COIN-FUTURES", "BTCUSD"),
                   ("COIN-FUTURES", "ETHUSD"), ("USDC-FUTURES", "BTCPERP"), ("USDC-FUTURES", "ETHPERP")]


def leverages(s: AccountSettings) -> dict[tuple[str, str], str]:
    return {(x.category, x.symbol): x.leverage for x in s.symbolConfigList}


def test_settings_and_leverage(connect, user):
    creds = user()
    c = connect(creds)
    s = c.account_settings()
    assert isinstance(s, AccountSettings)
    assert (s.uid, s.accountMode, s.assetMode, s.holdMode, s.stpMode) == (
        creds["uid"], "unified", "multi_assets", "one_way_mode", "none")
    assert leverages(s) == dict.fromkeys(FUTURES_SYMBOLS, "10")
    assert {x.marginMode for x in s.symbolConfigList} == {"crossed"}

    assert c.set_leverage("USDT-FUTURES", 20, "BTCUSDT") == "success"
    assert c.set_leverage("coin-futures", "3", "ETHUSD") == "success"
    assert leverages(c.account_settings()) == {**dict.fromkeys(FUTURES_SYMBOLS, "10"),
                                               ("USDT-FUTURES", "BTCUSDT"): "20", ("COIN-FUTURES", "ETHUSD"): "3"}

    with pytest.raises(BitgetError) as err:
        c.set_leverage("MARGIN", 5, "BTCUSDT")
    assert (err.value.code, err.value.msg, err.value.status) == ("25002", "Unsupported operation", 400)
    with pytest.raises(BitgetError) as err:
        c.set_leverage("USDT-FUTURES", "x", "BTCUSDT")
    assert (err.value.code, err.value.status) == ("40017", 400)


def test_hold_mode(connect, user):
    c = connect(user())
    assert c.set_hold_mode("hedge_mode") == "success"
    assert c.account_settings().holdMode == "hedge_mode"
    assert c.set_hold_mode("one_way_mode") == "success"
    assert c.account_settings().holdMode == "one_way_mode"
    with pytest.raises(BitgetError) as err:
        c.set_hold_mode("sideways")
    assert (err.value.code, err.value.msg) == ("40034", "Parameter sideways does not exist")  # as the live venue


def test_fee_rate(connect, user):
    c = connect(user())
    assert c.fee_rate("SPOT", "BTCUSDT") == FeeRate(makerFeeRate="0.001", takerFeeRate="0.001")
    assert c.fee_rate("COIN-FUTURES", "BTCUSD") == FeeRate(makerFeeRate="0.0002", takerFeeRate="0.0006")
    with pytest.raises(BitgetError) as err:
        c.fee_rate("SPOT", "DOGEUSDT")
    assert err.value.code == "25100"


def test_assets_follow_orders(connect, user):
    c = connect(user({"USDT": "1000", "BTC": "0.5"}))
    doc = c.assets()
    assert isinstance(doc, AccountAssets)
    assert [a.coin for a in doc.assets] == ["BTC", "USDT"]
    usdt = doc.coin("USDT")
    assert usdt == Asset(coin="USDT", equity="1000", usdValue="1000", balance="1000", available="1000", debt="0",
                         locked="0")
    assert (doc.coin("BTC").balance, doc.coin("BTC").available) == ("0.5", "0.5")
    assert doc.coin("ETH") is None
    c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000")  # far below any ask: rests
    after = c.assets().coin("USDT")
    assert (after.balance, after.available, after.locked) == ("1000", "990", "10")


def test_read_only_key_reads_but_cannot_write(connect, user):
    c = connect(user(read_only=True))
    assert c.assets().coin("USDT").balance == "1000000"
    with pytest.raises(BitgetError) as err:
        c.set_leverage("USDT-FUTURES", 20, "BTCUSDT")
    assert (err.value.code, err.value.msg) == ("40014", "Incorrect permissions, need trade (read & write) permission")
