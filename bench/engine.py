"""Exchange-core benchmark: ``Engine.apply`` throughput and latency with a deep book.

Everything goes through ``Engine.apply`` with the ledger, the funds checks and the events, on a SPOT
BTCUSDT book holding ``--resting`` orders (default 100k) from several users over thousands of price
levels on both sides. Commands are built before the clock starts (the gateway builds them), and
every measured section starts from the same book. Measured:

- resting places/s: non-crossing limit orders added on top of the resting book;
- single cancels/s: ``CancelOrder`` by orderId of those orders, in random order;
- batch-of-20 cancel latency: one ``CancelBatch`` of 20 resting orders of one user, p50/p99 in µs;
- batch-of-20 modify latency: one ``ModifyBatch`` moving 20 resting orders of one user one tick away from
  the touch (a price change: each leaves its level and joins the back of another, funds re-computed),
  p50/p99 in µs, and its ratio to a ``CancelBatch`` of the same 20 orders timed right after it;
- mixed crossing workload: a repeating mix of makers, crossing takers (1-3 levels), and cancels.

For scale, a plain-Python reference book (a dict per price level plus a sorted price list kept with
``bisect``; no ledger, no validation, no events) does the same place/cancel work, and the ratio
engine time / reference time is printed. Each figure is the median of several runs. When the engine's hot
modules run compiled (``utaex.core.COMPILED``), the same benchmark runs again on the pure-Python build
(a child process with ``UTAEX_PURE=1``) and its figures, with its own reference, are printed beside them.

    python bench/engine.py [--quick] [--runs N] [--resting N] [--no-pure]

The last line of output is one JSON object with the median figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from bisect import bisect_left, insort
from collections.abc import Callable
from typing import Any

from utaex.core import (
    COMPILED,
    CancelBatch,
    CancelItem,
    CancelOrder,
    CreateUser,
    Deposit,
    Engine,
    ModifyBatch,
    ModifyItem,
    Order,
    PlaceOrder,
)
from utaex.core.events import FillEvent

T0 = 1_700_000_000_000
MID = 5_000_000  # 50000.00 in ticks of 0.01
LEVELS = 2_000  # price levels used on each side
USERS = 50


def fmt_price(ticks: int) -> str:
    return f"{ticks // 100}.{ticks % 100:02d}"


class Setup:
    """An engine with ``resting`` orders on SPOT BTCUSDT and rich users."""

    def __init__(self, resting: int, seed: int = 1) -> None:
        self.rnd = random.Random(seed)
        self.eng = Engine(max_open_spot=10**9, max_open_futures=10**9)
        self.ts = T0
        self.uids: list[int] = []
        for i in range(USERS):
            acct, _ = self.eng.apply(CreateUser(ts=self.ts, api_key=f"bench{i}", secret="s", passphrase="p"))
            self.uids.append(acct.uid)
            self.eng.apply(Deposit(ts=self.ts, uid=acct.uid, coin="USDT", amount="1000000000000"))
            self.eng.apply(Deposit(ts=self.ts, uid=acct.uid, coin="BTC", amount="100000000"))
        self.prices: list[tuple[str, int]] = []  # (side, ticks) of the resting book, for the reference
        for cmd in self.resting_commands(resting):
            order, _ = self.eng.apply(cmd)
            assert isinstance(order, Order) and order.status == "live", order

    def tick(self, n: int = 1) -> int:
        self.ts += n
        return self.ts

    def resting_side_price(self) -> tuple[str, int]:
        side = "buy" if self.rnd.random() < 0.5 else "sell"
        off = self.rnd.randint(1, LEVELS)
        return side, (MID - off if side == "buy" else MID + off)

    def resting_commands(self, n: int, uid_of: Callable[[int], int] | None = None) -> list[PlaceOrder]:
        cmds = []
        for i in range(n):
            side, price = self.resting_side_price()
            self.prices.append((side, price))
            uid = uid_of(i) if uid_of else self.uids[i % USERS]
            qty = f"0.00{self.rnd.randint(1, 9)}"
            cmds.append(PlaceOrder(ts=self.tick() if i % 8 == 0 else self.ts, uid=uid, category="SPOT",
                                   symbol="BTCUSDT", side=side, order_type="limit", qty=qty,
                                   price=fmt_price(price)))
        return cmds


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ---- engine sections -------------------------------------------------------------------------------

def engine_place_cancel(setup: Setup, n: int) -> tuple[float, float]:
    """Place n resting orders, then cancel them one by one in random order; the book is restored."""
    eng = setup.eng
    places = setup.resting_commands(n)
    del setup.prices[-n:]
    results: list[Order] = []

    def place() -> None:
        apply, append = eng.apply, results.append
        for cmd in places:
            append(apply(cmd)[0])

    t_place = timed(place)
    assert all(o.status == "live" for o in results)
    order = list(results)
    setup.rnd.shuffle(order)
    ts = setup.tick()
    cancels = [CancelOrder(ts=ts, uid=o.uid, order_id=str(o.order_id), category="SPOT", symbol="BTCUSDT")
               for o in order]

    def cancel() -> None:
        apply = eng.apply
        for cmd in cancels:
            apply(cmd)

    t_cancel = timed(cancel)
    assert all(o.status == "cancelled" for o in results)
    return n / t_place, n / t_cancel


def engine_batch20(setup: Setup, batches: int) -> list[float]:
    """Latency of CancelBatch of 20 resting orders of one user, in µs (placing them is not timed)."""
    eng = setup.eng
    out = []
    perf = time.perf_counter
    gc.collect()
    for b in range(batches):
        uid = setup.uids[b % USERS]
        cmds = setup.resting_commands(20, uid_of=lambda _i, uid=uid: uid)
        del setup.prices[-20:]
        orders = [eng.apply(c)[0] for c in cmds]
        batch = CancelBatch(ts=setup.tick(), uid=uid, items=[
            CancelItem(order_id=str(o.order_id), category="SPOT", symbol="BTCUSDT") for o in orders])
        start = perf()
        result, _ = eng.apply(batch)
        out.append((perf() - start) * 1e6)
        assert all(isinstance(r, Order) for r in result)
    return out


def engine_modify20(setup: Setup, batches: int, price: bool = True) -> tuple[list[float], list[float]]:
    """Latency of ModifyBatch of 20 resting orders of one user (``price``: a one-tick price change each, away
    from the touch; else a qty decrease, which keeps the queue place), then of the CancelBatch of the same 20
    orders, in µs; placing them is not timed and the book is left as before."""
    eng = setup.eng
    mods, cancels = [], []
    perf = time.perf_counter
    gc.collect()
    for b in range(batches):
        uid = setup.uids[b % USERS]
        cmds = setup.resting_commands(20, uid_of=lambda _i, uid=uid: uid)
        del setup.prices[-20:]
        orders = [eng.apply(c)[0] for c in cmds]
        modify = ModifyBatch(ts=setup.tick(), uid=uid, items=[
            ModifyItem(order_id=str(o.order_id), price=fmt_price(o.price - 1 if o.side == "buy" else o.price + 1))
            if price else ModifyItem(order_id=str(o.order_id), qty="0.0005") for o in orders])
        cancel = CancelBatch(ts=setup.tick(), uid=uid, items=[
            CancelItem(order_id=str(o.order_id), category="SPOT", symbol="BTCUSDT") for o in orders])
        start = perf()
        result, _ = eng.apply(modify)
        mods.append((perf() - start) * 1e6)
        assert all(isinstance(r, Order) and r.status == "live" for r in result), result
        start = perf()
        result, _ = eng.apply(cancel)
        cancels.append((perf() - start) * 1e6)
        assert all(isinstance(r, Order) for r in result)
    return mods, cancels


def engine_mixed(setup: Setup, rounds: int, resting: int) -> tuple[float, float]:
    """Each round: 4 makers near the touch, 1 crossing taker (IOC or GTC, 1-3 levels), 2 cancels.

    Returns (commands/s, fills/s). Makers and takers alternate sides so the book stays balanced.
    """
    eng = setup.eng
    rnd = setup.rnd
    near: list[Order] = []
    cmds: list[PlaceOrder] = []
    plan: list[str] = []
    for r in range(rounds):
        for _ in range(4):
            side = "buy" if rnd.random() < 0.5 else "sell"
            off = rnd.randint(1, 20)
            price = MID - off if side == "buy" else MID + off
            cmds.append(PlaceOrder(ts=setup.tick(), uid=setup.uids[rnd.randrange(USERS)], category="SPOT",
                                   symbol="BTCUSDT", side=side, order_type="limit", qty="0.002",
                                   price=fmt_price(price)))
            plan.append("m")
        side = "buy" if r % 2 else "sell"
        cmds.append(PlaceOrder(ts=setup.ts, uid=setup.uids[rnd.randrange(USERS)], category="SPOT",
                               symbol="BTCUSDT", side=side, order_type="limit", qty=f"0.00{rnd.randint(2, 6)}",
                               price=fmt_price(MID + 40 if side == "buy" else MID - 40),
                               tif="ioc" if r % 3 else "gtc"))
        plan.append("t")
        plan.extend(("c", "c"))
    fills = 0
    n_cmds = 0
    cmd_iter = iter(cmds)

    def run() -> None:
        nonlocal fills, n_cmds
        apply = eng.apply
        for step in plan:
            if step == "c":
                if near:
                    victim = near.pop(rnd.randrange(len(near)))
                    if victim.status in ("live", "partially_filled"):
                        apply(CancelOrder(ts=setup.ts, uid=victim.uid, order_id=str(victim.order_id)))
                        n_cmds += 1
                continue
            order, events = apply(next(cmd_iter))
            n_cmds += 1
            fills += sum(1 for e in events if type(e) is FillEvent)
            if order.status in ("live", "partially_filled"):
                near.append(order)

    elapsed = timed(run)
    # leave the book as deep as before: cancel what the mix left resting, top up what the takers took
    ts = setup.tick()
    for o in near:
        if o.status in ("live", "partially_filled"):
            eng.apply(CancelOrder(ts=ts, uid=o.uid, order_id=str(o.order_id)))
    for cmd in setup.resting_commands(resting - len(eng.orders)):
        eng.apply(cmd)
    return n_cmds / elapsed, fills / 2 / elapsed  # a trade gives a maker and a taker fill event


# ---- reference book ----------------------------------------------------------------------------------

class RefBook:
    """Plain price-time book: dict per level (FIFO by insertion), sorted price lists kept with bisect."""

    __slots__ = ("ask_prices", "asks", "bid_prices", "bids", "orders")

    def __init__(self) -> None:
        self.bids: dict[int, dict[int, int]] = {}
        self.asks: dict[int, dict[int, int]] = {}
        self.bid_prices: list[int] = []  # negated, ascending: best first
        self.ask_prices: list[int] = []
        self.orders: dict[int, tuple[bool, int]] = {}

    def place(self, oid: int, is_buy: bool, price: int, qty: int) -> None:
        levels = self.bids if is_buy else self.asks
        level = levels.get(price)
        if level is None:
            level = levels[price] = {}
            insort(self.bid_prices if is_buy else self.ask_prices, -price if is_buy else price)
        level[oid] = qty
        self.orders[oid] = (is_buy, price)

    def cancel(self, oid: int) -> bool:
        found = self.orders.pop(oid, None)
        if found is None:
            return False
        is_buy, price = found
        levels = self.bids if is_buy else self.asks
        level = levels[price]
        del level[oid]
        if not level:
            del levels[price]
            prices = self.bid_prices if is_buy else self.ask_prices
            key = -price if is_buy else price
            del prices[bisect_left(prices, key)]
        return True


def ref_place_cancel(setup: Setup, n: int, rnd: random.Random) -> tuple[float, float]:
    book = RefBook()
    for oid, (side, price) in enumerate(setup.prices):
        book.place(oid, side == "buy", price, 1000)
    base = len(setup.prices)
    work = [(base + i, *setup.resting_side_price()) for i in range(n)]
    places = [(oid, side == "buy", price, 1000) for oid, side, price in work]

    def place() -> None:
        p = book.place
        for args in places:
            p(*args)

    t_place = timed(place)
    oids = [w[0] for w in work]
    rnd.shuffle(oids)

    def cancel() -> None:
        c = book.cancel
        for oid in oids:
            c(oid)

    t_cancel = timed(cancel)
    assert len(book.orders) == base
    return n / t_place, n / t_cancel


# ---- main ----------------------------------------------------------------------------------------------

def measure(args: argparse.Namespace) -> dict[str, Any]:
    """One build's figures (medians over the runs), each engine figure beside the reference in the same run."""
    runs = args.runs or (3 if args.quick else 7)
    n_ops = 20_000 if args.quick else 50_000
    batches = 500 if args.quick else 2_000
    rounds = 2_000 if args.quick else 10_000

    started = time.perf_counter()
    setup = Setup(args.resting)
    build_s = time.perf_counter() - started
    resting = len(setup.eng.orders)
    levels = len(setup.eng.books[("SPOT", "BTCUSDT")].bids) + len(setup.eng.books[("SPOT", "BTCUSDT")].asks)

    places, cancels, ref_places, ref_cancels, ratio_p, ratio_c, mixed_ops, mixed_fills = ([] for _ in range(8))
    lat: list[float] = []
    mod_lat: list[float] = []
    mod_ratio: list[float] = []
    qty_ratio: list[float] = []
    item_ratio: list[float] = []
    ref_rnd = random.Random(2)
    for _ in range(runs):
        p, c = engine_place_cancel(setup, n_ops)
        rp, rc = ref_place_cancel(setup, n_ops, ref_rnd)
        places.append(p)
        cancels.append(c)
        ref_places.append(rp)
        ref_cancels.append(rc)
        ratio_p.append(rp / p)
        ratio_c.append(rc / c)
        b_lat = engine_batch20(setup, batches // runs)
        lat.extend(b_lat)
        item_ratio.append(statistics.median(b_lat) / 20 / (1e6 / rc))  # per item / one reference cancel
        m_lat, c_lat = engine_modify20(setup, batches // runs)
        mod_lat.extend(m_lat)
        mod_ratio.append(statistics.median(m_lat) / statistics.median(c_lat))
        q_lat, c_lat = engine_modify20(setup, batches // runs, price=False)
        qty_ratio.append(statistics.median(q_lat) / statistics.median(c_lat))
        m_ops, m_fills = engine_mixed(setup, rounds // runs, resting)
        mixed_ops.append(m_ops)
        mixed_fills.append(m_fills)
        assert len(setup.eng.orders) == resting, (len(setup.eng.orders), resting)

    lat.sort()
    mod_lat.sort()
    med = statistics.median
    return {
        "compiled": list(COMPILED),
        "places_per_s": round(med(places)),
        "cancels_per_s": round(med(cancels)),
        "batch20_cancel_us_p50": round(med(lat), 1),
        "batch20_cancel_us_p99": round(lat[int(len(lat) * 0.99) - 1], 1),
        "batch20_per_item_us_p50": round(med(lat) / 20, 2),
        "ratio_batch20_item_ref_cancel": round(med(item_ratio), 2),
        "batch20_modify_us_p50": round(med(mod_lat), 1),
        "batch20_modify_us_p99": round(mod_lat[int(len(mod_lat) * 0.99) - 1], 1),
        "ratio_modify20_cancel20": round(med(mod_ratio), 2),
        "ratio_modify20_qty_cancel20": round(med(qty_ratio), 2),
        "mixed_cmds_per_s": round(med(mixed_ops)),
        "mixed_trades_per_s": round(med(mixed_fills)),
        "resting_orders": resting,
        "price_levels": levels,
        "ref_places_per_s": round(med(ref_places)),
        "ref_cancels_per_s": round(med(ref_cancels)),
        "ratio_places": round(med(ratio_p), 2),
        "ratio_cancels": round(med(ratio_c), 2),
        "runs": runs,
        "ops_per_run": n_ops,
        "setup_s": round(build_s, 1),
        "quick": args.quick,
        "python": platform.python_version(),
    }


def pure_figures(argv: list[str]) -> dict[str, Any]:
    """The same benchmark on the pure-Python build of the engine (a child process with UTAEX_PURE=1)."""
    out = subprocess.run([sys.executable, __file__, *argv, "--json-only"], env={**os.environ, "UTAEX_PURE": "1"},
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (under 20 s)")
    parser.add_argument("--runs", type=int, default=0, help="runs per figure (median is reported)")
    parser.add_argument("--resting", type=int, default=100_000, help="orders resting in the book")
    parser.add_argument("--json-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-pure", action="store_true", help="skip the pure-Python run beside the compiled one")
    args = parser.parse_args()
    figures = measure(args)
    if args.json_only:
        print(json.dumps(figures))
        return
    pure: dict[str, Any] | None = None
    if COMPILED and not args.no_pure:
        pure = pure_figures([a for a in sys.argv[1:] if a != "--no-pure"])
        figures["pure"] = pure
    build = "compiled" if COMPILED else "pure"
    rows: list[tuple[str, str, str, str, str]] = [
        ("resting places/s", "places_per_s", "ref_places_per_s", "ratio_places", "ratio <= 1.5"),
        ("single cancels/s", "cancels_per_s", "ref_cancels_per_s", "ratio_cancels", "ratio <= 1.0"),
        ("batch-20 cancel p50 µs", "batch20_cancel_us_p50", "", "", "<= 80"),
        ("batch-20 cancel p99 µs", "batch20_cancel_us_p99", "", "", ""),
        ("batch-20 per item µs", "batch20_per_item_us_p50", "", "ratio_batch20_item_ref_cancel", "ratio <= 1.0"),
        ("batch-20 modify p50 µs", "batch20_modify_us_p50", "", "", ""),
        ("batch-20 modify p99 µs", "batch20_modify_us_p99", "", "", ""),
        ("modify-20 / cancel-20", "ratio_modify20_cancel20", "", "", "<= 1.5"),
        ("  (qty decrease)", "ratio_modify20_qty_cancel20", "", "", ""),
        ("mixed commands/s", "mixed_cmds_per_s", "", "", ""),
        ("mixed trades/s", "mixed_trades_per_s", "", "", ""),
    ]

    def shown(fig: dict[str, Any], key: str, suffix: str = "") -> str:
        if not key:
            return ""
        value = fig[key]
        return (f"{value:,}" if isinstance(value, int) else f"{value:,.2f}") + suffix

    print(f"engine bench: {figures['resting_orders']:,} resting orders over {figures['price_levels']:,} levels, "
          f"{USERS} users; {figures['runs']} runs x {figures['ops_per_run']:,} ops; setup {figures['setup_s']} s; "
          f"Python {platform.python_version()}; {build} ({', '.join(COMPILED) or 'no module compiled'})")
    head = f"{'measure':<24}{build:>12}{'reference':>12}{'/ref':>8}"
    if pure:
        head += f"{'pure':>12}{'reference':>12}{'/ref':>8}"
    print(head + "  target")
    for name, key, ref, ratio, target in rows:
        line = f"{name:<24}{shown(figures, key):>12}{shown(figures, ref):>12}{shown(figures, ratio, 'x'):>8}"
        if pure:
            line += f"{shown(pure, key):>12}{shown(pure, ref):>12}{shown(pure, ratio, 'x'):>8}"
        print(f"{line}  {target}")
    misses = [k for k, bound in (("ratio_cancels", 1.0), ("ratio_places", 1.5), ("ratio_batch20_item_ref_cancel", 1.0),
                                 ("batch20_cancel_us_p50", 80), ("ratio_modify20_cancel20", 1.5)) if figures[k] > bound]
    print("targets missed: " + (", ".join(misses) if misses else "none"))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
