"""Gateway errors: a Bitget code and message, and the HTTP status utaex answers with.

Bitget answers business and authentication errors with HTTP 400 and the code in the body (ccxt
decides by the body); rate limiting is 429; unknown paths 404. See docs/decisions.md.

An error is created fresh for each raise, never kept in a module constant: raising one instance again
appends the new frames to its ``__traceback__``, which then grows (and holds frames) without bound.
"""

from __future__ import annotations

from ..core import errors as X
from ..core.errors import MESSAGES


class ApiError(Exception):
    def __init__(self, code: str, msg: str | None = None, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.msg = msg if msg is not None else MESSAGES.get(code, "")
        self.status = status


def param_error(detail: str) -> ApiError:
    return ApiError(X.PARAM_ERROR, f"Parameter verification failed {detail}".strip())


def missing(name: str) -> ApiError:
    return ApiError(X.PARAM_MISSING, f"Parameter {name} does not exist")


def rate_limited() -> ApiError:
    return ApiError(X.RATE_LIMITED, "Too Many Requests", 429)


def not_found() -> ApiError:
    return ApiError(X.URL_NOT_FOUND, "Request URL NOT FOUND", 404)
