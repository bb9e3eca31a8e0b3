"""The access log: one line per HTTP request and per WebSocket connection, on the ``utaex.access``
logger at INFO (``utaex serve --log-level info``).

The server wraps the app in ``AccessLog`` only when that level is on, so with the default level a
request costs nothing for logging. A line reads::

    127.0.0.1:50412 "GET /api/v3/market/tickers?category=SPOT" 200 0.61 ms

(client address, method, path with the query string, status, time from the request's arrival to the
end of its answer). A WebSocket connection is logged when it ends, with method ``WS``, status 101 when
it was accepted (the close code otherwise) and the connection's lifetime.
"""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger("utaex.access")


class AccessLog:
    """ASGI middleware logging every HTTP request and WebSocket connection of ``app``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: int | None = None

        async def watched(message: dict[str, Any]) -> None:
            nonlocal status
            what = message["type"]
            if what == "http.response.start":
                status = message["status"]
            elif what == "websocket.accept":
                status = 101
            elif what == "websocket.close" and status is None:
                status = message.get("code", 1000)
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            elapsed = time.perf_counter() - start
            client = scope.get("client")
            who = f"{client[0]}:{client[1]}" if client else "-"
            query = scope.get("query_string", b"")
            target = scope["path"] + ("?" + query.decode("latin-1") if query else "")
            method = scope["method"] if kind == "http" else "WS"
            shown = "-" if status is None else str(status)
            took = f"{elapsed * 1000:.2f} ms" if kind == "http" else f"{elapsed:.1f} s"
            log.info('%s "%s %s" %s %s', who, method, target, shown, took)
