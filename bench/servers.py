"""uvicorn against granian, side by side in one run (issue 21: "keep the faster server").

Two comparisons, alternating the servers within each run, server pinned to CPU 0 and wrk to CPU 1
(as bench/http.py does), loopback only:

- **bare**: ``bench/bare_app.py`` (cancel-batch JSON in and out, no auth, no engine, no journal) under
  uvicorn (httptools + uvloop, as utaex runs it) and under granian (ASGI interface, 1 worker, uvloop),
  granian once in its single-threaded runtime (``st``) and once in its default multi-threaded one (``mt``,
  1 runtime thread); 32 connections, the same signed cancel-batch(20) requests bench/http.py replays;
- **venue** (unless ``--bare-only``): utaex's own ASGI app (``gateway.server.build_app``, lifespan on, fsync on)
  under ``utaex serve`` (uvicorn with the connection guard) and under granian (uvloop, ``st``), the
  cancel-batch(20)@32 phase of bench/http.py, a fresh venue per phase.

    python bench/servers.py [--quick] [--runs N] [--bare-only]

Prints the medians, the granian/uvicorn ratios (of the medians, and the median of the ratios within each
run: steadier when the machine drifts between runs) and, last, one JSON line. Bounded in time:
``--quick`` is about a minute for the bare part; the default (3 runs, 4 s phases) a few minutes.
The ``--serve`` mode is internal (how the servers are started).
"""

from __future__ import annotations

import sys

# bench/http.py shadows the stdlib ``http`` package: keep this folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import importlib.util
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent


def load_bench(name: str) -> ModuleType:
    """A sibling bench module by file (``http.py`` cannot be imported by its name)."""
    spec = importlib.util.spec_from_file_location(f"utaex_bench_{name}", ROOT / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def granian_run(loader: Any, port: int, mode: str) -> None:
    """Serve the ASGI app returned by ``loader()`` (called in granian's worker process) on 127.0.0.1."""
    from granian import Granian
    from granian.constants import Interfaces, Loops, RuntimeModes
    from granian.log import LogLevels

    Granian("utaex", address="127.0.0.1", port=port, interface=Interfaces.ASGI, workers=1, loop=Loops.uvloop,
            runtime_mode=RuntimeModes(mode), log_level=LogLevels.warning, backlog=2048,
            websockets=True).serve(target_loader=lambda _target: loader(), wrap_loader=True)


def serve(kind: str, port: int, rest: list[str]) -> None:
    """``--serve KIND PORT [DATA_DIR CONFIG]``: run one server in the foreground."""
    if kind == "uvicorn-bare":
        import uvicorn

        bare = load_bench("bare_app")
        uvicorn.run(bare.app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", access_log=False,
                    log_level="warning", lifespan="on", proxy_headers=False, server_header=False)
    elif kind.startswith("granian-bare-"):
        granian_run(lambda: load_bench("bare_app").app, port, kind.rsplit("-", 1)[1])
    elif kind == "granian-venue":
        data_dir, config = Path(rest[0]), Path(rest[1])

        def venue_app() -> Any:  # in the worker: the venue (data dir lock, journal threads) is built after fork
            from utaex.gateway.server import build_app, load_config

            sys.setswitchinterval(float(os.environ.get("UTAEX_SWITCH", "0.005")))  # as ``utaex serve`` does
            return build_app(data_dir, fsync=True, rate_limit=False, admin_token=os.environ["UTAEX_ADMIN_TOKEN"],
                             config=load_config(config), market="off", banner_port=port)

        granian_run(venue_app, port, "st")
    else:
        raise SystemExit(f"unknown server {kind}")


BARE = ("uvicorn", "granian-st", "granian-mt")


def bench_bare_one(hb: ModuleType, server: str, reqs: list[Any], seconds: float, tmp: Path) -> dict[str, float]:
    port = hb.free_port()
    kind = "uvicorn-bare" if server == "uvicorn" else f"granian-bare-{server.split('-')[1]}"
    proc = subprocess.Popen([*hb.pin(0), sys.executable, __file__, "--serve", kind, str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        hb.wait_ready_bare(base, proc)
        return hb.run_wrk(base, reqs, 32, seconds, tmp, stop_after=10**9)  # type: ignore[no-any-return]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def granian_venue(hb: ModuleType, tmp: Path) -> Any:
    """bench/http.py's Venue, started under granian instead of ``utaex serve``."""

    class GranianVenue(hb.Venue):  # type: ignore[name-defined,misc]
        def __init__(self, tmp: Path, name: str) -> None:
            self.market = "off"
            self.port = hb.free_port()
            self.base = f"http://127.0.0.1:{self.port}"
            cfg = tmp / "bench.json"
            cfg.write_text(json.dumps({"maxOpenOrders": 10_000_000}))
            env = {**os.environ, "UTAEX_ADMIN_TOKEN": hb.ADMIN}
            cmd = [*hb.pin(0), sys.executable, __file__, "--serve", "granian-venue", str(self.port),
                   str(tmp / name), str(cfg)]
            self.log = tmp / f"{name}.log"
            with open(self.log, "wb") as log:
                self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
            hb.wait_ready(self.base, self.proc)
            self.admin = hb.httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {hb.ADMIN}"},
                                         timeout=30)
            user = self.admin.post("/admin/v1/users", json={"balances": {"USDT": "100000000000", "BTC": "10000000"}})
            self.creds = user.json()["data"]

    return GranianVenue


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2 s phases, 2 runs")
    ap.add_argument("--runs", type=int, default=None, help="runs per figure (median reported)")
    ap.add_argument("--bare-only", action="store_true", help="only the bare app (no venue phases)")
    ap.add_argument("--expected", type=int, default=3000, help="req/s a venue phase's set-up is sized for")
    ap.add_argument("--serve", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.serve[2:])
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    hb = load_bench("http")
    from utaex.wire.signing import sign_headers

    seconds = 2.0 if args.quick else 4.0
    runs = args.runs or (2 if args.quick else 3)
    creds = ("bg_bench", "secret", "pass")
    reqs = []
    for i in range(5000):
        body = json.dumps([{"orderId": str(1990000000000000000 + i * 20 + j), "category": "SPOT",
                            "symbol": "BTCUSDT"} for j in range(20)], separators=(",", ":"))
        path = "/api/v3/trade/cancel-batch"
        reqs.append(("POST", path, sign_headers(*creds, "POST", path, "", body.encode()), body))
    results: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="utaex-bench-") as d:
        tmp = Path(d)
        for run in range(runs):
            order = BARE if run % 2 == 0 else tuple(reversed(BARE))  # neither server always goes first
            for server in order:
                results.setdefault(f"bare/{server}", []).append(bench_bare_one(hb, server, reqs, seconds, tmp))
        if not args.bare_only:
            gv = granian_venue(hb, tmp)
            for run in range(runs):
                order = ("uvicorn", "granian-st") if run % 2 == 0 else ("granian-st", "uvicorn")
                for server in order:
                    name = f"{server}-{run}"
                    (tmp / name).mkdir()
                    venue = hb.Venue(tmp / name, name="data") if server == "uvicorn" else gv(tmp / name, "data")
                    try:
                        results.setdefault(f"venue/{server}", []).append(hb.bench_workload(
                            venue, "cancel-batch", 32, seconds, tmp, 7919 * run, expected=args.expected))
                    finally:
                        venue.stop()

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    print(f"{'cancel-batch(20) @32':<22}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}  runs (req/s)")
    for key in results:
        print(f"{key:<22}{med(key, 'rps'):>10.0f}{med(key, 'p50_ms'):>9.2f}{med(key, 'p99_ms'):>9.2f}  "
              f"{[round(r['rps']) for r in results[key]]}")
    summary: dict[str, Any] = {"runs": runs, "phase_seconds": seconds}
    for key in results:
        summary[key.replace("/", "_") + "_rps"] = round(med(key, "rps"))
        summary[key.replace("/", "_") + "_p99_ms"] = med(key, "p99_ms")
    for part, servers in (("bare", BARE[1:]), ("venue", ("granian-st",))):
        base = f"{part}/uvicorn"
        for server in servers:
            key = f"{part}/{server}"
            if key in results:
                tag = f"{part}_{server}_over_uvicorn"
                summary[f"{tag}_rps"] = round(med(key, "rps") / med(base, "rps"), 3)
                summary[f"{tag}_p99"] = round(med(key, "p99_ms") / med(base, "p99_ms"), 3)
                # the same ratio within each run, then the median: steadier when the machine drifts between runs
                pairs = list(zip(results[base], results[key], strict=True))
                summary[f"{tag}_rps_per_run"] = round(statistics.median(g["rps"] / u["rps"] for u, g in pairs), 3)
                summary[f"{tag}_p99_per_run"] = round(statistics.median(g["p99_ms"] / u["p99_ms"] for u, g in pairs), 3)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
