"""Typed request bodies of the Bitget UTA v3 endpoints utaex serves.

These structs are what the gateway decodes POST bodies with (unknown fields are refused) and what
``/openapi.json`` is generated from; our client builds the same structs. Every field is a string, as
Bitget documents; numbers or booleans where a string is expected are a parameter error.
"""

from __future__ import annotations

import msgspec


class _Body(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class PlaceOrderRequest(_Body):
    category: str
    symbol: str
    qty: str
    side: str
    orderType: str
    price: str | None = None
    timeInForce: str | None = None
    posSide: str | None = None
    clientOid: str | None = None
    reduceOnly: str | None = None
    stpMode: str | None = None
    tpTriggerBy: str | None = None
    slTriggerBy: str | None = None
    takeProfit: str | None = None
    stopLoss: str | None = None
    tpOrderType: str | None = None
    slOrderType: str | None = None
    tpLimitPrice: str | None = None
    slLimitPrice: str | None = None
    marginMode: str | None = None  # sent by ccxt on swaps; not a documented field, ignored


class CancelOrderRequest(_Body):
    orderId: str | None = None
    clientOid: str | None = None
    category: str | None = None
    symbol: str | None = None  # not documented for UTA, sent by ccxt: tolerated and used as a filter


class CancelBatchItem(_Body):
    category: str | None = None
    symbol: str | None = None
    orderId: str | None = None
    clientOid: str | None = None


class CancelSymbolRequest(_Body):
    category: str
    symbol: str | None = None


class CountdownRequest(_Body):
    countdown: str


class SetLeverageRequest(_Body):
    category: str
    leverage: str
    symbol: str | None = None
    coin: str | None = None
    posSide: str | None = None


class SetHoldModeRequest(_Body):
    holdMode: str


class CreateUserRequest(_Body):
    balances: dict[str, str] = {}
    readOnly: bool = False


class CreateKeyRequest(_Body):
    readOnly: bool = False
    rsaPublicKey: str | None = None


class DepositRequest(_Body):
    coin: str
    amount: str


PlaceBatchRequest = list[PlaceOrderRequest]
CancelBatchRequest = list[CancelBatchItem]

__all__ = [
    "CancelBatchItem",
    "CancelBatchRequest",
    "CancelOrderRequest",
    "CancelSymbolRequest",
    "CountdownRequest",
    "CreateKeyRequest",
    "CreateUserRequest",
    "DepositRequest",
    "PlaceBatchRequest",
    "PlaceOrderRequest",
    "SetHoldModeRequest",
    "SetLeverageRequest",
]
