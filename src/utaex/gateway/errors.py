"""Gateway errors: a Bitget code and message, and the HTTP status utaex answers with.

Bitget answers business and authentication errors with HTTP 400 and the code in the body (ccxt
decides by the body); rate limiting is 429; unknown paths 404. See docs/decisions.md.
"""

from __future__ import annotations

from ..core.errors import MESSAGES


class ApiError(Exception):
    def __init__(self, code: str, msg: str | None = None, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.msg = msg if msg is not None else MESSAGES.get(code, "")
        self.status = status


def param_error(detail: str) -> ApiError:
    return ApiError("40017", f"Parameter verification failed {detail}".strip())


def missing(name: str) -> ApiError:
    return ApiError("40034", f"Parameter {name} does not exist")


RATE_LIMITED = ApiError("429", "Too Many Requests", 429)
NOT_FOUND = ApiError("40404", "Request URL NOT FOUND", 404)
