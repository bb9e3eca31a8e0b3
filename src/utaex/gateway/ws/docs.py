"""Private push documents (order, fill, account, position), derived from the REST documents.

Invariants:
- Every figure comes from ``gateway.convert`` (the REST formatting), so a WS push and a REST read of
  the same state agree digit for digit; only names and casing differ, as the WS pages show.
- ``order`` pushes carry a lower-case ``category`` and ``reduceOnly`` ``yes``/``no``; ``fill`` pushes
  keep the upper-case category (as Bitget's Fill Channel page shows).
- ``order`` pushes also carry ``tradeSide`` (detailed variant), ``leverage``, ``totalProfit``, the TP/SL keys
  (``takeprofit``/``stoploss`` all-lowercase) and ``matchType`` ``"0"``; a market order shows
  ``timeInForce`` ``ioc``. ``fill`` pushes carry ``execLinkId``, ``tradeSide`` and ``holdSide``.
- ``position`` documents have 25 keys (no ``marginRate``); an ended position has sizes ``"0"`` and the
  figures that lost their meaning ``""``. ``account`` holds one item with absolute balances of the coins
  that are not all zero.
- Builders are pure functions of their inputs; callers decide when (and whether) to build.
"""

from __future__ import annotations

from typing import Any

from ...core import enums as E
from ...core.engine import Engine
from ...core.instruments import InstrumentSet
from ...core.numbers import fmt_amount
from .. import convert

ORDER_FIELDS = ("category", "symbol", "orderId", "clientOid", "price", "qty", "amount", "holdMode", "holdSide",
                "tradeSide", "orderType", "timeInForce", "side", "marginMode", "marginCoin", "reduceOnly", "leverage",
                "cumExecQty", "cumExecValue", "avgPrice", "totalProfit", "orderStatus", "cancelReason", "feeDetail",
                "createdTime", "updatedTime", "stpMode", "tpTriggerBy", "slTriggerBy", "takeprofit", "stoploss",
                "tpOrderType", "slOrderType", "tpLimitPrice", "slLimitPrice", "matchType")
# the REST TP/SL keys and their spelling in order pushes (all-lowercase takeprofit/stoploss on the live venue)
LEG_KEYS = (("tpTriggerBy", "tpTriggerBy"), ("slTriggerBy", "slTriggerBy"), ("takeProfit", "takeprofit"),
            ("stopLoss", "stoploss"), ("tpOrderType", "tpOrderType"), ("slOrderType", "slOrderType"),
            ("tpLimitPrice", "tpLimitPrice"), ("slLimitPrice", "slLimitPrice"))


def order_ws(instruments: InstrumentSet, doc: dict[str, Any], pnl: int = 0, leverage: str = "") -> dict[str, Any]:
    """The Order-Channel document of one REST order document (``pnl``: realised PnL of its fills so far;
    ``leverage``: the futures order's leverage, ``""`` for spot and margin)."""
    cat = doc["category"]
    futures = cat in E.FUTURES
    inst = instruments.by_key.get((cat, doc["symbol"]))
    out = {
        "category": cat.lower(),
        "symbol": doc["symbol"],
        "orderId": doc["orderId"],
        "clientOid": doc["clientOid"],
        "price": doc["price"],
        "qty": doc["qty"],
        "amount": doc["amount"],
        "holdMode": doc["holdMode"],
        "holdSide": doc["posSide"],
        "tradeSide": doc["tradeSide"],
        "orderType": doc["orderType"],
        "timeInForce": E.IOC if doc["orderType"] == E.MARKET else doc["timeInForce"],  # as the live venue shows
        "side": doc["side"],
        "marginMode": "crossed" if futures or cat == E.MARGIN else "",
        "marginCoin": inst.settle if futures and inst is not None else "",
        "reduceOnly": "yes" if doc["reduceOnly"] == "YES" else "no",
        "leverage": leverage,
        "cumExecQty": doc["cumExecQty"],
        "cumExecValue": doc["cumExecValue"],
        "avgPrice": doc["avgPrice"],
        "totalProfit": fmt_amount(pnl),
        "orderStatus": doc["orderStatus"],
        "cancelReason": doc["cancelReason"],
        "feeDetail": doc["feeDetail"],
        "createdTime": doc["createdTime"],
        "updatedTime": doc["updatedTime"],
        "stpMode": doc["stpMode"],
    }
    for rest, ws in LEG_KEYS:
        out[ws] = doc.get(rest) or ""
    out["matchType"] = "0"
    return out


def fill_ws(doc: dict[str, Any], hold_side: str = "") -> dict[str, Any]:
    """The Fill-Channel document of one REST fill document (``hold_side``: the position side it acts on)."""
    return {
        "category": doc["category"],
        "symbol": doc["symbol"],
        "orderId": doc["orderId"],
        "clientOid": doc["clientOid"],
        "execId": doc["execId"],
        "execLinkId": doc["execLinkId"],
        "orderType": doc["orderType"],
        "side": doc["side"],
        "holdSide": hold_side,
        "tradeSide": doc["tradeSide"],
        "execPrice": doc["execPrice"],
        "execQty": doc["execQty"],
        "execValue": doc["execValue"],
        "execPnl": doc["execPnl"],
        "tradeScope": doc["tradeScope"],
        "feeDetail": doc["feeDetail"],
        "execTime": doc["createdTime"],
        "updatedTime": doc["updatedTime"],
    }


def account_ws(eng: Engine, uid: int) -> dict[str, Any] | None:
    """The Account-Channel document of one user (None for an unknown uid)."""
    acct = eng.account(uid)
    if acct is None:
        return None
    a = convert.assets_doc(eng, acct)
    coins = [{
        "coin": c["coin"],
        "balance": c["balance"],
        "available": c["available"],
        "locked": c["locked"],
        "equity": c["equity"],
        "usdValue": c["usdValue"],
        "borrow": "0",
        "debts": c["debt"],
    } for c in a["assets"] if any(c[k] != "0" for k in ("balance", "available", "locked", "debt"))]
    return {  # absolute balances, only non-zero coins; the equity under both names (docs/decisions.md)
        "totalEquity": a["accountEquity"],
        "accountEquity": a["accountEquity"],
        "effEquity": a["effEquity"],
        "unrealisedPnL": a["unrealisedPnl"],
        "mmr": a["mmr"],
        "imr": a["imr"],
        "mgnRatio": a["mgnRatio"],
        "positionMgnRatio": a["positionMgnRatio"],
        "coin": coins,
    }


def position_ws(eng: Engine, uid: int, category: str = "", symbol: str = "") -> list[dict[str, Any]]:
    """Position-Channel documents of a user's positions (all, or those of one category and symbol).

    A position whose size went to zero is still reported (``positionStatus`` ``ended``) when named by
    category and symbol, so that a client learns it was closed."""
    acct = eng.account(uid)
    if acct is None:
        return []
    if category:
        found = [eng.position_of(uid, category, symbol, side) for side in (E.LONG, E.SHORT)]
        chosen = [p for p in found if p is not None]
    else:
        chosen = eng.open_positions(uid)
    out = []
    for pos in chosen:
        cat, sym = pos.category, pos.symbol
        inst = eng.instruments.by_key[(cat, sym)]
        p = convert.position_doc(eng, inst, pos, acct.hold_mode)
        doc = {
            "category": cat.lower(),
            "symbol": sym,
            "marginCoin": p["marginCoin"],
            "marginSize": p["positionBalance"],
            "marginMode": p["marginMode"],
            "posSide": p["posSide"],
            "holdMode": p["holdMode"],
            "positionStatus": "opening" if pos.qty else "ended",
            "size": p["total"],
            "available": p["available"],
            "frozen": p["frozen"],
            "avgPrice": p["avgPrice"],
            "leverage": p["leverage"],
            "curRealisedPnl": p["curRealisedPnl"],
            "unrealisedPnl": p["unrealisedPnl"],
            "liqPrice": p["liquidationPrice"],
            "mmr": p["mmr"],
            "breakEvenPrice": p["breakEvenPrice"],
            "markPrice": p["markPrice"],
            "profitRate": p["profitRate"],
            "totalFundingFee": p["totalFunding"],
            "openFeeTotal": p["openFeeTotal"],
            "closeFeeTotal": p["closeFeeTotal"],
            "createdTime": p["createdTime"],
            "updatedTime": p["updatedTime"],
        }
        if not pos.qty:
            doc.update(ENDED_POSITION)
        out.append(doc)
    return out


# an ended position as the live venue pushes it: sizes zero, the figures that lost their meaning empty
ENDED_POSITION = {"marginSize": "0", "size": "0", "available": "0", "frozen": "0", "avgPrice": "0",
                  "unrealisedPnl": "0", "liqPrice": "", "mmr": "", "breakEvenPrice": "", "profitRate": "",
                  "openFeeTotal": "", "closeFeeTotal": ""}


def frozen_step(before: dict[str, Any], ended: dict[str, Any]) -> dict[str, Any]:
    """The update the live venue pushes before a position's ``ended`` one: the last open state, its whole
    size moved to ``frozen`` (the closing order holds it), stamped with the closing time."""
    return {**before, "available": "0", "frozen": before["size"], "updatedTime": ended["updatedTime"]}
