"""Decoding of request parameters into checked values; every failure is a Bitget ``ApiError``."""

from __future__ import annotations

from ..core import enums as E
from ..core import errors as X
from ..core.instruments import Instrument, InstrumentSet
from .bodies import convert_body as convert_body  # re-exported: routes read bodies as ``P.decode_body``
from .bodies import decode_body as decode_body
from .errors import ApiError, missing, param_error


def category(value: str | None, *, required: bool = True, name: str = "category") -> str:
    if not value:
        if required:
            raise missing(name)
        return ""
    cat = value.upper()
    if cat not in E.CATEGORIES:
        raise param_error(name)
    return cat


def instrument(venue_instruments: InstrumentSet, cat: str, symbol: str | None) -> Instrument:
    if not symbol:
        raise missing("symbol")
    inst = venue_instruments.get(cat, symbol)
    if inst is None:
        raise ApiError(X.SYMBOL_NOT_FOUND, X.reject(X.SYMBOL_NOT_FOUND, symbol).msg)
    return inst


def is_uint(text: str) -> bool:
    """ASCII decimal digits only (``str.isdigit`` also accepts e.g. ``"²"``, which ``int()`` refuses)."""
    return text.isascii() and text.isdigit()


def is_id(text: str) -> bool:
    """An order/exec id or cursor: ASCII digits that fit a signed 64-bit integer (SQLite's INTEGER)."""
    return is_uint(text) and len(text) <= 19 and int(text) < 2**63


def int_param(q: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = q.get(name)
    if raw is None or raw == "":
        return default
    if not is_uint(raw) or len(raw) > 18:
        raise param_error(name)
    value = int(raw)
    if value < lo or value > hi:
        raise param_error(name)
    return value


def opt_int(q: dict[str, str], name: str) -> int | None:
    raw = q.get(name)
    if raw is None or raw == "":
        return None
    if not is_uint(raw) or len(raw) > 18:
        raise param_error(name)
    return int(raw)


def opt_id(q: dict[str, str], name: str) -> int | None:
    """An optional order id / cursor (19-digit snowflakes do not fit ``opt_int``'s 18 digits)."""
    raw = q.get(name)
    if raw is None or raw == "":
        return None
    if not is_id(raw):
        raise param_error(name)
    return int(raw)


def lower(value: str | None, default: str = "") -> str:
    return value.lower() if value else default


def yes_no(value: str | None, name: str) -> bool:
    if value is None or value == "":
        return False
    v = value.lower()
    if v not in ("yes", "no"):
        raise param_error(name)
    return v == "yes"
