"""Account history beyond orders and fills: financial records, positions history, ADL rank.

Financial records and closed positions come from the history store (``core/records.py`` emits them,
``Venue._record`` stores them); the ADL rank is computed from the engine at the time of the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from ...core import enums as E
from ...core import errors as X
from ...core.adl import adl_ranks
from ...core.events import LedgerEntry, PositionClosed
from ...core.numbers import fmt_amount, format_fixed
from ...core.records import OTHER
from .. import convert
from .. import params as P
from ..errors import ApiError, param_error
from ..fanout import LEDGER, POSITION
from .trade import history_window

if TYPE_CHECKING:
    from ..app import App, Request

RECORD_CATEGORIES = (*E.CATEGORIES, OTHER)
_ledger = msgspec.json.Decoder(LedgerEntry).decode
_closed = msgspec.json.Decoder(PositionClosed).decode


def page_params(q: dict[str, str]) -> tuple[int, str | None]:
    limit = P.int_param(q, "limit", 100, 1, 100)
    cursor = q.get("cursor") or None
    if cursor is not None and not P.is_id(cursor):
        raise param_error("cursor")
    return limit, cursor


def register(app: App) -> None:
    venue = app.venue
    instruments = venue.instruments

    @app.route("GET", "/api/v3/account/financial-records", auth="read", limit=20)
    async def financial_records(req: Request) -> Any:
        q = req.query
        raw = q.get("category")
        if not raw:
            raise P.missing("category")
        cat = raw.upper()
        if cat not in RECORD_CATEGORIES:
            raise param_error("category")
        coin = (q.get("coin") or "").upper() or None
        if coin is not None and coin not in instruments.coins:
            raise ApiError(X.COIN_NOT_FOUND)
        start, end = history_window(venue, q)
        limit, cursor = page_params(q)
        docs, next_cursor = venue.history().records(req.uid, LEDGER, cat, q.get("symbol") or None, coin,
                                                    q.get("type") or None, start, end, limit, cursor)
        out = []
        for d in docs:
            ev = _ledger(d)
            out.append({"category": ev.category, "id": str(ev.id), "symbol": ev.symbol, "coin": ev.coin,
                        "type": ev.kind, "amount": fmt_amount(ev.amount), "fee": fmt_amount(ev.fee),
                        "balance": fmt_amount(ev.balance), "ts": str(ev.ts)})
        return {"list": out, "cursor": next_cursor}

    @app.route("GET", "/api/v3/position/history-position", auth="read", limit=20)
    async def history_position(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        if cat not in E.FUTURES:
            raise param_error("category")
        symbol = q.get("symbol") or None
        if symbol is not None:
            symbol = P.instrument(instruments, cat, symbol).symbol
        start, end = history_window(venue, q)
        limit, cursor = page_params(q)
        docs, next_cursor = venue.history().records(req.uid, POSITION, cat, symbol, None, None, start, end, limit,
                                                    cursor)
        out = []
        for d in docs:
            ev = _closed(d)
            inst = instruments.by_key[(ev.category, ev.symbol)]
            out.append({
                "positionId": str(ev.position_id),
                "category": ev.category,
                "symbol": ev.symbol,
                "marginCoin": inst.settle,
                "holdMode": ev.hold_mode,
                "posSide": ev.pos_side,
                "marginMode": "crossed",
                "openPriceAvg": convert.avg_price(inst, ev.open_value, ev.open_lots),
                "closePriceAvg": convert.avg_price(inst, ev.close_value, ev.close_lots),
                "openTotalPos": convert.qty_str(inst, ev.open_lots),
                "closeTotalPos": convert.qty_str(inst, ev.close_lots),
                "cumRealisedPnl": fmt_amount(ev.pnl),
                "netProfit": fmt_amount(ev.pnl + ev.funding - ev.open_fee - ev.close_fee),
                "totalFunding": fmt_amount(ev.funding),
                "openFeeTotal": fmt_amount(-ev.open_fee),
                "closeFeeTotal": fmt_amount(-ev.close_fee),
                "createdTime": str(ev.created),
                "updatedTime": str(ev.updated),
            })
        return {"list": out, "cursor": next_cursor}

    @app.route("GET", "/api/v3/position/adlRank", auth="read", limit=1)
    async def adl_rank(req: Request) -> Any:
        eng = venue.engine
        if eng.account(req.uid) is None:
            raise ApiError(X.USER_NOT_FOUND)
        out = []
        for pos, rank in adl_ranks(eng, req.uid):
            inst = instruments.by_key[(pos.category, pos.symbol)]
            out.append({"symbol": pos.symbol, "marginCoin": inst.settle,
                        "adlRank": format_fixed(rank.numerator * 10_000 // rank.denominator, 4),
                        "holdSide": pos.pos_side})
        return out
