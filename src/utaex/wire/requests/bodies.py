"""Request bodies (POST): Bitget's, read leniently by the gateway, and the admin API's, read strictly."""

from __future__ import annotations

from typing import ClassVar

import msgspec


class _Body(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    # read leniently by the gateway (gateway/bodies.py); the strict decode is only its fast path
    lenient: ClassVar[bool] = True


class _AdminBody(_Body):
    """A body of utaex's own admin API: decoded strictly (unknown fields and wrong types refused)."""

    lenient: ClassVar[bool] = False


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


class PlaceStrategyRequest(_Body):
    """``place-strategy-order``: a TP/SL on a futures position (``tpslMode`` full or partial)."""

    category: str
    symbol: str
    posSide: str | None = None  # required by the page; derived from ``side`` when only that is sent (ccxt)
    qty: str | None = None  # required for tpslMode=partial
    clientOid: str | None = None
    type: str | None = None
    tpslMode: str | None = None
    tpTriggerBy: str | None = None
    slTriggerBy: str | None = None
    takeProfit: str | None = None
    stopLoss: str | None = None
    tpOrderType: str | None = None
    slOrderType: str | None = None
    tpLimitPrice: str | None = None
    slLimitPrice: str | None = None
    side: str | None = None  # sent by ccxt (the closing side): not a documented field, checked against posSide


class ModifyStrategyRequest(_Body):
    orderId: str | None = None
    clientOid: str | None = None
    qty: str | None = None
    tpTriggerBy: str | None = None
    slTriggerBy: str | None = None
    takeProfit: str | None = None
    stopLoss: str | None = None
    tpOrderType: str | None = None
    slOrderType: str | None = None
    tpLimitPrice: str | None = None
    slLimitPrice: str | None = None


class CancelStrategyRequest(_Body):
    orderId: str | None = None
    clientOid: str | None = None
    category: str | None = None  # not documented, sent by ccxt: tolerated and used as a filter
    symbol: str | None = None  # idem


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


class ModifyOrderRequest(_Body):
    """``modify-order`` body and one ``batch-modify-order`` item: orderId (wins) or clientOid; qty (the new
    total) and/or price; autoCancel ``yes``/``no``; newClientOid is Bitget's v2 field, accepted as well."""

    orderId: str | None = None
    clientOid: str | None = None
    qty: str | None = None
    price: str | None = None
    autoCancel: str | None = None
    newClientOid: str | None = None
    category: str | None = None
    symbol: str | None = None


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


class CreateUserRequest(_AdminBody):
    balances: dict[str, str] = {}
    readOnly: bool = False


class ClosePositionsRequest(_Body):
    category: str
    symbol: str | None = None
    posSide: str | None = None


class FaultRequest(_AdminBody):
    """Admin API: an injected fault (docs/testing.md, Faults); the fields that do not apply stay unset."""

    path: str
    effect: str
    uid: str | None = None
    count: int | None = None
    probability: float | None = None
    ms: int | None = None
    jitterMs: int | None = None
    status: int | None = None
    code: str | None = None
    msg: str | None = None
    items: list[int] | None = None
    afterFrames: int | None = None


class MaxOpenRequest(_Body):
    category: str
    symbol: str
    orderType: str
    side: str
    price: str | None = None
    size: str | None = None


class ResetRequest(_AdminBody):
    users: bool = True  # False: drop users and keys too
    name: str | None = None  # restore the state saved under this name instead


class SaveStateRequest(_AdminBody):
    name: str


class ClockRequest(_AdminBody):
    """Admin API: the virtual clock's mode (``step`` or ``realtime``) and, in real time, its speed."""

    mode: str
    speed: float | None = None


class AdvanceRequest(_AdminBody):
    """Admin API: step the virtual clock forward by ``ms`` milliseconds."""

    ms: int


class PriceRequest(_AdminBody):
    """Admin API: move an instrument's reference (index) price."""

    category: str
    symbol: str
    price: str


class IndexQuoteBody(_AdminBody):
    """Admin API: one instrument's index price in a market tick (a decimal on the instrument's tick grid)."""

    category: str
    symbol: str
    price: str


class MarketTickRequest(_AdminBody):
    """Admin API: a market tick at the venue's (virtual) time, with the index prices it sets."""

    index: list[IndexQuoteBody] = []


class CreateKeyRequest(_AdminBody):
    readOnly: bool = False
    rsaPublicKey: str | None = None


class DepositRequest(_AdminBody):
    coin: str
    amount: str


PlaceBatchRequest = list[PlaceOrderRequest]
CancelBatchRequest = list[CancelBatchItem]
ModifyBatchRequest = list[ModifyOrderRequest]
