"""``utaex faults add|list|clear`` and ``utaex reset`` as subprocesses, against a venue of their own (a reset
must not wipe the session venue other suites share)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from support import Server, start_server
from utaex.client import BitgetError, Client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Overrides the session venue for this module (the ``cli`` fixture runs against it)."""
    srv = start_server(tmp_path_factory.mktemp("cli-faults"), "--no-rate-limit")
    yield srv
    srv.stop()


def rows(stdout: str) -> list[list[str]]:
    """The body rows of a rich table (cells split on the box's vertical bars)."""
    out = []
    for line in stdout.splitlines():
        if line.startswith("│"):
            out.append([cell.strip() for cell in line.strip("│").split("│")])
    return out


def test_faults_add_list_and_clear(cli, server, creds):
    r = cli("faults", "list")
    assert (r.returncode, r.stdout) == (0, "no faults\n"), r.stderr
    r = cli("faults", "add", "--path", "/api/v3/trade/place-order", "--effect", "429", "--count", "2",
            "--uid", creds["uid"])
    assert (r.returncode, r.stdout) == (0, "added fault 1: 429 on /api/v3/trade/place-order\n"), r.stderr
    r = cli("faults", "add", "--path", "/api/v3/trade/cancel-batch", "--effect", "item_error", "--items", "1,3",
            "--code", "25204", "--msg", "Order does not exist", "--probability", "0.5")
    assert r.returncode == 0, r.stderr
    r = cli("faults", "add", "--path", "ws:order", "--effect", "ws_delay", "--ms", "20", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == {"id": "3"}, r.stderr

    r = cli("faults", "list")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("faults (3)")
    assert rows(r.stdout) == [
        ["1", "/api/v3/trade/place-order", "429", creds["uid"], "next 2", "-", "0"],
        ["2", "/api/v3/trade/cancel-batch", "item_error", "all", "p=0.5",
         "code=25204 msg=Order does not exist items=1,3", "0"],
        ["3", "ws:order", "ws_delay", "all", "always", "ms=20", "0"]]

    # the fault acts: the user's next place-order is refused with Bitget's 429, and the hit is counted
    with Client(creds["apiKey"], creds["secretKey"], creds["passphrase"], base_url=server.base_url) as c:
        with pytest.raises(BitgetError) as err:
            c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.001", "1000")
        assert (err.value.status, err.value.code) == (429, "429")
    listed = json.loads(cli("faults", "list", "--json").stdout)
    assert [(f["id"], f["hits"], f.get("remaining")) for f in listed] == [("1", 1, 1), ("2", 0, None), ("3", 0, None)]

    r = cli("faults", "clear", "2")
    assert (r.returncode, r.stdout) == (0, "removed fault 2\n"), r.stderr
    r = cli("faults", "clear", "2")
    assert (r.returncode, r.stderr) == (1, "error 40034: Fault 2 does not exist\n")
    r = cli("faults", "clear")
    assert (r.returncode, r.stdout) == (0, "removed 2 faults\n"), r.stderr
    assert cli("faults", "list").stdout == "no faults\n"


def test_faults_add_errors(cli):
    r = cli("faults", "add", "--path", "/api/v3/trade/place-order", "--effect", "ws_drop")
    assert (r.returncode, r.stderr) == (1, "error 40017: Parameter verification failed effect ws_drop needs a ws: "
                                           "path\n")
    r = cli("faults", "add", "--path", "/api/v3/trade/place-order", "--effect", "boom")
    assert r.returncode == 2 and "Invalid value for '--effect'" in r.stderr
    r = cli("faults", "add", "--path", "/api/v3/trade/cancel-batch", "--effect", "item_error", "--items", "a,b")
    assert r.returncode == 2 and "'a,b' is not a list of item indexes like 1,3" in r.stderr
    r = cli("faults", "add", "--path", "/x", "--effect", "429", "--count", "1", "--probability", "0.5")
    assert r.returncode == 2 and "give --count or --probability, not both" in r.stderr
    r = cli("faults", "list", admin=False)
    assert r.returncode == 2 and "no admin token" in r.stderr
    assert cli("faults", "list").stdout == "no faults\n"


def test_reset_and_drop_users(cli, server, creds):
    with Client(creds["apiKey"], creds["secretKey"], creds["passphrase"], base_url=server.base_url) as c:
        c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000")
        assert {a.coin: a.locked for a in c.assets().assets}["USDT"] == "10"
        assert cli("faults", "add", "--path", "/api/v3/account/assets", "--effect", "latency", "--ms", "1"
                   ).returncode == 0
        r = cli("reset")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("venue reset: 1 open orders removed, ") and r.stdout.endswith(" users kept\n")
        assert {a.coin: (a.balance, a.locked) for a in c.assets().assets} == {"BTC": ("1", "0"),
                                                                              "USDT": ("100000", "0")}
        assert cli("faults", "list").stdout == "no faults\n"  # a reset clears faults too
        r = cli("reset", "--drop-users", "--json")
        assert r.returncode == 0 and json.loads(r.stdout) == {"removedOrders": "0", "users": "0"}, r.stderr
        with pytest.raises(BitgetError):
            c.assets()


def test_cli_effects_are_the_servers() -> None:
    from utaex.cli_control import EFFECTS
    from utaex.gateway.faults import EFFECTS as SERVED

    assert EFFECTS == SERVED
