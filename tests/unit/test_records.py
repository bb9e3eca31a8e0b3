"""Financial records and position lifetimes (core/records.py) on the engine: every balance change is one
``LedgerEntry`` (deposits, fills, margin borrowing and repayment, funding, liquidation and the insurance fund's
cover), so per user and coin the records add up to the balance; every position lifetime ends in one
``PositionClosed``. Figures from tests/unit/test_funding_liquidation.py's scenarios."""

from __future__ import annotations

from typing import Any

import pytest
import test_funding_liquidation
from test_engine_basics import SPOT, UF, Ex, u
from test_funding_liquidation import STEP, key_scenario, open_pair, tick

from utaex.core import SetHoldMode
from utaex.core.commands import Reset, SaveState
from utaex.core.events import LedgerEntry, PositionClosed
from utaex.core.funding import next_funding_time


class Recorder(Ex):
    """``Ex`` keeping every step's events."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.all: list[Any] = []

    def do(self, cmd_type: type, *, same_ts: bool = False, **kw: Any) -> Any:
        result = super().do(cmd_type, same_ts=same_ts, **kw)
        self.all.extend(self.events)
        return result

    def ledger(self, uid: int, coin: str | None = None) -> list[LedgerEntry]:
        return [e for e in self.all if isinstance(e, LedgerEntry) and e.uid == uid and (coin is None or e.coin == coin)]

    def closed(self, uid: int) -> list[PositionClosed]:
        return [e for e in self.all if isinstance(e, PositionClosed) and e.uid == uid]

    def sums_hold(self) -> None:
        """Per user and coin: the records add up to the balance, and each record's balance is the running sum."""
        for uid, acct in self.eng.accounts.items():
            for coin, asset in acct.assets.items():
                running = 0
                for e in self.ledger(uid, coin):
                    running += e.amount + e.fee
                    assert e.balance == running, (uid, coin, e)
                assert running == asset.balance, (uid, coin)


def test_deposit_spot_and_margin_records() -> None:
    ex = Recorder()
    a, b = ex.user(USDT="1000", BTC="1"), ex.user(USDT="100000", BTC="1")
    ex.ok(b, "sell", "0.01", "50000")
    ex.ok(a, "buy", "0.01", "50000")
    kinds = [(e.category, e.coin, e.kind, e.amount, e.fee) for e in ex.ledger(a)]
    assert kinds == [("OTHER", "USDT", "TRANSFER_IN", u("1000"), 0), ("OTHER", "BTC", "TRANSFER_IN", u("1"), 0),
                     (SPOT, "USDT", "ORDER_DEALT_FROZEN_OUT", -u("500"), 0),
                     (SPOT, "BTC", "ORDER_DEALT_IN", u("0.01"), -u("0.00001"))]
    # MARGIN: a buy beyond the USDT balance borrows; a sell repays from what it receives
    ex.ok(b, "sell", "0.02", "50000", category="MARGIN")
    ex.ok(a, "buy", "0.02", "50000", category="MARGIN")
    ex.ok(b, "buy", "0.02", "50000", category="MARGIN")
    ex.ok(a, "sell", "0.02", "50000", category="MARGIN")
    margin = [e.kind for e in ex.ledger(a) if e.category == "MARGIN"]
    assert margin[0] == "BORROW" and "REPAYMENT" in margin
    assert ex.eng.accounts[a].assets["USDT"].debt == 0
    ex.sums_hold()
    ex.audit_ok()


def test_funding_records_and_position_funding_total() -> None:
    ex = Recorder()
    long_, short = open_pair(ex, "0.1", "50000")
    inst = ex.eng.instruments.get(UF, "BTCUSDT")
    assert inst is not None
    first = next_funding_time(inst, ex.ts)
    tick(ex, "50000.0")
    tick(ex, "50000.0", at=first)  # 5000 USDT * 0.01 %: the long pays 0.5, the short receives it
    [paid] = [e for e in ex.ledger(long_) if e.kind.startswith("CONTRACT_MAIN_SETTLE_FEE")]
    [got] = [e for e in ex.ledger(short) if e.kind.startswith("CONTRACT_MAIN_SETTLE_FEE")]
    assert (paid.kind, paid.amount, paid.category, paid.symbol) == ("CONTRACT_MAIN_SETTLE_FEE_USER_OUT", -u("0.5"),
                                                                    UF, "BTCUSDT")
    assert (got.kind, got.amount) == ("CONTRACT_MAIN_SETTLE_FEE_USER_IN", u("0.5"))
    assert ex.eng.positions[(long_, UF, "BTCUSDT", "long")].funding == -u("0.5")
    tick(ex, "50000.0", at=first + STEP)
    ex.ok(short, "buy", "0.1", "50000", category=UF)  # the short closes against ... nothing resting: rests
    ex.ok(long_, "sell", "0.1", "50000", category=UF)  # the long closes into it: both lifetimes end
    [closed] = ex.closed(long_)
    assert closed.funding == -u("1") and closed.pnl == 0 and closed.open_lots == closed.close_lots
    ex.sums_hold()


def test_liquidation_records_burst_fills_and_the_fund_cover(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(test_funding_liquidation, "Ex", Recorder)  # the scenario's driver keeps every event
    ex, user, _maker = key_scenario()
    assert isinstance(ex, Recorder)
    tick(ex, "88000.0")
    kinds = [(e.kind, e.amount, e.fee) for e in ex.ledger(user)][-2:]
    # the close at 88000 (realised -2160, fee 9.504) and the fund's cover of the -1180.304 left
    assert kinds == [("BURST_SELL_SSM", -u("2160"), -u("9.504")), ("LIQ_FUND_IN", u("1180.304"), 0)]
    [closed] = ex.closed(user)
    assert (closed.pnl, closed.close_lots, closed.open_fee) == (-u("2160"), 1800, u("10.8"))
    ex.sums_hold()
    ex.audit_ok()


def test_hedge_mode_types_and_a_lifetime_per_reopening() -> None:
    ex = Recorder()
    a, b = ex.user(USDT="1000000"), ex.user(USDT="1000000")
    ex.do(SetHoldMode, uid=a, hold_mode="hedge_mode")
    ex.ok(b, "sell", "0.01", "50000", category=UF)
    ex.ok(a, "buy", "0.01", "50000", category=UF, pos_side="long")
    ex.ok(b, "buy", "0.01", "51000", category=UF)
    ex.ok(a, "sell", "0.01", "51000", category=UF, pos_side="long")
    ex.ok(b, "sell", "0.02", "50000", category=UF)
    ex.ok(a, "buy", "0.02", "50000", category=UF, pos_side="long")
    ex.ok(b, "buy", "0.02", "50000", category=UF)
    ex.ok(a, "sell", "0.02", "50000", category=UF, pos_side="long")
    assert [e.kind for e in ex.ledger(a, "USDT")][1:] == ["OPEN_LONG", "CLOSE_LONG", "OPEN_LONG", "CLOSE_LONG"]
    first, second = ex.closed(a)
    assert first.position_id != second.position_id
    assert (first.open_lots, first.pnl, first.hold_mode) == (100, u("10"), "hedge_mode")
    assert (second.open_lots, second.close_value, second.pnl) == (200, second.open_value, 0)
    assert ex.closed(b)[0].hold_mode == "one_way_mode"
    ex.sums_hold()


def test_reset_and_restore_start_the_records_again_from_the_balances() -> None:
    """History before a reset is hidden; the balances the venue starts again with are one TRANSFER_IN each,
    so the records from the reset on add up to the balances (also after restoring a saved state)."""
    ex = Recorder()
    a, b = ex.user(USDT="1000", BTC="1"), ex.user(USDT="100000", BTC="1")
    ex.ok(b, "sell", "0.01", "50000")
    ex.ok(a, "buy", "0.01", "50000")
    ex.do(SaveState, name="traded")
    for cmd in (Reset(ts=0), Reset(ts=0, name="traded")):
        ex.all = []
        ex.do(Reset, name=cmd.name)
        reset_at = ex.eng.reset_at
        assert all(e.ts >= reset_at and e.kind == "TRANSFER_IN" for e in ex.all if isinstance(e, LedgerEntry))
        ex.sums_hold()
    assert sorted((e.coin, e.amount) for e in ex.ledger(a)) == [("BTC", u("1.00999")), ("USDT", u("500"))]
