"""The ASGI application: a thin dispatcher from (method, path) to handlers.

Order of work for every request: route lookup -> body read (size-limited) -> authentication ->
per-UID (or per-IP) rate limit -> handler. Nothing is parsed beyond the headers and raw bytes before
authentication and the rate limit have passed. Every answer is a Bitget envelope; an unexpected
exception is logged and answered ``25000`` without internals.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from ..core import errors as X
from ..core.ledger import ApiKey
from ..wire.envelope import SUCCESS_CODE, SUCCESS_MSG, Envelope
from .auth import AuthThrottle, authenticate
from .errors import ApiError, not_found, rate_limited
from .faults import SETTINGS_KEY, Fault, Faults
from .ratelimit import RateLimiter
from .venue import Venue, VenueFailed

log = logging.getLogger("utaex.gateway")

MAX_BODY = 64 * 1024
JSON_HEADERS = [(b"content-type", b"application/json")]


HTTP_EFFECTS = ("429", "latency", "error", "lost_reply", "item_error")


async def _drop_connection(send: Any, receive: Any) -> bool:
    """Close the HTTP connection without an answer (a ``lost_reply`` fault); False where the server gives no
    way to reach its transport (then the reply is sent normally). uvicorn's ``send`` is a method of its
    request cycle, which holds the transport."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "close"):
        return False
    transport.close()
    while (await receive())["type"] != "http.disconnect":  # until the server has seen the connection go
        pass
    return True


class ClientGone(Exception):
    """The connection closed before the request body was complete."""


class Request:
    __slots__ = ("_query", "api", "body", "client", "headers", "method", "path", "raw_query")

    def __init__(self, method: str, path: str, raw_query: str, headers: dict[str, str], body: bytes,
                 client: str) -> None:
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.headers = headers
        self.body = body
        self.client = client
        self.api: ApiKey | None = None
        self._query: dict[str, str] | None = None

    @property
    def uid(self) -> int:
        assert self.api is not None
        return self.api.uid

    @property
    def query(self) -> dict[str, str]:
        if self._query is None:
            self._query = dict(parse_qsl(self.raw_query, keep_blank_values=True))
        return self._query


class Bare:
    """A handler result sent as is, without the Bitget envelope (``/openapi.json``, the console's files)."""

    __slots__ = ("headers", "payload")

    def __init__(self, payload: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.payload = payload
        self.headers = headers or JSON_HEADERS


Handler = Callable[[Request], Awaitable[Any]]


class Route:
    __slots__ = ("auth", "handler", "limit", "name")

    def __init__(self, handler: Handler, auth: str | None, limit: int, name: str) -> None:
        self.handler = handler
        self.auth = auth  # None (public), "read", "write" or "admin"
        self.limit = limit
        self.name = name


class App:
    def __init__(self, venue: Venue, *, admin_token: str, rate_limit: bool = True,
                 config: dict[str, Any] | None = None) -> None:
        self.venue = venue
        self.admin_token = admin_token
        self.limiter = RateLimiter(enabled=rate_limit)
        # failed authentications are throttled with the rate limits (off for load tests)
        self.auth_throttle = AuthThrottle.from_config(config or {}) if rate_limit else None
        self.routes: dict[tuple[str, str], Route] = {}
        self.on_ready: list[Callable[[], Awaitable[None]]] = []
        self.on_shutdown: list[Callable[[], Awaitable[None]]] = []
        self.after_close: list[Callable[[], Awaitable[None]]] = []  # once the venue is drained and stopped
        self.prefix_routes: list[tuple[str, str, str, Handler]] = []
        self.pages: dict[tuple[str, str], Route] = {}  # the web console's files: not Bitget's API, not in OpenAPI
        self.ws_handler: Callable[[dict[str, Any], Any, Any], Awaitable[None]] | None = None
        self.encode = msgspec.json.Encoder().encode
        self.replication: Any = None  # gateway/replication.py when --journal nats://… was given
        self.scenario: Any = None  # the scenario runner (gateway/scenario.py) when --scenario was given
        self.sim: Any = None  # the market simulator (sim/market.py), set by build_app
        self.faults = Faults(seed=venue.seed)  # injected faults (gateway/faults.py), journaled as venue settings
        from .routes import register_all

        register_all(self)

    def route(self, method: str, path: str, *, auth: str | None = None,
              limit: int = 20) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.routes[(method, path)] = Route(fn, auth, limit, path)
            return fn

        return deco

    # ---- ASGI -----------------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.http(scope, receive, send)
        elif kind == "websocket":
            if self.ws_handler is None:
                await send({"type": "websocket.close", "code": 1008})
            elif self.venue.failed is not None:  # fail-stop: nothing more is shown
                await send({"type": "websocket.close", "code": 1011})
            else:
                await self.ws_handler(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)

    async def lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if self.venue.committer is None:
                        self.venue.recover()
                    self.faults.load(self.venue.engine.settings.get(SETTINGS_KEY, ""))
                    self.venue.start()
                    for hook in self.on_ready:
                        await hook()
                except Exception as exc:
                    log.exception("start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    for hook in self.on_shutdown:
                        await hook()
                    await self.venue.close()
                    for hook in self.after_close:
                        await hook()
                finally:
                    await send({"type": "lifespan.shutdown.complete"})
                return

    async def http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        method = scope["method"]
        path = scope["path"]
        status = 200
        headers_out = JSON_HEADERS
        try:
            route = (self.routes.get((method, path)) or self._prefix_route(method, path)
                     or self.pages.get((method, path)))
            if route is None:
                raise not_found()
            body = await self._read_body(receive)
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            client = scope.get("client")
            req = Request(method, path, scope["query_string"].decode("latin-1"), headers, body,
                          client[0] if client else "")
            if route.auth == "admin":
                self._check_admin(headers)
            elif route.auth is not None:
                req.api = authenticate(self.venue.engine.keys, headers, method, path, req.raw_query, body,
                                       int(time.time() * 1000), route.auth == "write", req.client,
                                       self.auth_throttle)
            if self.limiter.enabled and route.auth != "admin":
                who = str(req.api.uid) if req.api is not None else req.client
                if not self.limiter.allow(f"{who}:{path}", route.limit, time.monotonic()):
                    raise rate_limited()
            venue = self.venue
            if venue.failed is not None:
                raise VenueFailed(str(venue.failed))
            if method == "GET" and venue.committer is not None and venue.committer.records < venue.committer.appended:
                await venue.settled()  # a read shows only what is durable
            fault: Fault | None = None
            if self.faults and route.auth != "admin":
                fault = self.faults.match(path, req.api.uid if req.api is not None else None, HTTP_EFFECTS)
                if fault is not None:
                    effect = fault.effect
                    if effect == "latency":
                        await asyncio.sleep(self.faults.delay_s(fault))
                    elif effect in ("429", "error"):
                        raise fault.error()  # nothing applied
            if fault is not None and fault.effect == "item_error":
                data = await self._with_item_errors(route, req, fault)
            else:
                data = await route.handler(req)
            if fault is not None and fault.effect == "lost_reply" and await _drop_connection(send, receive):
                return  # applied and durable, but the caller never hears of it
            if type(data) is Bare:
                payload = data.payload
                headers_out = data.headers
            else:
                payload = self.encode(Envelope(SUCCESS_CODE, SUCCESS_MSG, int(time.time() * 1000), data))
        except ClientGone:
            return  # nothing of a request that never arrived whole is executed, nobody to answer
        except ApiError as err:
            status = err.status
            payload = self.encode(Envelope(err.code, err.msg, int(time.time() * 1000), None))
        except VenueFailed:  # journal failure: not acknowledged, the venue is stopping (docs/decisions.md)
            status = 503
            payload = self.encode(Envelope(X.SYSTEM_ERROR, "System error, please try again later",
                                           int(time.time() * 1000), None))
        except Exception:
            log.exception("unexpected error on %s %s", method, path)
            status = 500
            payload = self.encode(Envelope(X.SYSTEM_ERROR, "System error, please try again later",
                                           int(time.time() * 1000), None))
        await send({"type": "http.response.start", "status": status, "headers": headers_out})
        await send({"type": "http.response.body", "body": payload})

    async def _with_item_errors(self, route: Route, req: Request, fault: Fault) -> Any:
        """A batch whose items at ``fault.items`` fail with the fault's code; the others run as a smaller batch,
        and the answers come back in request order, one per item."""
        try:
            items = msgspec.json.decode(req.body)
        except msgspec.DecodeError:
            items = None
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            return await route.handler(req)  # the handler answers the malformed body as usual
        kept = [item for i, item in enumerate(items) if i not in fault.items]
        results: list[Any] = []
        if kept:
            req.body = self.encode(kept)
            results = await route.handler(req)
        answers = iter(results)
        out = []
        for i, item in enumerate(items):
            if i in fault.items:
                out.append({"orderId": str(item.get("orderId") or ""), "clientOid": str(item.get("clientOid") or ""),
                            "code": fault.code, "msg": fault.msg})
            else:
                out.append(next(answers))
        return out

    def _prefix_route(self, method: str, path: str) -> Route | None:
        for m, prefix, suffix, handler in self.prefix_routes:
            if m == method and path.startswith(prefix) and path.endswith(suffix):
                return Route(handler, "admin", 0, prefix + "*" + suffix)
        return None

    async def _read_body(self, receive: Any) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":  # the client left (or was cut) before its body ended
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise ApiError(X.PARAM_ERROR, f"Parameter verification failed body larger than {MAX_BODY} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks) if len(chunks) != 1 else chunks[0]

    def _check_admin(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if not token or not hmac.compare_digest(token.encode(), self.admin_token.encode()):
            raise ApiError(X.NO_TRADE_PERMISSION, "Incorrect permissions, admin bearer token required", 401)
