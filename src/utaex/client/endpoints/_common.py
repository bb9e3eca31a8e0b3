"""What the endpoint modules share: option dicts, batch checks, body helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import msgspec

from ...wire import responses as R
from ...wire.requests import (
    PlaceOrderRequest,
)
from ..base import Number, num

BATCH_MAX = 20


def _yes_no(value: bool | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return "YES" if value else "NO"


def _opt(value: Number | None, name: str) -> str | None:
    return None if value is None else num(value, name)


class OrderOptions(TypedDict, total=False):
    """Optional place-order fields (keyword arguments of ``place_order`` and :func:`order_request`)."""

    time_in_force: str
    pos_side: str
    client_oid: str
    reduce_only: bool | str
    stp_mode: str
    take_profit: Number
    stop_loss: Number
    tp_trigger_by: str
    sl_trigger_by: str
    tp_order_type: str
    sl_order_type: str
    tp_limit_price: Number
    sl_limit_price: Number


def order_request(category: str, symbol: str, side: str, order_type: str, qty: Number, price: Number | None = None,
                  *, time_in_force: str | None = None, pos_side: str | None = None, client_oid: str | None = None,
                  reduce_only: bool | str | None = None, stp_mode: str | None = None,
                  take_profit: Number | None = None, stop_loss: Number | None = None,
                  tp_trigger_by: str | None = None, sl_trigger_by: str | None = None,
                  tp_order_type: str | None = None, sl_order_type: str | None = None,
                  tp_limit_price: Number | None = None, sl_limit_price: Number | None = None) -> PlaceOrderRequest:
    """A place-order body (also an item of :func:`place_batch`). Amounts are exact: str, int or Decimal."""
    return PlaceOrderRequest(
        category=category, symbol=symbol, side=side, orderType=order_type, qty=num(qty, "qty"),
        price=_opt(price, "price"), timeInForce=time_in_force, posSide=pos_side, clientOid=client_oid,
        reduceOnly=_yes_no(reduce_only), stpMode=stp_mode, takeProfit=_opt(take_profit, "take_profit"),
        stopLoss=_opt(stop_loss, "stop_loss"), tpTriggerBy=tp_trigger_by, slTriggerBy=sl_trigger_by,
        tpOrderType=tp_order_type, slOrderType=sl_order_type, tpLimitPrice=_opt(tp_limit_price, "tp_limit_price"),
        slLimitPrice=_opt(sl_limit_price, "sl_limit_price"))


class TpslOptions(TypedDict, total=False):
    """The take-profit / stop-loss legs of a strategy order (keyword arguments of the strategy methods)."""

    take_profit: Number
    stop_loss: Number
    tp_trigger_by: str
    sl_trigger_by: str
    tp_order_type: str
    sl_order_type: str
    tp_limit_price: Number
    sl_limit_price: Number


def _legs(options: TpslOptions) -> dict[str, Any]:
    unknown = set(options) - set(TpslOptions.__annotations__)
    if unknown:
        raise TypeError(f"unknown TP/SL options: {sorted(unknown)}")
    o: dict[str, Any] = dict(options)
    return {
        "takeProfit": _opt(o.get("take_profit"), "take_profit"), "stopLoss": _opt(o.get("stop_loss"), "stop_loss"),
        "tpTriggerBy": o.get("tp_trigger_by"), "slTriggerBy": o.get("sl_trigger_by"),
        "tpOrderType": o.get("tp_order_type"), "slOrderType": o.get("sl_order_type"),
        "tpLimitPrice": _opt(o.get("tp_limit_price"), "tp_limit_price"),
        "slLimitPrice": _opt(o.get("sl_limit_price"), "sl_limit_price"),
    }


def _struct(item: Any, typ: type[Any]) -> Any:
    if isinstance(item, typ):
        return item
    if isinstance(item, Mapping):
        return msgspec.convert(dict(item), typ)
    raise TypeError(f"expected {typ.__name__} or a mapping, got {type(item).__name__}")


def _batch_results(rows: list[R.BatchRow]) -> list[R.BatchItem]:
    return [row.result() for row in rows]


def _check_batch(items: Sequence[Any], what: str) -> None:
    if isinstance(items, str | bytes | Mapping):
        raise TypeError(f"{what} takes a sequence of items")
