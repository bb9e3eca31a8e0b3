"""ccxt clients pointed at a utaex venue: shared by the compat conftest and tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ccxt

CATEGORIES = ("SPOT", "MARGIN", "USDT-FUTURES", "USDC-FUTURES", "COIN-FUTURES")


def point_at(ex: Any, base_url: str) -> Any:
    """Send every REST section of a ccxt bitget instance to ``base_url`` (origin only, notes §1)."""
    for key, value in list(ex.urls["api"].items()):
        if isinstance(value, str):
            ex.urls["api"][key] = base_url
    return ex


def ccxt_config(creds: dict[str, str]) -> dict[str, Any]:
    return {"apiKey": creds["apiKey"], "secret": creds["secretKey"], "password": creds["passphrase"],
            "options": {"uta": True}}


@dataclass
class Trader:
    """One venue user and the ccxt (sync) client trading for it."""

    creds: dict[str, str]
    ex: ccxt.bitget

    @property
    def uid(self) -> str:
        return self.creds["uid"]
