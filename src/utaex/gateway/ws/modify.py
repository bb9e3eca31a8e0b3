"""The WebSocket ``modify-order`` and ``batch-modify`` trade topics (wired in by gateway/ws/trade.py).

Invariants:
- Same decoding, commands and per-item answers as ``POST /api/v3/trade/modify-order`` and
  ``batch-modify-order`` (gateway/routes/modify.py); successful batch items add the WS ``code "0"`` /
  ``msg "Success"``. A single modify that fails is an ``error`` event with the code, as ``cancel-order``.
- The message-level ``category`` applies to every item; ``clientId`` (as the pages' request examples
  spell it) is read as ``clientOid`` when no ``clientOid`` is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import errors as X
from ...core.errors import Reject
from ...wire.requests import ModifyOrderRequest
from .. import params as P
from ..commands import convert_array, ids
from ..errors import ApiError
from ..routes.modify import modify_results, to_modify, to_modify_batch

if TYPE_CHECKING:
    from ..venue import Venue

OK = {"code": "0", "msg": "Success"}


def _items(category: Any, args: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if category is not None and not isinstance(category, str):
        raise ApiError(X.PARAM_ERROR, "Parameter verification failed category")
    out = []
    for a in args:
        item = dict(a)
        if "clientId" in item:
            alias = item.pop("clientId")
            item.setdefault("clientOid", alias)
        if category is not None:
            item["category"] = category
        out.append(item)
    return out


async def modify_order(venue: Venue, uid: int, category: Any, args: list[dict[str, Any]]) -> list[dict[str, str]]:
    if len(args) != 1:
        raise ApiError(X.PARAM_ERROR, "Parameter verification failed args must hold exactly one order")
    body = P.convert_body(_items(category, args)[0], ModifyOrderRequest)
    result = await venue.execute(to_modify(uid, venue.now_ms(), body, venue.instruments))
    if isinstance(result, Reject):
        raise ApiError(result.code, result.msg)
    return [ids(result)]


async def batch_modify(venue: Venue, uid: int, category: Any, args: list[dict[str, Any]]) -> list[dict[str, str]]:
    items: list[ModifyOrderRequest] = convert_array(_items(category, args), ModifyOrderRequest, "orderList")
    cmd = to_modify_batch(uid, venue.now_ms(), items, venue.instruments)
    return [r if "code" in r else {**OK, **r} for r in modify_results(items, await venue.execute(cmd))]
