"""``utaex serve --scenario FILE`` against the real server: users with the file's keys, opening orders,
a schedule of orders and faults, applied once; the shipped examples load; a bad file is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from support import ADMIN_TOKEN, Server, free_port
from utaex.client import Client
from utaex.gateway.scenario import ScenarioError, load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"

SCENARIO = """
name = "tiny-crash"

[[users]]
name = "bot"
apiKey = "bg_test_bot"
secretKey = "test-bot-secret"
passphrase = "testbot"
balances = { USDT = "5000", BTC = "1" }

[[users]]
name = "maker"
apiKey = "bg_test_maker"
secretKey = "test-maker-secret"
passphrase = "testmaker"
balances = { USDT = "100000", BTC = "5" }

[[orders]]
user = "maker"
category = "SPOT"
symbol = "BTCUSDT"
side = "buy"
orderType = "limit"
qty = "1"
price = "30000"

[[schedule]]
at = "1500ms"
fault = { path = "/api/v3/account/assets", effect = "error", status = 503, code = "40010", msg = "busy" }

[[schedule]]
at = "1s"
order = { user = "bot", category = "SPOT", symbol = "BTCUSDT", side = "sell", orderType = "market", qty = "1" }
"""


def until(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_scenario_users_orders_and_schedule_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "tiny.toml"
    path.write_text(SCENARIO)
    data = tmp_path / "data"
    server = Server(data, free_port(), ("--scenario", str(path))).start()
    bot = {"apiKey": "bg_test_bot", "secretKey": "test-bot-secret", "passphrase": "testbot"}
    maker = {"apiKey": "bg_test_maker", "secretKey": "test-maker-secret", "passphrase": "testmaker"}
    try:
        with server.client(maker) as m:
            # the opening bid rests until the scheduled market sell (1 s) takes it
            def filled() -> bool:
                fills = m.get("/api/v3/trade/fills", category="SPOT")["list"]
                return len(fills) == 1  # the bot's scheduled market sell took the opening bid
            assert until(filled)
        with server.client(bot) as b:
            assert until(lambda: server.admin("GET", "/admin/v1/faults")["list"])
            with pytest.raises(Exception, match="40010"):
                b.get("/api/v3/account/assets")
        assert "scenario tiny-crash" in server.log()
        assert server.admin("GET", "/admin/v1/audit")["problems"] == []
    finally:
        assert server.stop() == 0
    server = Server(data, free_port(), ("--scenario", str(path))).start()  # resumed: not applied again
    try:
        assert "not applied" in server.log()
        with Client(maker["apiKey"], maker["secretKey"], maker["passphrase"], base_url=server.base_url) as m:
            assert len(m.get("/api/v3/trade/fills", category="SPOT")["list"]) == 1
            assert m.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"] == []
    finally:
        server.stop()


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_examples_are_valid(example: Path) -> None:
    scenario = load(example)
    assert scenario.name == example.stem and scenario.users and scenario.schedule


def test_two_examples_are_shipped() -> None:
    assert {p.stem for p in EXAMPLES.glob("*.toml")} >= {"flash-crash", "rate-limit-day"}


@pytest.mark.parametrize("text, message", [
    ("bogus = 1", "unknown field `bogus`"),
    ('[[orders]]\nuser = "nobody"\ncategory = "SPOT"\nsymbol = "BTCUSDT"\nside = "buy"\norderType = "market"\n'
     'qty = "1"', "no user named 'nobody'"),
    ('[[schedule]]\nat = "soon"\nclear_faults = true', "bad offset"),
    ('[[schedule]]\nat = "1s"\nfault = { path = "/x", effect = "explode" }', "effect must be one of"),
])
def test_a_bad_scenario_is_refused_before_anything_starts(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=message):
        load(path)
    r = subprocess.run([sys.executable, "-m", "utaex", "serve", "--port", str(free_port()), "--data-dir",
                        str(tmp_path / "data"), "--scenario", str(path)], capture_output=True, text=True,
                       timeout=60, env={**os.environ, "UTAEX_ADMIN_TOKEN": ADMIN_TOKEN})
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert not (tmp_path / "data").exists()


MARKET_SCENARIO = """
name = "path"
clock = "step"

[market]
takers = { takers = 0 }
oracles = [{ name = "BTC", price = "30000", volatility = 0.0, jumpsPerHour = 0.0 }]

[[users]]
name = "bot"
apiKey = "bg_path_bot"
secretKey = "path-bot-secret"
passphrase = "pathbot"
balances = { USDT = "5000" }

[[paths]]
category = "USDT-FUTURES"
symbol = "BTCUSDT"
points = [{ at = "0s", price = "30000" }, { at = "10s", price = "27000" }]

[[schedule]]
at = "15s"
price = { category = "SPOT", symbol = "BTCUSDT", price = "33000" }
"""


def test_scenario_market_path_and_price_steps_run_on_the_stepped_clock(tmp_path: Path) -> None:
    path = tmp_path / "path.toml"
    path.write_text(MARKET_SCENARIO)
    server = Server(tmp_path / "data", free_port(), ("--scenario", str(path), "--market", "on")).start()

    def best_bid(category: str) -> float:
        r = server.admin_http.get("/api/v3/market/orderbook", params={"category": category, "symbol": "BTCUSDT"})
        return float(r.json()["data"]["b"][0][0])

    try:
        assert server.admin("GET", "/admin/v1/clock")["mode"] == "step"
        server.admin("POST", "/admin/v1/clock/advance", {"ms": 5_000})  # the path is at 28,500 at 5 s
        assert abs(best_bid("USDT-FUTURES") / 28_500 - 1) < 0.002
        assert abs(best_bid("SPOT") / 28_500 - 1) < 0.002  # one BTC oracle: every BTC book follows
        server.admin("POST", "/admin/v1/clock/advance", {"ms": 11_000})
        assert abs(best_bid("USDT-FUTURES") / 33_000 - 1) < 0.002
    finally:
        server.stop()
