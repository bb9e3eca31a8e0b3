"""Modify endpoints: ``POST /api/v3/trade/modify-order`` and ``/api/v3/trade/batch-modify-order``, and the
command builders the WebSocket ``modify-order`` / ``batch-modify`` topics share (gateway/ws/trade.py).

Invariants:
- Wire -> ``ModifyItem`` only (no business rule here): category case-insensitive and optional, an unknown
  symbol of a given category is ``25100``, ``autoCancel`` is ``yes``/``no`` in any case.
- A batch is 1-20 items naming at most one category, else the whole request fails and nothing changes;
  the per-item answers have batch cancel's shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import errors as X
from ...core.commands import ModifyBatch, ModifyItem, ModifyOrder
from ...core.errors import Reject
from ...wire.requests import ModifyOrderRequest
from .. import params as P
from ..commands import decode_array, ids, raise_reject
from ..errors import ApiError, param_error

if TYPE_CHECKING:
    from ..app import App, Request


def to_modify_item(body: ModifyOrderRequest, instruments: Any) -> ModifyItem:
    cat = P.category(body.category, required=False)
    if cat and body.symbol and instruments.get(cat, body.symbol) is None:
        raise ApiError(X.SYMBOL_NOT_FOUND, f"Trading pair {body.symbol} does not exist")
    return ModifyItem(order_id=body.orderId or "", client_oid=body.clientOid or "", category=cat,
                      symbol=body.symbol or "", qty=body.qty or "", price=body.price or "",
                      new_client_oid=body.newClientOid or "", auto_cancel=P.yes_no(body.autoCancel, "autoCancel"))


def to_modify(uid: int, ts: int, body: ModifyOrderRequest, instruments: Any) -> ModifyOrder:
    if not body.orderId and not body.clientOid:
        raise P.missing("orderId")
    return ModifyOrder(ts=ts, uid=uid, item=to_modify_item(body, instruments))


def to_modify_batch(uid: int, ts: int, items: list[ModifyOrderRequest], instruments: Any) -> ModifyBatch:
    cmd_items = [to_modify_item(b, instruments) for b in items]
    if len({i.category for i in cmd_items if i.category}) > 1:
        raise param_error("category must be the same for all orders")
    return ModifyBatch(ts=ts, uid=uid, items=cmd_items)


def modify_results(items: list[ModifyOrderRequest], results: list[Any]) -> list[dict[str, str]]:
    """Per-item answers of a batch modify, in request order, shaped as batch cancel's (GUIDE §4 item 6)."""
    out = []
    for given, res in zip(items, results, strict=True):
        if type(res) is Reject:
            out.append({"orderId": given.orderId or "", "clientOid": given.clientOid or "", "code": res.code,
                        "msg": res.msg})
        else:
            out.append(ids(res))
    return out


def register(app: App) -> None:
    venue = app.venue
    instruments = venue.instruments

    @app.route("POST", "/api/v3/trade/modify-order", auth="write", limit=10)
    async def modify_order(req: Request) -> Any:
        body = P.decode_body(req.body, ModifyOrderRequest)
        result = await venue.execute(to_modify(req.uid, venue.now_ms(), body, instruments))
        raise_reject(result)
        return ids(result)

    @app.route("POST", "/api/v3/trade/batch-modify-order", auth="write", limit=10)
    async def batch_modify(req: Request) -> Any:
        if not req.body.lstrip().startswith(b"["):
            raise param_error("request body must be a JSON array")
        items: list[ModifyOrderRequest] = decode_array(req.body, ModifyOrderRequest, "orderList")
        cmd = to_modify_batch(req.uid, venue.now_ms(), items, instruments)
        return modify_results(items, await venue.execute(cmd))
