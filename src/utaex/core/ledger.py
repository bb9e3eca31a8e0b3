"""Unified account ledger: one account per UID holding every coin.

Invariants:
- All amounts are ``int`` units of 10**-18 of the coin.
- ``available = balance - frozen - margin``; ``frozen`` is the sum of what the user's open orders hold
  in that coin, ``margin`` the initial margin of the user's open positions settled in that coin.
- ``debt`` is what a MARGIN order borrowed and is not yet repaid; borrowing raises balance and debt by
  the same amount, repaying lowers both.
"""

from __future__ import annotations

import msgspec

DEFAULT_LEVERAGE = 10


def leverage_key(category: str, symbol: str) -> str:
    """The key of ``Account.leverage``: ``"CATEGORY:SYMBOL"``."""
    return f"{category}:{symbol}"


class Asset(msgspec.Struct, gc=False):
    balance: int = 0
    frozen: int = 0
    margin: int = 0
    debt: int = 0

    @property
    def available(self) -> int:
        return self.balance - self.frozen - self.margin


class ApiKey(msgspec.Struct):
    api_key: str
    uid: int
    secret: str
    passphrase: str
    read_only: bool = False
    rsa_public_key: str = ""


class Account(msgspec.Struct):
    uid: int
    assets: dict[str, Asset] = msgspec.field(default_factory=dict)
    hold_mode: str = "one_way_mode"
    leverage: dict[str, int] = msgspec.field(default_factory=dict)  # leverage_key(...) -> leverage
    open_spot: int = 0
    open_futures: int = 0
    deposited: dict[str, int] = msgspec.field(default_factory=dict)  # coin -> sum of deposits (what a reset restores)

    def leverage_of(self, category: str, symbol: str) -> int:
        """The leverage set for one futures instrument (``DEFAULT_LEVERAGE`` until set)."""
        return self.leverage.get(leverage_key(category, symbol), DEFAULT_LEVERAGE)

    def asset(self, coin: str) -> Asset:
        a = self.assets.get(coin)
        if a is None:
            a = self.assets[coin] = Asset()
        return a


def can_borrow(asset: Asset, need: int, leverage: int) -> bool:
    """Whether ``need`` more may be borrowed: total debt stays within (leverage-1) x own equity."""
    own = asset.balance - asset.debt
    return own > 0 and asset.debt + need <= (leverage - 1) * own


def auto_repay(asset: Asset) -> int:
    """Repay as much debt as the free balance allows; returns the amount repaid."""
    if asset.debt <= 0:
        return 0
    pay = min(asset.debt, asset.available)
    if pay > 0:
        asset.debt -= pay
        asset.balance -= pay
        return pay
    return 0
