"""The hub: who is subscribed to what, and the fan-out of venue pushes to those connections.

Invariants:
- The hub is in ``venue.listeners`` exactly while at least one subscription exists, so the venue
  builds no push payloads when nobody listens; ``venue.push_filter`` limits the costly order/fill
  documents to users with an ``order`` or ``fill`` subscriber.
- ``on_pushes`` (called by the venue after each durable command) never awaits and never writes: it
  builds each private frame once per (topic key, payload) into ``pending`` and schedules one flush
  per event-loop iteration. The flush hands every connection subscribed to a key the same ``Batch``
  (pushes of that key in venue order), so the per-subscriber cost is one queue append or write.
- A user's private keys carry its uid: a push reaches only connections logged in as that uid.
- Injected ``ws_drop`` / ``ws_delay`` faults (gateway/faults.py) cost nothing while none is in force
  (``faults.channel_paths`` empty); with one, the pushes of its channel go connection by connection.
- ``account`` and ``position`` pushes are states: repeated changes within one flush coalesce into one
  push of the latest state. Each (re)subscription gets ``action: "snapshot"`` (even flat: ``data: []``
  for positions), later changes ``action: "update"``. ``order`` and ``fill`` pushes are never coalesced
  or reordered, and always ``action: "snapshot"``; ``order`` has no snapshot on subscription.
- A position that ends is pushed twice, as on the live venue: first its last open state with the whole
  size ``frozen``, then the ended state. ``open_pos`` remembers the last open state pushed, per uid with
  a ``position`` subscriber (forgotten with the last one).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from ..faults import Faults
from ..venue import Push, Venue
from . import chaos, docs, liquidation
from .chaos import channel_of
from .conn import CLOSE_TIMEOUT, Connection
from .frames import Batch, push, push_prefix
from .market import MarketFeeds

Key = tuple[Any, ...]
PRIVATE_TOPICS = ("order", "fill", "account", "position", "adl-notification")  # adl: never pushes (no ADL)


def private_arg(topic: str) -> dict[str, str]:
    return {"instType": "UTA", "topic": topic}


PREFIX = {t: push_prefix(private_arg(t), "snapshot") for t in PRIVATE_TOPICS}
UPDATE = {t: push_prefix(private_arg(t), "update") for t in ("account", "position")}
PosKey = tuple[str, str, str]  # category, symbol, posSide


class Limits:
    """Bitget's documented WebSocket limits (``enabled`` False: only the hard caps apply)."""

    def __init__(self, config: dict[str, Any], enabled: bool) -> None:
        self.enabled = enabled
        self.idle_s = float(config.get("wsIdleTimeout", 120))
        self.max_conns_per_ip = int(config.get("wsMaxConnectionsPerIp", 100))
        self.attempts_per_ip = int(config.get("wsConnectsPerIpPer5Min", 300))
        self.msgs_per_s = int(config.get("wsMessagesPerSecond", 10))
        self.subs_per_hour = int(config.get("wsSubscribeRequestsPerHour", 240))
        self.max_channels = int(config.get("wsMaxChannels", 1000))
        self.max_queue = int(config.get("wsMaxQueuedFrames", 20_000))
        self.close_timeout = float(config.get("wsCloseTimeout", CLOSE_TIMEOUT))
        self.market_interval_s = float(config.get("wsMarketInterval", 0.05))


class Hub:
    def __init__(self, venue: Venue, limits: Limits, app_routes: dict[Any, Any], faults: Faults | None = None) -> None:
        self.venue = venue
        self.faults = faults if faults is not None else Faults()
        self.faults.on_added.append(lambda fault: chaos.drop_subscribers(self.faults, fault, self.subs))
        self.app_routes = app_routes  # the REST routes (the ticker push reuses the REST handler)
        self.limits = limits
        self.subs: dict[Key, dict[Connection, None]] = {}
        self.conns: set[Connection] = set()
        self.per_ip: dict[str, int] = {}
        self.attempts: dict[str, deque[float]] = {}
        self.pending: dict[Key, list[bytes]] = {}
        self.dirty_accounts: set[int] = set()
        self.dirty_positions: set[tuple[int, str, str]] = set()
        self.market = MarketFeeds(self)
        self.doc_uids: dict[int, int] = {}  # uid -> number of its order/fill keys with subscribers
        self.open_pos: dict[int, dict[PosKey, dict[str, Any]]] = {}  # uid -> last open position docs pushed
        venue.push_filter = self.doc_uids.__contains__  # no order/fill documents for users nobody watches
        self._flush_handle: asyncio.Handle | None = None
        self._sweeper: asyncio.Task[None] | None = None

    # ---- connections ----------------------------------------------------------------------------------
    def admit(self, addr: str) -> str | None:
        """Count a new connection from ``addr``; a refusal reason when a limit is exceeded."""
        lim = self.limits
        if lim.enabled:
            now = time.monotonic()
            times = self.attempts.setdefault(addr, deque())
            while times and now - times[0] > 300:
                times.popleft()
            if len(times) >= lim.attempts_per_ip:
                return f"at most {lim.attempts_per_ip} connection requests per IP in 5 minutes"
            times.append(now)
            if self.per_ip.get(addr, 0) >= lim.max_conns_per_ip:
                return f"at most {lim.max_conns_per_ip} connections per IP"
        return None

    def add(self, conn: Connection) -> None:
        self.conns.add(conn)
        self.per_ip[conn.addr] = self.per_ip.get(conn.addr, 0) + 1
        if self._sweeper is None:
            self._sweeper = asyncio.ensure_future(self._sweep_idle())

    def remove(self, conn: Connection) -> None:
        for key in list(conn.subs):
            self.unsubscribe(conn, key)
        if conn in self.conns:
            self.conns.discard(conn)
            left = self.per_ip.get(conn.addr, 1) - 1
            if left > 0:
                self.per_ip[conn.addr] = left
            else:
                self.per_ip.pop(conn.addr, None)

    async def _sweep_idle(self) -> None:
        """Close connections that sent nothing for ``idle_s`` seconds."""
        period = max(0.05, min(5.0, self.limits.idle_s / 4))
        while True:
            await asyncio.sleep(period)
            cutoff = time.monotonic() - self.limits.idle_s
            for conn in [c for c in self.conns if c.last_seen < cutoff and not c.closed]:
                conn.abort(1000, f"idle timeout: no message for {self.limits.idle_s:g} s")

    async def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
            self._sweeper = None
        self.market.stop()
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None

    # ---- subscriptions --------------------------------------------------------------------------------
    def subscribe(self, conn: Connection, key: Key, arg: dict[str, str]) -> bool:
        """Register; False when ``conn`` already had it."""
        if key in conn.subs:
            return False
        conn.subs[key] = arg
        members = self.subs.get(key)
        if members is None:
            members = self.subs[key] = {}
            if key[0] not in PRIVATE_TOPICS:
                self.market.track(key)
            elif key[0] in ("order", "fill"):
                self.doc_uids[key[1]] = self.doc_uids.get(key[1], 0) + 1
        members[conn] = None
        self._listen()
        return True

    def unsubscribe(self, conn: Connection, key: Key) -> bool:
        if conn.subs.pop(key, None) is None:
            return False
        members = self.subs.get(key)
        if members is not None:
            members.pop(conn, None)
            if not members:
                del self.subs[key]
                self.market.forget(key)
                if key[0] == "position":
                    self.open_pos.pop(key[1], None)
                if key[0] in ("order", "fill"):
                    left = self.doc_uids.get(key[1], 1) - 1
                    if left > 0:
                        self.doc_uids[key[1]] = left
                    else:
                        self.doc_uids.pop(key[1], None)
        self._listen()
        return True

    def _listen(self) -> None:
        listeners = self.venue.listeners
        on = self.on_pushes in listeners
        if self.subs and not on:
            listeners.append(self.on_pushes)
        elif not self.subs and on:
            listeners.remove(self.on_pushes)

    # ---- fan-out --------------------------------------------------------------------------------------
    def on_pushes(self, pushes: list[Push]) -> None:
        subs = self.subs
        pending = self.pending
        instruments = self.venue.instruments
        ts = int(time.time() * 1000)
        for kind, payload in pushes:
            if kind == "order":
                key = ("order", payload[0])
                if key in subs:
                    frame = push(PREFIX["order"], [docs.order_ws(instruments, payload[1], payload[2], payload[3])], ts)
                    pending.setdefault(key, []).append(frame)
            elif kind == "fill":
                key = ("fill", payload[0])
                if key in subs:
                    pending.setdefault(key, []).append(push(PREFIX["fill"], [docs.fill_ws(payload[1], payload[2])], ts))
            elif kind == "account":
                if ("account", payload) in subs:
                    self.dirty_accounts.add(payload)
            elif kind == "position":
                if ("position", payload[0]) in subs:
                    self.dirty_positions.add(payload)
            elif kind == "book":
                self.market.on_book(payload)
            elif kind == "trade":
                self.market.on_trade(payload)
            elif kind == "liquidation":
                key = (liquidation.TOPIC, payload[0])
                if key in subs:
                    pending.setdefault(key, []).append(liquidation.frame(payload[0], payload[1], ts))
        if self._flush_handle is None and (pending or self.dirty_accounts or self.dirty_positions):
            self._flush_handle = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._flush_handle = None
        ts = int(time.time() * 1000)
        eng = self.venue.engine
        if self.dirty_accounts:
            for uid in sorted(self.dirty_accounts):
                doc = docs.account_ws(eng, uid)
                if doc is not None:
                    self.pending.setdefault(("account", uid), []).append(push(UPDATE["account"], [doc], ts))
            self.dirty_accounts.clear()
        if self.dirty_positions:
            for uid, cat, sym in sorted(self.dirty_positions):
                data = docs.position_ws(eng, uid, cat, sym)
                if data:
                    frames = self.pending.setdefault(("position", uid), [])
                    steps = self._track(uid, data)
                    if steps:
                        frames.append(push(UPDATE["position"], steps, ts))
                    frames.append(push(UPDATE["position"], data, ts))
            self.dirty_positions.clear()
        pending = self.pending
        self.pending = {}
        for key, payloads in pending.items():
            self.fanout(key, payloads)

    def fanout(self, key: Key, payloads: list[bytes]) -> None:
        members = self.subs.get(key)
        if not members or not payloads:
            return
        batch = Batch(payloads)
        if self.faults.channel_paths:
            faults = self.faults.for_path("ws:" + channel_of(key))
            if faults:
                for conn in list(members):
                    chaos.deliver(self.faults, conn, batch, faults)
                return
        for conn in members:  # send_batch never changes subscriptions (an overflow closes later)
            conn.send_batch(batch)

    def deliver(self, conn: Connection, key: Key, batch: Batch) -> None:
        """One push of ``key``'s channel to one connection (a snapshot on subscription), faults applied."""
        faults = self.faults.for_path("ws:" + channel_of(key)) if self.faults.channel_paths else None
        if faults:
            chaos.deliver(self.faults, conn, batch, faults)
        else:
            conn.send_batch(batch)

    def subscribed(self, conn: Connection, key: Key) -> None:
        """After a new subscription's ack (and snapshot): a ``ws_drop`` in force without ``afterFrames`` acts."""
        if self.faults.channel_paths:
            chaos.on_subscribed(self.faults, conn, key)

    def _track(self, uid: int, data: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Remember the open positions of ``data``; the frozen-size steps owed before its ended ones."""
        known = self.open_pos.setdefault(uid, {})
        steps = []
        for doc in data:
            key = (doc["category"], doc["symbol"], doc["posSide"])
            if doc["positionStatus"] != "ended":
                known[key] = doc
                continue
            before = known.pop(key, None)
            if before is not None:
                steps.append(docs.frozen_step(before, doc))
        return steps

    # ---- snapshots on subscribe -----------------------------------------------------------------------
    def private_snapshot(self, conn: Connection, topic: str) -> None:
        """Account and position push their current state on subscription; order and fill do not."""
        ts = int(time.time() * 1000)
        eng = self.venue.engine
        if topic == "account":
            doc = docs.account_ws(eng, conn.uid)
            if doc is not None:
                self.deliver(conn, (topic, conn.uid), Batch((push(PREFIX["account"], [doc], ts),)))
        elif topic == "position":
            data = docs.position_ws(eng, conn.uid)
            self._track(conn.uid, data)
            self.deliver(conn, (topic, conn.uid), Batch((push(PREFIX["position"], data, ts),)))
