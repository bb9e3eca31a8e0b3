"""Trade endpoints: place, batch place, cancel, batch cancel, cancel by symbol, dead-man switch,
order queries, fills and positions."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import msgspec

from ...core import enums as E
from ...core.commands import CancelAll, CancelBatch, CancelItem, CancelOrder, PlaceBatch, PlaceOrder
from ...core.errors import Reject
from ...core.order import Order
from ...wire.requests import (
    CancelBatchItem,
    CancelOrderRequest,
    CancelSymbolRequest,
    CountdownRequest,
    PlaceOrderRequest,
)
from .. import convert
from .. import params as P
from ..errors import ApiError, param_error
from .account import raise_reject
from .strategy import tpsl_spec

if TYPE_CHECKING:
    from ..app import App, Request

BATCH_MAX = 20
DAY_MS = 86_400_000
HISTORY_WINDOW_MS = 90 * DAY_MS
RANGE_MAX_MS = 30 * DAY_MS


def ids(order: Order) -> dict[str, str]:
    return {"orderId": str(order.order_id), "clientOid": order.client_oid}


def to_place(uid: int, ts: int, body: PlaceOrderRequest) -> PlaceOrder:
    cat = P.category(body.category)
    return PlaceOrder(
        ts=ts, uid=uid, category=cat, symbol=body.symbol, side=P.lower(body.side), order_type=P.lower(body.orderType),
        qty=body.qty, price=body.price or "", tif=P.lower(body.timeInForce, E.GTC), pos_side=P.lower(body.posSide),
        reduce_only=P.yes_no(body.reduceOnly, "reduceOnly"), client_oid=body.clientOid or "",
        stp_mode=P.lower(body.stpMode, "none"), tpsl=tpsl_spec(body),
    )


def decode_array(body: bytes, typ: Any, what: str) -> list[Any]:
    items = P.decode_body(body, list[typ])
    if not items:
        raise param_error(f"{what} must not be empty")
    if len(items) > BATCH_MAX:
        raise param_error(f"{what} cannot exceed {BATCH_MAX} orders")
    return items


# ---- shared by REST and the WebSocket trade topics (gateway/ws/trade.py) ---------------------------------
def to_place_batch(uid: int, ts: int, items: list[PlaceOrderRequest]) -> PlaceBatch:
    orders = [to_place(uid, ts, b) for b in items]
    if len({o.category for o in orders}) > 1:
        raise param_error("category must be the same for all orders")
    return PlaceBatch(ts=ts, uid=uid, orders=orders)


def place_results(orders: list[PlaceOrder], results: list[Any]) -> list[dict[str, str]]:
    """Per-item answers of a batch place, in request order."""
    out = []
    for given, res in zip(orders, results, strict=True):
        if isinstance(res, Reject):
            out.append({"orderId": "", "clientOid": given.client_oid, "code": res.code, "msg": res.msg})
        else:
            out.append(ids(res))
    return out


def to_cancel(uid: int, ts: int, body: CancelOrderRequest) -> CancelOrder:
    if not body.orderId and not body.clientOid:
        raise P.missing("orderId")
    cat = P.category(body.category, required=False)
    return CancelOrder(ts=ts, uid=uid, order_id=body.orderId or "", client_oid=body.clientOid or "",
                       category=cat, symbol=body.symbol or "")


@functools.lru_cache(maxsize=4096)
def _item_category(instruments: Any, category: str | None, symbol: str | None, scoped: bool) -> str:
    """The canonical category of a cancel item naming ``category``/``symbol`` (raises for bad ones).
    Pure for a given instrument set, so the answers for valid pairs are memoised."""
    cat = P.category(category, required=scoped)
    if not symbol:
        if scoped:
            raise P.missing("symbol")
    elif cat and instruments.get(cat, symbol) is None:
        raise ApiError("25100", f"Trading pair {symbol} does not exist")
    return cat


def to_cancel_batch(uid: int, ts: int, items: list[CancelBatchItem], instruments: Any, *,
                    scoped: bool = True) -> CancelBatch:
    """Batch cancel (docs/decisions.md): ``scoped`` (REST) requires category and symbol in every item; the WebSocket
    ``batch-cancel`` items name only orderId/clientOid and resolve among all the user's pending orders
    (a category or symbol given there is still checked and used as a filter)."""
    cats = set()
    cmd_items = []
    for item in items:
        cat = _item_category(instruments, item.category, item.symbol, scoped)
        if cat:
            cats.add(cat)
        cmd_items.append(CancelItem(order_id=item.orderId or "", client_oid=item.clientOid or "",
                                    category=cat, symbol=item.symbol or ""))
    if len(cats) > 1:
        raise param_error("category must be the same for all orders")
    return CancelBatch(ts=ts, uid=uid, items=cmd_items)


def cancel_results(items: list[CancelBatchItem], results: list[Any]) -> list[dict[str, str]]:
    """Per-item answers of a batch cancel, in request order: the real ids, or the ids as given plus code and msg."""
    out = []
    append = out.append
    for given, res in zip(items, results, strict=True):
        if type(res) is Reject:
            append({"orderId": given.orderId or "", "clientOid": given.clientOid or "",
                    "code": res.code, "msg": res.msg})
        else:
            append(ids(res))
    return out


class _Created(msgspec.Struct):
    created: int


_created = msgspec.json.Decoder(_Created).decode


def created_of(doc: bytes) -> int:
    """Creation time of a stored order document."""
    return _created(doc).created


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
            raise ApiError("25204", "Order does not exist")  # names no order (and must not reach int()/SQLite)
        eng = venue.engine
        order = eng.find_pending(req.uid, oid, coid)
        if order is not None:
            return convert.order_doc(instruments.by_key[(order.category, order.symbol)], order)
        if oid:
            doc = venue.history().get_order(req.uid, order_id=int(oid)) if oid.isdigit() and len(oid) < 20 else None
        else:
            doc = venue.history().get_order(req.uid, client_oid=coid)
        if doc is None or (eng.reset_at and created_of(doc) < eng.reset_at):  # gone with a venue reset
            raise ApiError("25204", "Order does not exist")
        return convert.stored_order_doc(instruments, doc)

    @app.route("GET", "/api/v3/trade/unfilled-orders", auth="read", limit=20)
    async def unfilled(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"), required=False)
        symbol = q.get("symbol") or ""
        start, end = P.opt_int(q, "startTime"), P.opt_int(q, "endTime")
        limit = P.int_param(q, "limit", 100, 1, 100)
        cursor = P.opt_id(q, "cursor")
        mine = venue.engine.user_orders.get(req.uid, {})
        picked = []
        for oid in sorted(mine, reverse=True):
            if cursor is not None and oid >= cursor:
                continue
            o = mine[oid]
            if (cat and o.category != cat) or (symbol and o.symbol != symbol):
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
        acct = eng.accounts[req.uid]
        out = []
        for (uid, c, s, side), pos in sorted(eng.positions.items()):
            if uid != req.uid or c != cat or pos.qty == 0:
                continue
            if (symbol and s != symbol) or (pos_side and side != pos_side):
                continue
            out.append(convert.position_doc(eng, instruments.by_key[(c, s)], pos, acct.hold_mode))
        return {"list": out}
