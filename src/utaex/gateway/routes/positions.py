"""Position and account routes beyond the basics: close all positions, the funding account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import enums as E
from ...core.commands import ClosePositions
from ...core.errors import Reject
from ...wire.requests import ClosePositionsRequest
from .. import params as P
from ..errors import ApiError, param_error
from .account import raise_reject

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
            raise ApiError("25201", "Currency does not exist")
        return []
