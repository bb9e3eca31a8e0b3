"""Admin API for time and prices: the virtual clock (mode, speed, steps) and the reference prices of the
market simulator (docs/admin-api.md, docs/market.md).

Every change is journaled before the answer: the clock's mode, speed and time as a ``Configure`` command,
a price move as the oracle's new reference followed at once by a ``MarketTick``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...core import errors as X
from ...sim.clock import MAX_ADVANCE_MS, MAX_SPEED, REALTIME, STEP
from ...wire.requests import AdvanceRequest, ClockRequest, PriceRequest
from .. import params as P
from ..errors import ApiError, param_error

if TYPE_CHECKING:
    from ..app import App, Request


def register(app: App) -> None:
    venue = app.venue
    clock = venue.clock

    @app.route("GET", "/admin/v1/clock", auth="admin")
    async def get_clock(req: Request) -> Any:
        return clock.doc()

    @app.route("POST", "/admin/v1/clock", auth="admin")
    async def set_clock(req: Request) -> Any:
        body = P.decode_body(req.body, ClockRequest)
        mode = body.mode.lower()
        if mode not in (REALTIME, STEP):
            raise param_error("mode (step or realtime)")
        speed = 1.0 if body.speed is None else body.speed
        if not (math.isfinite(speed) and 0 < speed <= MAX_SPEED):
            raise param_error(f"speed (a number above 0, at most {MAX_SPEED:g})")
        if mode == STEP and body.speed is not None:
            raise param_error("speed (only with mode realtime)")
        clock.set_mode(mode, speed)
        await venue.journal_clock()
        return clock.doc()

    @app.route("POST", "/admin/v1/clock/advance", auth="admin")
    async def advance(req: Request) -> Any:
        body = P.decode_body(req.body, AdvanceRequest)
        if not 0 <= body.ms <= MAX_ADVANCE_MS:
            raise param_error(f"ms (0 to {MAX_ADVANCE_MS})")
        if clock.mode != STEP:
            raise ApiError(X.PARAM_ERROR, 'Parameter verification failed the clock is not stepped: '
                                          'POST /admin/v1/clock {"mode":"step"} first')
        await clock.advance(body.ms)
        await venue.journal_clock()
        return clock.doc()

    @app.route("POST", "/admin/v1/prices", auth="admin")
    async def set_price(req: Request) -> Any:
        body = P.decode_body(req.body, PriceRequest)
        category = P.category(body.category)
        inst = venue.instruments.get(category, body.symbol)
        if inst is None:
            raise ApiError(X.SYMBOL_NOT_FOUND)
        market = app.sim
        if market is None:
            raise ApiError(X.PARAM_ERROR, "Parameter verification failed the market simulator is not running")
        try:
            price, ts = await market.set_price(inst, body.price)
        except ValueError as exc:
            raise param_error(f"price ({exc})") from None
        return {"category": category, "symbol": inst.symbol, "price": price, "ts": str(ts)}
