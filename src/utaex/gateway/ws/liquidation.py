"""The public ``liquidation`` channel: every liquidation of one futures category (no symbol in the arg).

Invariants: the hub key is ``("liquidation", CATEGORY)``; there is no snapshot on subscription (the
channel only reports what happens after it); each push is one ``update`` with one liquidation: ``side``
``buy`` for a long position liquidated, ``sell`` for a short one (as the page says), ``price`` the
average price of the liquidation order's fills, ``amount`` the quantity closed (base coin); the data
document is built by ``convert.liquidation_doc`` when the event is published (gateway/venue.py).
"""

from __future__ import annotations

from typing import Any

from ...core import enums as E
from .frames import push, push_prefix

TOPIC = "liquidation"
CATEGORIES = (E.USDT_FUTURES, E.COIN_FUTURES, E.USDC_FUTURES)
PREFIX = {cat: push_prefix({"instType": cat.lower(), "topic": TOPIC}, "update") for cat in CATEGORIES}


def key_of(inst_type: str) -> tuple[str, str] | None:
    """The hub key of a subscription arg's instType (lowercase futures categories only), else None."""
    cat = inst_type.upper()
    if inst_type != inst_type.lower() or cat not in CATEGORIES:
        return None
    return (TOPIC, cat)


def frame(category: str, data: dict[str, Any], ts: int) -> bytes:
    return push(PREFIX[category], [data], ts)
