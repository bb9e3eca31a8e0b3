"""HTTP connection guards below the ASGI app: a deadline to receive a request, a cap per client address.

uvicorn only closes a keep-alive connection that stays silent *after* a response; a socket that never
sends a request, or trickles its headers a byte at a time, is held open for ever (its keep-alive timer
is cancelled by every byte received, and ASGI middleware only runs once the headers are complete).
``guarded_http`` wraps uvicorn's httptools protocol with:

- a **request deadline**: from the moment the connection opens, or the first byte of the next request
  arrives, the whole request (headers and body) must be in within ``request_timeout_s``, otherwise the
  connection is closed. The deadline is disarmed once a request is complete (a slow handler or response
  is never cut) and when the connection upgrades to WebSocket (the WebSocket hub has its own idle timeout);
- a **cap per client address**: at most ``max_per_ip`` open HTTP connections from one address (0: no
  cap); one more is answered HTTP 429 with Bitget's rate-limit envelope and closed at once. A connection
  that upgrades to WebSocket leaves this count (the hub counts WebSocket connections itself).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["guarded_http"]

log = logging.getLogger("utaex.gateway.http")


def _refusal() -> bytes:
    body = json.dumps({"code": "429", "msg": "Too Many Requests: too many connections from this address",
                       "requestTime": int(time.time() * 1000), "data": None}, separators=(",", ":")).encode()
    head = (b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n")
    return head + body


def guarded_http(request_timeout_s: float, max_per_ip: int) -> type[HttpToolsProtocol]:
    """A uvicorn HTTP protocol class enforcing the request deadline and the per-address cap."""
    per_ip: dict[str, int] = {}

    class GuardedHttpProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None
        _counted: str | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            addr = self.client[0] if self.client else ""
            if max_per_ip > 0 and addr:
                if per_ip.get(addr, 0) >= max_per_ip:
                    log.warning("refused an HTTP connection from %s: %d already open", addr, max_per_ip)
                    transport.write(_refusal())
                    transport.close()
                    return
                per_ip[addr] = per_ip.get(addr, 0) + 1
                self._counted = addr
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            self._uncount()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            # bytes between requests (a new request's first bytes, or stray CRLFs) start the clock
            if self._deadline is None and (self.cycle is None or self.cycle.response_complete):
                self._arm()
            super().data_received(data)

        def on_message_begin(self) -> None:
            if self._deadline is None:
                self._arm()
            super().on_message_begin()

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        def handle_websocket_upgrade(self) -> None:
            self._disarm()
            self._uncount()
            super().handle_websocket_upgrade()

        def _arm(self) -> None:
            if request_timeout_s > 0 and not self.transport.is_closing():
                self._deadline = self.loop.call_later(request_timeout_s, self._expired)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _uncount(self) -> None:
            addr = self._counted
            if addr is not None:
                self._counted = None
                left = per_ip.get(addr, 1) - 1
                if left > 0:
                    per_ip[addr] = left
                else:
                    per_ip.pop(addr, None)

        def _expired(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                log.info("closed an HTTP connection from %s: no complete request within %g s",
                         self.client[0] if self.client else "?", request_timeout_s)
                self.transport.close()

    GuardedHttpProtocol.open_per_ip = per_ip  # type: ignore[attr-defined]
    return GuardedHttpProtocol


def settings(config: dict[str, Any], rate_limit: bool) -> tuple[float, int]:
    """(request timeout in s, connections per address) from the checked config (gateway/config.py); the
    cap applies with rate limits on, as the WebSocket caps do (0: no cap)."""
    timeout = float(config.get("httpRequestTimeout", 5))
    cap = int(config.get("httpMaxConnectionsPerIp", 100)) if rate_limit else 0
    return timeout, cap
