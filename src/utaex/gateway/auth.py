"""Request authentication: Bitget ACCESS-* headers, HMAC-SHA256 or RSA signatures, 30 s window.

Checks, in order (first failure answers): key present (40001), signature present (40003), timestamp
present (40004), passphrase present (40011), key known (40006), timestamp a number (40005) within 30 s
(40008), passphrase matches (40012), signature verifies over the raw or percent-decoded query and the
raw body bytes (40009), and write permission for writes (40014).
"""

from __future__ import annotations

from ..core.ledger import ApiKey
from ..wire.signing import prehash, query_variants, verify_hmac, verify_rsa
from .errors import ApiError

WINDOW_MS = 30_000


def authenticate(keys: dict[str, ApiKey], headers: dict[str, str], method: str, path: str, raw_query: str,
                 body: bytes, now_ms: int, write: bool) -> ApiKey:
    key = headers.get("access-key")
    if not key:
        raise ApiError("40001", "ACCESS_KEY cannot be empty")
    sign = headers.get("access-sign")
    if not sign:
        raise ApiError("40003", "Signature cannot be empty")
    ts = headers.get("access-timestamp")
    if not ts:
        raise ApiError("40004", "ACCESS_TIMESTAMP cannot be empty")
    passphrase = headers.get("access-passphrase")
    if not passphrase:
        raise ApiError("40011", "ACCESS_PASSPHRASE cannot be empty")
    api = keys.get(key)
    if api is None:
        raise ApiError("40006", "Invalid ACCESS_KEY")
    if not (ts.isascii() and ts.isdigit()) or len(ts) > 16:
        raise ApiError("40005", "Invalid ACCESS_TIMESTAMP")
    if abs(now_ms - int(ts)) > WINDOW_MS:
        raise ApiError("40008", "Request timestamp expired")
    if passphrase != api.passphrase:
        raise ApiError("40012", "apikey/password is incorrect")
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
        raise ApiError("40009", "sign signature error")
    if write and api.read_only:
        raise ApiError("40014", "Incorrect permissions, need trade (read & write) permission")
    return api
