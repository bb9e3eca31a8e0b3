"""Request authentication: Bitget ACCESS-* headers, HMAC-SHA256 or RSA signatures, 30 s window.

Checks, in order (first failure answers): key present (40001), signature present (40003), timestamp
present (40004), passphrase present (40011), the client address not throttled (429), key known (40006),
the key not throttled (429), timestamp a number (40005) within 30 s (40008), signature verifies over the
raw or percent-decoded query and the raw body bytes (40009), passphrase matches, compared in constant
time (40012), and write permission for writes (40014).

The signature is checked before the passphrase, so only a holder of the secret learns whether a
passphrase is right. Failed authentications (unknown key, wrong signature, wrong passphrase) are
counted per client address and per API key (``AuthThrottle``); past the limit, requests from that
address or with that key are answered Bitget's 429 before anything is checked (docs/decisions.md).
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from ..core import errors as X
from ..core.ledger import ApiKey
from ..wire.signing import prehash, query_variants, verify_hmac, verify_rsa
from .errors import ApiError, rate_limited
from .ratelimit import FailureThrottle

WINDOW_MS = 30_000

FAILURES_PER_KEY = 5
FAILURES_PER_IP = 20
FAILURE_WINDOW_S = 60.0


class AuthThrottle:
    """Failed authentications per client address and per API key, in one sliding window."""

    __slots__ = ("per_ip", "per_key")

    def __init__(self, per_key: int = FAILURES_PER_KEY, per_ip: int = FAILURES_PER_IP,
                 window_s: float = FAILURE_WINDOW_S) -> None:
        self.per_key = FailureThrottle(per_key, window_s)
        self.per_ip = FailureThrottle(per_ip, window_s)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> AuthThrottle:
        return cls(int(config.get("authFailuresPerKey", FAILURES_PER_KEY)),
                   int(config.get("authFailuresPerIp", FAILURES_PER_IP)),
                   float(config.get("authFailureWindow", FAILURE_WINDOW_S)))

    def record(self, client: str, api_key: str | None) -> None:
        now = time.monotonic()
        self.per_ip.record(client, now)
        if api_key is not None:
            self.per_key.record(api_key, now)

    def fail(self, client: str, api_key: str | None, err: ApiError) -> ApiError:
        self.record(client, api_key)
        return err


def passphrase_matches(given: str, expected: str) -> bool:
    """Constant-time comparison (the UTF-8 bytes, so any text compares)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def authenticate(keys: dict[str, ApiKey], headers: dict[str, str], method: str, path: str, raw_query: str,
                 body: bytes, now_ms: int, write: bool, client: str = "",
                 throttle: AuthThrottle | None = None) -> ApiKey:
    key = headers.get("access-key")
    if not key:
        raise ApiError(X.KEY_EMPTY)
    sign = headers.get("access-sign")
    if not sign:
        raise ApiError(X.SIGN_EMPTY)
    ts = headers.get("access-timestamp")
    if not ts:
        raise ApiError(X.TIMESTAMP_EMPTY)
    passphrase = headers.get("access-passphrase")
    if not passphrase:
        raise ApiError(X.PASSPHRASE_EMPTY)
    if throttle is not None and throttle.per_ip.blocked(client, time.monotonic()):
        raise rate_limited()
    api = keys.get(key)
    if api is None:
        err = ApiError(X.KEY_INVALID)
        raise throttle.fail(client, None, err) if throttle is not None else err
    if throttle is not None and throttle.per_key.blocked(key, time.monotonic()):
        raise rate_limited()
    if not (ts.isascii() and ts.isdigit()) or len(ts) > 16:
        raise ApiError(X.TIMESTAMP_INVALID)
    if abs(now_ms - int(ts)) > WINDOW_MS:
        raise ApiError(X.TIMESTAMP_EXPIRED)
    ok = False
    for query in query_variants(raw_query) if raw_query else ("",):
        message = prehash(ts, method, path, query, body)
        if api.rsa_public_key:
            ok = verify_rsa(api.rsa_public_key, message, sign)
        else:
            ok = verify_hmac(api.secret, message, sign)
        if ok:
            break
    if not ok:
        err = ApiError(X.SIGN_INVALID)
        raise throttle.fail(client, key, err) if throttle is not None else err
    if not passphrase_matches(passphrase, api.passphrase):
        err = ApiError(X.PASSPHRASE_INVALID)
        raise throttle.fail(client, key, err) if throttle is not None else err
    if write and api.read_only:
        raise ApiError(X.NO_TRADE_PERMISSION)
    return api
