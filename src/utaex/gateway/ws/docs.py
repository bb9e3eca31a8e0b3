"""Private push documents (order, fill, account, position), derived from the REST documents.

Invariants:
- Every figure comes from ``gateway.convert`` (the REST formatting), so a WS push and a REST read of
  the same state agree digit for digit; only names and casing differ, as the WS pages show.
- ``order`` pushes carry a lower-case ``category`` and ``reduceOnly`` ``yes``/``no``; ``fill`` pushes
  keep the upper-case category (as Bitget's Fill Channel page shows).
- Builders are pure functions of their inputs; callers decide when (and whether) to build.
"""

from __future__ import annotations

from typing import Any

from ...core import enums as E
from ...core.engine import Engine
from ...core.instruments import InstrumentSet
from .. import convert

ORDER_FIELDS = ("category", "symbol", "orderId", "clientOid", "price", "qty", "amount", "holdMode", "holdSide",
                "orderType", "timeInForce", "side", "marginMode", "marginCoin", "reduceOnly", "cumExecQty",
                "cumExecValue", "avgPrice", "orderStatus", "cancelReason", "feeDetail", "createdTime",
                "updatedTime", "stpMode")


def order_ws(instruments: InstrumentSet, doc: dict[str, Any]) -> dict[str, Any]:
    """The Order-Channel document of one REST order document."""
    cat = doc["category"]
    futures = cat in E.FUTURES
    inst = instruments.by_key.get((cat, doc["symbol"]))
    return {
        "category": cat.lower(),
        "symbol": doc["symbol"],
        "orderId": doc["orderId"],
        "clientOid": doc["clientOid"],
        "price": doc["price"],
        "qty": doc["qty"],
        "amount": doc["amount"],
        "holdMode": doc["holdMode"],
        "holdSide": doc["posSide"],
        "orderType": doc["orderType"],
        "timeInForce": doc["timeInForce"],
        "side": doc["side"],
        "marginMode": "crossed" if futures or cat == E.MARGIN else "",
        "marginCoin": inst.settle if futures and inst is not None else "",
        "reduceOnly": "yes" if doc["reduceOnly"] == "YES" else "no",
        "cumExecQty": doc["cumExecQty"],
        "cumExecValue": doc["cumExecValue"],
        "avgPrice": doc["avgPrice"],
        "orderStatus": doc["orderStatus"],
        "cancelReason": doc["cancelReason"],
        "feeDetail": doc["feeDetail"],
        "createdTime": doc["createdTime"],
        "updatedTime": doc["updatedTime"],
        "stpMode": doc["stpMode"],
    }


def fill_ws(doc: dict[str, Any]) -> dict[str, Any]:
    """The Fill-Channel document of one REST fill document."""
    return {
        "category": doc["category"],
        "symbol": doc["symbol"],
        "orderId": doc["orderId"],
        "clientOid": doc["clientOid"],
        "execId": doc["execId"],
        "execLinkId": doc["execId"],
        "orderType": doc["orderType"],
        "side": doc["side"],
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
    } for c in a["assets"]]
    return {
        "totalEquity": a["accountEquity"],
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
        out.append({
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
        })
    return out
