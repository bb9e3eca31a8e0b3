"""Funding, maintenance margin, liquidation and the insurance fund (core/funding.py, core/liquidation.py),
driven by ``MarketTick``. Figures worked out by hand (USDT-FUTURES BTCUSDT: tick 0.1, taker 0.06 %,
maker 0.02 %, first tier mmr 0.4 %); the audit (conservation with the insurance fund, no negative
balance) holds after every scenario."""

from __future__ import annotations

from typing import Any

from test_engine_basics import UF, Ex, u

from utaex.core import CancelAll, SetHoldMode, SetLeverage
from utaex.core.commands import IndexQuote, MarketTick, PlaceStrategy, TpslSpec
from utaex.core.events import FundingSettled, PositionLiquidated
from utaex.core.funding import FundingRecord, current_rate, next_funding_time, rate_of
from utaex.core.liquidation import exposure

STEP = 8 * 3_600_000


def tick(ex: Ex, price: str, at: int | None = None, symbol: str = "BTCUSDT") -> Any:
    if at is not None:
        ex.ts = at - 1
    return ex.do(MarketTick, index=[IndexQuote(category=UF, symbol=symbol, price=price)])


def of(ex: Ex, kind: type) -> list[Any]:
    """The step's events of ``kind`` (about BTCUSDT: every contract settles funding at its time)."""
    return [e for e in ex.events if isinstance(e, kind) and e.symbol == "BTCUSDT"]


def open_pair(ex: Ex, qty: str, price: str, lev: int = 10) -> tuple[int, int]:
    """A long (taker) and a short (maker) of ``qty`` at ``price``."""
    long_, short = ex.user(USDT="1000000"), ex.user(USDT="1000000")
    for uid in (long_, short):
        ex.do(SetLeverage, uid=uid, category=UF, symbol="BTCUSDT", leverage=lev)
    ex.ok(short, "sell", qty, price, category=UF)
    ex.ok(long_, "buy", qty, price, category=UF)
    return long_, short


def test_rate_formula_and_bounds() -> None:
    inst = Ex().eng.instruments.get(UF, "BTCUSDT")
    assert inst is not None
    assert rate_of(inst, 0, 0) == 10_000  # no premium: the interest, 0.01 %
    assert rate_of(inst, 20_000 * 1000, 1000) == 10_000  # premium 0.02 % + (interest - premium = -0.01 %)
    assert rate_of(inst, 60_000 * 10, 10) == 60_000 - 50_000  # premium 0.06 %: interest clamp at -0.05 %
    assert rate_of(inst, 400_000, 1) == 300_000  # 0.4 % - 0.05 % = 0.35 %, capped at maxFundingRate 0.3 %
    assert rate_of(inst, -400_000, 1) == -300_000
    assert rate_of(inst, -123_456 * 7, 7) == -73_400  # -0.123456 % + 0.05 %, truncated to 6 decimals toward 0


def test_funding_settles_at_the_interval() -> None:
    ex = Ex()
    long_, short = open_pair(ex, "0.1", "50000")
    inst = ex.eng.instruments.get(UF, "BTCUSDT")
    assert inst is not None
    first = next_funding_time(inst, ex.ts)
    tick(ex, "50000.0")
    assert of(ex, FundingSettled) == []  # the first tick opens the period
    before = {uid: ex.bal(uid, "USDT")[0] for uid in (long_, short)}
    tick(ex, "50000.0", at=first - 1)
    assert of(ex, FundingSettled) == []
    assert current_rate(ex.eng, inst) == 10_000  # mark == index all along: the interest only
    tick(ex, "50000.0", at=first)
    (ev,) = of(ex, FundingSettled)
    assert (ev.rate, ev.mark, ev.ts) == (10_000, 500_000, first)
    assert ev.payments == [(long_, "long", -u("0.5")), (short, "short", u("0.5"))]  # 5000 USDT * 0.01 %
    assert ex.bal(long_, "USDT")[0] == before[long_] - u("0.5")
    assert ex.bal(short, "USDT")[0] == before[short] + u("0.5")
    assert ex.eng.funding_history[(UF, "BTCUSDT")] == [FundingRecord(UF, "BTCUSDT", first, 10_000)]
    tick(ex, "50000.0", at=first + STEP - 1)
    assert of(ex, FundingSettled) == []
    ex.audit_ok()


def test_premium_drives_the_rate_and_rounding_goes_to_the_fund() -> None:
    ex = Ex()
    long_, short = open_pair(ex, "0.0003", "50200")
    mm = ex.user(USDT="1000000")
    ex.ok(mm, "buy", "0.01", "50190", category=UF)
    ex.ok(mm, "sell", "0.01", "50210", category=UF)
    inst = ex.eng.instruments.get(UF, "BTCUSDT")
    assert inst is not None
    first = next_funding_time(inst, ex.ts)
    tick(ex, "50000.0")
    # mid 50200, last 50200 -> mark 50200 (within 0.5 % of 50000): premium 0.4 %, rate capped at 0.3 %
    assert ex.eng.market.by_key[(UF, "BTCUSDT")].mark == 502_000
    tick(ex, "50000.0", at=first - 1000)
    tick(ex, "50000.0", at=first)
    (ev,) = of(ex, FundingSettled)
    assert ev.rate == 300_000
    # 0.0003 * 50200 = 15.06 USDT * 0.3 % = 0.04518 exactly: nothing to round
    assert ev.payments == [(long_, "long", -u("0.04518")), (short, "short", u("0.04518"))]
    assert ex.eng.insurance.get("USDT", 0) == 0
    ex.audit_ok()


def test_negative_rate_shorts_pay() -> None:
    ex = Ex()
    long_, short = open_pair(ex, "0.1", "49800")
    inst = ex.eng.instruments.get(UF, "BTCUSDT")
    assert inst is not None
    first = next_funding_time(inst, ex.ts)
    tick(ex, "50000.0")  # last 49800, no book: mark = mean(50000, 49800) = 49900: premium -0.2 %
    tick(ex, "50000.0", at=first - 1)
    tick(ex, "50000.0", at=first)
    (ev,) = of(ex, FundingSettled)
    assert ev.rate == -200_000 + 50_000  # premium -0.2 %, interest clamp +0.05 %: -0.15 %
    paid = u("7.485")  # 0.1 BTC at mark 49900 = 4990 USDT * 0.15 %
    assert ev.payments == [(long_, "long", paid), (short, "short", -paid)]
    ex.audit_ok()


def key_scenario() -> tuple[Ex, int, int]:
    """1,000 USDT at 20x holding 18,000 USDT of BTCUSDT long; the price is then driven 12 % down."""
    ex = Ex()
    user = ex.user(USDT="1000")
    maker = ex.user(USDT="10000000")
    ex.do(SetLeverage, uid=user, category=UF, symbol="BTCUSDT", leverage=20)
    ex.ok(maker, "sell", "0.18", "100000", category=UF)
    ex.ok(user, "buy", "0.18", "100000", category=UF)
    tick(ex, "100000.0")
    eq, mm = exposure(ex.eng, user)["USDT"]
    assert eq == u("989.2") and mm == u("72")  # 1000 - 10.8 fee; 18000 * 0.4 %
    ex.ok(maker, "buy", "1", "88000", category=UF)
    ex.ok(maker, "sell", "1", "88010", category=UF)
    return ex, user, maker


def test_liquidation_below_maintenance_with_the_insurance_fund() -> None:
    ex, user, _maker = key_scenario()
    tick(ex, "88000.0")
    assert ex.eng.market.by_key[(UF, "BTCUSDT")].mark == 880_050  # median(88000, mid 88005, last 100000)
    (liq,) = of(ex, PositionLiquidated)
    assert (liq.uid, liq.pos_side, liq.lots, liq.price) == (user, "long", 1800, 880_000)
    order = ex.eng.positions[(user, UF, "BTCUSDT", "long")]
    assert order.qty == 0
    # realised -2160, fee 15840 * 0.06 % = 9.504: 989.2 - 2169.504 = -1180.304, covered by the fund
    assert ex.bal(user, "USDT") == (0, 0, 0, 0)
    assert ex.eng.insurance["USDT"] == -u("1180.304")
    ex.audit_ok()
    tick(ex, "88000.0")
    assert of(ex, PositionLiquidated) == []


def test_liquidation_fee_when_equity_is_left() -> None:
    ex = Ex()
    user = ex.user(USDT="1000")
    maker = ex.user(USDT="10000000")
    ex.do(SetLeverage, uid=user, category=UF, symbol="BTCUSDT", leverage=20)
    ex.ok(maker, "sell", "0.18", "100000", category=UF)
    ex.ok(user, "buy", "0.18", "100000", category=UF)
    resting = ex.ok(user, "buy", "0.001", "90000", category=UF)  # cancelled by the liquidation
    ex.ok(maker, "buy", "1", "94900", category=UF)
    ex.ok(maker, "sell", "1", "94920", category=UF)
    tick(ex, "94910.0")  # mark 94910: equity 989.2 - 916.2 = 73.0 >= mm 68.3352: safe
    assert of(ex, PositionLiquidated) == [] and resting.status == "live"
    # liquidated below a mark of 94884.0; the book moves to 94870 / 94890
    ex.do(CancelAll, uid=maker, category=UF)
    ex.ok(maker, "buy", "1", "94870", category=UF)
    ex.ok(maker, "sell", "1", "94890", category=UF)
    tick(ex, "94880.0")  # mark 94880: equity 989.2 - 921.6 = 67.6 < mm 68.3136
    (liq,) = of(ex, PositionLiquidated)
    assert (liq.lots, liq.price) == (1800, 948_700)
    assert resting.status == "cancelled" and resting.cancel_reason == "burst_cancel"
    # closed at 94870: realised -923.4, fee 17076.6 * 0.06 % = 10.24596: 55.55404 left, less than the
    # maintenance margin at the trigger, so all of it goes to the fund as the liquidation fee
    assert ex.bal(user, "USDT") == (0, 0, 0, 0)
    assert ex.eng.insurance["USDT"] == u("55.55404")
    ex.audit_ok()


def test_mark_stop_loss_fires_on_the_tick() -> None:
    ex = Ex()
    long_, _short = open_pair(ex, "0.01", "50000")
    mm = ex.user(USDT="1000000")
    ex.ok(mm, "buy", "1", "49000", category=UF)
    ex.ok(mm, "sell", "1", "51000", category=UF)
    tick(ex, "50000.0")
    s = ex.do(PlaceStrategy, uid=long_, category=UF, symbol="BTCUSDT", pos_side="long",
              spec=TpslSpec(stop_loss="49500", sl_trigger_by="mark"))
    assert s.status == "live"
    tick(ex, "49600.0")  # mark: median(49600 + basis, 50000 mid, last 50000), clamped to 49848
    assert s.status == "live"
    tick(ex, "49200.0")  # clamp: 49446 <= 49500
    assert s.status == "triggered"
    assert ex.eng.positions[(long_, UF, "BTCUSDT", "long")].qty == 0
    ex.audit_ok()


def test_hedge_mode_liquidation_closes_both_sides_in_the_coin() -> None:
    ex = Ex()
    user = ex.user(USDT="1000")
    maker = ex.user(USDT="10000000")
    ex.do(SetHoldMode, uid=user, hold_mode="hedge_mode")
    ex.do(SetLeverage, uid=user, category=UF, symbol="BTCUSDT", leverage=50)
    ex.ok(maker, "sell", "0.2", "100000", category=UF)
    ex.ok(user, "buy", "0.2", "100000", category=UF, pos_side="long")
    ex.ok(maker, "buy", "0.01", "99990", category=UF)
    ex.ok(user, "sell", "0.01", "99990", category=UF, pos_side="short")
    ex.ok(maker, "buy", "1", "95000", category=UF)
    ex.ok(maker, "sell", "1", "95010", category=UF)
    tick(ex, "95000.0")
    liq = of(ex, PositionLiquidated)
    assert sorted(e.pos_side for e in liq) == ["long", "short"]
    assert not ex.eng.open_positions(user)
    assert ex.bal(user, "USDT")[0] >= 0
    ex.audit_ok()
