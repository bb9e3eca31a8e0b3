"""The replicated journal on the real NATS JetStream (127.0.0.1:4222): real venues as subprocesses, kill -9.

Every test uses a fresh stream (and lease bucket), deleted afterwards. Where NATS is not running the tests
skip with a message (under CI=true they fail: tests/services.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services import require_nats, unique_name
from support import ADMIN_TOKEN, Server, free_port
from utaex.client import BitgetError, Client
from utaex.journal import decode_records, encode_record

pytestmark = pytest.mark.slow


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _stream_records(server: str, stream: str) -> tuple[list[int], list[bytes]]:
    """The ``Utaex-Seq`` header of every message and every record, in stream order."""
    import nats

    nc = await nats.connect(server)
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        firsts: list[int] = []
        records: list[bytes] = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            msg = await js.get_msg(stream, seq)
            payloads, end = decode_records(msg.data)
            assert end == len(msg.data)
            firsts.append(int(msg.headers["Utaex-Seq"]))
            records += payloads
        return firsts, records
    finally:
        await nc.close()


async def _intrude(server: str, stream: str) -> None:
    """Append one message as a second writer would (expected-last-sequence = the stream's last)."""
    import nats

    nc = await nats.connect(server)
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        await js.publish(f"utaex.{stream}.journal", encode_record(b"intruder"), headers={
            "Nats-Expected-Last-Sequence": str(info.state.last_seq), "Utaex-Seq": "999999"})
    finally:
        await nc.close()


async def _drop(server: str, stream: str) -> None:
    import nats

    nc = await nats.connect(server)
    try:
        js = nc.jetstream()
        for name in (stream, f"KV_utaex-lease-{stream}"):
            with contextlib.suppress(Exception):  # already gone
                await js.delete_stream(name)
    finally:
        await nc.close()


@pytest.fixture
def journal() -> Iterator[tuple[str, str, str]]:
    """(journal URL, NATS server URL, stream name) for a fresh stream; dropped afterwards."""
    server = require_nats()
    stream = unique_name("utaex_test")
    yield f"{server}/{stream}?lease=1.5", server, stream
    _run(_drop(server, stream))


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for s in started:
        if s.proc is not None:
            s.kill()  # closes its admin client too


def venue(tmp: Path, name: str, servers: list[Server], *args: str, port: int | None = None) -> Server:
    server = Server(tmp / name / "data", port or free_port(), ("--no-rate-limit", "--market", "off", *args))
    (tmp / name).mkdir(parents=True, exist_ok=True)
    servers.append(server)
    return server.start()


def audit(server: Server) -> dict[str, Any]:
    return server.admin("GET", "/admin/v1/audit")  # type: ignore[no-any-return]


def wait_same_seq(primary: Server, follower: Server, timeout: float = 20.0) -> tuple[dict[str, Any], dict[str, Any]]:
    """Audits of both once the follower has applied everything the primary journaled."""
    deadline = time.monotonic() + timeout
    while True:
        a, b = audit(primary), audit(follower)
        if a["journalSeq"] == b["journalSeq"] or time.monotonic() > deadline:
            return a, b
        time.sleep(0.05)


def place(c: Client, coid: str, price: int = 50000, side: str = "buy") -> str:
    res = c.post("/api/v3/trade/place-order", {"category": "SPOT", "symbol": "BTCUSDT", "side": side,
                                                "orderType": "limit", "qty": "0.001", "price": str(price),
                                                "clientOid": coid})
    return str(res["orderId"])


def test_primary_publishes_every_batch_and_is_fenced_by_a_second_writer(tmp_path: Path, journal: Any,
                                                                        servers: list[Server]) -> None:
    url, nats_server, stream = journal
    primary = venue(tmp_path, "p", servers, "--journal", url)
    user = primary.new_user()
    with primary.client(user) as c:
        ids = [place(c, f"a{i}", 40000 + i) for i in range(10)]
        c.post("/api/v3/trade/cancel-batch", [{"category": "SPOT", "symbol": "BTCUSDT", "orderId": i} for i in ids[:5]])
        primary.admin("POST", f"/admin/v1/users/{user['uid']}/deposits", {"coin": "USDT", "amount": "5"})
        seq = int(audit(primary)["journalSeq"])
        firsts, records = _run(_stream_records(nats_server, stream))
        # users, keys, deposits, orders and cancels: every journaled command is in the stream, in order, once
        assert len(records) == seq
        assert firsts[0] == 1
        segments = sorted(primary.data_dir.glob("journal-*.log"))
        local = b"".join(path.read_bytes() for path in segments)
        assert decode_records(local)[0] == records
        # a second writer appends: the primary's next batch fails its expected-last-sequence and nothing more is
        # acknowledged
        _run(_intrude(nats_server, stream))
        with pytest.raises((BitgetError, httpx.TransportError)) as err:
            place(c, "after-fence")
        if isinstance(err.value, BitgetError):
            assert err.value.status == 503 and err.value.code == "25000"
        assert primary.proc is not None and primary.proc.wait(15) == 70  # fail-stop, as on a journal failure
        _, after = _run(_stream_records(nats_server, stream))
        assert after[:seq] == records and after[seq:] == [b"intruder"]  # nothing of the fenced primary's


def test_replica_follows_refuses_writes_and_serves_reads(tmp_path: Path, journal: Any,
                                                        servers: list[Server]) -> None:
    url, _, _ = journal
    primary = venue(tmp_path, "p", servers, "--journal", url)
    user = primary.new_user()
    c = primary.client(user)
    ids = [place(c, f"r{i}", 40000 + i) for i in range(6)]
    place(c, "taker", 39990, "sell")  # fills against the best bids
    replica = venue(tmp_path, "r", servers, "--journal", url, "--role", "replica")
    c.post("/api/v3/trade/cancel-batch", [{"category": "SPOT", "symbol": "BTCUSDT", "orderId": i} for i in ids[:2]])
    assert primary.admin("GET", "/admin/v1/replication")["writable"] is True
    state = replica.admin("GET", "/admin/v1/replication")
    assert state["role"] == "replica" and state["writable"] is False and state["primary"] == primary.base_url
    a, b = wait_same_seq(primary, replica)
    assert a["journalSeq"] == b["journalSeq"]
    assert a["stateHash"] == b["stateHash"] and b["problems"] == []
    rc = replica.client(user)
    try:
        # private reads and public market data from the replica match the primary's
        for path, params in (("/api/v3/trade/unfilled-orders", {"category": "SPOT"}),
                             ("/api/v3/trade/history-orders", {"category": "SPOT"}),
                             ("/api/v3/trade/fills", {"category": "SPOT"}),
                             ("/api/v3/account/assets", {})):
            assert rc.get(path, **params) == c.get(path, **params), path
        assert rc.orderbook("SPOT", "BTCUSDT").b == c.orderbook("SPOT", "BTCUSDT").b
        with pytest.raises(BitgetError) as err:
            place(rc, "on-replica")
        assert err.value.status == 503 and err.value.code == "25000"
        assert primary.base_url in err.value.msg and "replica" in err.value.msg
        # WebSocket fan-out from the replica: an order placed on the primary is pushed to the replica's subscriber
        pushed = _run(_order_push_via(replica, user, lambda: place(c, "ws-pushed", 41000)))
        assert pushed["clientOid"] == "ws-pushed" and pushed["orderStatus"] == "live"
        r = httpx.post(replica.base_url + "/admin/v1/users", json={},
                       headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert r.status_code == 503 and primary.base_url in r.json()["msg"]
    finally:
        rc.close()
    # a replica stopped and started again on its data dir resumes where its own journal ends (it finds that
    # record in the stream by its Utaex-Seq header) and catches up with what it missed
    replica.stop()
    try:
        ids = [place(c, f"late{i}", 40100 + i) for i in range(5)]
        c.post("/api/v3/trade/cancel-batch", [{"category": "SPOT", "symbol": "BTCUSDT", "orderId": i} for i in ids])
    finally:
        c.close()
    again = Server(replica.data_dir, replica.port, replica.args)
    servers.append(again.start())
    a, b = wait_same_seq(primary, again)
    assert a["journalSeq"] == b["journalSeq"] and a["stateHash"] == b["stateHash"] and b["problems"] == []


async def _order_push_via(server: Server, creds: dict[str, str], act: Any) -> dict[str, Any]:
    """Log in to ``server``'s private WebSocket, subscribe to orders, run ``act`` (in a thread), return the
    first order document pushed."""
    import json

    from websockets.asyncio.client import connect

    from utaex.wire.signing import ws_login_sign

    async with connect(f"ws://127.0.0.1:{server.port}/v3/ws/private", compression=None, open_timeout=10) as ws:
        ts = str(int(time.time()))
        await ws.send(json.dumps({"op": "login", "args": [{
            "apiKey": creds["apiKey"], "passphrase": creds["passphrase"], "timestamp": ts,
            "sign": ws_login_sign(creds["secretKey"], ts)}]}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["code"] == 0
        await ws.send(json.dumps({"op": "subscribe", "args": [{"instType": "UTA", "topic": "order"}]}))
        await asyncio.wait_for(ws.recv(), 5)  # the subscription's ack
        await asyncio.to_thread(act)
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if msg.get("arg", {}).get("topic") == "order" and msg.get("data"):
                return msg["data"][0]  # type: ignore[no-any-return]


class Load:
    """Signed clients sending places, cancels and batch cancels to whichever venue is the primary."""

    def __init__(self, urls: list[str], users: list[dict[str, str]]) -> None:
        self.urls = urls
        self.users = users
        self.placed: dict[str, str] = {}  # orderId -> clientOid, acknowledged
        self.cancelled: set[str] = set()
        self.sent: Counter[str] = Counter()
        self.acked = 0
        self.first_ack_after: dict[str, float] = {}  # url -> monotonic time of its first acknowledgement
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def worker(self, index: int) -> None:
        import random

        rng = random.Random(index)
        # the SDK's list of venues: it moves to the next one where the current one cannot be connected to or
        # answers that it is not the primary
        clients = [Client(u["apiKey"], u["secretKey"], u["passphrase"], base_url=self.urls, timeout=5)
                   for u in self.users]
        mine: list[tuple[int, str]] = []
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                u = rng.randrange(len(self.users))
                try:
                    if rng.random() < 0.6 or not mine:
                        coid = f"w{index}-{n}"
                        with self.lock:
                            self.sent[coid] += 1
                        oid = place(clients[u], coid, 40000 + rng.randint(0, 500))
                        url = clients[u].base_url
                        with self.lock:
                            self.placed[oid] = coid
                        mine.append((u, oid))
                    elif rng.random() < 0.5:
                        uu, oid = mine.pop(rng.randrange(len(mine)))
                        clients[uu].post("/api/v3/trade/cancel-order", {"category": "SPOT", "orderId": oid})
                        url = clients[uu].base_url
                        with self.lock:
                            self.cancelled.add(oid)
                    else:
                        uu = mine[-1][0]
                        picks = [p for p in mine if p[0] == uu][:20]
                        for p in picks:
                            mine.remove(p)
                        res = clients[uu].post("/api/v3/trade/cancel-batch", [
                            {"category": "SPOT", "symbol": "BTCUSDT", "orderId": oid} for _, oid in picks])
                        url = clients[uu].base_url
                        with self.lock:
                            self.cancelled.update(i["orderId"] for i in res if "code" not in i)
                    with self.lock:
                        self.acked += 1
                        self.first_ack_after.setdefault(url, time.monotonic())
                except (httpx.TransportError, BitgetError) as exc:
                    # not acknowledged (a request cut by the kill, or no primary yet): go on with the next one
                    if isinstance(exc, BitgetError) and exc.status != 503:
                        raise
                    time.sleep(0.02)
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            for cl in clients:
                cl.close()


def test_kill_primary_standby_takes_over_and_old_primary_is_fenced(tmp_path: Path, journal: Any,
                                                                   servers: list[Server]) -> None:
    url, _, _ = journal
    primary = venue(tmp_path, "p", servers, "--journal", url)
    users = [primary.new_user() for _ in range(3)]
    standby = venue(tmp_path, "s", servers, "--journal", url, "--role", "standby")
    load = Load([primary.base_url, standby.base_url], users)
    threads = [threading.Thread(target=load.worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 60
        while load.acked < 150 and time.monotonic() < deadline and not load.errors:
            time.sleep(0.01)
        assert not load.errors, load.errors
        acked_before = load.acked
        primary.kill()  # kill -9 under load
        killed = time.monotonic()
        while standby.base_url not in load.first_ack_after and time.monotonic() < killed + 15 and not load.errors:
            time.sleep(0.01)
        took = load.first_ack_after.get(standby.base_url, float("inf")) - killed
        while load.acked < acked_before + 100 and time.monotonic() < killed + 60 and not load.errors:
            time.sleep(0.01)
    finally:
        load.stop.set()
        for t in threads:
            t.join(30)
    assert not load.errors, load.errors
    assert took < 5.0, f"the standby's first acknowledged write came {took:.2f} s after the kill"
    assert load.acked >= acked_before + 100

    # every acknowledged order and cancel is on the new primary, none duplicated; balances reconcile
    doc = audit(standby)
    assert doc["problems"] == [], doc["problems"]
    admin = httpx.Client(base_url=standby.base_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    seen: Counter[str] = Counter()
    status: dict[str, str] = {}
    for u in users:
        with standby.client(u) as c:
            for path in ("/api/v3/trade/unfilled-orders", "/api/v3/trade/history-orders"):
                cursor = ""
                while True:
                    page = c.get(path, category="SPOT", limit="100", **({"cursor": cursor} if cursor else {}))
                    for o in page["list"]:
                        seen[o["clientOid"]] += 1
                        status[o["orderId"]] = o["orderStatus"]
                    cursor = page.get("cursor") or ""
                    if len(page["list"]) < 100 or not cursor:
                        break
    admin.close()
    missing = [oid for oid in load.placed if oid not in status]
    assert not missing, f"{len(missing)} acknowledged orders are missing on the new primary"
    assert all(status[oid] == "cancelled" for oid in load.cancelled), "an acknowledged cancel is missing"
    dupes = {coid: n for coid, n in seen.items() if n > load.sent[coid]}
    assert not dupes, dupes

    state = standby.admin("GET", "/admin/v1/replication")
    assert state["role"] == "primary" and state["writable"] is True and state["primary"] == standby.base_url

    # the old primary, revived on its data dir, finds the lease taken and acknowledges nothing
    revived = Server(primary.data_dir, primary.port, primary.args)
    servers.append(revived.start())
    state = revived.admin("GET", "/admin/v1/replication")
    assert state["writable"] is False and state["fenced"] and state["primary"] == standby.base_url
    with revived.client(users[0]) as c:
        with pytest.raises(BitgetError) as err:
            place(c, "revived")
        assert err.value.status == 503 and standby.base_url in err.value.msg
    with standby.client(users[0]) as c:
        assert not [o for o in c.get("/api/v3/trade/unfilled-orders", category="SPOT")["list"]
                    if o["clientOid"] == "revived"]
    print(f"failover: first write acknowledged by the standby {took:.2f} s after kill -9; "
          f"{load.acked} operations acknowledged")


def test_serve_refuses_a_follower_role_without_journal_and_an_unreachable_nats(tmp_path: Path) -> None:
    import subprocess
    import sys

    def serve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "utaex", "serve", "--port", "0", "--data-dir",
                               str(tmp_path / "d"), "--market", "off", *args], capture_output=True, text=True,
                              timeout=60)

    done = serve("--role", "replica")
    assert done.returncode == 2 and "--journal nats://" in done.stderr
    done = serve("--journal", "nats://127.0.0.1:4222/a.b")
    assert done.returncode == 2 and "stream name" in done.stderr
    nobody = free_port()  # nothing listens there: the venue gives up with a clear message, never serves
    done = serve("--journal", f"nats://127.0.0.1:{nobody}/s")
    assert done.returncode == 3 and f"cannot connect to NATS at nats://127.0.0.1:{nobody}" in done.stdout + done.stderr
