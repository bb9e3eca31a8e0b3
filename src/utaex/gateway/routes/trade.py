"""Trade endpoints: place, batch place, cancel, batch cancel, cancel by symbol, dead-man switch,
order queries, fills and positions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from ...core import enums as E
from ...core import errors as X
from ...core.commands import CancelAll
from ...wire.requests import (
    CancelBatchItem,
    CancelOrderRequest,
    CancelSymbolRequest,
    CountdownRequest,
    PlaceOrderRequest,
)
from .. import convert
from .. import params as P
from ..commands import (
    cancel_results,
    decode_array,
    ids,
    place_results,
    raise_reject,
    to_cancel,
    to_cancel_batch,
    to_place,
    to_place_batch,
)
from ..errors import ApiError, param_error

if TYPE_CHECKING:
    from ..app import App, Request
    from ..venue import Venue

DAY_MS = 86_400_000
HISTORY_WINDOW_MS = 90 * DAY_MS
RANGE_MAX_MS = 30 * DAY_MS


class _Created(msgspec.Struct):
    created: int


_created = msgspec.json.Decoder(_Created).decode


def created_of(doc: bytes) -> int:
    """Creation time of a stored order document."""
    return _created(doc).created


def history_window(venue: Venue, q: dict[str, str]) -> tuple[int, int]:
    """``startTime``/``endTime`` of a history read: the 90-day access window, at most 30 days between them,
    nothing from before a venue reset."""
    now = venue.now_ms()
    start, end = P.opt_int(q, "startTime"), P.opt_int(q, "endTime")
    if end is None:
        end = now
    if start is None:
        start = max(end - HISTORY_WINDOW_MS, now - HISTORY_WINDOW_MS)
    if start < now - HISTORY_WINDOW_MS - DAY_MS:
        raise param_error("startTime is outside the 90 day access window")
    if start > end:
        raise param_error("startTime must not be after endTime")
    if "startTime" in q and "endTime" in q and end - start > RANGE_MAX_MS:
        raise param_error("the range between startTime and endTime must not exceed 30 days")
    return max(start, venue.engine.reset_at), end  # history from before a venue reset is gone


def register(app: App) -> None:
    venue = app.venue
    instruments = venue.instruments

    @app.route("POST", "/api/v3/trade/place-order", auth="write", limit=10)
    async def place_order(req: Request) -> Any:
        body = P.decode_body(req.body, PlaceOrderRequest)
        result = await venue.execute(to_place(req.uid, venue.now_ms(), body))
        raise_reject(result)
        return ids(result)

    @app.route("POST", "/api/v3/trade/place-batch", auth="write", limit=5)
    async def place_batch(req: Request) -> Any:
        if not req.body.lstrip().startswith(b"["):
            raise param_error("request body must be a JSON array")
        items = decode_array(req.body, PlaceOrderRequest, "orderList")
        cmd = to_place_batch(req.uid, venue.now_ms(), items)
        return place_results(cmd.orders, await venue.execute(cmd))

    @app.route("POST", "/api/v3/trade/cancel-order", auth="write", limit=10)
    async def cancel_order(req: Request) -> Any:
        body = P.decode_body(req.body, CancelOrderRequest)
        result = await venue.execute(to_cancel(req.uid, venue.now_ms(), body))
        raise_reject(result)
        return ids(result)

    @app.route("POST", "/api/v3/trade/cancel-batch", auth="write", limit=5)
    async def cancel_batch(req: Request) -> Any:
        if not req.body.lstrip().startswith(b"["):
            raise param_error("request body must be a JSON array")
        items: list[CancelBatchItem] = decode_array(req.body, CancelBatchItem, "orderIdList")
        cmd = to_cancel_batch(req.uid, venue.now_ms(), items, instruments)
        return cancel_results(items, await venue.execute(cmd))

    @app.route("POST", "/api/v3/trade/cancel-symbol-order", auth="write", limit=5)
    async def cancel_symbol(req: Request) -> Any:
        body = P.decode_body(req.body, CancelSymbolRequest)
        cat = P.category(body.category)
        symbol = ""
        if body.symbol:
            symbol = P.instrument(instruments, cat, body.symbol).symbol
        result = await venue.execute(CancelAll(ts=venue.now_ms(), uid=req.uid, category=cat, symbol=symbol))
        return {"list": [ids(o) for o in result]}

    @app.route("POST", "/api/v3/trade/countdown-cancel-all", auth="write", limit=1)
    async def countdown(req: Request) -> Any:
        body = P.decode_body(req.body, CountdownRequest)
        raw = body.countdown
        if not P.is_uint(raw) or len(raw) > 3:
            raise param_error("countdown")
        seconds = int(raw)
        if seconds != 0 and not 5 <= seconds <= 60:
            raise param_error("countdown must be 0 or between 5 and 60")
        venue.set_countdown(req.uid, seconds)
        return "success"

    @app.route("GET", "/api/v3/trade/order-info", auth="read", limit=20)
    async def order_info(req: Request) -> Any:
        q = req.query
        oid, coid = q.get("orderId", ""), q.get("clientOid", "")
        if not oid and not coid:
            raise P.missing("orderId")
        if oid and not P.is_id(oid):
            raise ApiError(X.ORDER_NOT_FOUND)  # names no order (and must not reach int()/SQLite)
        eng = venue.engine
        order = eng.find_pending(req.uid, oid, coid)
        if order is not None:
            return convert.order_doc(instruments.by_key[(order.category, order.symbol)], order)
        if oid:
            doc = venue.history().get_order(req.uid, order_id=int(oid)) if oid.isdigit() and len(oid) < 20 else None
        else:
            doc = venue.history().get_order(req.uid, client_oid=coid)
        if doc is None or (eng.reset_at and created_of(doc) < eng.reset_at):  # gone with a venue reset
            raise ApiError(X.ORDER_NOT_FOUND)
        return convert.stored_order_doc(instruments, doc)

    @app.route("GET", "/api/v3/trade/unfilled-orders", auth="read", limit=20)
    async def unfilled(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"), required=False)
        symbol = q.get("symbol") or ""
        start, end = P.opt_int(q, "startTime"), P.opt_int(q, "endTime")
        limit = P.int_param(q, "limit", 100, 1, 100)
        cursor = P.opt_id(q, "cursor")
        picked = []
        for o in venue.engine.open_orders(req.uid, cat, symbol):
            if cursor is not None and o.order_id >= cursor:
                continue
            if (start is not None and o.created < start) or (end is not None and o.created > end):
                continue
            picked.append(o)
            if len(picked) == limit:
                break
        next_cursor = str(picked[-1].order_id) if len(picked) == limit else ""
        return {"list": [convert.order_doc(instruments.by_key[(o.category, o.symbol)], o) for o in picked],
                "cursor": next_cursor}

    def window(q: dict[str, str]) -> tuple[int, int]:
        return history_window(venue, q)

    @app.route("GET", "/api/v3/trade/history-orders", auth="read", limit=20)
    async def history(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        start, end = window(q)
        limit = P.int_param(q, "limit", 100, 1, 100)
        cursor = q.get("cursor") or None
        if cursor is not None and not P.is_id(cursor):
            raise param_error("cursor")
        docs, next_cursor = venue.history().history_orders(req.uid, cat, q.get("symbol") or None, start, end, limit,
                                                       cursor)
        return {"list": [convert.stored_order_doc(instruments, d) for d in docs], "cursor": next_cursor}

    @app.route("GET", "/api/v3/trade/fills", auth="read", limit=20)
    async def fills(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"), required=False) or None
        start, end = window(q)
        limit = P.int_param(q, "limit", 100, 1, 100)
        cursor = q.get("cursor") or None
        if cursor is not None and not P.is_id(cursor):
            raise param_error("cursor")
        order_id = P.opt_id(q, "orderId")
        docs, next_cursor = venue.history().fills(req.uid, cat, order_id, start, end, limit, cursor)
        return {"list": [convert.stored_fill_doc(instruments, d) for d in docs], "cursor": next_cursor}

    @app.route("GET", "/api/v3/position/current-position", auth="read", limit=20)
    async def positions(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        if cat not in E.FUTURES:
            raise param_error("category")
        symbol = q.get("symbol") or ""
        pos_side = q.get("posSide") or ""
        eng = venue.engine
        acct = eng.account(req.uid)
        if acct is None:
            raise ApiError(X.USER_NOT_FOUND)
        hold_mode = acct.hold_mode
        return {"list": [convert.position_doc(eng, instruments.by_key[(pos.category, pos.symbol)], pos, hold_mode)
                         for pos in eng.open_positions(req.uid, cat, symbol, pos_side)]}
