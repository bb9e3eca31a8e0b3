"""Shared request building for the sync and async clients: signing, envelopes, errors.

Imports only ``utaex.wire`` (never server code), so it works against the real Bitget as well. A call is
described once as a :class:`Call` (see ``endpoints/``); the transports in ``sync.py`` and ``aio.py``
only move bytes: :func:`prepare` turns a call into method, URL, headers and body, and :func:`finish`
turns the HTTP answer into typed data or a :class:`BitgetError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

import msgspec

from ..wire.envelope import SUCCESS_CODE
from ..wire.signing import sign_headers

T = TypeVar("T")

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
BITGET_BASE_URL = "https://api.bitget.com"

Number = str | int | Decimal
"""An exact amount: a decimal string, an int or a ``Decimal`` (floats are refused: they are not exact)."""


class BitgetError(Exception):
    """A non-"00000" answer: Bitget ``code`` and ``msg`` plus the HTTP status (and ``data``, usually None)."""

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

    def __repr__(self) -> str:  # never print the secret or passphrase by accident
        return f"Credentials(api_key={self.api_key!r}, secret=..., passphrase=...)"


def credentials(api_key: str | None, secret: str | None, passphrase: str | None) -> Credentials | None:
    """All three (a signing client) or none (public endpoints only); anything in between is a mistake."""
    given = [v for v in (api_key, secret, passphrase) if v]
    if not given:
        return None
    if len(given) != 3:
        raise ValueError("api_key, secret and passphrase must be given together")
    return Credentials(api_key, secret, passphrase)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One REST call: what to send and what the ``data`` of a success decodes into."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    body: Any = None
    signed: bool = True
    type: Any = Any
    convert: Callable[[Any], T] | None = None  # applied after decoding, e.g. page.list -> list


def num(value: Number, name: str = "value") -> str:
    """An exact decimal string for the wire."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{name} must be a str, int or Decimal (got {type(value).__name__}): floats are not exact")
    return str(value) if isinstance(value, int) else format(value, "f")


def query_string(params: dict[str, Any] | None) -> str:
    """The query exactly as sent and signed: keys sorted, ``None`` values left out."""
    return urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v is not None))


def build_request(creds: Credentials | None, method: str, path: str, params: dict[str, Any] | None,
                  body: Any, extra_headers: dict[str, str] | None = None) -> tuple[str, dict[str, str], bytes]:
    """(path with query, headers, body bytes) for one call; signs when credentials are given."""
    query = query_string(params)
    raw = b"" if body is None else msgspec.json.encode(body)
    if creds is not None:
        headers = sign_headers(creds.api_key, creds.secret, creds.passphrase, method, path, query, raw,
                               int(time.time() * 1000))
    else:
        headers = {"Content-Type": "application/json", "locale": "en-US"}
    if extra_headers:
        headers.update(extra_headers)
    return (f"{path}?{query}" if query else path), headers, raw


class _Envelope(msgspec.Struct):
    code: str | int
    msg: str | None = ""
    data: msgspec.Raw = msgspec.Raw(b"null")


_envelope = msgspec.json.Decoder(_Envelope)
_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def _decoder(typ: Any) -> msgspec.json.Decoder[Any]:
    dec = _decoders.get(typ)
    if dec is None:
        dec = _decoders[typ] = msgspec.json.Decoder(typ)
    return dec


def unwrap_raw(status: int, content: bytes) -> msgspec.Raw:
    """The raw ``data`` of a success envelope; raises :class:`BitgetError` for anything else."""
    try:
        env = _envelope.decode(content)
    except (msgspec.DecodeError, msgspec.ValidationError):
        text = content[:200].decode(errors="replace").strip() or f"HTTP {status} without a Bitget envelope"
        raise BitgetError(str(status), text, status) from None
    code = str(env.code)
    if code != SUCCESS_CODE:
        data = msgspec.json.decode(env.data)
        raise BitgetError(code, env.msg or "", status, data)
    return env.data


def unwrap(status: int, content: bytes) -> Any:
    """The ``data`` of a success envelope as plain JSON values."""
    return msgspec.json.decode(unwrap_raw(status, content))


def finish(call: Call[T], status: int, content: bytes) -> T:
    """Decode the answer to ``call`` into its typed result."""
    data = _decoder(call.type).decode(unwrap_raw(status, content))
    return call.convert(data) if call.convert is not None else data


def not_primary(status: int, content: bytes) -> bool:
    """An answer of a utaex venue that is not the primary (docs/scale-out.md): nothing was applied there."""
    if status != 503:
        return False
    try:
        env = _envelope.decode(content)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return False
    return str(env.code) == "25000" and "primary" in (env.msg or "")


class BaseClient:
    """What the sync and async clients share: base URL(s), credentials and turning a call into a request.

    ``base_url`` may be a list of venues (a primary and its standbys, docs/scale-out.md): requests go to the
    current one, and move to the next when it cannot be connected to (nothing was sent) or answers that it
    is not the primary (nothing was applied). A request whose connection broke after it was sent is never
    resent elsewhere: it may have been applied."""

    def __init__(self, api_key: str | None = None, secret: str | None = None, passphrase: str | None = None, *,
                 base_url: str | Sequence[str] = DEFAULT_BASE_URL) -> None:
        self.creds = credentials(api_key, secret, passphrase)
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise ValueError("base_url: give at least one URL")
        self.base_urls = [u.rstrip("/") for u in urls]
        self.base_url = self.base_urls[0]

    def _next_base_url(self) -> str:
        """Move to the next venue of the list; returns its URL."""
        self.base_url = self.base_urls[(self.base_urls.index(self.base_url) + 1) % len(self.base_urls)]
        return self.base_url

    def _headers(self) -> dict[str, str] | None:
        return None

    def prepare(self, call: Call[Any]) -> tuple[str, str, dict[str, str], bytes | None]:
        """(method, path with query, headers, body or None) for ``call``."""
        creds = self.creds if call.signed else None
        url, headers, raw = build_request(creds, call.method, call.path, call.params, call.body, self._headers())
        return call.method, url, headers, (raw if call.body is not None else None)
