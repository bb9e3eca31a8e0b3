"""Account endpoints: settings, assets, leverage, hold mode, fee rates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import enums as E
from ...core import errors as X
from ...core.commands import SetHoldMode, SetLeverage
from ...core.ledger import Account
from ...wire.requests import SetHoldModeRequest, SetLeverageRequest
from .. import convert
from .. import params as P
from ..commands import raise_reject
from ..errors import ApiError, missing, param_error

if TYPE_CHECKING:
    from ..app import App, Request


def register(app: App) -> None:
    venue = app.venue

    def account(uid: int) -> Account:
        acct = venue.engine.account(uid)
        if acct is None:  # an authenticated uid always has one
            raise ApiError(X.USER_NOT_FOUND)
        return acct

    @app.route("GET", "/api/v3/account/settings", auth="read", limit=20)
    async def settings(req: Request) -> Any:
        acct = account(req.uid)
        configs = []
        for inst in venue.instruments.by_key.values():
            if inst.is_futures:
                lev = acct.leverage_of(inst.category, inst.symbol)
                configs.append({"category": inst.category, "symbol": inst.symbol, "marginMode": "crossed",
                                "leverage": str(lev)})
        return {"uid": str(req.uid), "accountMode": "unified", "assetMode": "multi_assets",
                "holdMode": acct.hold_mode, "stpMode": "none", "symbolConfigList": configs, "coinConfigList": []}

    @app.route("GET", "/api/v3/account/assets", auth="read", limit=20)
    async def assets(req: Request) -> Any:
        return convert.assets_doc(venue.engine, account(req.uid))

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
            raise ApiError(X.UNSUPPORTED)
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
        if body.holdMode not in (E.ONE_WAY, E.HEDGE):  # live: 40034 "Parameter <value> does not exist"
            raise missing(body.holdMode or "holdMode")
        result = await venue.execute(SetHoldMode(ts=venue.now_ms(), uid=req.uid, hold_mode=body.holdMode))
        raise_reject(result)
        return "success"
