"""The pytest plugin as a bot developer uses it: a test file outside this repository, run by its own
pytest process, with nothing but the installed utaex (its ``pytest11`` entry point) and ccxt."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

BOT_TESTS = '''
import ccxt
import httpx
import pytest


def test_places_through_ccxt(utaex_venue):
    ex = ccxt.bitget(utaex_venue.ccxt_config())
    order = ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000, {"clientOid": "bot-1"})
    assert ex.fetch_open_orders("BTC/USDT")[0]["id"] == order["id"]


def test_each_test_starts_from_a_reset_venue(utaex_venue):
    ex = ccxt.bitget(utaex_venue.ccxt_config())
    assert ex.fetch_open_orders("BTC/USDT") == []  # the order of the test before is gone
    assert ex.fetch_balance()["USDT"]["free"] == 100000


def test_survives_a_429_storm(utaex_venue):
    utaex_venue.fault(path="/api/v3/trade/place-order", effect="429", count=2)
    ex = ccxt.bitget(utaex_venue.ccxt_config(maxRetriesOnFailure=3, maxRetriesOnFailureDelay=10))
    ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000)
    assert len(ex.fetch_open_orders("BTC/USDT")) == 1


def test_lost_reply_and_retry_make_one_order(utaex_venue):
    utaex_venue.fault(path="/api/v3/trade/place-order", effect="lost_reply", count=1)
    ex = ccxt.bitget(utaex_venue.ccxt_config())
    with pytest.raises(ccxt.NetworkError):
        ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000, {"clientOid": "once"})
    with pytest.raises(ccxt.ExchangeError):  # 25212: the first attempt is already there
        ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000, {"clientOid": "once"})
    assert [o["clientOrderId"] for o in ex.fetch_open_orders("BTC/USDT")] == ["once"]


def test_new_users_and_the_sdk(utaex_venue):
    alice = utaex_venue.new_user({"USDT": "500"})
    with utaex_venue.client(alice) as c:
        assert c.get("/api/v3/account/assets")["assets"][0]["balance"] == "500"
    assert utaex_venue.audit()["problems"] == []
    assert httpx.get(utaex_venue.base_url + "/api/v2/public/time").json()["code"] == "00000"


def test_stepped_clock_and_reference_prices(utaex_venue):
    clock = utaex_venue.clock()
    assert clock["mode"] == "step"
    ex = ccxt.bitget(utaex_venue.ccxt_config())
    order = ex.create_order("BTC/USDT", "limit", "buy", 0.001, 20000)
    assert ex.fetch_order(order["id"], "BTC/USDT")["timestamp"] == int(clock["now"])
    assert utaex_venue.advance(60_000) == int(clock["now"]) + 60_000
    assert utaex_venue.set_price("USDT-FUTURES", "BTCUSDT", "50000.04") == "50000"
    assert ex.fetch_order_book("BTC/USDT")["asks"] == []  # a quiet market: only what the test placed
'''


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert names.get("utaex") == "utaex.testing.plugin", names


def test_a_bot_suite_outside_the_repo_uses_utaex_venue(tmp_path: Path) -> None:
    (tmp_path / "test_bot.py").write_text(BOT_TESTS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UTAEX_", "PYTEST_"))}
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_bot.py"],
                       cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "6 passed" in r.stdout, r.stdout
