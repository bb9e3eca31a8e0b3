"""WebSocket error codes and the error event.

The connection-level codes (300xx) are Bitget's WebSocket codes as ccxt.pro maps them (30001/30003/
30014/30016 BadRequest, 30002/30004/30005/30011/30012/30013/30015 AuthenticationError, 30006/30007
RateLimitExceeded); business failures of trade ops reuse the REST/engine codes (25xxx, 40017 ...),
which error-code/websocket.md lists too.

Invariants:
- Every event the server sends carries ``code`` as a JSON number, as the live venue does
  (reference/live-behaviour.md): ``{"event":"error","code":30004,"msg":"..."}``, with the request's
  ``arg`` (subscribe/unsubscribe) echoed when known; codes are kept as strings inside (``WsError``).
- The one exception is the WS trading API (``op: "trade"``): its answers, which echo the request's
  ``id``, keep string codes (``"0"`` on success), because that is what clients written against the live
  venue compare with (tiagosiebler's ``bitget-api`` 3.2.x resolves a trade answer only on
  ``code === "0"``); see ``trade_error_event``.
"""

from __future__ import annotations

CHANNEL_NOT_FOUND = "30001"
ILLEGAL_REQUEST = "30002"
INVALID_OP = "30003"
LOGIN_REQUIRED = "30004"
LOGIN_FAILED = "30005"
TOO_MANY_REQUESTS = "30006"
OVER_LIMIT = "30007"
INVALID_KEY = "30011"
INVALID_PASSPHRASE = "30012"
INVALID_TIMESTAMP = "30013"
TIMESTAMP_EXPIRED = "30014"
INVALID_SIGN = "30015"
PARAM_ERROR = "30016"
AT_MOST = "12001"
RATE_LIMITED = "429"
UNSUPPORTED = "25002"
SYSTEM_ERROR = "40015"

MESSAGES = {
    CHANNEL_NOT_FOUND: "Channel does not exist",
    ILLEGAL_REQUEST: "Illegal request",
    INVALID_OP: "Invalid op",
    LOGIN_REQUIRED: "User not logged in/User must be logged in",
    LOGIN_FAILED: "Login failed",
    TOO_MANY_REQUESTS: "Request too many",
    OVER_LIMIT: "Request over limit, connection close",
    INVALID_KEY: "Invalid ACCESS_KEY",
    INVALID_PASSPHRASE: "Invalid ACCESS_PASSPHRASE",
    INVALID_TIMESTAMP: "Invalid ACCESS_TIMESTAMP",
    TIMESTAMP_EXPIRED: "Request timestamp expired",
    INVALID_SIGN: "Invalid sign",
    PARAM_ERROR: "Param error",
    AT_MOST: "{0} can be used at most",
    RATE_LIMITED: "Too Many Requests",
    UNSUPPORTED: "Unsupported operation",
    SYSTEM_ERROR: "System is abnormal, please try again later",
}


class WsError(Exception):
    """A refused WebSocket request: Bitget code and message."""

    def __init__(self, code: str, msg: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.msg = msg if msg is not None else MESSAGES.get(code, "")


def wire_code(code: str) -> int | str:
    """``code`` as an event carries it: a JSON number (a non-numeric code stays text)."""
    return int(code) if code.isascii() and code.isdigit() else code


def error_event(code: str, msg: str, **extra: object) -> dict[str, object]:
    """A connection-level error event (numeric ``code``)."""
    return {"event": "error", **extra, "code": wire_code(code), "msg": msg}


def trade_error_event(code: str, msg: str, **extra: object) -> dict[str, object]:
    """An error answer of the WS trading API (string ``code``, as on the live venue)."""
    return {"event": "error", **extra, "code": code, "msg": msg}
