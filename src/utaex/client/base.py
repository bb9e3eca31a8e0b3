"""Shared request building for the sync and async clients: signing, envelopes, errors.

Imports only ``utaex.wire`` (never server code), so it works against the real Bitget as well.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import msgspec

from ..wire.signing import sign_headers

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


class BitgetError(Exception):
    """A non-"00000" answer: Bitget ``code`` and ``msg`` plus the HTTP status."""

    def __init__(self, code: str, msg: str, status: int, data: Any = None) -> None:
        super().__init__(f"{code} {msg} (HTTP {status})")
        self.code = code
        self.msg = msg
        self.status = status
        self.data = data


class Credentials(msgspec.Struct, frozen=True):
    api_key: str
    secret: str
    passphrase: str


def build_request(creds: Credentials | None, method: str, path: str, params: dict[str, Any] | None,
                  body: Any) -> tuple[str, dict[str, str], bytes]:
    """(path with query, headers, body bytes) for one call; signs when credentials are given."""
    query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v is not None))
    raw = b"" if body is None else msgspec.json.encode(body)
    headers = {"Content-Type": "application/json", "locale": "en-US"}
    if creds is not None:
        headers = sign_headers(creds.api_key, creds.secret, creds.passphrase, method, path, query, raw,
                               int(time.time() * 1000))
    return (f"{path}?{query}" if query else path), headers, raw


def unwrap(status: int, content: bytes) -> Any:
    try:
        env = msgspec.json.decode(content)
    except msgspec.DecodeError:
        raise BitgetError(str(status), content[:200].decode(errors="replace"), status) from None
    if not isinstance(env, dict) or env.get("code") != "00000":
        code = str(env.get("code", status)) if isinstance(env, dict) else str(status)
        msg = str(env.get("msg", "")) if isinstance(env, dict) else ""
        raise BitgetError(code, msg, status, env.get("data") if isinstance(env, dict) else None)
    return env.get("data")
