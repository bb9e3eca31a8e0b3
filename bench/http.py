"""End-to-end HTTP benchmark: signed Bitget UTA requests against ``utaex serve`` with fsync durability.

The server is pinned to CPU 0 and the load generator (wrk, Debian package ``wrk``) to CPU 1. Signed
requests are precomputed before each timed phase and replayed by a Lua script; every cancel names a
distinct resting order placed beforehand with ``place-batch``. In the same run the bare stack
(``bench/bare_app.py``: same server stack and JSON, no logic) gives the ceiling.

    python bench/http.py [--quick] [--runs N]
    python bench/http.py --replicated [--quick] [--runs N]   # local journal vs NATS JetStream, replica reads
    python bench/http.py --market-compare [--runs N]   # cancel-batch with the simulator off and on

``--market-compare`` runs the cancel-batch phase (32 connections) on a quiet venue (``--market off``) and on
one with the market simulator trading at its default rate (``--market on``), alternating, a fresh venue
per phase, and prints the median throughput of each and their ratio.

Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import sys

# This file is named like the stdlib ``http`` package: keep its folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from utaex.wire.signing import sign_headers

ROOT = Path(__file__).resolve().parent
ADMIN = "bench-admin-token"
LUA = """
local reqs, idx, n, done = nil, 0, 0, 0
function init(args)
  reqs = dofile(args[1])
  n = tonumber(args[2]) or #reqs
end
function request()
  idx = idx + 1
  if idx > #reqs then idx = 1 end
  local r = reqs[idx]
  return wrk.format(r[1], r[2], r[3], r[4])
end
function response(status, headers, body)
  done = done + 1
  if status ~= 200 then errors_seen = (errors_seen or 0) + 1 end
  if done >= n then wrk.thread:stop() end
end
"""


def pin(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(400):
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx.get(base + "/api/v2/public/time", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise SystemExit("server did not start")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Venue:
    def __init__(self, tmp: Path, *extra: str, cpu: int = 0, creds: dict[str, str] | None = None,
                 name: str = "data", market: str = "off") -> None:
        self.market = market
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cfg = tmp / "bench.json"
        cfg.write_text(json.dumps({"maxOpenOrders": 10_000_000}))
        env = {**os.environ, "UTAEX_ADMIN_TOKEN": ADMIN}
        cmd = [*pin(cpu), sys.executable, "-m", "utaex", "serve", "--port", str(self.port), "--data-dir",
               str(tmp / name), "--no-rate-limit", "--config", str(cfg), "--market", market, *extra]
        self.log = tmp / f"{name}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        wait_ready(self.base, self.proc)
        self.admin = httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
        if creds is None:  # a replica follows the primary's users
            user = self.admin.post("/admin/v1/users", json={"balances": {"USDT": "100000000000", "BTC": "10000000"}})
            creds = user.json()["data"]
        self.creds = creds

    def quiesce(self, limit: float = 120.0) -> None:
        """Let the history writer finish what earlier phases left (each phase starts from a quiet venue; with
        the simulator on, the agents keep a small backlog coming)."""
        deadline = time.monotonic() + limit
        floor = 0 if self.market == "off" else 500
        while int(self.audit()["historyBacklog"]) > floor and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.3)  # committed rows are then freed by the writer thread, bit by bit: let that end too

    def cancel_all(self) -> None:
        _, path, headers, body = self.signed("POST", "/api/v3/trade/cancel-symbol-order",
                                             {"category": "SPOT", "symbol": "BTCUSDT"})
        with httpx.Client(base_url=self.base, timeout=120) as c:
            c.post(path, headers=headers, content=body).raise_for_status()

    def audit(self) -> dict[str, Any]:
        return self.admin.get("/admin/v1/audit").json()["data"]  # type: ignore[no-any-return]

    def signed(self, method: str, path: str, body: Any) -> tuple[str, str, dict[str, str], str]:
        raw = json.dumps(body, separators=(",", ":")).encode()
        c = self.creds
        headers = sign_headers(c["apiKey"], c["secretKey"], c["passphrase"], method, path, "", raw)
        return method, path, headers, raw.decode()

    async def place_resting(self, n: int, start: int) -> list[str]:
        """Place ``n`` resting SPOT buy orders (20 per place-batch); returns their ids."""
        ids: list[str] = []
        batches = [[{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.0001",
                     "price": f"{10000 + (start + i * 20 + j) % 30000}.00"} for j in range(20)]
                   for i in range(n // 20)]
        import aiohttp  # installed with ccxt; much faster than httpx for bulk set-up

        queue = list(reversed(batches))
        async with aiohttp.ClientSession(base_url=self.base) as session:
            async def worker() -> None:
                while queue:
                    batch = queue.pop()
                    _, path, headers, body = self.signed("POST", "/api/v3/trade/place-batch", batch)
                    async with session.post(path, headers=headers, data=body) as r:
                        answer = await r.json()
                    data = answer["data"]
                    if data is None:
                        raise SystemExit(f"place-batch failed: {answer}\n{self.log.read_text()[-3000:]}")
                    ids.extend(d["orderId"] for d in data if d["orderId"])
            await asyncio.gather(*(worker() for _ in range(32)))
        return ids

    def stop(self) -> None:
        self.admin.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def lua_table(reqs: list[tuple[str, str, dict[str, str], str]]) -> str:
    """A Lua chunk returning the requests; built from functions of at most 5,000 entries each, since
    LuaJIT (wrk) allows at most 65,536 constants per function."""
    out = ["local t = {}", "local function add(part) for _, r in ipairs(part) do t[#t + 1] = r end end"]
    for start in range(0, len(reqs), 5000):
        out.append("add((function() return {")
        for method, path, headers, body in reqs[start:start + 5000]:
            hs = ",".join(f'["{k}"]=[==[{v}]==]' for k, v in headers.items())
            out.append(f'{{"{method}","{path}",{{{hs}}},[==[{body}]==]}},')
        out.append("} end)())")
    out.append("return t")
    return "\n".join(out)


def run_wrk(base: str, reqs: list[tuple[str, str, dict[str, str], str]], conns: int, seconds: float,
            tmp: Path, stop_after: int | None = None) -> dict[str, float]:
    data = tmp / "reqs.lua"
    data.write_text(lua_table(reqs))
    script = tmp / "replay.lua"
    script.write_text(LUA)
    cmd = [*pin(1), "wrk", "-t1", f"-c{conns}", f"-d{int(seconds)}s", "--latency", "-s", str(script), base, "--",
           str(data), str(stop_after or len(reqs))]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "requests": total, "p50_ms": pct("50"), "p99_ms": pct("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0}


def bench_workload(venue: Venue, kind: str, conns: int, seconds: float, tmp: Path, offset: int,
                   during: Any = None, expected: int | None = None,
                   ready: Callable[[], None] | None = None) -> dict[str, float]:
    # more requests than the venue can answer in the phase: the generator must never run dry
    expected_rps = expected or {"cancel-batch": 7000, "cancel-order": 16000, "place-order": 16000, "mix": 9000}[kind]
    n_req = int(expected_rps * seconds * 1.3) + 200
    reqs: list[tuple[str, str, dict[str, str], str]] = []
    if kind == "cancel-batch":
        ids = asyncio.run(venue.place_resting(n_req * 20, offset))
        for i in range(0, len(ids) - 19, 20):
            reqs.append(venue.signed("POST", "/api/v3/trade/cancel-batch", [
                {"orderId": oid, "category": "SPOT", "symbol": "BTCUSDT"} for oid in ids[i:i + 20]]))
    elif kind == "cancel-order":
        ids = asyncio.run(venue.place_resting(n_req, offset))
        reqs = [venue.signed("POST", "/api/v3/trade/cancel-order", {"orderId": oid, "category": "SPOT"}) for oid in ids]
    elif kind == "place-order":
        reqs = [venue.signed("POST", "/api/v3/trade/place-order", {
            "category": "SPOT", "symbol": "BTCUSDT", "side": "sell", "orderType": "limit", "qty": "0.0001",
            "price": f"{60000 + (offset + i) % 20000}.00"}) for i in range(n_req)]
    else:
        ids = asyncio.run(venue.place_resting(n_req // 3 * 21 + 40, offset))
        pos = 0
        for i in range(n_req):
            if i % 3 == 0:
                reqs.append(venue.signed("POST", "/api/v3/trade/place-order", {
                    "category": "SPOT", "symbol": "BTCUSDT", "side": "sell", "orderType": "limit", "qty": "0.0001",
                    "price": f"{60000 + (offset + i) % 20000}.00"}))
            elif i % 3 == 1:
                reqs.append(venue.signed("POST", "/api/v3/trade/cancel-order",
                                         {"orderId": ids[pos], "category": "SPOT"}))
                pos += 1
            else:
                reqs.append(venue.signed("POST", "/api/v3/trade/cancel-batch", [
                    {"orderId": oid, "category": "SPOT", "symbol": "BTCUSDT"} for oid in ids[pos:pos + 20]]))
                pos += 20
    venue.quiesce()
    if ready is not None:
        ready()
    before = venue.audit()
    if during is not None:  # a second load (reads on a replica) for the length of the phase
        with during(seconds):
            res = run_wrk(venue.base, reqs, conns, seconds, tmp)
    else:
        res = run_wrk(venue.base, reqs, conns, seconds, tmp)
    after = venue.audit()
    venue.cancel_all()  # the next phase starts from an empty book again
    flushes = int(after["journalFlushes"]) - int(before["journalFlushes"])
    res["fsyncs_per_request"] = round(flushes / max(res["requests"], 1), 4)
    res["prepared"] = len(reqs)
    per_req = {"cancel-batch": 20, "cancel-order": 1, "place-order": 1, "mix": 22 / 3}[kind]
    res["orders_per_s"] = round(res["rps"] * per_req)
    return res


def bench_bare(conns: int, seconds: float, tmp: Path, venue: Venue) -> dict[str, float]:
    port = free_port()
    proc = subprocess.Popen([*pin(0), sys.executable, str(ROOT / "bare_app.py"), str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready_bare(base, proc)
        reqs = [venue.signed("POST", "/api/v3/trade/cancel-batch", [
            {"orderId": str(1990000000000000000 + i * 20 + j), "category": "SPOT", "symbol": "BTCUSDT"}
            for j in range(20)]) for i in range(5000)]
        # replayed in a loop, never exhausted within the phase: the bare stack does not care about ids
        return run_wrk(base, reqs, conns, seconds, tmp, stop_after=10**9)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def wait_ready_bare(base: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit("bare app exited")
        try:
            httpx.post(base + "/", content=b"[]", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit("bare app did not start")


@contextlib.contextmanager
def read_load(replica: Venue, tmp: Path, conns: int = 16) -> Iterator[Callable[[float], Any]]:
    """A context factory: while it is open, wrk (on CPU 1) sends public and private reads to ``replica``."""
    sub = tmp / "reads"
    sub.mkdir(exist_ok=True)
    stats: list[dict[str, float]] = []

    @contextlib.contextmanager
    def during(seconds: float) -> Iterator[None]:
        c = replica.creds
        reqs = []
        for i in range(200):
            path = ["/api/v3/market/orderbook?category=SPOT&symbol=BTCUSDT&limit=50",
                    "/api/v3/account/assets", "/api/v3/market/tickers?category=SPOT"][i % 3]
            if path.startswith("/api/v3/market"):
                reqs.append(("GET", path, {}, ""))
                continue
            p, _, q = path.partition("?")
            headers = sign_headers(c["apiKey"], c["secretKey"], c["passphrase"], "GET", p, q, b"")
            reqs.append(("GET", path, headers, ""))
        result: dict[str, float] = {}
        thread = threading.Thread(target=lambda: result.update(
            run_wrk(replica.base, reqs, conns, seconds + 1, sub, stop_after=10**9)))
        thread.start()
        try:
            yield
        finally:
            thread.join()
            stats.append(result)

    during.stats = stats  # type: ignore[attr-defined]
    yield during


def replicated(args: argparse.Namespace) -> None:
    """Side by side in one run (cancel-batch of 20 at 32 connections, req/s and p99): local journal only;
    ``--journal nats://`` with no follower; a primary with a replica following it; the same primary while
    wrk sends reads (order book, tickers, assets) to its replica."""
    seconds = 2.0 if args.quick else 4.0
    runs = args.runs or (1 if args.quick else 3)
    stream = f"bench_{os.getpid()}_{int(time.time())}"
    url = f"{args.nats}/{stream}?lease={args.lease}"
    results: dict[str, list[dict[str, float]]] = {}
    reads: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="utaex-bench-") as d:
        tmp = Path(d)
        local = Venue(tmp, name="local")
        alone = Venue(tmp, "--journal", url.replace(stream, stream + "_alone"), name="alone")  # no follower
        primary = Venue(tmp, "--journal", url, name="primary")
        replica = Venue(tmp, "--journal", url, "--role", "replica", cpu=1, creds=primary.creds, name="replica")

        def caught_up() -> None:  # the replica has applied the phase's set-up before the timed part
            deadline = time.monotonic() + 300
            while replica.audit()["journalSeq"] != primary.audit()["journalSeq"] and time.monotonic() < deadline:
                time.sleep(0.1)

        try:
            with read_load(replica, tmp) as during:
                offset = 0
                for _ in range(runs):
                    for key, venue, load in (("local", local, None), ("nats", alone, None),
                                             ("nats+replica", primary, None), ("nats+replica-reads", primary, during)):
                        results.setdefault(key, []).append(
                            bench_workload(venue, "cancel-batch", 32, seconds, tmp, offset, load, args.expected,
                                           ready=caught_up))
                        offset += 7919
                reads = during.stats  # type: ignore[attr-defined]
            hashes = {primary.audit()["stateHash"]}
            deadline = time.monotonic() + 60
            while replica.audit()["journalSeq"] != primary.audit()["journalSeq"] and time.monotonic() < deadline:
                time.sleep(0.2)
            hashes.add(replica.audit()["stateHash"])
        finally:
            for v in (replica, primary, alone, local):
                v.stop()
            asyncio.run(drop_stream(args.nats, stream))
            asyncio.run(drop_stream(args.nats, stream + "_alone"))

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    print(f"{'cancel-batch(20) @32':<24}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'fsync/req':>11}")
    for key in results:
        print(f"{key:<24}{med(key, 'rps'):>10.0f}{med(key, 'p50_ms'):>9.2f}{med(key, 'p99_ms'):>9.2f}"
              f"{statistics.median(r['fsyncs_per_request'] for r in results[key]):>11.3f}")
    summary = {
        "local_rps": round(med("local", "rps")), "local_p99_ms": med("local", "p99_ms"),
        "nats_rps": round(med("nats", "rps")), "nats_p99_ms": med("nats", "p99_ms"),
        "nats_share_of_local": round(med("nats", "rps") / med("local", "rps"), 3),
        "nats_with_replica_rps": round(med("nats+replica", "rps")),
        "nats_with_replica_p99_ms": med("nats+replica", "p99_ms"),
        "nats_with_replica_reads_rps": round(med("nats+replica-reads", "rps")),
        "nats_with_replica_reads_p99_ms": med("nats+replica-reads", "p99_ms"),
        "write_rps_ratio_reads_vs_none": round(med("nats+replica-reads", "rps") / med("nats+replica", "rps"), 3),
        "replica_read_rps": round(statistics.median(r.get("rps", 0) for r in reads)) if reads else 0,
        "replica_hash_equal": len(hashes) == 1,
        "runs": runs, "phase_seconds": seconds,
    }
    print(json.dumps(summary))


async def drop_stream(server: str, stream: str) -> None:
    import nats

    nc = await nats.connect(server)
    try:
        js = nc.jetstream()
        for name in (stream, f"KV_utaex-lease-{stream}"):
            with contextlib.suppress(Exception):
                await js.delete_stream(name)
    finally:
        await nc.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def market_compare(runs: int, seconds: float) -> None:
    """cancel-batch@32 with the simulator off and on, side by side (alternating fresh venues)."""
    results: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
    with tempfile.TemporaryDirectory(prefix="utaex-bench-") as d:
        tmp = Path(d)
        for run in range(runs):
            for market in ("off", "on"):
                (tmp / f"{market}-{run}").mkdir()
                venue = Venue(tmp / f"{market}-{run}", market=market)
                try:
                    cpu0, t0 = cpu_seconds(venue.proc.pid), time.monotonic()
                    time.sleep(5.0)  # idle: what the venue burns by itself (the agents, with the market on)
                    idle_share = (cpu_seconds(venue.proc.pid) - cpu0) / (time.monotonic() - t0)
                    results[market].append(bench_workload(venue, "cancel-batch", 32, seconds, tmp, 7919 * run))
                    results[market][-1]["idle_cpu_share"] = idle_share
                finally:
                    venue.stop()
    med = {m: statistics.median(r["rps"] for r in rows) for m, rows in results.items()}
    idle = {m: statistics.median(r["idle_cpu_share"] for r in rows) for m, rows in results.items()}
    for m in ("off", "on"):
        p99 = statistics.median(r["p99_ms"] for r in results[m])
        print(f"cancel-batch@32 market {m:<4}{med[m]:>10.0f} req/s  p99 {p99:.2f} ms  idle CPU {idle[m]:.3f}  "
              f"runs {[round(r['rps']) for r in results[m]]}")
    ratios = [on["rps"] / off["rps"] for off, on in zip(results["off"], results["on"], strict=True)]
    print(json.dumps({"cancel_batch20_rps_market_off": round(med["off"]), "cancel_batch20_rps_market_on":
                      round(med["on"]), "ratio_on_off": round(med["on"] / med["off"], 3),
                      "ratio_per_pair_median": round(statistics.median(ratios), 3),
                      "idle_cpu_share_off": round(idle["off"], 3), "idle_cpu_share_on": round(idle["on"], 3),
                      "runs": runs, "phase_seconds": seconds}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short phases, one run (under a minute)")
    ap.add_argument("--runs", type=int, default=None, help="runs per figure (median reported)")
    ap.add_argument("--replicated", action="store_true",
                    help="local journal vs --journal nats:// vs nats with reads on a replica (needs NATS)")
    ap.add_argument("--nats", default="nats://127.0.0.1:4222", help="NATS server for --replicated")
    ap.add_argument("--expected", type=int, default=None, help="req/s the set-up sizes a phase for")
    ap.add_argument("--market-compare", action="store_true",
                    help="only cancel-batch, with the market simulator off and on side by side")
    ap.add_argument("--lease", type=float, default=5.0, help="lease TTL (s) for --replicated")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.market_compare:
        market_compare(args.runs or 3, 2.0 if args.quick else 4.0)
        return
    if args.replicated:
        replicated(args)
        return
    seconds = 2.0 if args.quick else 5.0
    runs = args.runs or (1 if args.quick else 3)
    plan = [("cancel-batch", 32), ("cancel-batch", 1), ("cancel-order", 32), ("place-order", 32), ("mix", 32)]
    if args.quick:
        plan = [("cancel-batch", 32), ("cancel-batch", 1), ("cancel-order", 32), ("place-order", 32)]
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="utaex-bench-") as d:
        tmp = Path(d)
        venue = Venue(tmp)
        try:
            # memory first, on the fresh venue: RSS growth while placing resting orders, per order
            rss0 = rss_kb(venue.proc.pid)
            count = 100_000 if args.quick else 300_000
            asyncio.run(venue.place_resting(count, 123))
            after = rss_kb(venue.proc.pid)
            resting = int(venue.audit()["openOrders"])
            venue.cancel_all()
            offset = 0
            for _ in range(runs):
                for kind, conns in plan:
                    results.setdefault(f"{kind}@{conns}", []).append(
                        bench_workload(venue, kind, conns, seconds, tmp, offset))
                    offset += 7919
                results.setdefault("bare@32", []).append(bench_bare(32, seconds, tmp, venue))
        finally:
            venue.stop()

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    print(f"{'workload':<22}{'req/s':>10}{'orders/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'fsync/req':>11}")
    for key in results:
        rows = results[key]
        print(f"{key:<22}{med(key, 'rps'):>10.0f}{statistics.median(r.get('orders_per_s', 0) for r in rows):>11.0f}"
              f"{med(key, 'p50_ms'):>9.2f}{med(key, 'p99_ms'):>9.2f}"
              f"{statistics.median(r.get('fsyncs_per_request', 0) for r in rows):>11.3f}")
    # upper bound: everything the process grew by while the orders were placed, divided by their number
    per_order = (after - rss0) * 1024 / max(resting, 1)
    summary = {
        "cancel_batch20_rps_32c": round(med("cancel-batch@32", "rps")),
        "cancel_batch20_p99_ms_32c": med("cancel-batch@32", "p99_ms"),
        "cancel_batch20_p50_ms_1c": med("cancel-batch@1", "p50_ms"),
        "order_cancels_per_s": round(med("cancel-batch@32", "rps") * 20),
        "cancel_order_rps_32c": round(med("cancel-order@32", "rps")),
        "place_order_rps_32c": round(med("place-order@32", "rps")),
        "bare_rps_32c": round(med("bare@32", "rps")),
        "share_of_bare": round(med("cancel-batch@32", "rps") / med("bare@32", "rps"), 3),
        "fsyncs_per_request_32c": statistics.median(r["fsyncs_per_request"] for r in results["cancel-batch@32"]),
        "rss_bytes_per_resting_order": round(per_order),
        "rss_mb_for_1m_orders_est": round((rss0 * 1024 + per_order * 1_000_000) / 2**20),
        "rss_mb_at_end": round(after / 1024),
        "resting_orders_measured": resting,
        "runs": runs,
        "phase_seconds": seconds,
    }
    if "mix@32" in results:
        summary["mix_rps_32c"] = round(med("mix@32", "rps"))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
