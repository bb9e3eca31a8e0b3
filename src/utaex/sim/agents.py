"""The simulator's agents: ordinary users whose decisions become ordinary commands (docs/market.md).

- ``Maker``: quotes ``levels`` price levels each side around the reference it sees (the oracle's price with
  a little noise); every ``refreshMs`` (jittered) it cancels its previous quotes in one batch cancel and
  places the new ones in one batch.
- ``Taker``: a noise trader; at Poisson arrival times it buys or sells (even odds) a log-normal value, by a
  market order or a marketable limit IOC order a few basis points through the best opposite price.

Invariants: each agent draws only from its own ``random.Random`` (seeded from the venue seed and its uid),
and only when the virtual clock wakes it, so the same seed and the same user commands give the same
commands; every price and quantity sent is a decimal string on the instrument's tick and lot grids.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from ..core.commands import CancelBatch, CancelItem, Command, PlaceBatch, PlaceOrder
from .config import MakerSpec, TakerSpec

if TYPE_CHECKING:
    from ..core.instruments import Instrument

Best = Callable[["Instrument"], tuple[Decimal | None, Decimal | None]]


def on_grid(value: float, step: Decimal, rounding: str) -> Decimal:
    """``value`` rounded to a multiple of ``step`` (exact decimal)."""
    units = (Decimal(repr(value)) / step).to_integral_value(rounding=rounding)
    return units * step


def text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else format(value.quantize(1), "f")


class Agent:
    def __init__(self, uid: int, inst: Instrument, rng: random.Random) -> None:
        self.uid = uid
        self.inst = inst
        self.rng = rng
        self.tick = Decimal(inst.spec.tick)
        self.lot = Decimal(inst.spec.lot)
        self.min_qty = Decimal(inst.spec.minOrderQty)
        self.min_value = Decimal(inst.spec.minOrderAmount)

    def qty_for(self, value: float, price: float) -> Decimal:
        """Lots worth about ``value`` of the quote coin at ``price``, at least the minimum order."""
        qty = on_grid(value / price, self.lot, ROUND_FLOOR)
        qty = max(qty, self.min_qty)
        while qty * Decimal(repr(price)) < self.min_value:
            qty += self.lot * max(1, int(qty / self.lot) // 2)
        return qty


class Maker(Agent):
    def __init__(self, uid: int, inst: Instrument, rng: random.Random, spec: MakerSpec) -> None:
        super().__init__(uid, inst, rng)
        self.spec = spec
        self.open: list[int] = []  # order ids of the last quotes placed

    def next_wake(self) -> int:
        return max(1, int(self.spec.refreshMs * self.rng.uniform(0.75, 1.25)))

    def cancel(self, ts: int) -> Command | None:
        if not self.open:
            return None
        items = [CancelItem(order_id=str(oid), category=self.inst.category, symbol=self.inst.symbol)
                 for oid in self.open]
        self.open = []
        return CancelBatch(ts=ts, uid=self.uid, items=items)

    def quotes(self, ts: int, reference: float) -> PlaceBatch:
        spec, inst, rng = self.spec, self.inst, self.rng
        ref = reference * math.exp(rng.gauss(0.0, spec.noiseBps / 1e4))
        orders: list[PlaceOrder] = []
        last_bid = last_ask = None
        for i in range(spec.levels):
            dist = (spec.spreadBps + i * spec.stepBps) / 1e4
            value = spec.sizeValue * spec.sizeGrowth ** i
            bid = on_grid(ref * (1 - dist), self.tick, ROUND_FLOOR)
            ask = on_grid(ref * (1 + dist), self.tick, ROUND_CEILING)
            if last_bid is not None and bid >= last_bid:
                bid = last_bid - self.tick
            if last_ask is not None and ask <= last_ask:
                ask = last_ask + self.tick
            last_bid, last_ask = bid, ask
            for side, price in (("buy", bid), ("sell", ask)):
                if price <= 0:
                    continue
                jitter = 1 + spec.sizeJitter * (2 * rng.random() - 1)
                qty = self.qty_for(value * jitter, float(price))
                orders.append(PlaceOrder(ts=ts, uid=self.uid, category=inst.category, symbol=inst.symbol, side=side,
                                         order_type="limit", qty=text(qty), price=text(price)))
        return PlaceBatch(ts=ts, uid=self.uid, orders=orders)

    def placed(self, results: object) -> None:
        """Remember the ids of the quotes that rest on the book."""
        if isinstance(results, list):
            self.open = [r.order_id for r in results
                         if getattr(r, "order_id", None) and getattr(r, "status", "") in ("live", "partially_filled")]


class Taker(Agent):
    def __init__(self, uid: int, inst: Instrument, rng: random.Random, spec: TakerSpec) -> None:
        super().__init__(uid, inst, rng)
        self.spec = spec

    def next_wake(self) -> int:
        """Milliseconds to this taker's next arrival (its share of the book's Poisson rate)."""
        rate = self.spec.ratePerSecond / max(1, self.spec.takers)
        if rate <= 0:
            return 3_600_000
        return max(1, int(self.rng.expovariate(rate) * 1000))

    def order(self, ts: int, reference: float, best: tuple[Decimal | None, Decimal | None]) -> PlaceOrder | None:
        spec, inst, rng = self.spec, self.inst, self.rng
        side = "buy" if rng.random() < 0.5 else "sell"
        value = min(spec.sizeValue * math.exp(rng.gauss(0.0, spec.sizeSigma)), spec.maxSizeValue)
        market = rng.random() < spec.marketShare
        bid, ask = best
        opposite = ask if side == "buy" else bid
        if opposite is None:
            return None
        if market:
            if side == "buy" and not inst.is_futures:  # a spot market buy names the quote amount to spend
                qty = max(Decimal(repr(value)), self.min_value).quantize(Decimal(1), rounding=ROUND_CEILING)
            else:
                qty = self.qty_for(value, float(opposite))
            return PlaceOrder(ts=ts, uid=self.uid, category=inst.category, symbol=inst.symbol, side=side,
                              order_type="market", qty=text(qty))
        slip = spec.limitSlipBps / 1e4
        if side == "buy":
            price = on_grid(float(opposite) * (1 + slip), self.tick, ROUND_CEILING)
        else:
            price = max(on_grid(float(opposite) * (1 - slip), self.tick, ROUND_FLOOR), self.tick)
        return PlaceOrder(ts=ts, uid=self.uid, category=inst.category, symbol=inst.symbol, side=side,
                          order_type="limit", tif="ioc", qty=text(self.qty_for(value, float(price))),
                          price=text(price))
