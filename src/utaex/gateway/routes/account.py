"""Account endpoints: settings, assets, leverage, hold mode, fee rates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import enums as E
from ...core.commands import SetHoldMode, SetLeverage
from ...core.errors import Reject
from ...wire.requests import SetHoldModeRequest, SetLeverageRequest
from .. import convert
from .. import params as P
from ..errors import ApiError, param_error

if TYPE_CHECKING:
    from ..app import App, Request


def raise_reject(result: Any) -> None:
    if isinstance(result, Reject):
        raise ApiError(result.code, result.msg)


def register(app: App) -> None:
    venue = app.venue

    @app.route("GET", "/api/v3/account/settings", auth="read", limit=20)
    async def settings(req: Request) -> Any:
        eng = venue.engine
        acct = eng.accounts[req.uid]
        configs = []
        for inst in eng.instruments.by_key.values():
            if inst.is_futures:
                lev = acct.leverage.get(f"{inst.category}:{inst.symbol}", 10)
                configs.append({"category": inst.category, "symbol": inst.symbol, "marginMode": "crossed",
                                "leverage": str(lev)})
        return {"uid": str(req.uid), "accountMode": "unified", "assetMode": "multi_assets",
                "holdMode": acct.hold_mode, "stpMode": "none", "symbolConfigList": configs, "coinConfigList": []}

    @app.route("GET", "/api/v3/account/assets", auth="read", limit=20)
    async def assets(req: Request) -> Any:
        eng = venue.engine
        return convert.assets_doc(eng, eng.accounts[req.uid])

    @app.route("GET", "/api/v3/account/fee-rate", auth="read", limit=3)
    async def fee_rate(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        inst = P.instrument(venue.instruments, cat, q.get("symbol"))
        return {"makerFeeRate": inst.spec.makerFeeRate, "takerFeeRate": inst.spec.takerFeeRate}

    @app.route("POST", "/api/v3/account/set-leverage", auth="write", limit=10)
    async def set_leverage(req: Request) -> Any:
        body = P.decode_body(req.body, SetLeverageRequest)
        cat = P.category(body.category)
        if cat == E.MARGIN:
            raise ApiError("25002", "Unsupported operation")
        if cat not in E.FUTURES:
            raise param_error("category")
        inst = P.instrument(venue.instruments, cat, body.symbol)
        if not P.is_uint(body.leverage) or len(body.leverage) > 4 or int(body.leverage) < 1:
            raise param_error("leverage")
        result = await venue.execute(SetLeverage(ts=venue.now_ms(), uid=req.uid, category=cat,
                                                 symbol=inst.symbol, leverage=int(body.leverage)))
        raise_reject(result)
        return "success"

    @app.route("POST", "/api/v3/account/set-hold-mode", auth="write", limit=10)
    async def set_hold_mode(req: Request) -> Any:
        body = P.decode_body(req.body, SetHoldModeRequest)
        if body.holdMode not in (E.ONE_WAY, E.HEDGE):
            raise param_error("holdMode")
        result = await venue.execute(SetHoldMode(ts=venue.now_ms(), uid=req.uid, hold_mode=body.holdMode))
        raise_reject(result)
        return "success"
