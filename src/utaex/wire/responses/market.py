"""Public market data: server time, coins, instruments, tickers, depth, trades, funding, open interest,
tiers, margin loans, proof of reserves and the risk reserve."""

from __future__ import annotations

from decimal import Decimal

from ._base import _Data


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
