"""The exchange core: pure, deterministic, single-threaded; ``Engine.apply`` is the only door."""

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

__all__ = [
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
