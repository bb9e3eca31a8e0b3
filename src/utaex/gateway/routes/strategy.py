"""Strategy (TP/SL) endpoints: place, modify, cancel, unfilled and history strategy orders (the preset
TP/SL fields of a request become the engine's ``TpslSpec`` in ``gateway/commands.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import enums as E
from ...core.commands import CancelStrategy, ModifyStrategy, PlaceStrategy, TpslSpec
from ...core.instruments import Instrument
from ...core.strategy import Strategy
from ...wire.requests import (
    CancelStrategyRequest,
    ModifyStrategyRequest,
    PlaceStrategyRequest,
)
from .. import convert
from .. import params as P
from ..commands import raise_reject, tpsl_spec
from ..errors import param_error

if TYPE_CHECKING:
    from ..app import App, Request

DAY_MS = 86_400_000
HISTORY_WINDOW_MS = 90 * DAY_MS


def strategy_doc(inst: Instrument, s: Strategy, *, history: bool = False, held: int = 0) -> dict[str, Any]:
    """``held``: the position's size, shown as the ``qty`` of a live full-position strategy placed without one."""
    qty = s.qty or held
    doc: dict[str, Any] = {
        "orderId": str(s.strategy_id),
        "clientOid": s.client_oid,
        "category": s.category,
        "symbol": s.symbol,
        "qty": convert.qty_str(inst, qty) if qty else "",
        "posSide": s.pos_side,
        **convert.legs_doc(inst, s.legs),
        "createdTime": str(s.created),
        "updatedTime": str(s.updated),
    }
    if history:
        doc["triggerType"] = s.trigger_type
    return doc


def ids(s: Strategy) -> dict[str, str]:
    return {"orderId": str(s.strategy_id), "clientOid": s.client_oid}


def _futures_category(value: str | None) -> str:
    cat = P.category(value)
    if cat not in E.FUTURES:
        raise param_error("category")
    return cat


def _type(q: dict[str, str]) -> None:
    kind = q.get("type")
    if kind and kind.lower() != "tpsl":
        raise param_error("type")


def register(app: App) -> None:
    venue = app.venue
    instruments = venue.instruments

    @app.route("POST", "/api/v3/trade/place-strategy-order", auth="write", limit=10)
    async def place(req: Request) -> Any:
        body = P.decode_body(req.body, PlaceStrategyRequest)
        cat = P.category(body.category)
        spec = tpsl_spec(body) or TpslSpec()
        cmd = PlaceStrategy(ts=venue.now_ms(), uid=req.uid, category=cat, symbol=body.symbol, spec=spec,
                            pos_side=P.lower(body.posSide), side=P.lower(body.side), mode=P.lower(body.tpslMode),
                            qty=body.qty or "", kind=P.lower(body.type), client_oid=body.clientOid or "")
        result = await venue.execute(cmd)
        raise_reject(result)
        return ids(result)

    @app.route("POST", "/api/v3/trade/modify-strategy-order", auth="write", limit=10)
    async def modify(req: Request) -> Any:
        body = P.decode_body(req.body, ModifyStrategyRequest)
        if not body.orderId and not body.clientOid:
            raise P.missing("orderId")
        cmd = ModifyStrategy(ts=venue.now_ms(), uid=req.uid, spec=tpsl_spec(body) or TpslSpec(),
                             order_id=body.orderId or "", client_oid=body.clientOid or "", qty=body.qty or "")
        result = await venue.execute(cmd)
        raise_reject(result)
        return ids(result)

    @app.route("POST", "/api/v3/trade/cancel-strategy-order", auth="write", limit=10)
    async def cancel(req: Request) -> Any:
        body = P.decode_body(req.body, CancelStrategyRequest)
        if not body.orderId and not body.clientOid:
            raise P.missing("orderId")
        cat = P.category(body.category, required=False)
        cmd = CancelStrategy(ts=venue.now_ms(), uid=req.uid, order_id=body.orderId or "",
                             client_oid=body.clientOid or "", category=cat, symbol=body.symbol or "")
        raise_reject(await venue.execute(cmd))
        return None

    @app.route("GET", "/api/v3/trade/unfilled-strategy-orders", auth="read", limit=20)
    async def unfilled(req: Request) -> Any:
        q = req.query
        cat = _futures_category(q.get("category"))
        _type(q)
        symbol = q.get("symbol") or ""
        eng = venue.engine
        mine = [s for sid, s in sorted(eng.strategies.live.items(), reverse=True)
                if s.uid == req.uid and s.category == cat and (not symbol or s.symbol == symbol)]
        out = []
        for s in mine:
            pos = eng.positions.get((s.uid, s.category, s.symbol, s.pos_side))
            out.append(strategy_doc(instruments.by_key[(s.category, s.symbol)], s, held=pos.qty if pos else 0))
        return out

    @app.route("GET", "/api/v3/trade/history-strategy-orders", auth="read", limit=20)
    async def history(req: Request) -> Any:
        q = req.query
        cat = _futures_category(q.get("category"))
        _type(q)
        symbol = q.get("symbol") or ""
        now = venue.now_ms()
        start, end = P.opt_int(q, "startTime"), P.opt_int(q, "endTime")
        start = max(start if start is not None else 0, now - HISTORY_WINDOW_MS)
        end = end if end is not None else now
        if start > end:
            raise param_error("startTime must not be after endTime")
        limit = P.int_param(q, "limit", 100, 1, 100)
        cursor = P.opt_id(q, "cursor")
        eng = venue.engine
        past = eng.strategies.history.get(req.uid, [])
        hidden = eng.reset_at  # history from before a reset or a restore is not shown
        picked: list[Strategy] = []
        for s in sorted(past, key=lambda s: -s.strategy_id):
            if cursor is not None and s.strategy_id >= cursor:
                continue
            if s.category != cat or (symbol and s.symbol != symbol) or not start <= s.created <= end:
                continue
            if s.updated < hidden:
                continue
            picked.append(s)
            if len(picked) == limit:
                break
        next_cursor = str(picked[-1].strategy_id) if len(picked) == limit else ""
        return {"list": [strategy_doc(instruments.by_key[(s.category, s.symbol)], s, history=True) for s in picked],
                "cursor": next_cursor}
