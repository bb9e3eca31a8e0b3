"""Position and account routes beyond the basics: close all positions, the funding account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import enums as E
from ...core import errors as X
from ...core.commands import ClosePositions
from ...core.errors import Reject
from ...core.maxopen import max_open
from ...core.numbers import fmt_amount, format_fixed
from ...wire.requests import ClosePositionsRequest, MaxOpenRequest
from .. import params as P
from ..commands import raise_reject
from ..errors import ApiError, param_error

if TYPE_CHECKING:
    from ..app import App, Request


def register(app: App) -> None:
    venue = app.venue
    instruments = venue.instruments

    @app.route("POST", "/api/v3/trade/close-positions", auth="write", limit=5)
    async def close_positions(req: Request) -> Any:
        body = P.decode_body(req.body, ClosePositionsRequest)
        cat = P.category(body.category)
        if cat not in E.FUTURES:
            raise param_error("category")
        symbol = P.instrument(instruments, cat, body.symbol).symbol if body.symbol else ""
        pos_side = P.lower(body.posSide)
        if pos_side not in ("", E.LONG, E.SHORT):
            raise param_error("posSide")
        result = await venue.execute(ClosePositions(ts=venue.now_ms(), uid=req.uid, category=cat, symbol=symbol,
                                                    pos_side=pos_side))
        raise_reject(result)
        out = []
        for res in result:
            if isinstance(res, Reject):
                out.append({"orderId": "", "clientOid": "", "code": res.code, "msg": res.msg})
            else:
                out.append({"orderId": str(res.order_id), "clientOid": res.client_oid})
        return {"list": out}

    @app.route("GET", "/api/v3/account/funding-assets", auth="read", limit=20)
    async def funding_assets(req: Request) -> Any:
        """The funding account: utaex credits every deposit to the unified trading account, so it holds
        nothing (docs/decisions.md); a coin that does not exist is an error, as on Bitget."""
        coin = req.query.get("coin") or ""
        if coin and coin.upper() not in instruments.coins:
            raise ApiError(X.COIN_NOT_FOUND)
        return []

    @app.route("POST", "/api/v3/trade/max-open-available", auth="read", limit=5)  # the page's curl example
    @app.route("POST", "/api/v3/account/max-open-available", auth="read", limit=5)  # its "HTTP Request" and ccxt
    async def max_open_available(req: Request) -> Any:
        body = P.decode_body(req.body, MaxOpenRequest)
        cat = P.category(body.category)
        inst = P.instrument(instruments, cat, body.symbol)
        order_type, side = P.lower(body.orderType), P.lower(body.side)
        if order_type not in (E.LIMIT, E.MARKET):
            raise param_error("orderType")
        if side not in (E.BUY, E.SELL):
            raise param_error("side")
        if order_type == E.LIMIT and not body.price:
            raise P.missing("price")
        eng = venue.engine

        def ask(direction: str) -> Any:
            res = max_open(eng, req.uid, cat, inst.symbol, order_type, direction,
                           body.price or "" if order_type == E.LIMIT else "", body.size or "")
            raise_reject(res)
            return res

        def qty(lots: int | None) -> str:
            return "" if lots is None else format_fixed(lots * inst.lot_num, inst.lot_dp)

        def amount(units: int | None) -> str:
            return "" if units is None else fmt_amount(units)

        mine = ask(side)
        doc = {"available": amount(mine.available), "maxOpen": amount(mine.max_open), "buyOpenCost": "",
               "sellOpenCost": "", "maxBuyOpen": "", "maxSellOpen": ""}
        if inst.is_futures:
            buy, sell = (mine, ask(E.SELL)) if side == E.BUY else (ask(E.BUY), mine)
            if body.size:
                doc["buyOpenCost"], doc["sellOpenCost"] = amount(buy.open_cost), amount(sell.open_cost)
            doc["maxBuyOpen"], doc["maxSellOpen"] = qty(buy.max_open_lots), qty(sell.max_open_lots)
        return doc

