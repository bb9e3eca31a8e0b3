"""Trading over the private WebSocket: ``op: "trade"`` with topics ``place-order``, ``cancel-order``,
``batch-place``, ``batch-cancel``, ``modify-order`` and ``batch-modify`` (the last two in gateway/ws/modify.py).

Invariants:
- Same logic as REST: requests are decoded by the REST request structs and turned into commands by
  the helpers of ``gateway/commands.py``; per-item results come from the same functions, so a WS
  ``batch-cancel`` answers item for item like ``POST /api/v3/trade/cancel-batch`` (plus Bitget's WS
  ``code "0"``/``msg "Success"`` on successful items). Its items name only orderId/clientOid and
  resolve among all of the user's pending orders (docs/decisions.md, Batch cancel).
- Checked before anything else, as REST does: logged in, trade permission, and the per-UID rate
  limit of the matching REST endpoint under the same key (``"{uid}:{REST path}"``), so REST and WS
  calls share one budget. One request counts once, whatever its item count.
- The answer is sent only after ``venue.execute`` returned, i.e. once the command is durable.
- Injected faults on ``ws:<topic>`` (gateway/faults.py) act after those checks, as on REST: ``429`` and
  ``error`` answer an error event with nothing applied, ``latency`` waits first, ``item_error`` fails the
  chosen items while the others run (results in order, one per item), ``lost_reply`` applies the command,
  waits until it is durable, and closes the connection without an answer.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ...core import errors as X
from ...wire.requests import CancelBatchItem, CancelOrderRequest, PlaceOrderRequest
from .. import params as P
from ..commands import (
    cancel_results,
    convert_array,
    ids,
    place_results,
    raise_reject,
    to_cancel,
    to_cancel_batch,
    to_place,
    to_place_batch,
)
from ..errors import ApiError, param_error
from ..faults import WS_TRADE_EFFECTS, Fault
from . import modify
from .codes import (
    CHANNEL_NOT_FOUND,
    LOGIN_REQUIRED,
    MESSAGES,
    PARAM_ERROR,
    RATE_LIMITED,
    SYSTEM_ERROR,
    WsError,
    trade_error_event,
)

if TYPE_CHECKING:
    from ..app import App
    from .conn import Connection

log = logging.getLogger("utaex.ws")

REST_PATH = {
    "place-order": "/api/v3/trade/place-order",
    "batch-place": "/api/v3/trade/place-batch",
    "cancel-order": "/api/v3/trade/cancel-order",
    "batch-cancel": "/api/v3/trade/cancel-batch",
    "modify-order": "/api/v3/trade/modify-order",
    "batch-modify": "/api/v3/trade/batch-modify-order",
}
WS_RENAMES = {"takeprofit": "takeProfit", "stoploss": "stopLoss"}
OK = {"code": "0", "msg": "Success"}
Handler = Callable[[int, Any, list[dict[str, Any]]], Awaitable[list[dict[str, str]]]]


class TradeOps:
    def __init__(self, app: App) -> None:
        self.app = app
        self.venue = app.venue
        self.handlers: dict[str, Handler] = {
            "place-order": self.place_order,
            "batch-place": self.batch_place,
            "cancel-order": self.cancel_order,
            "batch-cancel": self.batch_cancel,
            "modify-order": functools.partial(modify.modify_order, self.venue),
            "batch-modify": functools.partial(modify.batch_modify, self.venue),
        }

    async def handle(self, conn: Connection, msg: dict[str, Any]) -> None:
        topic = msg.get("topic")
        head: dict[str, Any] = {"id": msg.get("id", "")}
        if msg.get("category") is not None:
            head["category"] = msg["category"]
        head["topic"] = topic
        try:
            handler = self.handlers.get(topic) if isinstance(topic, str) else None
            if handler is None or not isinstance(topic, str):
                raise WsError(CHANNEL_NOT_FOUND, f"topic:{topic} doesn't exist")
            api = conn.api
            if api is None:
                raise WsError(LOGIN_REQUIRED)
            if api.read_only:
                raise ApiError(X.NO_TRADE_PERMISSION)
            path = REST_PATH[topic]
            route = self.app.routes.get(("POST", path))
            limiter = self.app.limiter
            if limiter.enabled and not limiter.allow(f"{api.uid}:{path}", route.limit if route else 5,
                                                     time.monotonic()):
                raise WsError(RATE_LIMITED)
            args = msg.get("args")
            if not isinstance(args, list) or not all(isinstance(a, dict) for a in args):
                raise WsError(PARAM_ERROR, "Param error: args must be a list of objects")
            fault = self.app.faults.match(f"ws:{topic}", api.uid, WS_TRADE_EFFECTS) if self.app.faults else None
            if fault is None:
                out = await handler(api.uid, msg.get("category"), args)
            else:
                out = await self._faulty(fault, handler, api.uid, msg.get("category"), args, topic)
                if fault.effect == "lost_reply":
                    conn.drop(f"lost_reply fault {fault.id}")  # applied and durable, but never answered
                    return
            conn.send_doc({"event": "trade", **head, "args": out, **OK, "ts": str(int(time.time() * 1000))})
        except (WsError, ApiError) as err:
            conn.send_doc(trade_error_event(err.code, err.msg, **head, ts=str(int(time.time() * 1000))))
        except Exception:  # a bug: answer and log instead of leaving the request unanswered
            log.exception("ws trade %s failed", topic)
            conn.send_doc(trade_error_event(SYSTEM_ERROR, MESSAGES[SYSTEM_ERROR], **head,
                                            ts=str(int(time.time() * 1000))))

    async def _faulty(self, fault: Fault, handler: Handler, uid: int, category: Any, args: list[dict[str, Any]],
                      topic: str) -> list[dict[str, str]]:
        """Run a trade op under an injected fault (gateway/faults.py): nothing applied for ``429`` and ``error``,
        a delay for ``latency``, the chosen items failed for ``item_error`` while the others run."""
        effect = fault.effect
        if effect == "429":
            raise WsError(fault.code, fault.msg)
        if effect == "error":
            if fault.spec.code is None and fault.spec.msg is None:  # WebSocket's own system error by default
                raise WsError(SYSTEM_ERROR, MESSAGES[SYSTEM_ERROR])
            raise WsError(fault.spec.code or SYSTEM_ERROR, fault.msg)
        if effect == "latency":
            await asyncio.sleep(self.app.faults.delay_s(fault))
        if effect != "item_error":
            return await handler(uid, category, args)
        kept = [a for i, a in enumerate(args) if i not in fault.items]
        answers = iter(await handler(uid, category, kept) if kept else [])
        out: list[dict[str, str]] = []
        for i, a in enumerate(args):
            if i not in fault.items:
                out.append(next(answers))
                continue
            failed = {"orderId": str(a.get("orderId") or ""), "clientOid": str(a.get("clientOid") or ""),
                      "code": fault.code, "msg": fault.msg}
            out.append({"symbol": str(a.get("symbol") or ""), **failed} if topic == "batch-place" else failed)
        return out

    @staticmethod
    def _one(args: list[dict[str, Any]]) -> dict[str, Any]:
        if len(args) != 1:
            raise param_error("args must hold exactly one order")
        return args[0]

    @staticmethod
    def _place_items(category: Any, args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if category is not None and not isinstance(category, str):
            raise param_error("category")
        out = []
        for a in args:
            item = {WS_RENAMES.get(k, k): v for k, v in a.items()}
            if category is not None:
                item["category"] = category
            out.append(item)
        return out

    async def place_order(self, uid: int, category: Any, args: list[dict[str, Any]]) -> list[dict[str, str]]:
        item = self._place_items(category, [self._one(args)])[0]
        body = P.convert_body(item, PlaceOrderRequest)
        cmd = to_place(uid, self.venue.now_ms(), body)
        result = await self.venue.execute(cmd)
        raise_reject(result)
        return [{"symbol": result.symbol, **ids(result), "cTime": str(result.created)}]

    async def batch_place(self, uid: int, category: Any, args: list[dict[str, Any]]) -> list[dict[str, str]]:
        items = convert_array(self._place_items(category, args), PlaceOrderRequest, "orderList")
        cmd = to_place_batch(uid, self.venue.now_ms(), items)
        results = place_results(cmd.orders, await self.venue.execute(cmd))
        return [{**OK, "symbol": o.symbol, **r} if "code" not in r else {"symbol": o.symbol, **r}
                for o, r in zip(cmd.orders, results, strict=True)]

    async def cancel_order(self, uid: int, category: Any, args: list[dict[str, Any]]) -> list[dict[str, str]]:
        item = dict(self._one(args))
        if category is not None:
            item.setdefault("category", category)
        body = P.convert_body(item, CancelOrderRequest)
        result = await self.venue.execute(to_cancel(uid, self.venue.now_ms(), body))
        raise_reject(result)
        return [ids(result)]

    async def batch_cancel(self, uid: int, category: Any, args: list[dict[str, Any]]) -> list[dict[str, str]]:
        items: list[CancelBatchItem] = convert_array(args, CancelBatchItem, "orderIdList")
        cmd = to_cancel_batch(uid, self.venue.now_ms(), items, self.venue.instruments, scoped=False)
        return [r if "code" in r else {**OK, **r} for r in cancel_results(items, await self.venue.execute(cmd))]
