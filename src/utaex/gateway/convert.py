"""Engine values -> Bitget-shaped JSON values (strings for numbers, as the recorded responses show).

The only place where engine integers become decimal strings. Field order follows the recorded
responses in ``reference/ccxt-bitget-uta-fixtures.json``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from ..core import enums as E
from ..core import liquidation, market
from ..core.engine import Engine
from ..core.events import PositionLiquidated
from ..core.instruments import Instrument, InstrumentSet
from ..core.ledger import Account
from ..core.legs import Legs
from ..core.numbers import DP, fmt_amount, format_fixed
from ..core.order import Order
from ..core.positions import Position

NO_LEGS: dict[str, Any] = dict.fromkeys(("tpTriggerBy", "slTriggerBy", "takeProfit", "stopLoss", "tpOrderType",
                                        "slOrderType", "tpLimitPrice", "slLimitPrice"))
EMPTY_FEE = [{"feeCoin": "", "fee": ""}]
AVG_EXTRA_DP = 4


def price_str(inst: Instrument, ticks: int) -> str:
    return format_fixed(ticks * inst.tick_num, inst.tick_dp)


def qty_str(inst: Instrument, lots: int) -> str:
    return format_fixed(lots * inst.lot_num, inst.lot_dp)


def price_num(inst: Instrument, ticks: int) -> Decimal:
    return Decimal(ticks * inst.tick_num).scaleb(-inst.tick_dp)


def qty_num(inst: Instrument, lots: int) -> Decimal:
    return Decimal(lots * inst.lot_num).scaleb(-inst.lot_dp)


def avg_price(inst: Instrument, value: int, lots: int) -> str:
    """Average price of ``lots`` worth ``value`` units, truncated to 4 more decimals than the tick."""
    if lots <= 0:
        return "0"
    dp = inst.tick_dp + AVG_EXTRA_DP
    scaled = value * inst.tick_num * 10**AVG_EXTRA_DP // (lots * inst.value_per_tick_lot)
    return format_fixed(scaled, dp)


def order_doc(inst: Instrument, o: Order) -> dict[str, Any]:
    futures = inst.is_futures
    if o.amount:
        qty = format_fixed(o.amount // 10 ** (DP - inst.quote_dp), inst.quote_dp)
        amount = qty
    else:
        qty = qty_str(inst, o.qty)
        amount = "0" if futures else fmt_amount(o.qty * o.price * inst.value_per_tick_lot)
    return {
        "orderId": str(o.order_id),
        "clientOid": o.client_oid,
        "category": o.category,
        "symbol": o.symbol,
        "orderType": o.order_type,
        "side": o.side,
        "price": price_str(inst, o.price) if o.price else "0",
        "qty": qty,
        "amount": amount,
        "cumExecQty": qty_str(inst, o.filled),
        "cumExecValue": fmt_amount(o.cum_value),
        "avgPrice": avg_price(inst, o.cum_value, o.filled),
        "timeInForce": o.tif,
        "orderStatus": o.status,
        "posSide": o.pos_side,
        "holdMode": o.hold_mode,
        "reduceOnly": "YES" if o.reduce_only else "NO",
        "feeDetail": [{"feeCoin": o.fee_coin, "fee": fmt_amount(o.fee)}] if o.fee_coin else EMPTY_FEE,
        "createdTime": str(o.created),
        "updatedTime": str(o.updated),
        "cancelReason": o.cancel_reason,
        "execType": o.exec_type or "normal",
        "stpMode": o.stp,
        **(NO_LEGS if o.preset is None else legs_doc(inst, o.preset)),
        "tradeSide": trade_side(o),
    }


def trade_side(o: Order) -> str:
    """Bitget's detailed ``tradeSide`` of a futures order (enum page): ``open_long`` / ``close_long`` /
    ``open_short`` / ``close_short`` in hedge mode, ``buy_single`` / ``sell_single`` in one-way mode,
    with the ``burst_`` prefix for liquidation orders; ``""`` for spot and margin orders
    (docs/decisions.md, Live behaviour)."""
    if o.category not in E.FUTURES:
        return ""
    burst = "burst_" if o.exec_type == "liquidation" else ""  # closed by the risk engine (core/liquidation.py)
    if o.hold_mode == E.HEDGE:
        return burst + ("close_" if o.closing or burst else "open_") + o.pos_side
    return burst + o.side + "_single"


def hold_side(o: Order) -> str:
    """The position side a futures order's fills act on (``long``/``short``; ``""`` for spot and margin)."""
    if o.category not in E.FUTURES:
        return ""
    return o.pos_side or (E.LONG if o.side == E.BUY else E.SHORT)


def legs_doc(inst: Instrument, legs: Legs) -> dict[str, Any]:
    """The TP/SL fields of an order or strategy document; a leg that is not set shows ``""``."""
    tp, sl = bool(legs.tp), bool(legs.sl)
    return {
        "tpTriggerBy": legs.tp_by,
        "slTriggerBy": legs.sl_by,
        "takeProfit": price_str(inst, legs.tp) if tp else "",
        "stopLoss": price_str(inst, legs.sl) if sl else "",
        "tpOrderType": legs.tp_type,
        "slOrderType": legs.sl_type,
        "tpLimitPrice": price_str(inst, legs.tp_limit) if tp and legs.tp_limit else "",
        "slLimitPrice": price_str(inst, legs.sl_limit) if sl and legs.sl_limit else "",
    }


class FillRow(msgspec.Struct, array_like=True, gc=False):
    """A fill as the history store keeps it (compact; formatted to Bitget JSON when read)."""

    exec_id: int
    order_id: int
    client_oid: str
    category: str
    symbol: str
    order_type: str
    side: str
    price: int
    qty: int
    value: int
    fee: int
    fee_coin: str
    maker: bool
    pnl: int
    ts: int
    trade_side: str = ""  # added later: rows stored before read as ""
    hold_side: str = ""


_order_decoder = msgspec.json.Decoder(Order)
_fill_decoder = msgspec.json.Decoder(FillRow)


def stored_order_doc(instruments: InstrumentSet, raw: bytes) -> dict[str, Any]:
    o = _order_decoder.decode(raw)
    return order_doc(instruments.by_key[(o.category, o.symbol)], o)


def stored_fill_doc(instruments: InstrumentSet, raw: bytes) -> dict[str, Any]:
    f = _fill_decoder.decode(raw)
    return fill_doc(instruments.by_key[(f.category, f.symbol)], f)


def fill_doc(inst: Instrument, f: FillRow) -> dict[str, Any]:
    exec_id, price, qty, value, fee, fee_coin, maker, pnl, ts = (
        f.exec_id, f.price, f.qty, f.value, f.fee, f.fee_coin, f.maker, f.pnl, f.ts)
    return {
        "execId": str(exec_id),
        "execLinkId": str(exec_id),  # one id per match, shared by its maker and taker fills
        "orderId": str(f.order_id),
        "clientOid": f.client_oid,
        "category": f.category,
        "symbol": f.symbol,
        "orderType": f.order_type,
        "side": f.side,
        "execPrice": price_str(inst, price),
        "execQty": qty_str(inst, qty),
        "execValue": fmt_amount(value),
        "tradeScope": "maker" if maker else "taker",
        "feeDetail": [{"feeCoin": fee_coin, "fee": fmt_amount(fee)}],
        "createdTime": str(ts),
        "updatedTime": str(ts),
        "execPnl": fmt_amount(pnl),
        "tradeSide": f.trade_side,
    }


def mark_price(eng: Engine, inst: Instrument, fallback: int) -> int:
    """The instrument's mark (core/market.py: the last trade where no index was given), else ``fallback``."""
    return market.mark_price(eng, inst) or fallback


unrealised = liquidation.unrealised


def liquidation_doc(inst: Instrument, ev: PositionLiquidated) -> dict[str, Any]:
    """A ``liquidation`` channel item: side ``buy`` for a long position liquidated, ``sell`` for a short."""
    return {"symbol": ev.symbol, "side": "buy" if ev.pos_side == E.LONG else "sell",
            "price": price_str(inst, ev.price), "amount": qty_str(inst, ev.lots), "ts": str(ev.ts)}


def position_doc(eng: Engine, inst: Instrument, pos: Position, hold_mode: str) -> dict[str, Any]:
    entry_ticks = pos.cost // (pos.qty * inst.value_per_tick_lot) if pos.qty else 0
    mark = mark_price(eng, inst, entry_ticks)
    return {
        "category": pos.category,
        "symbol": pos.symbol,
        "marginCoin": inst.settle,
        "holdMode": hold_mode,
        "posSide": pos.pos_side,
        "marginMode": "crossed",
        "positionBalance": fmt_amount(pos.margin),
        "available": qty_str(inst, pos.qty - pos.pending_close),
        "frozen": qty_str(inst, pos.pending_close),
        "total": qty_str(inst, pos.qty),
        "leverage": str(pos.leverage),
        "curRealisedPnl": fmt_amount(pos.realized),
        "avgPrice": avg_price(inst, pos.cost, pos.qty),
        "positionStatus": "normal",
        "unrealisedPnl": fmt_amount(unrealised(inst, pos, mark)),
        "liquidationPrice": price_str(inst, liquidation.liquidation_price(eng, inst, pos)) if pos.qty else "0",
        "mmr": inst.tier_of(pos.qty * mark * inst.value_per_tick_lot).mmr if inst.tiers else "0",
        "profitRate": "0",
        "markPrice": price_str(inst, mark),
        "breakEvenPrice": avg_price(inst, pos.cost, pos.qty),
        "totalFunding": fmt_amount(pos.funding),
        "openFeeTotal": fmt_amount(-pos.open_fee),
        "closeFeeTotal": fmt_amount(-pos.close_fee),
        "createdTime": str(pos.created),
        "updatedTime": str(pos.updated),
    }


def usd_rate(eng: Engine, coin: str) -> tuple[int, int]:
    """(price, decimals) of one coin in USDT, from the last SPOT trade; stablecoins are 1."""
    if coin in ("USDT", "USDC", "USD"):
        return 1, 0
    inst = eng.instruments.get(E.SPOT, coin + "USDT")
    if inst is None:
        return 0, 0
    ticks = eng.last_trade_price(inst)
    return ticks * inst.tick_num, inst.tick_dp


def assets_doc(eng: Engine, acct: Account) -> dict[str, Any]:
    assets = []
    total_usd = 0
    upnl_usdt = 0
    for pos in eng.open_positions(acct.uid, E.USDT_FUTURES):
        inst = eng.instruments.by_key[(pos.category, pos.symbol)]
        entry = pos.cost // (pos.qty * inst.value_per_tick_lot)
        upnl_usdt += unrealised(inst, pos, mark_price(eng, inst, entry))
    for coin in sorted(acct.assets):
        a = acct.assets[coin]
        equity = a.balance - a.debt
        num, dp = usd_rate(eng, coin)
        usd = equity * num // 10**dp
        total_usd += usd
        assets.append({
            "coin": coin,
            "equity": fmt_amount(equity),
            "usdValue": fmt_amount(usd),
            "balance": fmt_amount(a.balance),
            "available": fmt_amount(a.available),
            "debt": fmt_amount(a.debt),
            "locked": fmt_amount(a.frozen + a.margin),
        })
    usdt_equity = total_usd
    mm_usd = im_usd = 0  # maintenance and initial margin of every futures position, in USD
    for coin, (_, mm) in liquidation.exposure(eng, acct.uid).items():
        num, dp = usd_rate(eng, coin)
        im = sum(p.margin for p in eng.open_positions(acct.uid) if eng.instruments.by_key[
            (p.category, p.symbol)].settle == coin)
        mm_usd += mm * num // 10**dp
        im_usd += im * num // 10**dp
    eff = total_usd + upnl_usdt
    ratio = format_fixed(mm_usd * 10**4 // eff, 4) if eff > 0 and mm_usd else "0"
    btc_num, btc_dp = usd_rate(eng, "BTC")
    btc_equity = total_usd * 10**btc_dp // btc_num if btc_num else 0
    return {
        "accountEquity": fmt_amount(total_usd + upnl_usdt),
        "usdtEquity": fmt_amount(usdt_equity + upnl_usdt),
        "btcEquity": fmt_amount(btc_equity),
        "unrealisedPnl": fmt_amount(upnl_usdt),
        "usdtUnrealisedPnl": fmt_amount(upnl_usdt),
        "btcUnrealizedPnl": "0",
        "effEquity": fmt_amount(total_usd + upnl_usdt),
        "mmr": fmt_amount(mm_usd),
        "imr": fmt_amount(im_usd),
        "mgnRatio": ratio,
        "positionMgnRatio": "0",
        "assets": assets,
    }


# instrument fields Bitget fills in where the venue has no rule of its own (docs/decisions.md, "Market reads")
FEE_RATE_UP_RATIO = "0.005"
OPEN_COST_UP_RATIO = "0.01"
MAX_OPEN_ORDERS = "400"  # the open-order cap per product line (GUIDE, settled points)
MAX_POSITION_NUM = "150"
NOT_SET = "-1"  # no delisting / open-restriction time configured


def instrument_doc(inst: Instrument) -> dict[str, Any]:
    s = inst.spec
    doc: dict[str, Any] = {
        "symbol": inst.symbol,
        "category": inst.category,
        "baseCoin": inst.base,
        "quoteCoin": inst.quote,
        "buyLimitPriceRatio": "0.05",
        "sellLimitPriceRatio": "0.05",
        "feeRateUpRatio": FEE_RATE_UP_RATIO,
        "makerFeeRate": s.makerFeeRate,
        "takerFeeRate": s.takerFeeRate,
        "minOrderQty": s.minOrderQty,
        "maxOrderQty": s.maxOrderQty,
        "pricePrecision": str(inst.price_dp),
        "quantityPrecision": str(inst.qty_dp),
        "quotePrecision": str(inst.quote_dp),
        "minOrderAmount": s.minOrderAmount,
        "maxSymbolOrderNum": MAX_OPEN_ORDERS,
        "maxProductOrderNum": MAX_OPEN_ORDERS,
        "status": "online",
        "offTime": NOT_SET,
        "limitOpenTime": NOT_SET,
        "maintainTime": "",
    }
    if inst.is_futures:
        doc.update({
            "isRwa": "NO",
            "openCostUpRatio": OPEN_COST_UP_RATIO,
            "priceMultiplier": s.tick,
            "quantityMultiplier": s.lot,
            "symbolType": "perpetual",
            "type": "perpetual",
            "maxPositionNum": MAX_POSITION_NUM,
            "deliveryTime": "",
            "deliveryStartTime": "",
            "deliveryPeriod": "",
            "launchTime": "",
            "fundInterval": str(inst.fund_interval_h),
            "minLeverage": "1",
            "maxLeverage": str(inst.max_leverage),
            "maxMarketOrderQty": s.maxOrderQty,
        })
    elif inst.category == E.MARGIN:
        doc.update({
            "isIsolatedBaseBorrowable": "NO",
            "isIsolatedQuotedBorrowable": "NO",
            "warningRiskRatio": "0.8",
            "liquidationRiskRatio": "1",
            "maxCrossedLeverage": str(inst.margin_leverage),
            "maxIsolatedLeverage": str(inst.margin_leverage),
            "userMinBorrow": "0.00000001",
            "maxPositionNum": MAX_POSITION_NUM,
            "areaSymbol": "no",
        })
    else:
        doc["areaSymbol"] = "no"
    return doc
