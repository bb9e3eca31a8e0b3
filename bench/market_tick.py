"""Market tick benchmark: the engine cost of one ``MarketTick`` (index and mark of the six default
contracts, mark triggers, the liquidation check of every account holding a position, funding) with
``--positions`` accounts each holding a BTCUSDT position, beside the cost of one SPOT place + cancel pair
on the same engine (the ratio says how much of the engine one tick per second takes).

Engine only (no HTTP, no journal): ``--runs`` runs of ``--ticks`` ticks, one second of virtual time
apart; prints the median of the runs and, last, one JSON line.

    python bench/market_tick.py [--positions 200] [--ticks 2000] [--runs 5]
"""

from __future__ import annotations

import sys

# bench/http.py is named like the stdlib ``http`` package: keep this folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import json
import statistics
import time

from utaex.core import CancelOrder, CreateUser, Deposit, Engine, Order, PlaceOrder
from utaex.core.commands import IndexQuote, MarketTick

INDEX = (("USDT-FUTURES", "BTCUSDT", "60000"), ("USDT-FUTURES", "ETHUSDT", "3000"),
         ("COIN-FUTURES", "BTCUSD", "60000"), ("COIN-FUTURES", "ETHUSD", "3000"),
         ("USDC-FUTURES", "BTCPERP", "60000"), ("USDC-FUTURES", "ETHPERP", "3000"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=200)
    ap.add_argument("--ticks", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    eng = Engine()
    ts = 1_800_000_000_000
    uids = []
    for i in range(args.positions + 1):
        ts += 1
        acct, _ = eng.apply(CreateUser(ts=ts, api_key=f"k{i}", secret="s", passphrase="p"))
        eng.apply(Deposit(ts=ts, uid=acct.uid, coin="USDT", amount="1000000"))
        uids.append(acct.uid)
    maker = uids[0]
    for uid in uids[1:]:
        ts += 1
        eng.apply(PlaceOrder(ts=ts, uid=maker, category="USDT-FUTURES", symbol="BTCUSDT", side="sell",
                             order_type="limit", qty="0.01", price="60000"))
        eng.apply(PlaceOrder(ts=ts, uid=uid, category="USDT-FUTURES", symbol="BTCUSDT", side="buy",
                             order_type="market", qty="0.01"))
    quotes = [IndexQuote(category=c, symbol=s, price=p) for c, s, p in INDEX]
    tick_us, pair_us = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _ in range(args.ticks):
            ts += 1000
            eng.apply(MarketTick(ts=ts, index=quotes))
        tick_us.append((time.perf_counter() - start) / args.ticks * 1e6)
        start = time.perf_counter()
        for _ in range(args.ticks):
            ts += 1
            order, _ = eng.apply(PlaceOrder(ts=ts, uid=uids[1], category="SPOT", symbol="BTCUSDT", side="buy",
                                            order_type="limit", qty="0.001", price="50000"))
            assert isinstance(order, Order)
            eng.apply(CancelOrder(ts=ts, uid=uids[1], order_id=str(order.order_id)))
        pair_us.append((time.perf_counter() - start) / args.ticks * 1e6)
    tick, pair = statistics.median(tick_us), statistics.median(pair_us)
    print(f"market tick ({args.positions} open positions): {tick:.1f} us (runs: "
          + ", ".join(f"{x:.0f}" for x in tick_us) + ")")
    print(f"SPOT place + cancel pair: {pair:.1f} us; a tick costs {tick / pair:.1f} pairs; one tick per second "
          f"takes {tick / 1e4:.3f}% of the engine")
    print(json.dumps({"positions": args.positions, "tick_us": round(tick, 1), "pair_us": round(pair, 1),
                      "ratio": round(tick / pair, 2)}))


if __name__ == "__main__":
    main()
