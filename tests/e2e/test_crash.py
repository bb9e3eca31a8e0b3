"""Crash test: mixed load from several users, ``kill -9`` at random moments, restart on the same data
directory and port, and check that nothing acknowledged was lost and everything still reconciles.

The load is sized by operation count, not by wall time: each round kills the server after a seeded random
number of acknowledged operations, so a busy machine makes the test slower, never weaker. Workers behave like
clients: a transport error (refused connection, reset, timeout) is retried until the restarted server answers,
a placement with the same ``clientOid``. A retried placement answered ``25212`` (duplicate clientOid) was
acknowledged by an earlier attempt that the client never heard about; it must exist after the restart.
A clientOid names only *pending* orders, so a retry may also create a second order when the first attempt's
order had already ended: a clientOid may appear at most as often as it was sent.

The seed is printed (shown on failure); ``UTAEX_CRASH_SEED=N`` reruns the same kill points and operation mix
(threads still interleave as the scheduler decides).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from support import ADMIN_TOKEN, Server, free_port
from utaex.client import BitgetError, Client

ROUNDS = 10
USERS = 4
WORKERS = 4
KILL_AFTER = (40, 120)  # acknowledged operations per round before the kill -9, drawn from the seed
RETRY_FOR = 120.0  # seconds a worker keeps retrying one operation before it gives up (the server is gone)
ROUND_DEADLINE = 180.0  # seconds a round may take to reach its operation count
MARKETS = [("SPOT", "BTCUSDT", 50000, "0.001"), ("USDT-FUTURES", "BTCUSDT", 50000, "0.001"),
           ("COIN-FUTURES", "BTCUSD", 50000, "0.01"), ("MARGIN", "ETHUSDT", 2000, "0.01")]
PLACE_REJECTS = {"25202", "25203", "25211"}  # insufficient balance / margin, too many open orders

T = TypeVar("T")


@dataclass
class Ledger:
    """What the load generator was told (acknowledged) and what it merely attempted."""

    placed: dict[str, str] = field(default_factory=dict)  # orderId -> clientOid
    acked_by_earlier: set[str] = field(default_factory=set)  # clientOids whose retry answered 25212
    cancelled: set[str] = field(default_factory=set)  # orderIds whose cancel was acknowledged
    sent: Counter[str] = field(default_factory=Counter)  # clientOid -> placement attempts
    deposits_acked: Counter[str] = field(default_factory=Counter)  # coin -> whole units
    deposits_attempted: Counter[str] = field(default_factory=Counter)
    acked_ops: int = 0
    retries: int = 0
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self) -> None:
        with self.lock:
            self.acked_ops += 1


class Worker:
    """One client thread's state, kept across rounds (its resting orders can be cancelled in a later round)."""

    def __init__(self, index: int, seed: int, base: str, users: list[dict[str, str]], ledger: Ledger) -> None:
        self.index = index
        self.rng = random.Random(seed * 100 + index)
        self.users = users
        self.ledger = ledger
        self.clients = [Client(u["apiKey"], u["secretKey"], u["passphrase"], base_url=base, timeout=10) for u in users]
        self.admin = httpx.Client(base_url=base, timeout=10, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        self.mine: list[tuple[int, str, str, str]] = []  # (user index, orderId, category, symbol)
        self.n = 0

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.admin.close()

    def retrying(self, send: Callable[[], T]) -> T:
        """``send()`` until the server answers (a Bitget error answer is raised as such)."""
        deadline = time.monotonic() + RETRY_FOR
        attempt = 0
        while True:
            attempt += 1
            try:
                return send()
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                with self.ledger.lock:
                    self.ledger.retries += 1
                time.sleep(min(0.02 * attempt, 0.25))

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                self.step()
        except BaseException as exc:  # reported by the test, not lost in the thread
            with self.ledger.lock:
                self.ledger.errors.append(exc)

    def step(self) -> None:
        rng, ledger = self.rng, self.ledger
        self.n += 1
        u = rng.randrange(len(self.clients))
        action = rng.random()
        if action < 0.55 or not self.mine:
            self.place(u)
        elif action < 0.7:
            self.cancel_one()
        elif action < 0.95:
            self.cancel_batch()
        else:  # an admin deposit is not idempotent: a client that lost the answer does not send it again
            coin = rng.choice(["USDT", "BTC"])
            with ledger.lock:
                ledger.deposits_attempted[coin] += 1
            try:
                r = self.admin.post(f"/admin/v1/users/{self.users[u]['uid']}/deposits",
                                    json={"coin": coin, "amount": "1"})
            except httpx.TransportError:
                return
            assert r.json()["code"] == "00000", r.text
            with ledger.lock:
                ledger.deposits_acked[coin] += 1
            ledger.ack()

    def place(self, u: int) -> None:
        rng, ledger = self.rng, self.ledger
        cat, sym, mid, qty = rng.choice(MARKETS)
        coid = f"w{self.index}-{self.n}"
        price = mid + rng.randint(-20, 20) * (mid // 10000)
        body = {"category": cat, "symbol": sym, "side": rng.choice(["buy", "sell"]), "orderType": "limit",
                "qty": qty, "price": str(price), "clientOid": coid}

        def send() -> Any:
            with ledger.lock:
                ledger.sent[coid] += 1
            return self.clients[u].post("/api/v3/trade/place-order", body)

        try:
            res = self.retrying(send)
        except BitgetError as err:
            if err.code == "25212" and retried_coid(ledger, coid):  # an earlier attempt was accepted
                with ledger.lock:
                    ledger.acked_by_earlier.add(coid)
                ledger.ack()
                return
            if err.code in PLACE_REJECTS:
                return
            raise
        assert res["clientOid"] == coid, res
        with ledger.lock:
            ledger.placed[res["orderId"]] = coid
        ledger.ack()
        self.mine.append((u, res["orderId"], cat, sym))

    def cancel_one(self) -> None:
        uu, oid, cat, _sym = self.mine.pop(self.rng.randrange(len(self.mine)))
        try:
            self.retrying(lambda: self.clients[uu].post("/api/v3/trade/cancel-order",
                                                        {"orderId": oid, "category": cat}))
        except BitgetError as err:
            if err.code != "25204":  # filled meanwhile, or cancelled by an attempt whose answer was lost
                raise
            return
        with self.ledger.lock:
            self.ledger.cancelled.add(oid)
        self.ledger.ack()

    def cancel_batch(self) -> None:
        rng = self.rng
        picks = [self.mine.pop(rng.randrange(len(self.mine))) for _ in range(min(len(self.mine), rng.randint(1, 20)))]
        by_user: dict[tuple[int, str], list[tuple[int, str, str, str]]] = {}
        for p in picks:
            by_user.setdefault((p[0], p[2]), []).append(p)
        for (uu, cat), items in by_user.items():
            body = [{"orderId": oid, "category": cat, "symbol": sym} for _, oid, _, sym in items]
            res = self.retrying(lambda uu=uu, body=body: self.clients[uu].post("/api/v3/trade/cancel-batch", body))
            with self.ledger.lock:
                for item in res:
                    if "code" not in item:
                        self.ledger.cancelled.add(item["orderId"])
                    else:
                        assert item["code"] == "25204", item
            self.ledger.ack()


def retried_coid(ledger: Ledger, coid: str) -> bool:
    with ledger.lock:
        return ledger.sent[coid] > 1


def audit(server: Server) -> dict[str, Any]:
    result: dict[str, Any] = server.admin("GET", "/admin/v1/audit?replay=1")
    return result


def crash_seed() -> int:
    seed = int(os.environ.get("UTAEX_CRASH_SEED") or random.randrange(2**32))
    print(f"crash test seed {seed}: rerun with UTAEX_CRASH_SEED={seed}")
    return seed


@pytest.mark.slow
@pytest.mark.parametrize("market", ["off", "on"])
def test_kill9_loses_nothing_acknowledged(tmp_path: Path, market: str) -> None:
    """``market`` on: the simulator's makers and takers trade throughout (their orders fill the users' too)."""
    seed = crash_seed()
    rng = random.Random(seed)
    config = tmp_path / "venue.json"
    config.write_text(json.dumps({"snapshotEvery": 150, "keepJournal": True}))
    data_dir = tmp_path / "data"
    server = Server(data_dir, free_port(), ("--no-rate-limit", "--config", str(config), "--market", market)).start()
    users = [server.new_user() for _ in range(USERS)]
    initial = audit(server)
    ledger = Ledger()
    workers = [Worker(i, seed, server.base_url, users, ledger) for i in range(WORKERS)]
    try:
        for rnd in range(ROUNDS):
            kill_after = rng.randint(*KILL_AFTER)
            target = ledger.acked_ops + kill_after
            stop = threading.Event()
            threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in workers]
            for t in threads:
                t.start()
            t_round = time.monotonic()
            deadline = t_round + ROUND_DEADLINE
            while ledger.acked_ops < target and not ledger.errors:
                assert time.monotonic() < deadline, f"round {rnd}: {ledger.acked_ops}/{target} operations"
                time.sleep(0.005)
            server.kill()  # kill -9 mid-load; the workers' requests in flight fail and are retried
            stop.set()
            server = Server(data_dir, server.port, server.args).start()  # the same port: clients retry as they are
            for t in threads:
                t.join(RETRY_FOR + 30)
            assert not any(t.is_alive() for t in threads), "a worker hangs"
            assert not ledger.errors, ledger.errors
            t0 = time.monotonic()
            check(server, users, ledger, initial)
            print(f"round {rnd}: kill after {kill_after} operations; {time.monotonic() - t_round:.1f} s, "
                  f"check {time.monotonic() - t0:.1f} s")
    finally:
        for w in workers:
            w.close()
        server.stop()
    print(f"{ledger.acked_ops} acknowledged operations, {len(ledger.placed)} placements, {len(ledger.cancelled)} "
          f"cancels, {ledger.retries} retries, {len(ledger.acked_by_earlier)} placements acknowledged by an earlier "
          f"attempt")
    assert ledger.acked_ops >= ROUNDS * KILL_AFTER[0]
    assert ledger.cancelled, "no cancel was acknowledged"
    assert ledger.retries, "no kill interrupted a request: nothing was retried"


def check(server: Server, users: list[dict[str, str]], ledger: Ledger, initial: dict[str, Any]) -> None:
    state = audit(server)
    assert state["problems"] == [], state["problems"]
    assert state["replayHash"] == state["stateHash"], "recovered state differs from a full journal replay"
    with ledger.lock:
        placed = dict(ledger.placed)
        acked_by_earlier = set(ledger.acked_by_earlier)
        cancelled = set(ledger.cancelled)
        sent = Counter(ledger.sent)
        acked = Counter(ledger.deposits_acked)
        attempted = Counter(ledger.deposits_attempted)
    # deposits: everything acknowledged is there; nothing beyond what was attempted
    for coin in ("USDT", "BTC"):
        base = Decimal(initial["deposits"][coin])
        now = Decimal(state["deposits"][coin])
        assert base + acked[coin] <= now <= base + attempted[coin], (coin, base, now, acked, attempted)
    orders_of: dict[str, list[str]] = {}  # clientOid -> orderIds
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
                    assert o["orderId"] not in status, f"order {o['orderId']} is listed twice"
                    orders_of.setdefault(o["clientOid"], []).append(o["orderId"])
                    status[o["orderId"]] = o["orderStatus"]
    finally:
        for c in clients.values():
            c.close()
    by_oid = {oid: coid for coid, oids in orders_of.items() for oid in oids}
    for oid, coid in placed.items():
        assert by_oid.get(oid) == coid, f"acknowledged order {oid} ({coid}) is missing after restart"
    for coid in acked_by_earlier:
        assert coid in orders_of, f"order {coid} (duplicate clientOid on retry) is missing after restart"
    for oid in cancelled:
        assert status.get(oid) == "cancelled", f"acknowledged cancel of {oid} was lost: {status.get(oid)}"
    # nothing appears that was never sent, nor more often than it was sent
    for coid, oids in orders_of.items():
        assert len(oids) <= sent[coid], f"clientOid {coid} sent {sent[coid]} times, {len(oids)} orders"
