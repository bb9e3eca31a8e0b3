"""Request bodies (REST POST bodies and WebSocket trade args) read as the live Bitget venue reads them.

Live Bitget tolerates what popular clients send beyond its doc pages (reference/live-behaviour.md):
ccxt puts its own option names into bodies, other SDKs send JSON numbers for fields documented as
strings. So, for a Bitget body (a ``wire.requests`` struct whose ``lenient`` is true):

- an unknown field is dropped (logged at debug level on ``utaex.gateway.body``);
- a JSON number in a string field is read as its exact decimal text, never through a float:
  ``0.1`` -> ``"0.1"``, ``0.10`` -> ``"0.10"``, a 30-digit integer stays those 30 digits, an exponent is
  written out in plain digits (``1e-3`` -> ``"0.001"``, ``1.5E2`` -> ``"150"``); a number whose plain text
  would be longer than ``MAX_DIGITS`` (``1e-400``) is a parameter error naming the field;
- anything else keeps its Bitget error: a boolean, object, array or null where a string is expected
  (40017), a missing required field (40034), a body that is not an object (or, for batches, an array of
  objects), text that is not a number (the engine's own code, as before).

Invariants: the typed strict decode is the fast path, so a body that already fits its struct costs what
it did; the lenient path sees numbers only as ``int`` or ``Decimal`` (``float_hook=Decimal``), never as
``float``; utaex's own admin bodies (``lenient`` false) stay strict.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any, TypeVar, get_args, get_origin, overload

import msgspec

from .errors import ApiError, missing, param_error

T = TypeVar("T")
log = logging.getLogger("utaex.gateway.body")

MAX_DIGITS = 64  # the longest decimal text the engine reads (core/numbers.py)
_STRING_TYPES = (str, str | None)

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}
_exact = msgspec.json.Decoder(float_hook=Decimal)  # untyped: ints stay int, other numbers become Decimal
_fields: dict[type, dict[str, bool]] = {}  # struct -> {wire name: is a string field}


def _struct_fields(cls: type) -> dict[str, bool]:
    out = _fields.get(cls)
    if out is None:
        out = _fields[cls] = {f.encode_name: f.type in _STRING_TYPES for f in msgspec.structs.fields(cls)}
    return out


def _lenient_struct(typ: Any) -> type | None:
    """The struct read leniently for ``typ`` (a body struct or ``list`` of one), or None when strict."""
    item = get_args(typ)[0] if get_origin(typ) is list else typ
    if isinstance(item, type) and issubclass(item, msgspec.Struct) and getattr(item, "lenient", False):
        return item
    return None


def number_text(value: int | Decimal, name: str) -> str:
    """A JSON number as the exact decimal text of its value (plain digits, no exponent)."""
    if type(value) is int:
        text = str(value)
    else:
        assert isinstance(value, Decimal)
        if not value.is_finite():
            raise param_error(name)
        _sign, digits, exponent = value.as_tuple()
        if not -MAX_DIGITS <= int(exponent) <= MAX_DIGITS or len(digits) > MAX_DIGITS:
            raise param_error(name)
        text = format(value, "f")
    if len(text) > MAX_DIGITS + 2:
        raise param_error(name)
    return text


def _relax(doc: dict[str, Any], cls: type) -> dict[str, Any]:
    fields = _struct_fields(cls)
    out: dict[str, Any] = {}
    unknown: list[str] = []
    for key, value in doc.items():
        is_str = fields.get(key)
        if is_str is None:
            unknown.append(key)
            continue
        if is_str and (type(value) is int or type(value) is Decimal):
            value = number_text(value, key)
        out[key] = value
    if unknown and log.isEnabledFor(logging.DEBUG):
        log.debug("ignored unknown field(s) %s in a %s body", ", ".join(sorted(unknown)), cls.__name__)
    return out


def _validation_error(exc: msgspec.ValidationError) -> ApiError:
    text = str(exc)
    if text.startswith("Object missing required field"):
        return missing(text.split("`")[1] if "`" in text else "")
    return param_error(text)


@overload
def convert_body(doc: Any, typ: type[T]) -> T: ...
@overload
def convert_body(doc: Any, typ: Any) -> Any: ...
def convert_body(doc: Any, typ: Any) -> Any:
    """Already decoded JSON (numbers as ``int``/``Decimal``, e.g. a WebSocket trade arg) as ``typ``, leniently
    for a Bitget body; a Bitget parameter error (40017/40034) if it still does not fit."""
    try:
        return msgspec.convert(doc, typ)  # the fast path: it already fits
    except msgspec.ValidationError as exc:
        cls = _lenient_struct(typ)
        if cls is None:
            raise _validation_error(exc) from None
    return _convert_lenient(doc, typ, cls)


def _convert_lenient(doc: Any, typ: Any, cls: type) -> Any:
    if isinstance(doc, dict):
        doc = _relax(doc, cls)
    elif isinstance(doc, list) and cls is not typ:
        doc = [_relax(d, cls) if isinstance(d, dict) else d for d in doc]
    try:
        return msgspec.convert(doc, typ)
    except msgspec.ValidationError as exc:
        raise _validation_error(exc) from None


@overload
def decode_body(body: bytes, typ: type[T]) -> T: ...
@overload
def decode_body(body: bytes, typ: Any) -> Any: ...  # a generic alias such as ``list[PlaceOrderRequest]``
def decode_body(body: bytes, typ: Any) -> Any:
    """``body`` decoded as ``typ`` (leniently for a Bitget body); a Bitget parameter error (40017/40034)
    if it does not fit."""
    dec = _decoders.get(typ)
    if dec is None:
        dec = _decoders[typ] = msgspec.json.Decoder(typ)
    if not body:
        raise param_error("request body is empty")
    try:
        return dec.decode(body)
    except msgspec.ValidationError as exc:
        cls = _lenient_struct(typ)
        if cls is None:
            raise _validation_error(exc) from None
    except msgspec.DecodeError:
        raise param_error("request body is not valid JSON") from None
    try:
        doc = _exact.decode(body)
    except msgspec.ValidationError as exc:  # e.g. an integer too large to decode
        raise _validation_error(exc) from None
    except msgspec.DecodeError:
        raise param_error("request body is not valid JSON") from None
    return _convert_lenient(doc, typ, cls)


__all__ = ["MAX_DIGITS", "convert_body", "decode_body", "number_text"]
