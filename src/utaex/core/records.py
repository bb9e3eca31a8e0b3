"""Financial records (ledger entries) and position lifetimes: what ``financial-records`` and
``history-position`` answer, emitted as value events (``LedgerEntry``, ``PositionClosed``).

Invariants:
- Every change of a user's coin balance made by core emits exactly one ``LedgerEntry`` whose
  ``amount + fee`` is the change and whose ``balance`` is the balance right after it, so per user and
  coin the entries sum to the balance (deposits, fills, fees, realised PnL, margin borrowing and
  repayment; funding and liquidation use the same door with their own ``kind``).
- ``kind`` is free text (Bitget's financial-record type): the history store and the gateway record and
  filter any kind without knowing it, so a new kind needs only a call to ``ledger``.
- A position lifetime opens when its size leaves 0 (a new ``position_id``, totals from 0) and closes when
  its size is 0 at the end of a step or when it reopens within the step: one ``PositionClosed`` per
  lifetime, in the step that ended it.
- Ids come from ``Engine.new_id``: unique among all ids and growing with time (keyset paging).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import enums as E
from .events import LedgerEntry, PositionClosed
from .ledger import Asset, auto_repay

if TYPE_CHECKING:
    from .engine import Engine
    from .positions import Position

# Bitget financial-record types utaex emits (docs/decisions.md, "Financial records")
TRANSFER_IN = "TRANSFER_IN"  # a deposit (the admin API's fund)
ORDER_DEALT_IN = "ORDER_DEALT_IN"  # SPOT/MARGIN fill: the coin received (fee charged on it)
ORDER_DEALT_FROZEN_OUT = "ORDER_DEALT_FROZEN_OUT"  # SPOT/MARGIN fill: the coin paid
OPEN_LONG, OPEN_SHORT, CLOSE_LONG, CLOSE_SHORT = "OPEN_LONG", "OPEN_SHORT", "CLOSE_LONG", "CLOSE_SHORT"  # hedge
BUY_DEAL, SELL_DEAL = "BUY_DEAL", "SELL_DEAL"  # futures fill in one-way mode (amount: realised PnL)
BORROW, REPAYMENT = "BORROW", "REPAYMENT"  # MARGIN: borrowed with an order, repaid automatically
FUNDING_IN = "CONTRACT_MAIN_SETTLE_FEE_USER_IN"  # funding received
FUNDING_OUT = "CONTRACT_MAIN_SETTLE_FEE_USER_OUT"  # funding paid
LIQUIDATION_LONG, LIQUIDATION_SHORT = "BURST_CLOSE_LONG", "BURST_CLOSE_SHORT"  # a liquidation's close (hedge)
LIQUIDATION_SELL, LIQUIDATION_BUY = "BURST_SELL_SSM", "BURST_BUY_SSM"  # a liquidation's close (one-way)
LIQ_FEE = "LIQ_FEE"  # the liquidation fee (what is left, up to the maintenance margin) to the insurance fund
LIQ_FUND_IN = "LIQ_FUND_IN"  # the insurance fund brings a balance below 0 back to 0
OTHER = "OTHER"  # the category of records that belong to no product (deposits)


def ledger(eng: Engine, uid: int, category: str, symbol: str, coin: str, kind: str, amount: int, fee: int,
           balance: int) -> None:
    """Record one balance change of ``coin`` (``amount + fee``; ``balance`` after it)."""
    eng.events.append(LedgerEntry(eng.new_id(), uid, category, symbol, coin, kind, amount, fee, balance, eng.now))


def repay(eng: Engine, uid: int, category: str, symbol: str, coin: str, asset: Asset) -> int:
    """``auto_repay`` with its record: what the free balance repays of the debt."""
    paid = auto_repay(asset)
    if paid:
        ledger(eng, uid, category, symbol, coin, REPAYMENT, -paid, 0, asset.balance)
    return paid


def futures_kind(hold_mode: str, side: str, closing: bool, pos_side: str, exec_type: str = "") -> str:
    """The record type of a futures fill (a liquidation order's fills are the ``BURST_*`` types)."""
    if exec_type == E.LIQUIDATION:
        if hold_mode == E.HEDGE:
            return LIQUIDATION_LONG if pos_side == E.LONG else LIQUIDATION_SHORT
        return LIQUIDATION_SELL if side == E.SELL else LIQUIDATION_BUY
    if hold_mode == E.HEDGE:
        if closing:
            return CLOSE_LONG if pos_side == E.LONG else CLOSE_SHORT
        return OPEN_LONG if pos_side == E.LONG else OPEN_SHORT
    return BUY_DEAL if side == E.BUY else SELL_DEAL


def coin_category(eng: Engine, coin: str) -> str:
    """The futures category settled in ``coin`` (records of a whole coin's positions), else ``OTHER``."""
    for inst in eng.instruments.by_key.values():
        if inst.is_futures and inst.settle == coin:
            return inst.category
    return OTHER


def open_lifetime(eng: Engine, pos: Position) -> None:
    """A position's size leaves 0: report the lifetime it ended (if not yet), start a new one."""
    if pos.position_id:
        close_lifetime(eng, pos)
    pos.position_id = eng.new_id()
    pos.created = eng.now
    pos.open_fee = pos.close_fee = 0
    pos.open_lots = pos.open_value = pos.close_lots = pos.close_value = pos.pnl = pos.funding = 0


def close_lifetime(eng: Engine, pos: Position) -> None:
    """Report a position whose size is 0 and whose lifetime is still open (once)."""
    if not pos.position_id or pos.qty:
        return
    hold_mode = eng.accounts[pos.uid].hold_mode if pos.uid in eng.accounts else E.ONE_WAY
    eng.events.append(PositionClosed(pos.position_id, pos.uid, pos.category, pos.symbol, hold_mode, pos.pos_side,
                                     pos.open_lots, pos.open_value, pos.close_lots, pos.close_value, pos.pnl,
                                     pos.funding, pos.open_fee, pos.close_fee, pos.created, pos.updated))
    pos.position_id = 0
