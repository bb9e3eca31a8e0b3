"""Instructions per engine operation: compiled build, pure-Python build and the reference book, under callgrind.

Wall-clock figures on a shared VM swing by 2-10x with the load of other jobs; the number of CPU instructions
an operation executes does not. This runs each workload under ``valgrind --tool=callgrind`` twice, once with
the measured operations and once without (setup only), and prints the difference per operation:

- ``place``: a resting (non-crossing) limit order through ``Engine.apply`` on a SPOT book of ``--resting``
  orders; ``cancel``: ``CancelOrder`` of such orders in random order; ``batch20``: one ``CancelBatch`` of
  20 orders of one user (per item);
- the same place/cancel on ``engine.RefBook``, the plain-Python dict-per-level book of bench/engine.py.

The compiled figures need the compiled build (``utaex.core.COMPILED``); the pure ones run with
``UTAEX_PURE=1``. Instructions are not time (cache misses cost more on a deep book than in this small one),
so these ratios complement, not replace, bench/engine.py's.

    python bench/engine_instr.py [--ops N] [--resting N]      # needs valgrind (Debian package valgrind)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(what: str, ops: int, resting: int) -> None:
    sys.path.insert(0, str(HERE))
    import engine as bench  # bench/engine.py
    from utaex.core import CancelBatch, CancelItem, CancelOrder

    setup = bench.Setup(resting)
    eng = setup.eng
    rnd = random.Random(1)
    if what.startswith("ref_"):
        book = bench.RefBook()
        for oid, (side, price) in enumerate(setup.prices):
            book.place(oid, side == "buy", price, 1000)
        base = len(setup.prices)
        work = [(base + i, *setup.resting_side_price()) for i in range(ops)]
        if what == "ref_place":
            if os.environ.get("MEASURE") == "1":
                for oid, side, price in work:
                    book.place(oid, side == "buy", price, 1000)
            return
        for oid, side, price in work:
            book.place(oid, side == "buy", price, 1000)
        oids = [w[0] for w in work]
        rnd.shuffle(oids)
        if os.environ.get("MEASURE") == "1":
            for oid in oids:
                book.cancel(oid)
        return
    measure = os.environ.get("MEASURE") == "1"
    if what == "place":
        cmds = setup.resting_commands(ops)
        if measure:
            for cmd in cmds:
                eng.apply(cmd)
        return
    if what == "cancel":
        orders = [eng.apply(c)[0] for c in setup.resting_commands(ops)]
        rnd.shuffle(orders)
        cancels = [CancelOrder(ts=setup.tick(), uid=o.uid, order_id=str(o.order_id), category="SPOT",
                               symbol="BTCUSDT") for o in orders]
        if measure:
            for cmd in cancels:
                eng.apply(cmd)
        return
    if what == "batch20":
        batches = []
        for b in range(ops // 20):
            uid = setup.uids[b % len(setup.uids)]
            orders = [eng.apply(c)[0] for c in setup.resting_commands(20, uid_of=lambda _i, uid=uid: uid)]
            batches.append(CancelBatch(ts=setup.tick(), uid=uid, items=[
                CancelItem(order_id=str(o.order_id), category="SPOT", symbol="BTCUSDT") for o in orders]))
        if measure:
            for cmd in batches:
                eng.apply(cmd)
        return
    raise SystemExit(f"unknown workload {what}")


def instructions(what: str, ops: int, resting: int, pure: bool, measure: bool) -> int:
    env = {**os.environ, "MEASURE": "1" if measure else "0", "UTAEX_PURE": "1" if pure else "0"}
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, "--child", what, "--ops", str(ops), "--resting", str(resting)],
                         env=env, capture_output=True, text=True, check=True).stderr
    match = re.search(r"Collected : (\d+)", out)
    assert match, out[-2000:]
    return int(match.group(1))


def per_op(what: str, ops: int, resting: int, pure: bool) -> float:
    return (instructions(what, ops, resting, pure, True) - instructions(what, ops, resting, pure, False)) / ops


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ops", type=int, default=4_000)
    parser.add_argument("--resting", type=int, default=20_000)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.ops, args.resting)
        return
    from utaex.core import COMPILED

    fig: dict[str, float] = {}
    for what in ("place", "cancel", "batch20"):
        if COMPILED:
            fig[f"{what}_compiled"] = round(per_op(what, args.ops, args.resting, False))
        fig[f"{what}_pure"] = round(per_op(what, args.ops, args.resting, True))
    fig["ref_place"] = round(per_op("ref_place", args.ops, args.resting, True))
    fig["ref_cancel"] = round(per_op("ref_cancel", args.ops, args.resting, True))
    builds = ["compiled", "pure"] if COMPILED else ["pure"]
    print(f"instructions per operation (callgrind), {args.resting:,} resting orders, {args.ops:,} ops; "
          f"compiled: {', '.join(COMPILED) or 'none'}")
    print(f"{'operation':<16}" + "".join(f"{b:>12}{b + '/ref':>14}" for b in builds) + f"{'reference':>12}")
    for what, ref in (("place", "ref_place"), ("cancel", "ref_cancel"), ("batch20", "ref_cancel")):
        line = f"{what + (' (per item)' if what == 'batch20' else ''):<16}"
        for b in builds:
            v = fig[f"{what}_{b}"]
            line += f"{v:>12,.0f}{v / fig[ref]:>13.2f}x"
        print(line + f"{fig[ref]:>12,.0f}")
    print(json.dumps(fig))


if __name__ == "__main__":
    main()
