"""Price-time priority order book of one market.

Invariants:
- Each price level is an insertion-ordered ``dict`` keyed by order id (FIFO, O(1) removal).
- ``bid_prices`` holds the negated bid prices and ``ask_prices`` the ask prices, each sorted, so the
  best level is index 0; a price is listed exactly when its level is non-empty.
- Once a command has been applied, the book is never crossed (best bid < best ask).
"""

from __future__ import annotations

from collections.abc import Iterator

from sortedcontainers import SortedList

from .order import Order


class Book:
    __slots__ = ("ask_prices", "asks", "bid_prices", "bids", "category", "key", "symbol")

    def __init__(self, category: str, symbol: str) -> None:
        self.category = category
        self.symbol = symbol
        self.key = (category, symbol)
        self.bids: dict[int, dict[int, Order]] = {}
        self.asks: dict[int, dict[int, Order]] = {}
        self.bid_prices: SortedList[int] = SortedList()
        self.ask_prices: SortedList[int] = SortedList()

    def add(self, order: Order) -> None:
        price = order.price
        if order.side == "buy":
            level = self.bids.get(price)
            if level is None:
                level = self.bids[price] = {}
                self.bid_prices.add(-price)
        else:
            level = self.asks.get(price)
            if level is None:
                level = self.asks[price] = {}
                self.ask_prices.add(price)
        level[order.order_id] = order

    def remove(self, order: Order) -> None:
        price = order.price
        if order.side == "buy":
            level = self.bids[price]
            del level[order.order_id]
            if not level:
                del self.bids[price]
                self.bid_prices.remove(-price)
        else:
            level = self.asks[price]
            del level[order.order_id]
            if not level:
                del self.asks[price]
                self.ask_prices.remove(price)

    def move(self, order: Order, price: int) -> None:
        """``remove`` then ``add`` at ``price`` (sets ``order.price``): the back of the new level."""
        oid = order.order_id
        if order.side == "buy":
            levels, prices, old, new = self.bids, self.bid_prices, -order.price, -price
        else:
            levels, prices, old, new = self.asks, self.ask_prices, order.price, price
        level = levels[order.price]
        del level[oid]
        if not level:
            del levels[order.price]
            prices.remove(old)
        order.price = price
        joined = levels.get(price)
        if joined is None:
            joined = levels[price] = {}
            prices.add(new)
        joined[oid] = order

    def requeue(self, order: Order) -> None:
        """Send ``order`` to the back of its own level."""
        level = (self.bids if order.side == "buy" else self.asks)[order.price]
        level[order.order_id] = level.pop(order.order_id)

    def best_bid(self) -> int | None:
        return -self.bid_prices[0] if self.bid_prices else None

    def best_ask(self) -> int | None:
        return self.ask_prices[0] if self.ask_prices else None

    def opposite(self, taker_side: str) -> Iterator[tuple[int, dict[int, Order]]]:
        """Levels a taker of ``taker_side`` would meet, best first."""
        if taker_side == "buy":
            for price in self.ask_prices:
                yield price, self.asks[price]
        else:
            for neg in self.bid_prices:
                yield -neg, self.bids[-neg]

    def depth(self, side: str, limit: int) -> list[tuple[int, int]]:
        """Top ``limit`` levels of one side as (price ticks, total remaining lots)."""
        out: list[tuple[int, int]] = []
        if side == "buy":
            for neg in self.bid_prices.islice(0, limit):
                out.append((-neg, sum(o.qty - o.filled for o in self.bids[-neg].values())))
        else:
            for price in self.ask_prices.islice(0, limit):
                out.append((price, sum(o.qty - o.filled for o in self.asks[price].values())))
        return out

    def is_crossed(self) -> bool:
        bid, ask = self.best_bid(), self.best_ask()
        return bid is not None and ask is not None and bid >= ask

    def order_count(self) -> int:
        return sum(len(v) for v in self.bids.values()) + sum(len(v) for v in self.asks.values())
