"""Wire requests -> engine commands, and engine results -> per-item answers, shared by the REST
routes and the WebSocket trade topics (``gateway/ws/trade.py``), so both speak the same logic.

Invariants: nothing here touches the venue or the engine; a bad request raises ``ApiError`` (Bitget's
code and message) before any command exists; per-item answers keep request order.
"""

from __future__ import annotations

import functools
from types import GenericAlias
from typing import Any, TypeVar

from ..core import enums as E
from ..core import errors as X
from ..core.commands import CancelBatch, CancelItem, CancelOrder, PlaceBatch, PlaceOrder, TpslSpec
from ..core.errors import Reject
from ..core.instruments import InstrumentSet
from ..core.order import Order
from ..wire.requests import (
    CancelBatchItem,
    CancelOrderRequest,
    ModifyStrategyRequest,
    PlaceOrderRequest,
    PlaceStrategyRequest,
)
from . import params as P
from .errors import ApiError, param_error

T = TypeVar("T")
BATCH_MAX = 20


def raise_reject(result: object) -> None:
    """Raise a refused command's Bitget code and message as the request's error."""
    if isinstance(result, Reject):
        raise ApiError(result.code, result.msg)


def ids(order: Order) -> dict[str, str]:
    return {"orderId": str(order.order_id), "clientOid": order.client_oid}


def tpsl_spec(body: PlaceOrderRequest | PlaceStrategyRequest | ModifyStrategyRequest) -> TpslSpec | None:
    """The TP/SL fields of a request as the engine's spec (None when the request has none)."""
    values = (body.takeProfit, body.stopLoss, body.tpTriggerBy, body.slTriggerBy, body.tpOrderType,
              body.slOrderType, body.tpLimitPrice, body.slLimitPrice)
    if not any(v is not None for v in values):
        return None
    tp, sl, tp_by, sl_by, tp_type, sl_type, tp_limit, sl_limit = (v or "" for v in values)
    return TpslSpec(take_profit=tp, stop_loss=sl, tp_trigger_by=P.lower(tp_by), sl_trigger_by=P.lower(sl_by),
                    tp_order_type=P.lower(tp_type), sl_order_type=P.lower(sl_type), tp_limit_price=tp_limit,
                    sl_limit_price=sl_limit)


def to_place(uid: int, ts: int, body: PlaceOrderRequest) -> PlaceOrder:
    cat = P.category(body.category)
    return PlaceOrder(
        ts=ts, uid=uid, category=cat, symbol=body.symbol, side=P.lower(body.side), order_type=P.lower(body.orderType),
        qty=body.qty, price=body.price or "", tif=P.lower(body.timeInForce, E.GTC), pos_side=P.lower(body.posSide),
        reduce_only=P.yes_no(body.reduceOnly, "reduceOnly"), client_oid=body.clientOid or "",
        stp_mode=P.lower(body.stpMode, "none"), tpsl=tpsl_spec(body),
    )


def decode_array(body: bytes, typ: type[T], what: str) -> list[T]:
    return _batch(P.decode_body(body, GenericAlias(list, (typ,))), what)  # list[typ], built at run time


def convert_array(doc: Any, typ: type[T], what: str) -> list[T]:
    """``decode_array`` for already decoded JSON (WebSocket trade args)."""
    return _batch(P.convert_body(doc, GenericAlias(list, (typ,))), what)


def _batch(items: list[T], what: str) -> list[T]:
    if not items:
        raise param_error(f"{what} must not be empty")
    if len(items) > BATCH_MAX:
        raise param_error(f"{what} cannot exceed {BATCH_MAX} orders")
    return items


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
def _item_category(instruments: InstrumentSet, category: str | None, symbol: str | None, scoped: bool) -> str:
    """The canonical category of a cancel item naming ``category``/``symbol`` (raises for bad ones).
    Pure for a given instrument set, so the answers for valid pairs are memoised."""
    cat = P.category(category, required=scoped)
    if not symbol:
        if scoped:
            raise P.missing("symbol")
    elif cat and instruments.get(cat, symbol) is None:
        raise_reject(X.reject(X.SYMBOL_NOT_FOUND, symbol))
    return cat


def to_cancel_batch(uid: int, ts: int, items: list[CancelBatchItem], instruments: InstrumentSet, *,
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
    out: list[dict[str, str]] = []
    append = out.append
    for given, res in zip(items, results, strict=True):
        if type(res) is Reject:
            append({"orderId": given.orderId or "", "clientOid": given.clientOid or "",
                    "code": res.code, "msg": res.msg})
        else:
            append(ids(res))
    return out
