"""A small grid bot on ccxt (Bitget UTA), written the way a bot must be to survive a real exchange:

- every order has a clientOid derived from the grid level, so a retry after a lost reply can never
  place a second order (the exchange answers 25212 "duplicate clientOid": the first attempt is there);
- rate limits (429) and network errors are retried with a short back-off;
- ``sync()`` is idempotent: it reads the open orders and places only the levels that are missing;
- ``open_protected_long()`` opens a futures position with a stop-loss attached (Bitget's preset TP/SL),
  so a crash through the stop closes it on the exchange, whether or not the bot is running;
- ``OrderFeed`` follows the private WebSocket ``order`` channel; when the connection drops it reconnects,
  logs in and subscribes again, so no order update is missed for long.

It knows nothing of utaex: pointed at Bitget it behaves the same.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from typing import Any

import ccxt
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect


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


class OrderFeed:
    """The private ``order`` channel of Bitget's UTA WebSocket (v3), followed in a thread: every pushed
    order document is kept by clientOid; a dropped connection is reopened, logged in and re-subscribed."""

    def __init__(self, url: str, api_key: str, secret: str, passphrase: str, backoff_s: float = 0.2) -> None:
        self.url, self.api_key, self.secret, self.passphrase = url, api_key, secret, passphrase
        self.backoff_s = backoff_s
        self.orders: dict[str, dict[str, Any]] = {}  # clientOid -> latest pushed order document
        self.subscriptions = 0  # successful subscriptions (1 + the re-subscriptions after drops)
        self.drops = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="order-feed", daemon=True)

    def start(self) -> OrderFeed:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _login(self) -> str:
        ts = str(int(time.time()))
        mac = hmac.new(self.secret.encode(), f"{ts}GET/user/verify".encode(), hashlib.sha256).digest()
        return json.dumps({"op": "login", "args": [{"apiKey": self.api_key, "passphrase": self.passphrase,
                                                     "timestamp": ts, "sign": base64.b64encode(mac).decode()}]})

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with connect(self.url, open_timeout=10, close_timeout=1) as ws:
                    ws.send(self._login())
                    ws.send(json.dumps({"op": "subscribe", "args": [{"instType": "UTA", "topic": "order"}]}))
                    while not self._stop.is_set():
                        try:
                            raw = ws.recv(timeout=0.5)
                        except TimeoutError:
                            ws.send("ping")
                            continue
                        if raw == "pong":
                            continue
                        msg = json.loads(raw)
                        if msg.get("event") == "subscribe":
                            self.subscriptions += 1
                        for doc in msg.get("data", []) if msg.get("arg", {}).get("topic") == "order" else []:
                            self.orders[doc.get("clientOid", "")] = doc
            except (WebSocketException, OSError):
                pass
            if not self._stop.is_set():
                self.drops += 1
                time.sleep(self.backoff_s)
