"""``utaex clock``, ``utaex price`` and ``utaex state`` as subprocesses against a venue of their own (they stop
time and restore states, which the shared session venue must not see)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from support import Server, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Overrides the session venue for this module (the ``cli`` fixture runs against it)."""
    srv = start_server(tmp_path_factory.mktemp("cli-clock"), "--no-rate-limit")
    yield srv
    srv.stop()


def rows(stdout: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("│").split("│")] for line in stdout.splitlines() if line.startswith("│")]


def test_clock_step_advance_realtime(cli, server):
    r = cli("clock", "step")
    assert r.returncode == 0, r.stderr
    (row,) = rows(r.stdout)
    assert row[0] == "step" and row[1] == "1"
    now = int(row[2])
    r = cli("clock", "advance", "60000", "--json")
    assert r.returncode == 0 and int(json.loads(r.stdout)["now"]) == now + 60_000, r.stderr
    r = cli("clock", "show")
    assert rows(r.stdout)[0][2] == str(now + 60_000)
    r = cli("clock", "realtime", "--speed", "5", "--json")
    doc = json.loads(r.stdout)
    assert (doc["mode"], doc["speed"]) == ("realtime", "5") and int(doc["now"]) >= now + 60_000
    r = cli("clock", "advance", "1000")  # only a stepped clock advances
    assert r.returncode == 1 and "40017" in r.stderr
    assert cli("clock", "realtime").returncode == 0


def test_price_sets_an_index_on_a_quiet_venue(cli, server):
    r = cli("price", "USDT-FUTURES", "BTCUSDT", "61234.56")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("USDT-FUTURES BTCUSDT reference price 61234.6 at ")  # on the tick grid
    r = cli("price", "SPOT", "NOPEUSDT", "1")
    assert r.returncode == 1 and "25100" in r.stderr


def test_state_save_list_restore(cli, server, creds):
    with server.client(creds) as c:
        oid = c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.001", "1000").orderId
        r = cli("state", "save", "before")
        assert (r.returncode, r.stdout) == (0, "saved state before (1 open orders)\n"), r.stderr
        c.cancel_order(order_id=oid)
        assert rows(cli("state", "list").stdout) == [["before"]]
        r = cli("state", "restore", "before")
        assert r.returncode == 0 and r.stdout.startswith("restored state before:"), r.stderr
        assert c.order_info(oid).orderStatus == "live"
    r = cli("state", "restore", "nope")
    assert r.returncode == 1 and "40034" in r.stderr
