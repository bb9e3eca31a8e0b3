"""Exact numbers for the engine.

Invariants:
- Every coin amount inside the engine is an ``int`` of units of 10**-18 of that coin (``SCALE``).
- Prices are ``int`` ticks and quantities ``int`` lots of their instrument; a decimal string is turned
  into ticks/lots only if it is an exact multiple, never rounded.
- Nothing here uses ``float``.
"""

from __future__ import annotations

DP = 18
SCALE = 10**DP


class NumberError(ValueError):
    """A decimal string that is not a plain non-negative decimal number."""


_cache: dict[tuple[str, int], tuple[int, bool]] = {}
_CACHE_MAX = 1 << 16


def parse_fixed(text: str, places: int) -> tuple[int, bool]:
    """Cached ``_parse_fixed``: bots repeat the same prices and sizes (pure function, bounded cache)."""
    key = (text, places)
    hit = _cache.get(key)
    if hit is None:
        hit = _parse_fixed(text, places)
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[key] = hit
    return hit


def _parse_fixed(text: str, places: int) -> tuple[int, bool]:
    """Parse a non-negative decimal string to an integer count of 10**-places.

    Returns ``(value, exact)``; ``exact`` is False when the string has more significant decimals than
    ``places`` (the value is then truncated). Raises ``NumberError`` for anything that is not a plain
    decimal number (signs, exponents, blanks, NaN).
    """
    if not isinstance(text, str) or not text or len(text) > 64:
        raise NumberError(text)
    whole, dot, frac = text.partition(".")
    if not whole:
        whole = "0"
    if not whole.isdigit() or not whole.isascii() or (dot and frac and not (frac.isdigit() and frac.isascii())):
        raise NumberError(text)
    if dot and not frac and text == ".":
        raise NumberError(text)
    exact = True
    if len(frac) > places:
        extra = frac[places:]
        frac = frac[:places]
        if extra.strip("0"):
            exact = False
    frac = frac.ljust(places, "0")
    return int(whole + frac) if places else int(whole), exact


def format_fixed(value: int, places: int, min_places: int = 0) -> str:
    """Format an integer count of 10**-places as a decimal string without trailing zeros
    (but keeping at least ``min_places`` decimals)."""
    neg = value < 0
    if neg:
        value = -value
    if places == 0:
        s = str(value)
    else:
        digits = str(value).rjust(places + 1, "0")
        whole, frac = digits[:-places], digits[-places:].rstrip("0")
        if len(frac) < min_places:
            frac = frac.ljust(min_places, "0")
        s = f"{whole}.{frac}" if frac else whole
    return "-" + s if neg and value else s


def fmt_amount(units: int) -> str:
    """A coin amount (units of 10**-18) as a trimmed decimal string."""
    return format_fixed(units, DP)


def decimals_of(text: str) -> tuple[int, int]:
    """``"0.0005"`` -> ``(5, 4)``: the integer numerator and the number of decimal places."""
    value, _ = parse_fixed(text, len(text.partition(".")[2]))
    return value, len(text.partition(".")[2])


def ceil_div(a: int, b: int) -> int:
    return -((-a) // b)
