"""WebSocket fan-out benchmark: order pushes to 100 subscribers while REST cancel-batch load runs.

One ``utaex serve`` (fsync durability, rate limits off) pinned to CPU 0; wrk, the subscribers and the
paced client share CPU 1. Two users: S has 100 private connections subscribed to ``order``; O has none.
Each cancel-batch names 20 distinct resting orders, so every request of S fans out 20 x 100 frames.

  A. O's cancel-batch replayed by wrk (32 connections, closed loop) + S's cancel-batch paced at
     ``--rate`` req/s (open loop); no subscribers attached.        -> REST req/s without
  B. The same with S's 100 subscribers attached.                    -> REST req/s with, frames/s
  C. Worst case: wrk replays S's own cancel-batches, so the whole REST load fans out to 100 sockets.

The subscribers are a lean raw-socket client in child processes that logs in, subscribes and then
counts frames by walking frame headers (payloads are not decoded; a sample is checked).

    python bench/ws.py [--quick] [--seconds S] [--rate R] [--subscribers N]

Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import sys

# Keep bench/ off the import path: bench/http.py would shadow the stdlib ``http`` package.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import asyncio
import base64
import importlib.util
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent


def load_http_bench() -> Any:
    """bench/http.py (server start-up, resting orders, wrk replay) loaded under another name."""
    spec = importlib.util.spec_from_file_location("utaex_bench_http", ROOT / "http.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- the subscriber side (child processes) ---------------------------------------------------------------
def mask_frame(payload: bytes, opcode: int = 1) -> bytes:
    """A client frame (clients must mask)."""
    key = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + masked


class Counter(asyncio.Protocol):
    """Walks server frames without decoding payloads; answers pings; keeps a few payloads to check."""

    def __init__(self, path: str, port: int, first: list[bytes]) -> None:
        self.request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n").encode()
        self.rest = b""
        self.upgraded = False
        self.frames = 0
        self.texts: list[bytes] = first  # early payloads (acks) for the handshake steps
        self.keep = 3
        self.closed = False
        self.closed_by_server = ""
        self.transport: asyncio.Transport | None = None
        self.event = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.event.set()

    def data_received(self, data: bytes) -> None:
        buf = self.rest + data if self.rest else data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.rest = buf
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                raise SystemExit(f"upgrade refused: {buf[:200]!r}")
            self.upgraded = True
            buf = buf[end + 4:]
            self.event.set()
        i, n = 0, len(buf)
        frames = 0
        while n - i >= 2:
            b0, b1 = buf[i], buf[i + 1] & 0x7F
            if b1 < 126:
                hl, ln = 2, b1
            elif b1 == 126:
                if n - i < 4:
                    break
                hl, ln = 4, int.from_bytes(buf[i + 2:i + 4], "big")
            else:
                if n - i < 10:
                    break
                hl, ln = 10, int.from_bytes(buf[i + 2:i + 10], "big")
            if n - i < hl + ln:
                break
            op = b0 & 0x0F
            if op == 1:
                frames += 1
                if self.keep:
                    self.keep -= 1
                    self.texts.append(buf[i + hl:i + hl + ln])
                    self.event.set()
            elif op == 9 and self.transport is not None:
                self.transport.write(mask_frame(buf[i + hl:i + hl + ln], 10))
            elif op == 8:
                body = buf[i + hl:i + hl + ln]
                self.closed_by_server = f"{int.from_bytes(body[:2], 'big')} {body[2:].decode(errors='replace')}"
                self.texts.append(b"CLOSE " + self.closed_by_server.encode())
                self.event.set()
            i += hl + ln
        self.frames += frames
        self.rest = buf[i:] if i < n else b""

    async def expect(self, needle: bytes, timeout: float = 10.0) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            for j, t in enumerate(self.texts):
                if needle in t:
                    del self.texts[: j + 1]
                    return t
                if t.startswith(b"CLOSE"):
                    raise SystemExit(f"closed by server: {t!r}")
            self.event.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit(f"timeout waiting for {needle!r}: {self.texts!r}")
            await asyncio.wait_for(self.event.wait(), left)


async def subscriber_main(port: int, creds: dict[str, str], count: int) -> None:
    from utaex.wire.signing import ws_login_sign

    loop = asyncio.get_running_loop()
    conns: list[Counter] = []
    for _ in range(count):
        proto = Counter("/v3/ws/private", port, [])
        await loop.create_connection(lambda p=proto: p, "127.0.0.1", port)  # type: ignore[misc]
        conns.append(proto)
    for c in conns:
        while not c.upgraded:
            c.event.clear()
            await asyncio.wait_for(c.event.wait(), 10)
        ts = str(int(time.time()))
        login = {"op": "login", "args": [{"apiKey": creds["apiKey"], "passphrase": creds["passphrase"],
                                          "timestamp": ts, "sign": ws_login_sign(creds["secretKey"], ts)}]}
        assert c.transport is not None
        c.transport.write(mask_frame(json.dumps(login).encode()))
        await c.expect(b'"event":"login"')
        sub = {"op": "subscribe", "args": [{"instType": "UTA", "topic": "order"}], "uta": True}
        c.transport.write(mask_frame(json.dumps(sub).encode()))
        await c.expect(b'"event":"subscribe"')
        c.keep = 2  # keep the first pushes to check their content
        c.frames = 0
    print("ready", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    marks: dict[str, Any] = {}
    while True:
        line = (await reader.readline()).decode().strip()
        if line in ("start", "stop"):
            marks[line] = (time.monotonic(), sum(c.frames for c in conns))
            if line == "stop":
                sample = next((t for c in conns for t in c.texts if b'"topic":"order"' in t), b"{}")
                doc = json.loads(sample) if sample.startswith(b"{") else {}
                status = (doc.get("data") or [{}])[0].get("orderStatus", "")
                print(json.dumps({"frames": marks["stop"][1] - marks["start"][1],
                                  "seconds": marks["stop"][0] - marks["start"][0],
                                  "connected": sum(not c.closed and not c.closed_by_server for c in conns),
                                  "closes": [c.closed_by_server for c in conns if c.closed_by_server][:3],
                                  "sample_status": status}), flush=True)
        elif line == "exit" or not line:
            for c in conns:
                if c.transport is not None:
                    c.transport.close()
            return


# ---- the paced load (child process) --------------------------------------------------------------------
async def paced_main(base: str, creds: dict[str, str], rate: float, ids_file: str) -> None:
    """Open-loop cancel-batch load: one request every 1/rate s (each its own task) until told to stop."""
    import aiohttp

    from utaex.wire.signing import sign_headers

    ids = Path(ids_file).read_text().split()
    batches = [ids[i:i + 20] for i in range(0, len(ids) - 19, 20)]
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    latencies: list[float] = []
    failures = 0

    async def one(session: Any, batch: list[str]) -> None:
        nonlocal failures
        raw = json.dumps([{"orderId": o, "category": "SPOT", "symbol": "BTCUSDT"} for o in batch]).encode()
        headers = sign_headers(creds["apiKey"], creds["secretKey"], creds["passphrase"], "POST",
                               "/api/v3/trade/cancel-batch", "", raw)
        t0 = time.perf_counter()
        async with session.post("/api/v3/trade/cancel-batch", data=raw, headers=headers) as r:
            data = (await r.json())["data"]
        latencies.append(time.perf_counter() - t0)
        failures += sum(1 for d in data if "code" in d)

    print("ready", flush=True)
    assert (await reader.readline()).strip() == b"start"
    async with aiohttp.ClientSession(base_url=base) as session:
        tasks = []
        stop = asyncio.ensure_future(reader.readline())
        t0 = loop.time()
        for n, batch in enumerate(batches):
            wait = t0 + n / rate - loop.time()
            if wait > 0:
                done, _ = await asyncio.wait([stop], timeout=wait)
                if done:
                    break
            elif stop.done():
                break
            tasks.append(asyncio.ensure_future(one(session, batch)))
        else:
            await stop
        elapsed = loop.time() - t0
        await asyncio.gather(*tasks)
    latencies.sort()
    print(json.dumps({"requests": len(tasks), "rps": len(tasks) / elapsed, "elapsed": elapsed,
                      "item_failures": failures,
                      "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0,
                      "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)] if latencies else 0}), flush=True)


# ---- the driver --------------------------------------------------------------------------------------------
def start_subscribers(hb: Any, port: int, creds: dict[str, str], total: int, procs: int) -> list[Any]:
    out = []
    per = [total // procs + (1 if i < total % procs else 0) for i in range(procs)]
    for n in per:
        cmd = [*hb.pin(1), sys.executable, __file__, "--subscriber", str(port), json.dumps(creds), str(n)]
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        out.append(p)
    for p in out:
        line = p.stdout.readline().strip()
        if line != "ready":
            raise SystemExit(f"subscriber failed to start: {line!r}")
    return out


def tell(procs: list[Any], word: str) -> list[dict[str, Any]]:
    for p in procs:
        p.stdin.write(word + "\n")
        p.stdin.flush()
    if word != "stop":
        return []
    return [json.loads(p.stdout.readline()) for p in procs]


class As:
    """Act as another user of the bench venue (bench/http.py's Venue signs for ``venue.creds``)."""

    def __init__(self, venue: Any, creds: dict[str, str]) -> None:
        self.venue, self.creds, self.saved = venue, creds, venue.creds

    def __enter__(self) -> None:
        self.venue.creds = self.creds

    def __exit__(self, *exc: object) -> None:
        self.venue.creds = self.saved


def resting_ids(venue: Any, creds: dict[str, str], n_orders: int, offset: int) -> list[str]:
    with As(venue, creds):
        return list(asyncio.run(venue.place_resting(n_orders, offset)))


def cancel_requests(venue: Any, creds: dict[str, str], ids: list[str]) -> list[Any]:
    with As(venue, creds):
        return [venue.signed("POST", "/api/v3/trade/cancel-batch", [
            {"orderId": oid, "category": "SPOT", "symbol": "BTCUSDT"} for oid in ids[i:i + 20]])
            for i in range(0, len(ids) - 19, 20)]


def start_paced(hb: Any, venue: Any, creds: dict[str, str], rate: float, ids: list[str], tmp: Path) -> Any:
    path = tmp / f"paced-{len(ids)}-{time.monotonic_ns()}.txt"
    path.write_text("\n".join(ids))
    cmd = [*hb.pin(1), sys.executable, __file__, "--paced", venue.base, json.dumps(creds), str(rate), str(path)]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if p.stdout.readline().strip() != "ready":
        raise SystemExit("paced load failed to start")
    return p


def run_phase(hb: Any, venue: Any, wrk_reqs: list[Any], conns: int, seconds: float, tmp: Path,
              subs: list[Any], paced: Any | None) -> dict[str, Any]:
    """wrk (closed loop) for ``seconds``, with the paced load and the subscribers' counters around it."""
    if subs:
        tell(subs, "start")
    if paced is not None:
        paced.stdin.write("start\n")
        paced.stdin.flush()
    rest = hb.run_wrk(venue.base, wrk_reqs, conns, seconds, tmp)
    out: dict[str, Any] = {"rest": rest}
    if paced is not None:
        paced.stdin.write("stop\n")
        paced.stdin.flush()
        out["paced"] = json.loads(paced.stdout.readline())
        paced.wait(10)
    time.sleep(0.5)  # let the last pushes arrive
    if subs:
        reports = tell(subs, "stop")
        out["frames"] = sum(r["frames"] for r in reports)
        out["frames_seconds"] = max(r["seconds"] for r in reports)
        out["connected"] = sum(r["connected"] for r in reports)
        out["closes"] = [c for r in reports for c in r["closes"]]
        out["sample_status"] = reports[0]["sample_status"]
    return out


def stop_subscribers(subs: list[Any]) -> None:
    for p in subs:
        try:
            tell([p], "exit")
            p.wait(10)
        except Exception:
            p.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2 s phases, one A/B pair")
    ap.add_argument("--seconds", type=float, default=None, help="seconds per phase (default 3)")
    ap.add_argument("--runs", type=int, default=None, help="A/B pairs, medians reported (default 3)")
    ap.add_argument("--subscribers", type=int, default=100)
    ap.add_argument("--procs", type=int, default=2, help="subscriber processes")
    ap.add_argument("--conns", type=int, default=32, help="wrk connections")
    ap.add_argument("--rate", type=float, default=50.0, help="paced cancel-batch req/s of the subscribed user")
    args = ap.parse_args()
    hb = load_http_bench()
    seconds = args.seconds or (2.0 if args.quick else 3.0)
    runs = args.runs or (1 if args.quick else 3)
    n_fast = int(4500 * seconds * 1.15) + 100  # wrk cancel-batches per phase without fan-out
    n_worst = int(1500 * seconds * 1.15) + 100  # wrk cancel-batches with every push fanned out
    n_paced = int(args.rate * seconds * 1.5) + 20
    n = args.subscribers
    results: dict[str, list[dict[str, Any]]] = {"A": [], "B": [], "C": []}
    with tempfile.TemporaryDirectory(prefix="utaex-wsbench-") as d:
        tmp = Path(d)
        venue = hb.Venue(tmp)
        print(f"server pid {venue.proc.pid}", file=sys.stderr, flush=True)
        subscribed = venue.creds  # the user with the connections on ``order``
        other = venue.admin.post("/admin/v1/users", json={"balances": {"USDT": "100000000000"}}).json()["data"]
        subs: list[Any] = []
        try:
            other_ids = resting_ids(venue, other, (2 * runs + 1) * n_fast * 20, 0)
            paced_ids = resting_ids(venue, subscribed, 2 * runs * n_paced * 20, 3)
            worst_ids = resting_ids(venue, subscribed, n_worst * 20, 7)
            pos = 0

            def other_phase(subs: list[Any], paced: Any | None, secs: float) -> dict[str, Any]:
                nonlocal pos
                reqs = cancel_requests(venue, other, other_ids[pos:pos + n_fast * 20])  # signed just now
                out = run_phase(hb, venue, reqs, args.conns, secs, tmp, subs, paced)
                pos += (out["rest"]["requests"] + args.conns) * 20
                return out

            other_phase([], None, 1)  # warm-up, discarded: GC and store work after placing ~1M orders
            for r in range(runs):
                chunk = paced_ids[2 * r * n_paced * 20:(2 * r + 2) * n_paced * 20]
                # A: O's REST load at full speed + S's paced load, nobody subscribed
                paced = start_paced(hb, venue, subscribed, args.rate, chunk[: n_paced * 20], tmp)
                results["A"].append(other_phase([], paced, seconds))
                # B: the same with S's connections subscribed to ``order``
                subs = start_subscribers(hb, venue.port, subscribed, n, args.procs)
                paced = start_paced(hb, venue, subscribed, args.rate, chunk[n_paced * 20:], tmp)
                results["B"].append(other_phase(subs, paced, seconds))
                if r < runs - 1:
                    stop_subscribers(subs)
                    subs = []
            # C (worst case): the whole REST load is S's own, every cancel fanned out to all connections
            worst = cancel_requests(venue, subscribed, worst_ids)
            results["C"].append(run_phase(hb, venue, worst, args.conns, seconds, tmp, subs, None))
        finally:
            stop_subscribers(subs)
            venue.stop()

    def med(phase: str, get: Any) -> float:
        return float(statistics.median(get(x) for x in results[phase]))

    def fps(x: dict[str, Any]) -> float:
        window = x["paced"]["elapsed"] if "paced" in x else seconds  # pushes are made while the load runs
        return float(x["frames"] / window)

    rest = {p: med(p, lambda x: x["rest"]["rps"]) for p in results}
    p99 = {p: med(p, lambda x: x["rest"]["p99_ms"]) for p in results}
    print(f"{'phase (median of ' + str(runs) + ')':<58}{'REST req/s':>11}{'p99 ms':>8}{'paced/s':>9}"
          f"{'frames/s':>12}{'connected':>10}")
    names = {"A": "A  other user's cancel-batch @32 + paced, no subscribers",
             "B": f"B  same, {n} subscribers on the paced user's orders",
             "C": "C  worst case: the subscribed user's cancel-batch @32"}
    for p, name in names.items():
        has_subs = p != "A"
        paced_rps = f"{med(p, lambda x: x['paced']['rps']):.0f}" if p != "C" else "-"
        frames = f"{med(p, fps):,.0f}" if has_subs else "-"
        conn = f"{min(x['connected'] for x in results[p])}/{n}" if has_subs else "-"
        print(f"{name:<58}{rest[p]:>11.0f}{p99[p]:>8.1f}{paced_rps:>9}{frames:>12}{conn:>10}")
    drop = 1 - rest["B"] / rest["A"]
    worst_drop = 1 - rest["C"] / rest["A"]
    delivered = sum(x["frames"] for x in results["B"])
    expected = sum(x["paced"]["requests"] for x in results["B"]) * 20 * n
    per_run = ", ".join(f"{1 - b['rest']['rps'] / a['rest']['rps']:.1%}"
                        for a, b in zip(results["A"], results["B"], strict=True))
    print(f"B: REST drop {drop:.1%} (per run: {per_run}); "
          f"{delivered:,} of {expected:,} pushed frames delivered; paced p99 "
          f"{med('B', lambda x: x['paced']['p99_ms']):.1f} ms (A: {med('A', lambda x: x['paced']['p99_ms']):.1f} ms)")
    print(f"C: REST drop {worst_drop:.1%}: each request fans out 20 x {n} frames (~1.3 MB of loopback TCP)")
    for x in results["B"] + results["C"]:
        for close in x.get("closes") or []:
            print("  close:", close)
    print(json.dumps({
        "rest_rps_without": round(rest["A"]), "rest_rps_with": round(rest["B"]), "rest_drop": round(drop, 3),
        "frames_per_s": round(med("B", fps)), "frames_delivered": delivered, "frames_expected": expected,
        "paced_rps": round(med("B", lambda x: x["paced"]["rps"]), 1), "subscribers": n,
        "subscribers_connected": min(x["connected"] for x in results["B"] + results["C"]),
        "worst_rest_rps": round(rest["C"]), "worst_rest_drop": round(worst_drop, 3),
        "worst_frames_per_s": round(med("C", fps)), "sample_status": results["B"][0]["sample_status"],
        "runs": runs, "phase_seconds": seconds,
    }))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--subscriber":
        try:
            import uvloop

            uvloop.install()
        except ImportError:  # pragma: no cover
            pass
        asyncio.run(subscriber_main(int(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])))
    elif len(sys.argv) > 1 and sys.argv[1] == "--paced":
        asyncio.run(paced_main(sys.argv[2], json.loads(sys.argv[3]), float(sys.argv[4]), sys.argv[5]))
    else:
        main()
