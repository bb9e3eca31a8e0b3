"""The market simulator against the real server, on the stepped clock (never wall-clock sleeps): a fresh
venue trades and quotes, a price move is followed, a user's resting order is filled by the agents (partially
first), the same seed and the same user commands give the same state hash, agents are visible users."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from support import Server, start_server

START = 1_800_000_000_000  # a fixed virtual start: runs are comparable to the state hash
SCENARIO = """
name = "determinism"
[[users]]
name = "alice"
apiKey = "bg_det_alice"
secretKey = "det-alice-secret"
passphrase = "detalice"
balances = { USDT = "1000000", BTC = "10" }
"""


def market_server(tmp: Path, *extra: str) -> Server:
    return start_server(tmp, "--no-rate-limit", "--market", "on", "--clock", "step", "--seed", "7", *extra)


@pytest.fixture(scope="module")
def venue(tmp_path_factory: pytest.TempPathFactory):
    srv = market_server(tmp_path_factory.mktemp("market"))
    yield srv
    srv.stop()


def advance(srv: Server, ms: int) -> int:
    return int(srv.admin("POST", "/admin/v1/clock/advance", {"ms": ms})["now"])


def book(srv: Server, category: str, symbol: str = "BTCUSDT") -> dict:
    r = srv.admin_http.get("/api/v3/market/orderbook", params={"category": category, "symbol": symbol, "limit": 50})
    return r.json()["data"]


def ticker(srv: Server, category: str, symbol: str = "BTCUSDT") -> dict:
    r = srv.admin_http.get("/api/v3/market/tickers", params={"category": category, "symbol": symbol})
    return r.json()["data"][0]


def fills(srv: Server, category: str, symbol: str = "BTCUSDT") -> list:
    r = srv.admin_http.get("/api/v3/market/fills", params={"category": category, "symbol": symbol, "limit": 100})
    return r.json()["data"]


def test_fresh_venue_quotes_and_trades(venue: Server) -> None:
    advance(venue, 2_000)
    for cat in ("SPOT", "USDT-FUTURES"):
        b = book(venue, cat)
        assert len(b["a"]) >= 10 and len(b["b"]) >= 10, (cat, len(b["a"]), len(b["b"]))
        assert b["b"][0][0] < b["a"][0][0]
    assert fills(venue, "SPOT"), "no public trade within 2 s of virtual time"
    first = ticker(venue, "SPOT")["lastPrice"]
    seen = {first}
    for _ in range(15):
        advance(venue, 1_000)
        seen.add(ticker(venue, "SPOT")["lastPrice"])
    assert len(seen) > 1, "the SPOT last price did not change within 15 s"
    fut = ticker(venue, "USDT-FUTURES")
    assert Decimal(fut["indexPrice"]) > 0 and Decimal(fut["markPrice"]) > 0 and fut["fundingRate"] != ""
    r = venue.admin_http.get("/api/v3/market/candles", params={"category": "SPOT", "symbol": "BTCUSDT",
                                                                "interval": "1m"})
    assert r.json()["data"], "no candle bars from the simulated trades"


def test_agents_are_users_of_the_reserved_range(venue: Server) -> None:
    users = venue.admin("GET", "/admin/v1/users", None)["list"]
    agents = [u for u in users if 990_000_001 <= int(u["uid"]) <= 999_999_999]
    assert agents and all(k["permissions"] == ["uta_read"] for u in agents for k in u["apiKeys"])
    venue.admin("POST", f"/admin/v1/users/{agents[0]['uid']}/deposits", {"coin": "USDT", "amount": "5"})
    assert venue.admin("GET", "/admin/v1/audit")["problems"] == []


def test_price_move_is_followed_within_a_minute(venue: Server) -> None:
    index = Decimal(ticker(venue, "USDT-FUTURES")["indexPrice"])
    target = (index * Decimal("0.9")).quantize(Decimal("0.1"))
    moved = venue.admin("POST", "/admin/v1/prices", {"category": "USDT-FUTURES", "symbol": "BTCUSDT",
                                                     "price": str(target)})
    assert Decimal(moved["price"]) == target
    advance(venue, 60_000)
    t = ticker(venue, "USDT-FUTURES")
    best_bid = Decimal(str(book(venue, "USDT-FUTURES")["b"][0][0]))
    for name, value in (("index", Decimal(t["indexPrice"])), ("mark", Decimal(t["markPrice"])),
                        ("best bid", best_bid)):
        assert abs(value - target) / target < Decimal("0.02"), (name, value, target)


def test_resting_buy_below_the_best_bid_fills_partially_first(tmp_path: Path) -> None:
    srv = market_server(tmp_path)
    try:
        advance(srv, 3_000)
        creds = srv.new_user()
        bid = Decimal(str(book(srv, "SPOT")["b"][0][0]))
        price = bid - Decimal("0.01")
        qty = Decimal("0.5")  # many taker orders' worth
        with srv.client(creds) as c:
            oid = c.place_order("SPOT", "BTCUSDT", "buy", "limit", str(qty), str(price)).orderId
            states = []
            for _ in range(600):
                advance(srv, 1_000)
                o = c.order_info(oid)
                filled = Decimal(o.cumExecQty)
                if filled and (not states or states[-1] != filled):
                    states.append(filled)
                if o.orderStatus == "filled":
                    break
            assert states, "the resting buy was never reached"
            assert 0 < states[0] < qty, f"first fill was not partial: {states[0]}"
            assert len(states) >= 2 or c.order_info(oid).orderStatus == "partially_filled"
    finally:
        srv.stop()


def run_scripted(tmp: Path) -> str:
    tmp.mkdir(parents=True, exist_ok=True)
    scenario = tmp / "scenario.toml"
    scenario.write_text(SCENARIO)
    srv = market_server(tmp, "--start-time", str(START), "--scenario", str(scenario))
    try:
        creds = {"apiKey": "bg_det_alice", "secretKey": "det-alice-secret", "passphrase": "detalice"}
        advance(srv, 5_000)
        with srv.client(creds) as c:
            c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.2", "59990")
            advance(srv, 10_000)
            c.place_order("USDT-FUTURES", "BTCUSDT", "sell", "market", "0.05")
            advance(srv, 10_000)
        audit = srv.admin("GET", "/admin/v1/audit")
        assert audit["problems"] == []
        assert int(audit["journalSeq"]) > 100  # the agents traded
        return str(audit["stateHash"])
    finally:
        srv.stop()


def test_same_seed_and_commands_give_the_same_state(tmp_path: Path) -> None:
    assert run_scripted(tmp_path / "a") == run_scripted(tmp_path / "b")


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "market"


def test_market_file_replays_its_prices(tmp_path: Path) -> None:
    path = tmp_path / "jump.csv"
    path.write_text("ts,price,qty,side\n1700000000000,60000,0.1,buy\n1700000005000,66000,0.1,sell\n"
                    "1700000060000,66000,0.1,buy\n")
    srv = start_server(tmp_path / "v", "--market", str(path), "--clock", "step")
    try:
        advance(srv, 4_000)
        b = book(srv, "SPOT")
        assert abs(Decimal(str(b["b"][0][0])) / 60000 - 1) < Decimal("0.002")
        advance(srv, 6_000)  # the file jumps to 66000 after 5 s; the makers re-quote within their refresh
        b = book(srv, "SPOT")
        assert abs(Decimal(str(b["b"][0][0])) / 66000 - 1) < Decimal("0.002"), b["b"][0]
        assert fills(srv, "SPOT")
    finally:
        srv.stop()


def test_candles_file_loads_and_a_bad_file_is_refused(tmp_path: Path) -> None:
    import subprocess
    import sys

    from utaex.sim.oracle import load_path

    offsets, prices = load_path(EXAMPLES / "btc-candles.csv")
    assert offsets[0] == 0 and len(prices) == 4 * 240 and prices[0] == 60000.0
    bad = tmp_path / "bad.csv"
    bad.write_text("time,value\n1,2\n")
    r = subprocess.run([sys.executable, "-m", "utaex", "serve", "--port", "0", "--data-dir", str(tmp_path / "d"),
                        "--market", str(bad)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "ts,price,qty,side" in r.stderr
