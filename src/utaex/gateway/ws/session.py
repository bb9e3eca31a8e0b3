"""The WebSocket endpoints ``/v3/ws/public`` and ``/v3/ws/private``: handshake, limits, login, ops.

Invariants:
- One reader per connection handles its messages in arrival order; trade ops run as tasks (so several
  can share one journal flush) and answer when durable. Text ``ping`` is answered with text ``pong``.
- Private topics and trade ops need a successful ``login`` on the private endpoint (else ``30004``). A
  login answers ``{"event":"login","code":0,"connId":...}``; a failed one answers
  ``{"event":"error","code":30015,"msg":"Invalid sign"}`` (or its own code) and the connection stays
  open, as on the live venue (reference/live-behaviour.md); failures feed the auth throttle.
- Every event's ``code`` is a JSON number, except the answers of ``op: "trade"`` (gateway/ws/codes.py).
- Private topics take ``instType`` literally ``UTA``; public topics lowercase instTypes (``spot``,
  ``usdt-futures``); anything else is ``30001`` "doesn't exist".
- Login accepts extra top-level keys (ccxt sends ``url``) and a timestamp in seconds or milliseconds,
  valid for 30 s; the signature is over ``timestamp + "GET" + "/user/verify"`` (HMAC or RSA keys).
- Subscribe/unsubscribe accept extra top-level keys (ccxt sends ``"uta": true``) and answer one ack
  (or error) per arg, echoing the arg; a new subscription then gets its snapshot, if the topic has one.
- With rate limits on: 100 connections and 300 connection requests per 5 min per IP, 10 messages/s
  per connection (exceeding closes it), 240 subscribe requests/hour per connection. Always: at most
  1000 channels per connection, 4096 bytes per subscribe request, and idle connections closed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from ...core import enums as E
from ...wire.signing import WS_LOGIN_METHOD, WS_LOGIN_PATH, verify_hmac, verify_rsa
from ..auth import passphrase_matches
from . import codes as C
from . import liquidation
from .codes import WsError, error_event, trade_error_event
from .conn import Connection
from .frames import Batch, decode
from .hub import PRIVATE_TOPICS, Hub, Limits
from .kline import INTERVALS
from .market import DEPTHS, PUBLIC_TOPICS
from .trade import TradeOps

if TYPE_CHECKING:
    from ..app import App

log = logging.getLogger("utaex.ws")

PATHS = {"/v3/ws/public": False, "/v3/ws/private": True}
PUBLIC_CATEGORIES = (E.SPOT, E.USDT_FUTURES, E.COIN_FUTURES, E.USDC_FUTURES)
LOGIN_WINDOW_MS = 30_000
MAX_SUBSCRIBE_BYTES = 4096
POLICY = 1008


class WsEndpoint:
    """The ASGI callable for websocket scopes (``app.ws_handler``)."""

    def __init__(self, app: App, hub: Hub) -> None:
        self.app = app
        self.hub = hub
        self.trade = TradeOps(app)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        private = PATHS.get(scope.get("path", "").rstrip("/"))
        first = await receive()
        if first["type"] != "websocket.connect":
            return
        if private is None:
            await send({"type": "websocket.close", "code": POLICY})  # answered 403 before the upgrade
            return
        await send({"type": "websocket.accept"})
        client = scope.get("client")
        lim = self.hub.limits
        conn = Connection(send, client[0] if client else "", private, lim.max_queue, lim.msgs_per_s,
                          lim.subs_per_hour, lim.close_timeout)
        conn.last_seen = time.monotonic()
        refusal = self.hub.admit(conn.addr)
        if refusal is not None:
            conn.send_doc(error_event(C.OVER_LIMIT, f"Request over limit, connection close: {refusal}"))
            await conn.close(POLICY, refusal)
            await conn.finish()
            return
        self.hub.add(conn)
        try:
            await self._read(conn, receive)
        finally:
            self.hub.remove(conn)
            await conn.finish()

    async def _read(self, conn: Connection, receive: Any) -> None:
        limits = self.hub.limits
        while True:
            message = await receive()
            kind = message["type"]
            if kind == "websocket.disconnect":
                return
            if kind != "websocket.receive" or conn.closed:
                continue
            now = time.monotonic()
            conn.last_seen = now
            if limits.enabled:
                times = conn.msg_times
                if len(times) == times.maxlen and now - times[0] < 1.0:
                    conn.send_doc(error_event(C.TOO_MANY_REQUESTS, f"more than {times.maxlen} messages per second"))
                    await conn.close(POLICY, f"more than {times.maxlen} messages per second")
                    continue
                times.append(now)
            text = message.get("text")
            if text is None:
                raw = message.get("bytes") or b""
                text = raw.decode("utf-8", "replace")
            if text == "ping":
                conn.send_text(b"pong")
                continue
            await self._handle(conn, text)

    async def _handle(self, conn: Connection, text: str) -> None:
        try:
            msg = decode(text)
        except Exception:
            msg = None
        if not isinstance(msg, dict):
            conn.send_doc(error_event(C.ILLEGAL_REQUEST, "Illegal request: not a JSON object"))
            return
        op = msg.get("op")
        try:
            if op in ("subscribe", "unsubscribe"):
                await self._subscribe(conn, op, msg, len(text))
            elif op == "login":
                await self._login(conn, msg)
            elif op == "trade":
                if not conn.private:
                    raise WsError(C.INVALID_OP, "Invalid op: trade is served on /v3/ws/private")
                if conn.api is None:
                    raise WsError(C.LOGIN_REQUIRED)
                task = asyncio.ensure_future(self.trade.handle(conn, msg))
                conn.tasks.add(task)
                task.add_done_callback(conn.tasks.discard)
            else:
                raise WsError(C.INVALID_OP, f"Invalid op: {op}")
        except WsError as err:
            if op == "trade" and "id" in msg:  # an answer of the WS trading API
                conn.send_doc(trade_error_event(err.code, err.msg, id=msg["id"]))
            else:
                conn.send_doc(error_event(err.code, err.msg))
        except Exception:  # a bug must not take the connection down silently
            log.exception("ws request failed: %.200s", text)
            conn.send_doc(error_event(C.SYSTEM_ERROR, C.MESSAGES[C.SYSTEM_ERROR]))

    # ---- login ------------------------------------------------------------------------------------------
    async def _login(self, conn: Connection, msg: dict[str, Any]) -> None:
        if not conn.private:
            raise WsError(C.INVALID_OP, "Invalid op: login is served on /v3/ws/private")
        try:
            api = self._verify(msg, conn.addr)
        except WsError as err:  # the connection stays open (live venue); the throttle counts failures
            conn.send_doc(error_event(err.code, err.msg))
            return
        if conn.api is not None and conn.api.uid != api.uid:
            for key in [k for k in conn.subs if k[0] in PRIVATE_TOPICS]:
                self.hub.unsubscribe(conn, key)
        conn.api = api
        conn.send_doc({"event": "login", "code": 0, "connId": conn.conn_id})

    def _verify(self, msg: dict[str, Any], addr: str) -> Any:
        """The login's key, checked as REST checks one (gateway/auth.py): signature before passphrase,
        the passphrase in constant time, failures counted by the same throttle (30006 once throttled)."""
        args = msg.get("args")
        if not isinstance(args, list) or len(args) != 1 or not isinstance(args[0], dict):
            raise WsError(C.PARAM_ERROR, "Param error: args must hold one object")
        a = args[0]
        key, sign, passphrase = a.get("apiKey"), a.get("sign"), a.get("passphrase")
        ts = a.get("timestamp")
        ts = str(ts) if isinstance(ts, int) and not isinstance(ts, bool) else ts
        if not isinstance(key, str) or not key:
            raise WsError(C.INVALID_KEY, "Invalid ACCESS_KEY: apiKey is empty")
        if not isinstance(sign, str) or not sign:
            raise WsError(C.INVALID_SIGN, "Invalid signature: sign is empty")
        if not isinstance(ts, str) or not ts:
            raise WsError(C.INVALID_TIMESTAMP, "Invalid ACCESS_TIMESTAMP: timestamp is empty")
        if not isinstance(passphrase, str) or not passphrase:
            raise WsError(C.INVALID_PASSPHRASE, "Invalid ACCESS_PASSPHRASE: passphrase is empty")
        throttle = self.app.auth_throttle
        if throttle is not None and throttle.per_ip.blocked(addr, time.monotonic()):
            raise WsError(C.TOO_MANY_REQUESTS, "Request too many: too many failed logins")
        api = self.app.venue.engine.api_key(key)
        if api is None:
            raise self._failed(addr, None, WsError(C.INVALID_KEY))
        if throttle is not None and throttle.per_key.blocked(key, time.monotonic()):
            raise WsError(C.TOO_MANY_REQUESTS, "Request too many: too many failed logins")
        if not (ts.isascii() and ts.isdigit()) or len(ts) > 13:
            raise WsError(C.INVALID_TIMESTAMP)
        ms = int(ts) * 1000 if len(ts) <= 10 else int(ts)  # ccxt sends seconds, the doc shows both
        if abs(int(time.time() * 1000) - ms) > LOGIN_WINDOW_MS:
            raise WsError(C.TIMESTAMP_EXPIRED)
        message = f"{ts}{WS_LOGIN_METHOD}{WS_LOGIN_PATH}".encode()
        ok = verify_rsa(api.rsa_public_key, message, sign) if api.rsa_public_key else verify_hmac(
            api.secret, message, sign)
        if not ok:
            raise self._failed(addr, key, WsError(C.INVALID_SIGN))
        if not passphrase_matches(passphrase, api.passphrase):
            raise self._failed(addr, key, WsError(C.INVALID_PASSPHRASE))
        return api

    def _failed(self, addr: str, key: str | None, err: WsError) -> WsError:
        throttle = self.app.auth_throttle
        if throttle is not None:
            throttle.record(addr, key)
        return err

    # ---- subscribe / unsubscribe -----------------------------------------------------------------------------
    async def _subscribe(self, conn: Connection, op: str, msg: dict[str, Any], size: int) -> None:
        args = msg.get("args")
        if not isinstance(args, list) or not args:
            raise WsError(C.PARAM_ERROR, "Param error: args must be a non-empty list")
        if size > MAX_SUBSCRIBE_BYTES:
            raise WsError(C.PARAM_ERROR, f"Param error: a request cannot exceed {MAX_SUBSCRIBE_BYTES} bytes")
        limits = self.hub.limits
        if limits.enabled:
            now = time.monotonic()
            times = conn.sub_times
            if len(times) == times.maxlen and now - times[0] < 3600:
                raise WsError(C.TOO_MANY_REQUESTS, f"at most {times.maxlen} subscription requests per hour")
            times.append(now)
        for arg in args:
            try:
                key = self._resolve(conn, arg)
                if op == "unsubscribe":
                    self.hub.unsubscribe(conn, key)
                    conn.send_doc({"event": "unsubscribe", "arg": arg})
                    continue
                if key not in conn.subs and len(conn.subs) >= limits.max_channels:
                    raise WsError(C.AT_MOST, f"{limits.max_channels} channel subscriptions per connection can be "
                                             "used at most")
                new = self.hub.subscribe(conn, key, arg)
                conn.send_doc({"event": "subscribe", "arg": arg})
                if new or key[0] in ("account", "position"):  # these two: a snapshot after every subscribe
                    await self._snapshot(conn, key)
                if new:
                    self.hub.subscribed(conn, key)
            except WsError as err:
                conn.send_doc(error_event(err.code, err.msg, arg=arg))

    async def _snapshot(self, conn: Connection, key: tuple[Any, ...]) -> None:
        if key[0] in PRIVATE_TOPICS:
            self.hub.private_snapshot(conn, key[0])
            return
        if key[0] == liquidation.TOPIC:  # no snapshot: only liquidations after the subscription
            return
        payload = await self.hub.market.snapshot(key)
        if payload is not None:
            self.hub.deliver(conn, key, Batch((payload,)))

    def _resolve(self, conn: Connection, arg: Any) -> tuple[Any, ...]:
        if not isinstance(arg, dict):
            raise WsError(C.PARAM_ERROR, "Param error: each arg must be an object")
        topic = arg.get("topic") or arg.get("channel")
        inst_type = arg.get("instType")
        if not isinstance(topic, str) or not isinstance(inst_type, str):
            raise WsError(C.PARAM_ERROR, "Param error: instType and topic are required")
        if conn.private:
            if inst_type != "UTA" or topic not in PRIVATE_TOPICS:
                raise WsError(C.CHANNEL_NOT_FOUND, f"instType:{inst_type},topic:{topic} doesn't exist")
            if conn.api is None:
                raise WsError(C.LOGIN_REQUIRED)
            return (topic, conn.uid)
        if topic == liquidation.TOPIC:
            liq = liquidation.key_of(inst_type)
            if liq is None:
                raise WsError(C.CHANNEL_NOT_FOUND, f"instType:{inst_type},topic:{topic} doesn't exist")
            return liq
        if topic not in PUBLIC_TOPICS or inst_type != inst_type.lower():
            raise WsError(C.CHANNEL_NOT_FOUND, f"instType:{inst_type},topic:{topic} doesn't exist")
        cat = inst_type.upper()
        symbol = arg.get("symbol") or arg.get("instId")
        inst = self.app.venue.instruments.get(cat, symbol) if cat in PUBLIC_CATEGORIES and isinstance(
            symbol, str) else None
        if inst is None:
            raise WsError(C.CHANNEL_NOT_FOUND, f"instType:{inst_type},topic:{topic},symbol:{symbol} doesn't exist")
        if topic == "kline":
            interval = arg.get("interval")
            if interval not in INTERVALS:
                # live Bitget: only the ten documented intervals, anything else 30001 (reference/live-behaviour.md)
                raise WsError(C.CHANNEL_NOT_FOUND,
                              f"instType:{inst_type},topic:kline,symbol:{symbol},interval:{interval} doesn't exist")
            return ("kline", inst.book_key, interval)
        if topic.startswith("books") and topic != "books":
            n = int(topic[5:])
            assert n in DEPTHS
            return ("booksN", inst.book_key, n)
        return (topic, inst.book_key)


def install(app: App, config: dict[str, Any] | None = None) -> Hub:
    """Serve the WebSocket endpoints on ``app``: sets ``app.ws_handler``; returns the hub."""
    hub = Hub(app.venue, Limits(config or {}, app.limiter.enabled), app.routes, app.faults)
    app.ws_handler = WsEndpoint(app, hub)
    app.on_shutdown.append(hub.close)
    return hub
