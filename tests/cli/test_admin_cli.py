"""``utaex users create``, ``utaex keys create`` and ``utaex deposit`` (admin API) as subprocesses."""

from __future__ import annotations

import json

from utaex.client import Client


def kv(stdout: str) -> dict[str, str]:
    pairs = (line.split(None, 1) for line in stdout.splitlines() if line.strip())
    return {k: v.strip() for k, v in pairs}


def balances(server, creds) -> dict[str, str]:
    with Client(creds["apiKey"], creds["secretKey"], creds["passphrase"], base_url=server.base_url) as c:
        return {a.coin: a.balance for a in c.assets().assets}


def test_users_create(cli, server):
    r = cli("users", "create", "--fund", "USDT=100000", "--fund", "btc=1.5")
    assert r.returncode == 0, r.stderr
    doc = kv(r.stdout)
    assert list(doc) == ["uid", "apiKey", "secretKey", "passphrase", "permissions"]
    assert doc["uid"].isdigit() and doc["apiKey"].startswith("bg_") and len(doc["secretKey"]) == 64
    assert doc["permissions"] == "uta_read,uta_trade"
    assert balances(server, doc) == {"BTC": "1.5", "USDT": "100000"}


def test_users_create_json_export_and_read_only(cli, server):
    r = cli("users", "create", "--fund", "ETH=2", "--read-only", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["permissions"] == ["uta_read"] and balances(server, doc) == {"ETH": "2"}

    r = cli("users", "create", "--export")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert [line.split("=")[0] for line in lines] == [
        "export UTAEX_API_KEY", "export UTAEX_SECRET_KEY", "export UTAEX_PASSPHRASE"]
    env = dict(line.removeprefix("export ").split("=", 1) for line in lines)
    assert balances(server, {"apiKey": env["UTAEX_API_KEY"], "secretKey": env["UTAEX_SECRET_KEY"],
                             "passphrase": env["UTAEX_PASSPHRASE"]}) == {}


def test_users_create_errors(cli):
    r = cli("users", "create", "--fund", "DOGE=1")
    assert (r.returncode, r.stderr, r.stdout) == (1, "error 25201: Currency does not exist\n", "")
    r = cli("users", "create", "--fund", "USDT")
    assert r.returncode == 2 and "'USDT' is not COIN=AMOUNT" in r.stderr
    r = cli("users", "create", admin=False)
    assert r.returncode == 2 and "no admin token: set UTAEX_ADMIN_TOKEN or pass --admin-token" in r.stderr
    r = cli("users", "create", "--admin-token", "wrong")
    assert (r.returncode, r.stderr) == (1, "error 40014: Incorrect permissions, admin bearer token required\n")
    r = cli("users", "create", "--url", "http://127.0.0.1:9")
    assert r.returncode == 1 and r.stderr.startswith("error: cannot connect to http://127.0.0.1:9")


def test_keys_create(cli, server, creds):
    r = cli("keys", "create", creds["uid"], "--read-only")
    assert r.returncode == 0, r.stderr
    doc = kv(r.stdout)
    assert (doc["uid"], doc["permissions"]) == (creds["uid"], "uta_read")
    assert doc["apiKey"] != creds["apiKey"]
    assert balances(server, doc) == {"BTC": "1", "USDT": "100000"}  # the same account

    r = cli("keys", "create", creds["uid"], "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["permissions"] == ["uta_read", "uta_trade"]
    r = cli("keys", "create", "999999999")
    assert (r.returncode, r.stderr) == (1, "error 25005: User does not exist\n")


def test_deposit(cli, server, creds):
    r = cli("deposit", creds["uid"], "btc", "2.5")
    assert (r.returncode, r.stdout) == (0, f"deposited 2.5 BTC to {creds['uid']}\n"), r.stderr
    r = cli("deposit", creds["uid"], "USDC", "10", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == {"uid": creds["uid"], "coin": "USDC", "amount": "10",
                                                          "result": "success"}
    assert balances(server, creds) == {"BTC": "3.5", "USDC": "10", "USDT": "100000"}
    r = cli("deposit", "--", creds["uid"], "USDT", "-5")
    assert (r.returncode, r.stderr) == (1, "error 40017: Parameter verification failed amount\n")
    assert balances(server, creds)["USDT"] == "100000"
