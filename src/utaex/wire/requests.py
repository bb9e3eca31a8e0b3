"""Typed request bodies of the Bitget UTA v3 endpoints utaex serves.

These structs are what the gateway decodes POST bodies with and what ``/openapi.json`` is generated
from; our client builds the same structs. Every field of a Bitget body is a string, as Bitget documents.
The gateway reads Bitget bodies as the live venue does (gateway/bodies.py): unknown fields are ignored
and a JSON number where a string is expected is read as its exact decimal text; booleans, objects and
arrays there stay a parameter error. The admin API's bodies (``_AdminBody``) are strict: an unknown field
or a wrong type is refused.

The ``*Query`` structs describe the query parameters of the GET endpoints (``/openapi.json`` lists
them); the gateway reads those parameters one by one and checks each as the field's description says.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

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


# ---- query parameters of the GET endpoints ----------------------------------------------------------------
Category = Annotated[str, msgspec.Meta(
    description="SPOT, MARGIN, USDT-FUTURES, COIN-FUTURES or USDC-FUTURES (any case)")]
Symbol = Annotated[str, msgspec.Meta(description="Symbol, e.g. BTCUSDT")]
StartTime = Annotated[str, msgspec.Meta(description="Earliest creation time, Unix milliseconds")]
EndTime = Annotated[str, msgspec.Meta(description="Latest creation time, Unix milliseconds")]
Cursor = Annotated[str, msgspec.Meta(
    description="The cursor of the previous page (the last id it held); omit for the first page")]
PageLimit = Annotated[str, msgspec.Meta(description="Items per page, 1-100 (default 100)")]


class _Query(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class CoinsQuery(_Query):
    coin: Annotated[str, msgspec.Meta(description="Only this coin, e.g. BTC")] | None = None


class FundingAssetsQuery(_Query):
    coin: Annotated[str, msgspec.Meta(description="Only this coin, e.g. USDT")] | None = None


class InstrumentsQuery(_Query):
    """``instruments`` and ``tickers``: every symbol of the category, or only ``symbol``."""

    category: Category
    symbol: Symbol | None = None


class OrderBookQuery(_Query):
    category: Category
    symbol: Symbol
    limit: Annotated[str, msgspec.Meta(description="Levels per side, 1-200 (default 5)")] | None = None


class PublicFillsQuery(_Query):
    category: Category
    symbol: Symbol
    limit: Annotated[str, msgspec.Meta(description="Most recent trades, 1-100 (default 100)")] | None = None


class CandlesQuery(_Query):
    """``candles`` (startTime exclusive, endTime inclusive, limit 1-1000, default 100) and ``history-candles``
    (closed bars, startTime inclusive, endTime exclusive, at most 90 days, limit 1-100)."""

    category: Annotated[str, msgspec.Meta(description="SPOT, USDT-FUTURES, COIN-FUTURES or USDC-FUTURES")]
    symbol: Symbol
    interval: Annotated[str, msgspec.Meta(
        description="1m 3m 5m 15m 30m 1H 2H 4H 6H 12H 1D 3D 1W 1M, and 6Hutc 12Hutc 1Dutc 3Dutc 1Wutc 1Mutc "
                    "(6H and longer open on the UTC+8 grid, the utc variants on the UTC grid)")]
    startTime: Annotated[str, msgspec.Meta(description="Bars opening after (candles) / from (history) this ms")
                         ] | None = None
    endTime: Annotated[str, msgspec.Meta(description="Bars opening up to (candles) / before (history) this ms")
                       ] | None = None
    type: Annotated[str, msgspec.Meta(description="market (default), mark, index or premium")] | None = None
    limit: Annotated[str, msgspec.Meta(description="Bars, newest kept: 1-1000 (candles), 1-100 (history)")
                     ] | None = None


FuturesCategory = Annotated[str, msgspec.Meta(description="USDT-FUTURES, COIN-FUTURES or USDC-FUTURES")]


class CurrentFundRateQuery(_Query):
    """The futures instruments of that symbol (the page takes no category)."""

    symbol: Symbol


class HistoryFundRateQuery(_Query):
    category: FuturesCategory
    symbol: Symbol
    cursor: Annotated[str, msgspec.Meta(description="Page number, 1-100 (default 1)")] | None = None
    limit: Annotated[str, msgspec.Meta(description="Records per page, 1-200 (default 200)")] | None = None


class FuturesQuery(_Query):
    """``open-interest`` and ``oi-limit``: every symbol of the category, or only ``symbol``."""

    category: FuturesCategory
    symbol: Symbol | None = None


class PositionTierQuery(_Query):
    """Futures: ``symbol`` (required); MARGIN: ``coin`` (required)."""

    category: Annotated[str, msgspec.Meta(description="MARGIN, USDT-FUTURES, COIN-FUTURES or USDC-FUTURES")]
    symbol: Symbol | None = None
    coin: Annotated[str, msgspec.Meta(description="MARGIN: a coin of a margin pair, e.g. BTC")] | None = None


class MarginLoansQuery(_Query):
    coin: Annotated[str, msgspec.Meta(description="A coin of a margin pair, e.g. BTC")]


class RiskReserveQuery(_Query):
    category: FuturesCategory
    symbol: Symbol


class FeeRateQuery(_Query):
    category: Category
    symbol: Symbol


class OrderInfoQuery(_Query):
    """Either id; ``orderId`` wins when both are given."""

    orderId: Annotated[str, msgspec.Meta(description="Order id (either this or clientOid)")] | None = None
    clientOid: Annotated[str, msgspec.Meta(description="Client order id (either this or orderId)")] | None = None


class UnfilledOrdersQuery(_Query):
    category: Category | None = None
    symbol: Symbol | None = None
    startTime: StartTime | None = None
    endTime: EndTime | None = None
    limit: PageLimit | None = None
    cursor: Cursor | None = None


class HistoryOrdersQuery(_Query):
    """The last 90 days at most; ``startTime``-``endTime`` spans at most 30 days."""

    category: Category
    symbol: Symbol | None = None
    startTime: StartTime | None = None
    endTime: EndTime | None = None
    limit: PageLimit | None = None
    cursor: Cursor | None = None


class FillsQuery(_Query):
    """The last 90 days at most; ``startTime``-``endTime`` spans at most 30 days."""

    category: Category | None = None
    orderId: Annotated[str, msgspec.Meta(description="Only the fills of this order")] | None = None
    startTime: StartTime | None = None
    endTime: EndTime | None = None
    limit: PageLimit | None = None
    cursor: Cursor | None = None


class FinancialRecordsQuery(_Query):
    """The last 90 days at most; ``startTime``-``endTime`` spans at most 30 days."""

    category: Annotated[str, msgspec.Meta(
        description="SPOT, MARGIN, USDT-FUTURES, COIN-FUTURES, USDC-FUTURES or OTHER (deposits)")]
    coin: Annotated[str, msgspec.Meta(description="Only this coin, e.g. USDT")] | None = None
    type: Annotated[str, msgspec.Meta(description="Only this record type, e.g. TRANSFER_IN")] | None = None
    symbol: Symbol | None = None
    startTime: StartTime | None = None
    endTime: EndTime | None = None
    limit: PageLimit | None = None
    cursor: Cursor | None = None


class PositionHistoryQuery(_Query):
    """Closed positions of the last 90 days at most; ``startTime``-``endTime`` spans at most 30 days."""

    category: FuturesCategory
    symbol: Symbol | None = None
    startTime: StartTime | None = None
    endTime: EndTime | None = None
    limit: PageLimit | None = None
    cursor: Cursor | None = None


class PositionQuery(_Query):
    category: Annotated[str, msgspec.Meta(description="USDT-FUTURES, COIN-FUTURES or USDC-FUTURES")]
    symbol: Symbol | None = None
    posSide: Annotated[str, msgspec.Meta(description="long or short (hedge mode)")] | None = None


class AdminUsersQuery(_Query):
    limit: Annotated[str, msgspec.Meta(description="Users per page, 1-500 (default 100)")] | None = None
    cursor: Annotated[str, msgspec.Meta(
        description="The last uid of the previous page; omit for the first page")] | None = None


StrategyType = Annotated[str, msgspec.Meta(description="Strategy type: tpsl (the only one)")]


class UnfilledStrategyQuery(_Query):
    category: Annotated[str, msgspec.Meta(description="USDT-FUTURES, COIN-FUTURES or USDC-FUTURES")]
    type: StrategyType | None = None
    symbol: Annotated[str, msgspec.Meta(
        description="Only this symbol (not on the page; sent by ccxt)")] | None = None


class HistoryStrategyQuery(_Query):
    """Ended strategy orders (triggered or cancelled), newest first; the last 90 days at most."""

    category: Annotated[str, msgspec.Meta(description="USDT-FUTURES, COIN-FUTURES or USDC-FUTURES")]
    type: StrategyType | None = None
    symbol: Annotated[str, msgspec.Meta(
        description="Only this symbol (not on the page; sent by ccxt)")] | None = None
    startTime: StartTime | None = None
    endTime: EndTime | None = None
    limit: PageLimit | None = None
    cursor: Cursor | None = None


class AuditQuery(_Query):
    replay: Annotated[str, msgspec.Meta(
        description="1: also replay the whole journal and report its hash (slow on a long journal)")] | None = None


PlaceBatchRequest = list[PlaceOrderRequest]
CancelBatchRequest = list[CancelBatchItem]
ModifyBatchRequest = list[ModifyOrderRequest]

__all__ = [
    "AdvanceRequest",
    "AuditQuery",
    "CancelBatchItem",
    "CancelBatchRequest",
    "CancelOrderRequest",
    "CancelStrategyRequest",
    "CancelSymbolRequest",
    "CandlesQuery",
    "ClockRequest",
    "ClosePositionsRequest",
    "CoinsQuery",
    "CountdownRequest",
    "CreateKeyRequest",
    "CreateUserRequest",
    "CurrentFundRateQuery",
    "DepositRequest",
    "FaultRequest",
    "FeeRateQuery",
    "FillsQuery",
    "FinancialRecordsQuery",
    "FundingAssetsQuery",
    "FuturesQuery",
    "HistoryFundRateQuery",
    "HistoryOrdersQuery",
    "HistoryStrategyQuery",
    "IndexQuoteBody",
    "InstrumentsQuery",
    "MarginLoansQuery",
    "MarketTickRequest",
    "MaxOpenRequest",
    "ModifyBatchRequest",
    "ModifyOrderRequest",
    "ModifyStrategyRequest",
    "OrderBookQuery",
    "OrderInfoQuery",
    "PlaceBatchRequest",
    "PlaceOrderRequest",
    "PlaceStrategyRequest",
    "PositionHistoryQuery",
    "PositionQuery",
    "PositionTierQuery",
    "PriceRequest",
    "PublicFillsQuery",
    "ResetRequest",
    "RiskReserveQuery",
    "SaveStateRequest",
    "SetHoldModeRequest",
    "SetLeverageRequest",
    "UnfilledOrdersQuery",
    "UnfilledStrategyQuery",
]
