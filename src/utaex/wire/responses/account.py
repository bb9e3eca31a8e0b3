"""Account settings, assets, fee rates, the funding account, financial records and positions
(open, closed, ADL rank)."""

from __future__ import annotations

from ._base import _Data


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


class PositionList(_Data):
    list: _Positions = []


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
