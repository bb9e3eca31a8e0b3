"""The exchange core: pure, deterministic, single-threaded; ``Engine.apply`` is the only door.

``COMPILED`` names the modules this process runs from their Cython build (see ``_native``); empty when
everything runs as pure Python (no compiler at install, or ``UTAEX_PURE=1``).
"""

from . import _native  # first: it decides where book, engine, ledger, settle and trading are loaded from
from .commands import (
    CancelAll,
    CancelBatch,
    CancelItem,
    CancelOrder,
    Command,
    CreateApiKey,
    CreateUser,
    Deposit,
    IndexQuote,
    MarketTick,
    ModifyBatch,
    ModifyItem,
    ModifyOrder,
    PlaceBatch,
    PlaceOrder,
    SetHoldMode,
    SetLeverage,
)
from .engine import Engine
from .errors import Reject
from .instruments import Instrument, InstrumentSet
from .order import Order

COMPILED: tuple[str, ...] = _native.compiled()

__all__ = [
    "COMPILED",
    "CancelAll",
    "CancelBatch",
    "CancelItem",
    "CancelOrder",
    "Command",
    "CreateApiKey",
    "CreateUser",
    "Deposit",
    "Engine",
    "IndexQuote",
    "Instrument",
    "InstrumentSet",
    "MarketTick",
    "ModifyBatch",
    "ModifyItem",
    "ModifyOrder",
    "Order",
    "PlaceBatch",
    "PlaceOrder",
    "Reject",
    "SetHoldMode",
    "SetLeverage",
]
