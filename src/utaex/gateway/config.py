"""The config file of ``utaex serve`` (docs/configuration.md): TOML or JSON, every key optional.

``Config`` lists every key the venue reads, with its type and default; a key it does not list, or a
value of the wrong type, is refused with a ``ConfigError`` naming the key, never ignored. The checked
file is handed on as a plain mapping of the keys it sets.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

import msgspec

from ..core.instruments import InstrumentSet, InstrumentSpec
from ..sim.config import MarketConfig

Positive = Annotated[int, msgspec.Meta(ge=1)]
Seconds = Annotated[float, msgspec.Meta(gt=0)]


class ConfigError(ValueError):
    """A config file that cannot be read or holds an unknown key or a bad value."""


class Config(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    seed: int = 0
    maxOpenOrders: Positive = 400
    snapshotEvery: Positive = 200_000
    keepJournal: bool = False
    instruments: list[InstrumentSpec] = []
    wsIdleTimeout: Seconds = 120.0
    wsMaxConnectionsPerIp: Positive = 100
    wsConnectsPerIpPer5Min: Positive = 300
    wsMessagesPerSecond: Positive = 10
    wsSubscribeRequestsPerHour: Positive = 240
    wsMaxChannels: Positive = 1000
    wsMaxQueuedFrames: Positive = 20_000
    wsCloseTimeout: Seconds = 5.0
    wsMarketInterval: Seconds = 0.05
    httpRequestTimeout: Seconds = 5.0
    httpMaxConnectionsPerIp: Positive = 100
    authFailuresPerKey: Positive = 5
    authFailuresPerIp: Positive = 20
    authFailureWindow: Seconds = 60.0
    market: MarketConfig = msgspec.field(default_factory=MarketConfig)  # the simulator (docs/market.md)


KEYS = tuple(Config.__struct_fields__)
_UNKNOWN = re.compile(r"Object contains unknown field `([^`]*)`(?: - at `\$\.?(.*)`)?$")
_AT = re.compile(r" - at `\$\.?(.*)`$")


def _message(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    unknown = _UNKNOWN.match(text)
    if unknown:
        key, where = unknown.groups()
        if where:
            fields = ", ".join(InstrumentSpec.__struct_fields__)
            return f"unknown key {key!r} in {where} (an instrument takes: {fields})"
        return f"unknown key {key!r} (known keys: {', '.join(KEYS)})"
    at = _AT.search(text)
    if at:
        return f"bad value for {at.group(1)!r}: {text[:at.start()]}"
    return text


def check(data: Any, source: str = "config") -> dict[str, Any]:
    """``data`` (a parsed config file) checked against ``Config``; raises ``ConfigError``."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must hold a table (TOML) or an object (JSON) of settings")
    try:
        checked = msgspec.convert(data, Config)
        check_market(checked.market)
        if data.get("instruments"):
            InstrumentSet(data["instruments"])  # the rules each instrument must satisfy (tick, lot, ...)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{source}: {_message(exc)}") from None
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    return data


def check_market(market: MarketConfig) -> None:
    """The rules a market table must satisfy beyond its types; raises ValueError."""
    from decimal import Decimal, InvalidOperation

    for o in market.oracle_specs():
        try:
            ok = Decimal(o.price) > 0
        except InvalidOperation:
            ok = False
        if not ok and not o.file:
            raise ValueError(f"market.oracles {o.name}: price must be a positive decimal")
        if o.garchAlpha + o.garchBeta >= 1:
            raise ValueError(f"market.oracles {o.name}: garchAlpha + garchBeta must be below 1")


def load(path: Path | None) -> dict[str, Any]:
    """The checked settings of a TOML file (or JSON, by its ``.json`` suffix); ``{}`` without a file."""
    if path is None:
        return {}
    try:
        text = path.read_bytes()
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text.decode())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    return check(data, f"config file {path}")
