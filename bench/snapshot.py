"""Snapshot stall: how long taking a snapshot holds the sequencer, with many resting orders.

The venue (gateway/venue.py) pauses the sequencer while it takes ``Engine.snapshot()``; writing the file
happens after the pause ends, off the loop thread. This measures, on an engine holding ``--resting`` orders
(default 700,000, spread over 100 users and both sides of one SPOT book), the parts of that pause:

- ``state``: ``Engine.state()``, the sorted copy of every account, order and position;
- ``encode``: ``msgspec.json.encode`` of it (the payload);
- ``stall``: the two together, which is ``Engine.snapshot()``; and the time to load it back.

    python bench/snapshot.py [--resting N] [--runs N]

The last line of output is one JSON object with the median figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import time

import msgspec

from utaex.core import COMPILED, CreateUser, Deposit, Engine, PlaceOrder

T0 = 1_700_000_000_000
MID = 5_000_000


def build(resting: int) -> Engine:
    eng = Engine(max_open_spot=10**9, max_open_futures=10**9)
    uids = []
    for i in range(100):
        acct, _ = eng.apply(CreateUser(ts=T0, api_key=f"snap{i}", secret="s", passphrase="p"))
        uids.append(acct.uid)
        eng.apply(Deposit(ts=T0, uid=acct.uid, coin="USDT", amount="1000000000000"))
        eng.apply(Deposit(ts=T0, uid=acct.uid, coin="BTC", amount="100000000"))
    apply = eng.apply
    for i in range(resting):
        buy = i % 2 == 0
        off = 1 + (i * 7919) % 20_000
        price = MID - off if buy else MID + off
        apply(PlaceOrder(ts=T0 + i // 8, uid=uids[i % 100], category="SPOT", symbol="BTCUSDT",
                         side="buy" if buy else "sell", order_type="limit", qty="0.001",
                         price=f"{price // 100}.{price % 100:02d}"))
    return eng


def timed(fn: object) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--resting", type=int, default=700_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    eng = build(args.resting)
    build_s = time.perf_counter() - started
    states, encodes, stalls = [], [], []
    for _ in range(args.runs):
        states.append(timed(eng.state))
        st = eng.state()
        encodes.append(timed(lambda: msgspec.json.encode(st)))  # noqa: B023 (called right here)
        stalls.append(timed(eng.snapshot))
    payload = eng.snapshot()
    load = timed(lambda: Engine.from_snapshot(payload))
    med = statistics.median
    figures = {
        "resting_orders": len(eng.orders),
        "stall_ms_p50": round(med(stalls), 1),
        "state_ms_p50": round(med(states), 1),
        "encode_ms_p50": round(med(encodes), 1),
        "payload_bytes": len(payload),
        "load_ms": round(load, 1),
        "runs": args.runs,
        "compiled": list(COMPILED),
        "python": platform.python_version(),
    }
    print(f"snapshot bench: {figures['resting_orders']:,} resting orders (built in {build_s:.1f} s); "
          f"{args.runs} runs; Python {platform.python_version()}; compiled: {', '.join(COMPILED) or 'none'}")
    for key in ("stall_ms_p50", "state_ms_p50", "encode_ms_p50", "payload_bytes", "load_ms"):
        print(f"{key:<20}{figures[key]:>14,}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
