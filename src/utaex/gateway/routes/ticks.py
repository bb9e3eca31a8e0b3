"""Admin API: ``POST /admin/v1/market-tick`` applies a ``MarketTick`` (core/tick.py) at the venue's clock.

What the market simulator sends every step, available without it: a test (or a user running
``--market off``) sets index prices exactly and drives the mark, mark-price triggers, liquidations and
funding settlements (at the funding times the virtual clock has reached) deterministically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core import market
from ...core.commands import IndexQuote, MarketTick
from ...wire.requests import MarketTickRequest
from .. import convert
from .. import params as P
from ..commands import raise_reject

if TYPE_CHECKING:
    from ..app import App, Request


def register(app: App) -> None:
    venue = app.venue

    @app.route("POST", "/admin/v1/market-tick", auth="admin")
    async def market_tick(req: Request) -> Any:
        body = P.decode_body(req.body or b"{}", MarketTickRequest)
        quotes = [IndexQuote(category=P.category(q.category), symbol=q.symbol, price=q.price) for q in body.index]
        cmd = MarketTick(ts=venue.now_ms(), index=quotes)
        changed = await venue.execute(cmd)
        raise_reject(changed)
        eng = venue.engine
        out = []
        for cat, sym in changed:
            inst = eng.instruments.by_key[(cat, sym)]
            out.append({"category": cat, "symbol": sym,
                        "indexPrice": convert.price_str(inst, market.index_price(eng, inst)),
                        "markPrice": convert.price_str(inst, market.mark_price(eng, inst))})
        return {"ts": str(cmd.ts), "changed": out}
