"""``utaex balance`` and ``utaex orders place|list|show|cancel|cancel-batch`` as subprocesses.

Effects are checked through the SDK. Buys rest at ~1000 USDT per BTC, far below any price other
tests trade at on the shared session server, and every test checks that its orders are live.
"""

from __future__ import annotations

import json
import re

import pytest

from utaex.client import Client

PLACED = re.compile(r"^placed order (\d{19}) \(clientOid (\S+)\)$")


@pytest.fixture
def sdk(server, creds):
    with Client(creds["apiKey"], creds["secretKey"], creds["passphrase"], base_url=server.base_url) as c:
        yield c
        c.cancel_symbol_orders("SPOT")


def place(cli, creds, price: str, *extra: str) -> tuple[str, str]:
    r = cli("orders", "place", "--symbol", "BTCUSDT", "--side", "buy", "--qty", "0.01", "--price", price, *extra,
            creds=creds)
    assert r.returncode == 0, r.stderr
    m = PLACED.match(r.stdout.strip())
    assert m, r.stdout
    return m.group(1), m.group(2)


def table_rows(stdout: str) -> list[list[str]]:
    """Cells of the body rows of a rich table (rows drawn with │ separators)."""
    return [[cell.strip() for cell in line.strip().strip("│").split("│")]
            for line in stdout.splitlines() if line.startswith("│")]


def test_balance(cli, creds, sdk):
    r = cli("balance", creds=creds)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("account equity")
    rows = table_rows(r.stdout)
    assert [row[:5] for row in rows] == [["BTC", "1", "1", "0", "0"], ["USDT", "100000", "100000", "0", "0"]]

    sdk.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000")
    r = cli("balance", "--coin", "usdt", "--json", creds=creds)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [(a["coin"], a["balance"], a["available"], a["locked"]) for a in doc["assets"]] == [
        ("USDT", "100000", "99990", "10")]


def test_balance_credentials(cli, creds, server):
    r = cli("balance")
    assert r.returncode == 2
    assert "missing API credentials: UTAEX_API_KEY / --api-key, UTAEX_SECRET_KEY / --secret-key" in r.stderr
    r = cli("balance", "--json", "--api-key", creds["apiKey"], "--secret-key", creds["secretKey"], "--passphrase",
            creds["passphrase"])
    assert r.returncode == 0 and json.loads(r.stdout)["assets"][1]["balance"] == "100000"
    r = cli("balance", creds={**creds, "apiKey": "bg_nope"})
    assert (r.returncode, r.stderr, r.stdout) == (1, "error 40006: Invalid ACCESS_KEY\n", "")
    r = cli("balance", creds={**creds, "secretKey": "0" * 64})
    assert (r.returncode, r.stderr) == (1, "error 40009: sign signature error\n")


def test_place_show_list_cancel(cli, creds, sdk):
    oid, coid = place(cli, creds, "1000", "--client-oid", "cli-one")
    assert coid == "cli-one"
    o = sdk.order_info(oid)
    assert (o.orderStatus, o.side, o.orderType, o.price, o.qty, o.timeInForce) == (
        "live", "buy", "limit", "1000", "0.01", "gtc")
    oid2, coid2 = place(cli, creds, "1001", "--tif", "post_only")
    assert sdk.order_info(oid2).timeInForce == "post_only" and coid2.isdigit()

    r = cli("orders", "list", creds=creds)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("open orders (2)")
    assert [row[:2] + row[6:] for row in table_rows(r.stdout)] == [
        [oid2, coid2, "1001", "0.01", "0", "live"], [oid, "cli-one", "1000", "0.01", "0", "live"]]
    r = cli("orders", "list", "--json", "--category", "spot", "--symbol", "BTCUSDT", creds=creds)
    assert [(o["orderId"], o["orderStatus"]) for o in json.loads(r.stdout)] == [(oid2, "live"), (oid, "live")]
    assert cli("orders", "list", "--category", "USDT-FUTURES", creds=creds).stdout == "no open orders\n"

    r = cli("orders", "show", "cli-one", creds=creds)
    assert r.returncode == 0, r.stderr
    assert re.search(rf"^orderId\s+{oid}$", r.stdout, re.M) and re.search(r"^status\s+live$", r.stdout, re.M)
    assert json.loads(cli("orders", "show", oid, "--json", creds=creds).stdout)["clientOid"] == "cli-one"

    r = cli("orders", "cancel", "cli-one", creds=creds)
    assert (r.returncode, r.stdout) == (0, f"cancelled order {oid} (clientOid cli-one)\n"), r.stderr
    r = cli("orders", "cancel", oid2, "--json", creds=creds)
    assert json.loads(r.stdout) == {"orderId": oid2, "clientOid": coid2}
    assert [sdk.order_info(x).orderStatus for x in (oid, oid2)] == ["cancelled", "cancelled"]

    r = cli("orders", "cancel", oid, creds=creds)
    assert (r.returncode, r.stderr, r.stdout) == (1, "error 25204: Order does not exist\n", "")
    r = cli("orders", "list", "--history", creds=creds)
    assert [(row[0], row[-1]) for row in table_rows(r.stdout)] == [(oid2, "cancelled"), (oid, "cancelled")]


def test_place_variants_and_errors(cli, creds, sdk):
    r = cli("orders", "place", "--symbol", "BTCUSDT", "--side", "buy", "--qty", "0.01", "--type", "limit",
            creds=creds)
    assert r.returncode == 2 and "a limit order needs --price" in r.stderr
    r = cli("orders", "place", "--symbol", "BTCUSDT", "--side", "buy", "--qty", "200", "--price", "1000",
            creds=creds)
    assert (r.returncode, r.stderr) == (1, "error 25202: Insufficient balance\n")
    r = cli("orders", "place", "--symbol", "NOPE", "--side", "buy", "--qty", "1", "--price", "1", creds=creds)
    assert (r.returncode, r.stderr) == (1, "error 25100: Trading pair NOPE does not exist\n")
    r = cli("orders", "place", "--category", "usdt-futures", "--symbol", "BTCUSDT", "--side", "buy", "--qty", "0.01",
            "--price", "1000", "--json", creds=creds)
    assert r.returncode == 0, r.stderr
    ids = json.loads(r.stdout)
    o = sdk.order_info(ids["orderId"])
    assert (o.category, o.orderStatus, o.price) == ("USDT-FUTURES", "live", "1000")
    sdk.cancel_symbol_orders("USDT-FUTURES")


def test_cancel_batch_mixed_refs(cli, creds, sdk):
    a, _ = place(cli, creds, "1000")
    b, _ = place(cli, creds, "1001", "--client-oid", "batch-b")
    c, _ = place(cli, creds, "1002", "--client-oid", "1234567890123456789")  # a 19-digit clientOid: coid:
    d, _ = place(cli, creds, "1003", "--client-oid", "batch-d")
    keep, _ = place(cli, creds, "1004")
    missing = "1111111111111111111"
    r = cli("orders", "cancel-batch", "--symbol", "BTCUSDT", a, "batch-b", "coid:1234567890123456789",
            f"oid:{d}", missing, "nope", creds=creds)
    assert r.returncode == 1
    assert r.stderr == "error: 2 of 6 cancels failed\n"
    assert r.stdout.startswith("cancel-batch: 4 cancelled, 2 failed")
    assert table_rows(r.stdout) == [
        ["1", a, sdk.order_info(a).clientOid, "cancelled"],
        ["2", b, "batch-b", "cancelled"],
        ["3", c, "1234567890123456789", "cancelled"],
        ["4", d, "batch-d", "cancelled"],
        ["5", missing, "-", "error 25204: Order does not exist"],
        ["6", "-", "nope", "error 25204: Order does not exist"],
    ]
    assert [o.orderId for o in sdk.unfilled_orders("SPOT").list] == [keep]
    assert {sdk.order_info(x).orderStatus for x in (a, b, c, d)} == {"cancelled"}


def test_cancel_batch_all_ok_and_json(cli, creds, sdk):
    a, coid_a = place(cli, creds, "1000")
    b, _ = place(cli, creds, "1001", "--client-oid", "j-b")
    r = cli("orders", "cancel-batch", "--category", "SPOT", "--symbol", "BTCUSDT", a, "j-b", "--json", creds=creds)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"orderId": a, "clientOid": coid_a}, {"orderId": b, "clientOid": "j-b"}]

    r = cli("orders", "cancel-batch", "--symbol", "BTCUSDT", a, "--json", creds=creds)
    assert r.returncode == 1 and r.stderr == "error: 1 of 1 cancels failed\n"
    assert json.loads(r.stdout) == [{"code": "25204", "msg": "Order does not exist", "orderId": a, "clientOid": ""}]

    r = cli("orders", "cancel-batch", "--symbol", "BTCUSDT", *[str(10**18 + i) for i in range(21)], creds=creds)
    assert r.returncode == 1 and r.stderr.startswith("error 40017: Parameter verification failed"), r.stderr
    r = cli("orders", "cancel-batch", "--symbol", "BTCUSDT", "oid:", creds=creds)
    assert r.returncode == 2 and "nothing after 'oid:'" in r.stderr
