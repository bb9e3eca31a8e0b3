"""Crash test: mixed load from several users, ``kill -9`` at random moments, restart on the same data
directory, and check that nothing acknowledged was lost and everything still reconciles."""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from support import ADMIN_TOKEN, Server, free_port
from utaex.client import BitgetError, Client

ROUNDS = 10
USERS = 4
WORKERS = 4


@dataclass
class Ledger:
    """What the load generator was told (acknowledged) and what it merely attempted."""

    placed: dict[str, str] = field(default_factory=dict)  # orderId -> clientOid
    cancelled: set[str] = field(default_factory=set)  # orderIds whose cancel was acknowledged
    attempted_coids: set[str] = field(default_factory=set)
    deposits_acked: dict[str, int] = field(default_factory=dict)  # coin -> whole units
    deposits_attempted: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def worker(base: str, users: list[dict[str, str]], ledger: Ledger, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    clients = [Client(u["apiKey"], u["secretKey"], u["passphrase"], base_url=base, timeout=5) for u in users]
    mine: list[tuple[int, str, str, str]] = []  # (user index, orderId, category, symbol)
    admin = httpx.Client(base_url=base, timeout=5, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    markets = [("SPOT", "BTCUSDT", 50000, "0.001"), ("USDT-FUTURES", "BTCUSDT", 50000, "0.001"),
               ("COIN-FUTURES", "BTCUSD", 50000, "0.01"), ("MARGIN", "ETHUSDT", 2000, "0.01")]
    n = 0
    try:
        while not stop.is_set():
            n += 1
            u = rng.randrange(len(clients))
            c = clients[u]
            action = rng.random()
            try:
                if action < 0.55 or not mine:
                    cat, sym, mid, qty = rng.choice(markets)
                    coid = f"w{seed}-{n}"
                    with ledger.lock:
                        ledger.attempted_coids.add(coid)
                    price = mid + rng.randint(-20, 20) * (mid // 10000)
                    res = c.post("/api/v3/trade/place-order", {
                        "category": cat, "symbol": sym, "side": rng.choice(["buy", "sell"]), "orderType": "limit",
                        "qty": qty, "price": str(price), "clientOid": coid})
                    with ledger.lock:
                        ledger.placed[res["orderId"]] = coid
                    mine.append((u, res["orderId"], cat, sym))
                elif action < 0.7:
                    uu, oid, cat, sym = mine.pop(rng.randrange(len(mine)))
                    clients[uu].post("/api/v3/trade/cancel-order", {"orderId": oid, "category": cat})
                    with ledger.lock:
                        ledger.cancelled.add(oid)
                elif action < 0.95:
                    picks = [mine.pop(rng.randrange(len(mine))) for _ in range(min(len(mine), rng.randint(1, 20)))]
                    by_user: dict[tuple[int, str], list[tuple[int, str, str, str]]] = {}
                    for p in picks:
                        by_user.setdefault((p[0], p[2]), []).append(p)
                    for (uu, cat), items in by_user.items():
                        res = clients[uu].post("/api/v3/trade/cancel-batch", [
                            {"orderId": oid, "category": cat, "symbol": sym} for _, oid, _, sym in items])
                        with ledger.lock:
                            for item in res:
                                if "code" not in item:
                                    ledger.cancelled.add(item["orderId"])
                else:
                    coin = rng.choice(["USDT", "BTC"])
                    with ledger.lock:
                        ledger.deposits_attempted[coin] = ledger.deposits_attempted.get(coin, 0) + 1
                    r = admin.post(f"/admin/v1/users/{users[u]['uid']}/deposits", json={"coin": coin, "amount": "1"})
                    if r.json()["code"] == "00000":
                        with ledger.lock:
                            ledger.deposits_acked[coin] = ledger.deposits_acked.get(coin, 0) + 1
            except BitgetError as err:
                if err.code not in ("25204", "25202", "25203"):
                    raise
            except httpx.HTTPError:
                return  # the server died: everything in flight is unacknowledged
    finally:
        for cl in clients:
            cl.close()
        admin.close()


def audit(server: Server) -> dict[str, object]:
    return server.admin("GET", "/admin/v1/audit?replay=1")


@pytest.mark.slow
def test_kill9_loses_nothing_acknowledged(tmp_path: Path) -> None:
    config = tmp_path / "venue.json"
    config.write_text(json.dumps({"snapshotEvery": 150, "keepJournal": True}))
    data_dir = tmp_path / "data"
    server = Server(data_dir, free_port(), ("--no-rate-limit", "--config", str(config))).start()
    users = [server.new_user() for _ in range(USERS)]
    initial = audit(server)
    ledger = Ledger()
    rng = random.Random(20261125)
    try:
        for rnd in range(ROUNDS):
            stop = threading.Event()
            threads = [threading.Thread(target=worker, args=(server.base_url, users, ledger, stop, rnd * 100 + i))
                       for i in range(WORKERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.3, 1.2))
            server.kill()  # kill -9 mid-load
            stop.set()
            for t in threads:
                t.join(10)
            server = Server(data_dir, free_port(), server.args).start()
            check(server, users, ledger, initial)
    finally:
        server.stop()
    assert len(ledger.placed) > 200, "the load generator did too little to prove anything"
    assert ledger.cancelled, "no cancel was acknowledged"


def check(server: Server, users: list[dict[str, str]], ledger: Ledger, initial: dict[str, object]) -> None:
    state = audit(server)
    assert state["problems"] == [], state["problems"]
    assert state["replayHash"] == state["stateHash"], "recovered state differs from a full journal replay"
    with ledger.lock:
        placed = dict(ledger.placed)
        cancelled = set(ledger.cancelled)
        acked = dict(ledger.deposits_acked)
        attempted = dict(ledger.deposits_attempted)
    # deposits: everything acknowledged is there; nothing beyond what was attempted
    for coin in ("USDT", "BTC"):
        base = float(initial["deposits"][coin])  # type: ignore[index]
        now = float(state["deposits"][coin])  # type: ignore[index]
        assert base + acked.get(coin, 0) <= now <= base + attempted.get(coin, 0)
    seen_coids: dict[str, str] = {}
    status: dict[str, str] = {}
    clients = {u["uid"]: server.client(u) for u in users}
    try:
        for c in clients.values():
            for cat in ("SPOT", "MARGIN", "USDT-FUTURES", "COIN-FUTURES"):
                docs = list(c.get("/api/v3/trade/unfilled-orders", category=cat)["list"])
                cursor = ""
                while True:
                    page = c.get("/api/v3/trade/history-orders", category=cat, limit=100, cursor=cursor or None)
                    docs += page["list"]
                    cursor = page["cursor"]
                    if not cursor:
                        break
                for o in docs:
                    assert o["clientOid"] not in seen_coids, f"order {o['clientOid']} appears twice"
                    seen_coids[o["clientOid"]] = o["orderId"]
                    status[o["orderId"]] = o["orderStatus"]
    finally:
        for c in clients.values():
            c.close()
    by_oid = {oid: coid for coid, oid in seen_coids.items()}
    for oid, coid in placed.items():
        assert by_oid.get(oid) == coid, f"acknowledged order {oid} ({coid}) is missing after restart"
    for oid in cancelled:
        assert status.get(oid) == "cancelled", f"acknowledged cancel of {oid} was lost: {status.get(oid)}"
    # nothing appears that was never attempted
    assert set(seen_coids) <= ledger.attempted_coids
