"""Query parameters of the GET endpoints (``/openapi.json`` lists them)."""

from __future__ import annotations

from typing import Annotated

import msgspec

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
