"""Typed ``data`` payloads of the Bitget UTA v3 responses utaex serves; the SDK decodes into these.

Field names are Bitget's own (camelCase), as in ``requests.py``. Numbers stay decimal strings, as Bitget
sends them, except the order-book levels, which are JSON numbers on the wire and decode to exact
``decimal.Decimal`` (never float). Unknown fields are ignored and most fields default to ``""`` so the
same structs decode the real Bitget responses too (it omits some fields on some orders).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec


class _Data(msgspec.Struct, kw_only=True):
    pass


class ServerTime(_Data):
    serverTime: str


class CoinChain(_Data):
    chain: str
    needTag: str = ""
    withdrawable: str = ""
    rechargeable: str = ""
    withdrawFee: str = ""
    extraWithdrawFee: str = ""
    depositConfirm: str = ""
    withdrawConfirm: str = ""
    minDepositAmount: str = ""
    minWithdrawAmount: str = ""
    browserUrl: str | None = ""
    contractAddress: str | None = ""
    withdrawStep: str = ""
    withdrawMinScale: str = ""
    congestion: str = ""


class Coin(_Data):
    coinId: str
    coin: str
    transfer: str = ""
    areaCoin: str = ""
    chains: list[CoinChain] = []


class Instrument(_Data):
    """A tradable symbol. Futures-only and margin-only fields are ``""`` on the other categories."""

    symbol: str
    category: str
    baseCoin: str
    quoteCoin: str
    buyLimitPriceRatio: str = ""
    sellLimitPriceRatio: str = ""
    feeRateUpRatio: str = ""
    makerFeeRate: str = ""
    takerFeeRate: str = ""
    minOrderQty: str = ""
    maxOrderQty: str = ""
    pricePrecision: str = ""
    quantityPrecision: str = ""
    quotePrecision: str = ""
    minOrderAmount: str = ""
    maxSymbolOrderNum: str = ""
    maxProductOrderNum: str = ""
    status: str = ""
    offTime: str = ""
    limitOpenTime: str = ""
    maintainTime: str = ""
    areaSymbol: str = ""
    # futures
    isRwa: str = ""
    openCostUpRatio: str = ""
    priceMultiplier: str = ""
    quantityMultiplier: str = ""
    symbolType: str = ""
    type: str = ""
    maxPositionNum: str = ""
    deliveryTime: str = ""
    deliveryStartTime: str = ""
    deliveryPeriod: str = ""
    launchTime: str = ""
    fundInterval: str = ""
    minLeverage: str = ""
    maxLeverage: str = ""
    maxMarketOrderQty: str = ""
    # margin
    isIsolatedBaseBorrowable: str = ""
    isIsolatedQuotedBorrowable: str = ""
    warningRiskRatio: str = ""
    liquidationRiskRatio: str = ""
    maxCrossedLeverage: str = ""
    maxIsolatedLeverage: str = ""
    userMinBorrow: str = ""


class Ticker(_Data):
    """24 h ticker. Prices are ``""`` before the first trade; futures fields are ``""`` on SPOT/MARGIN."""

    category: str
    symbol: str
    ts: str
    lastPrice: str = ""
    openPrice24h: str = ""
    highPrice24h: str = ""
    lowPrice24h: str = ""
    ask1Price: str = ""
    bid1Price: str = ""
    bid1Size: str = ""
    ask1Size: str = ""
    price24hPcnt: str = ""
    volume24h: str = ""
    turnover24h: str = ""
    indexPrice: str = ""
    markPrice: str = ""
    fundingRate: str = ""
    openInterest: str = ""
    deliveryStartTime: str = ""
    deliveryTime: str = ""
    deliveryStatus: str = ""


class OrderBook(_Data):
    """Depth: ``a`` asks (best first, ascending) and ``b`` bids (best first, descending) as (price, size)."""

    a: list[tuple[Decimal, Decimal]]
    b: list[tuple[Decimal, Decimal]]
    ts: str


class PublicFill(_Data):
    execId: str
    price: str
    size: str
    side: str
    ts: str
    execLinkId: str = ""


class SymbolConfig(_Data):
    category: str
    symbol: str
    marginMode: str = ""
    leverage: str = ""


class AccountSettings(_Data):
    uid: str = ""
    accountMode: str = ""
    assetMode: str = ""
    holdMode: str = ""
    stpMode: str = ""
    symbolConfigList: list[SymbolConfig] = []
    coinConfigList: list[dict[str, str]] = []


class Asset(_Data):
    coin: str
    equity: str = ""
    usdValue: str = ""
    balance: str = ""
    available: str = ""
    debt: str = ""
    locked: str = ""


class AccountAssets(_Data):
    accountEquity: str = ""
    usdtEquity: str = ""
    btcEquity: str = ""
    unrealisedPnl: str = ""
    usdtUnrealisedPnl: str = ""
    btcUnrealizedPnl: str = ""
    effEquity: str = ""
    mmr: str = ""
    imr: str = ""
    mgnRatio: str = ""
    positionMgnRatio: str = ""
    assets: list[Asset] = []

    def coin(self, coin: str) -> Asset | None:
        """The asset of one coin, or None if the account has never held it."""
        return next((a for a in self.assets if a.coin == coin), None)


class FeeRate(_Data):
    makerFeeRate: str
    takerFeeRate: str


class FeeDetail(_Data):
    feeCoin: str = ""
    fee: str = ""


class Order(_Data):
    """An order as order-info, unfilled-orders and history-orders return it."""

    orderId: str
    clientOid: str = ""
    category: str = ""
    symbol: str = ""
    orderType: str = ""
    side: str = ""
    price: str = ""
    qty: str = ""
    amount: str = ""
    cumExecQty: str = ""
    cumExecValue: str = ""
    avgPrice: str = ""
    timeInForce: str = ""
    orderStatus: str = ""
    posSide: str = ""
    holdMode: str = ""
    reduceOnly: str = ""
    feeDetail: list[FeeDetail] = []
    createdTime: str = ""
    updatedTime: str = ""
    cancelReason: str = ""
    execType: str = ""
    stpMode: str = ""
    tpTriggerBy: str | None = None
    slTriggerBy: str | None = None
    takeProfit: str | None = None
    stopLoss: str | None = None
    tpOrderType: str | None = None
    slOrderType: str | None = None
    tpLimitPrice: str | None = None
    slLimitPrice: str | None = None
    tradeSide: str = ""


_Orders = list[Order]  # aliases: inside the page structs the field ``list`` shadows the builtin


class OrderPage(_Data):
    """One page of orders; pass ``cursor`` back for the next page (``""`` when there is none)."""

    list: _Orders = []
    cursor: str = ""


class Fill(_Data):
    """One of the user's own executions (``/api/v3/trade/fills``)."""

    execId: str
    orderId: str = ""
    clientOid: str = ""
    category: str = ""
    symbol: str = ""
    orderType: str = ""
    side: str = ""
    execPrice: str = ""
    execQty: str = ""
    execValue: str = ""
    tradeScope: str = ""
    feeDetail: list[FeeDetail] = []
    createdTime: str = ""
    updatedTime: str = ""
    execPnl: str = ""
    execLinkId: str = ""
    tradeSide: str = ""


_Fills = list[Fill]


class FillPage(_Data):
    list: _Fills = []
    cursor: str = ""


class Position(_Data):
    category: str
    symbol: str
    marginCoin: str = ""
    holdMode: str = ""
    posSide: str = ""
    marginMode: str = ""
    positionBalance: str = ""
    available: str = ""
    frozen: str = ""
    total: str = ""
    leverage: str = ""
    curRealisedPnl: str = ""
    avgPrice: str = ""
    positionStatus: str = ""
    unrealisedPnl: str = ""
    liquidationPrice: str = ""
    mmr: str = ""
    profitRate: str = ""
    markPrice: str = ""
    breakEvenPrice: str = ""
    totalFunding: str = ""
    openFeeTotal: str = ""
    closeFeeTotal: str = ""
    createdTime: str = ""
    updatedTime: str = ""


_Positions = list[Position]


class FinancialRecord(_Data):
    """``financial-records``: one change of one coin's balance (``amount + fee``; ``balance`` after it)."""

    id: str
    category: str = ""
    symbol: str = ""
    coin: str = ""
    type: str = ""
    amount: str = ""
    fee: str = ""
    balance: str = ""
    ts: str = ""


_Records = list[FinancialRecord]


class FinancialRecordPage(_Data):
    list: _Records = []
    cursor: str = ""


class ClosedPosition(_Data):
    """``history-position``: one closed position (its lifetime from opening to size 0)."""

    positionId: str
    category: str = ""
    symbol: str = ""
    marginCoin: str = ""
    holdMode: str = ""
    posSide: str = ""
    marginMode: str = ""
    openPriceAvg: str = ""
    closePriceAvg: str = ""
    openTotalPos: str = ""
    closeTotalPos: str = ""
    cumRealisedPnl: str = ""
    netProfit: str = ""
    totalFunding: str = ""
    openFeeTotal: str = ""
    closeFeeTotal: str = ""
    createdTime: str = ""
    updatedTime: str = ""


_Closed = list[ClosedPosition]


class ClosedPositionPage(_Data):
    list: _Closed = []
    cursor: str = ""


class AdlRank(_Data):
    """``adlRank``: where an open position stands in its contract's auto-deleveraging queue (1 = first)."""

    symbol: str
    marginCoin: str = ""
    adlRank: str = ""
    holdSide: str = ""


class PositionList(_Data):
    list: _Positions = []


class StrategyOrder(_Data):
    """A TP/SL strategy order (``unfilled-strategy-orders``, ``history-strategy-orders``); prices of a leg
    that is not set are ``""``. ``triggerType`` (history only) is ``takeProfit``/``stopLoss`` once triggered."""

    orderId: str
    clientOid: str = ""
    category: str = ""
    symbol: str = ""
    qty: str = ""
    posSide: str = ""
    tpTriggerBy: str = ""
    slTriggerBy: str = ""
    takeProfit: str = ""
    stopLoss: str = ""
    tpOrderType: str = ""
    slOrderType: str = ""
    tpLimitPrice: str = ""
    slLimitPrice: str = ""
    createdTime: str = ""
    updatedTime: str = ""
    triggerType: str | None = None


_StrategyOrders = list[StrategyOrder]


class StrategyOrderPage(_Data):
    list: _StrategyOrders = []
    cursor: str = ""


class OrderIds(_Data):
    """A placed or cancelled order: its real ``orderId`` and ``clientOid``."""

    orderId: str
    clientOid: str = ""

    @property
    def ok(self) -> bool:
        return True


class ItemError(_Data):
    """One failed item of a batch (place-batch / cancel-batch): the ids as given plus Bitget's code and msg."""

    code: str
    msg: str
    orderId: str = ""
    clientOid: str = ""

    @property
    def ok(self) -> bool:
        return False


BatchItem = OrderIds | ItemError
_OrderIdsList = list[OrderIds]


class BatchRow(_Data):
    """A batch result item as it comes over the wire: a success has no ``code``."""

    orderId: str | None = ""
    clientOid: str | None = ""
    code: str | int | None = None
    msg: str | None = None

    def result(self) -> BatchItem:
        oid, coid = self.orderId or "", self.clientOid or ""
        if self.code is None or str(self.code) in ("", "00000"):
            return OrderIds(orderId=oid, clientOid=coid)
        return ItemError(code=str(self.code), msg=self.msg or "", orderId=oid, clientOid=coid)


class OrderIdList(_Data):
    """``cancel-symbol-order``: the orders it cancelled."""

    list: _OrderIdsList = []


_BatchRows = list[BatchRow]


class BatchRowList(_Data):
    """``close-positions``: one result per position, a success without ``code``."""

    list: _BatchRows = []


class MaxOpenAvailable(_Data):
    """``max-open-available``: what the account could open now ("" where the category has no figure)."""

    available: str = ""
    maxOpen: str = ""
    buyOpenCost: str = ""
    sellOpenCost: str = ""
    maxBuyOpen: str = ""
    maxSellOpen: str = ""


class FundingAsset(_Data):
    """``funding-assets``: one coin of the funding account."""

    coin: str
    balance: str = ""
    available: str = ""
    frozen: str = ""


class ApiKeyInfo(_Data):
    """Admin API: a new user's or a new key's credentials."""

    uid: str
    apiKey: str
    secretKey: str
    passphrase: str
    permissions: list[str] = []


class UserKey(_Data):
    """Admin API: one API key of a user, without its secret or passphrase."""

    apiKey: str
    permissions: list[str] = []
    signature: str = "hmac"  # "hmac" or "rsa"


class UserSummary(_Data):
    """Admin API: one user, its keys, balances, deposits and open-order count."""

    uid: str
    apiKeys: list[UserKey] = []
    balances: dict[str, str] = {}
    deposits: dict[str, str] = {}
    openOrders: str = "0"


_Users = list[UserSummary]


class UserPage(_Data):
    """Admin API: one page of users by uid; pass ``cursor`` back for the next (``""`` when there is none)."""

    list: _Users = []
    cursor: str = ""


class Audit(_Data):
    """Admin API: the venue's invariant check and state hash."""

    problems: list[str]
    stateHash: str
    journalSeq: str = ""
    openOrders: str = ""
    journalFlushes: str = ""
    historyUnrecorded: str = ""
    historyBacklog: str = ""
    users: str = ""
    deposits: dict[str, str] = {}
    fees: dict[str, str] = {}
    balances: dict[str, str] = {}
    insuranceFund: dict[str, str] = {}  # the venue's insurance fund per coin (docs/market.md)
    faults: list[dict[str, Any]] = []  # the injected faults in force (docs/testing.md)
    replayHash: str | None = None


class Fault(_Data):
    """Admin API: a fault in force, as it was given, with its hits so far (and what is left of its count)."""

    id: str
    path: str
    effect: str
    hits: int = 0
    remaining: int | None = None
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


_Faults = list[Fault]


class FaultList(_Data):
    list: _Faults = []


class FaultId(_Data):
    id: str


class Removed(_Data):
    removed: str


class SavedState(_Data):
    """Admin API: a state saved by ``POST /admin/v1/states``."""

    name: str
    openOrders: str = ""


_SavedStates = list[SavedState]


class SavedStateList(_Data):
    list: _SavedStates = []


class ResetResult(_Data):
    """Admin API: what a venue reset removed."""

    removedOrders: str
    users: str


class ClockState(_Data):
    """Admin API: the virtual clock (``now`` in ms)."""

    mode: str
    speed: str
    now: str
    pendingTimers: str = "0"


class ReferencePrice(_Data):
    """Admin API: an instrument's reference (index) price after ``POST /admin/v1/prices``."""

    category: str
    symbol: str
    price: str
    ts: str


class MarketPrice(_Data):
    """Admin API: an instrument's index and mark price after a market tick."""

    category: str
    symbol: str
    indexPrice: str
    markPrice: str


class MarketTickResult(_Data):
    """Admin API: the tick's time and the instruments whose index or mark it moved."""

    ts: str
    changed: list[MarketPrice]


class FundingRate(_Data):
    symbol: str
    fundingRate: str
    fundingRateInterval: str = ""
    nextUpdate: str = ""
    minFundingRate: str = ""
    maxFundingRate: str = ""


class FundingRateRecord(_Data):
    symbol: str
    fundingRate: str
    fundingRateTimestamp: str


class FundingRateHistory(_Data):
    resultList: list[FundingRateRecord] = []


class OpenInterestItem(_Data):
    symbol: str
    openInterest: str


_OpenInterestItems = list[OpenInterestItem]


class OpenInterest(_Data):
    list: _OpenInterestItems = []
    ts: str = ""


class OiLimit(_Data):
    symbol: str
    notionalValue: str
    totalNotionalValue: str = ""


class PositionTier(_Data):
    tier: str
    leverage: str
    mmr: str
    minTierValue: str = ""
    maxTierValue: str = ""


class DiscountTier(_Data):
    tierStartValue: str
    discountRate: str


_DiscountTiers = list[DiscountTier]


class DiscountRate(_Data):
    coin: str
    list: _DiscountTiers = []


class MarginLoan(_Data):
    dailyInterest: str
    annualInterest: str
    limit: str


class ReserveCoin(_Data):
    coin: str
    userAssets: str
    platformAssets: str
    reserveRatio: str


_ReserveCoins = list[ReserveCoin]


class ProofOfReserves(_Data):
    merkleRootHash: str
    totalReserveRatio: str
    list: _ReserveCoins = []


class RiskReserveRecord(_Data):
    amount: str
    balance: str
    ts: str
    type: str = ""


class RiskReserve(_Data):
    coin: str
    totalBalance: str = ""
    riskReserveRecords: list[RiskReserveRecord] = []


class ReplicationState(_Data):
    """Admin API: this venue's role on the replicated journal (docs/scale-out.md)."""

    role: str  # primary, standby or replica
    writable: bool  # true only on the venue that acknowledges writes
    primary: str = ""  # the lease holder's URL, as last seen ("" where none or no --journal)
    journal: str = ""  # "local" or nats://HOST:PORT/STREAM
    streamSeq: str = ""  # the stream sequence published (primary) or applied (followers)
    journalSeq: str = ""
    leaseTtl: str = ""
    fenced: str = ""  # why a primary stopped writing


__all__ = [
    "AccountAssets",
    "AccountSettings",
    "AdlRank",
    "ApiKeyInfo",
    "Asset",
    "Audit",
    "BatchItem",
    "BatchRow",
    "BatchRowList",
    "ClockState",
    "ClosedPosition",
    "ClosedPositionPage",
    "Coin",
    "CoinChain",
    "DiscountRate",
    "DiscountTier",
    "Fault",
    "FaultId",
    "FaultList",
    "FeeDetail",
    "FeeRate",
    "Fill",
    "FillPage",
    "FinancialRecord",
    "FinancialRecordPage",
    "FundingAsset",
    "FundingRate",
    "FundingRateHistory",
    "FundingRateRecord",
    "Instrument",
    "ItemError",
    "MarginLoan",
    "MarketPrice",
    "MarketTickResult",
    "MaxOpenAvailable",
    "OiLimit",
    "OpenInterest",
    "OpenInterestItem",
    "Order",
    "OrderBook",
    "OrderIdList",
    "OrderIds",
    "OrderPage",
    "Position",
    "PositionList",
    "PositionTier",
    "ProofOfReserves",
    "PublicFill",
    "ReferencePrice",
    "Removed",
    "ReplicationState",
    "ReserveCoin",
    "ResetResult",
    "RiskReserve",
    "RiskReserveRecord",
    "SavedState",
    "SavedStateList",
    "ServerTime",
    "StrategyOrder",
    "StrategyOrderPage",
    "SymbolConfig",
    "Ticker",
    "UserKey",
    "UserPage",
    "UserSummary",
]
