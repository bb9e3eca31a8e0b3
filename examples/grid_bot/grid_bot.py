"""A small grid bot on ccxt (Bitget UTA), written the way a bot must be to survive a real exchange:

- every order has a clientOid derived from the grid level, so a retry after a lost reply can never
  place a second order (the exchange answers 25212 "duplicate clientOid": the first attempt is there);
- rate limits (429) and network errors are retried with a short back-off;
- ``sync()`` is idempotent: it reads the open orders and places only the levels that are missing;
- ``open_protected_long()`` opens a futures position with a stop-loss attached (Bitget's preset TP/SL),
  so a crash through the stop closes it on the exchange, whether or not the bot is running.

It knows nothing of utaex: pointed at Bitget it behaves the same.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import ccxt


class GridBot:
    def __init__(self, exchange: ccxt.bitget, symbol: str = "BTC/USDT", *, center: str = "30000",
                 step: str = "100", levels: int = 5, size: str = "0.001", tag: str = "grid",
                 retries: int = 8, backoff_s: float = 0.05) -> None:
        self.ex = exchange
        self.symbol = symbol
        self.center, self.step = Decimal(center), Decimal(step)
        self.levels, self.size, self.tag = levels, float(size), tag
        self.retries, self.backoff_s = retries, backoff_s
        self.retried = 0  # calls repeated after a 429 or a network error

    # ---- the grid ------------------------------------------------------------------------------------------
    def wanted(self) -> dict[str, tuple[str, Decimal]]:
        """clientOid -> (side, price) of every grid level: buys below the center, sells above."""
        out: dict[str, tuple[str, Decimal]] = {}
        for i in range(1, self.levels + 1):
            out[f"{self.tag}-b{i}"] = ("buy", self.center - self.step * i)
            out[f"{self.tag}-s{i}"] = ("sell", self.center + self.step * i)
        return out

    def open_client_oids(self) -> set[str]:
        orders = self._call(self.ex.fetch_open_orders, self.symbol)
        return {o["clientOrderId"] for o in orders if o.get("clientOrderId")}

    def sync(self) -> int:
        """Place every missing level; returns how many were placed (0 when the grid is complete)."""
        have = self.open_client_oids()
        placed = 0
        for coid, (side, price) in self.wanted().items():
            if coid not in have and self.place(coid, side, price):
                placed += 1
        return placed

    def place(self, client_oid: str, side: str, price: Decimal) -> bool:
        """Place one level; True when this call placed it, False when an earlier attempt already had."""
        try:
            self._call(self.ex.create_order, self.symbol, "limit", side, self.size, float(price),
                       {"clientOid": client_oid})
            return True
        except ccxt.ExchangeError as err:
            if "25212" in str(err):  # duplicate clientOid: a reply was lost, the order exists
                return False
            raise

    # ---- a protected position ------------------------------------------------------------------------------
    def open_protected_long(self, symbol: str, amount: float, stop: str) -> dict[str, Any]:
        """Buy ``amount`` at market on a futures symbol with a stop-loss trigger at ``stop`` attached."""
        result: dict[str, Any] = self._call(self.ex.create_order, symbol, "market", "buy", amount, None,
                                            {"stopLoss": {"triggerPrice": float(stop)}})
        return result

    # ---- resilience ----------------------------------------------------------------------------------------
    def _call(self, fn: Any, *args: Any) -> Any:
        for attempt in range(self.retries + 1):
            try:
                return fn(*args)
            except (ccxt.RateLimitExceeded, ccxt.NetworkError):
                if attempt == self.retries:
                    raise
                self.retried += 1
                time.sleep(self.backoff_s * (attempt + 1))
        raise AssertionError("unreachable")
