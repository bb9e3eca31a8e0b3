"""``MarketTick``: one step of the market's clock, in a fixed order inside one engine step.

1. index and mark prices move (core/market.py);
2. strategy orders whose mark-price legs the new marks crossed fire (core/triggers.py);
3. accounts below maintenance margin are liquidated (core/liquidation.py);
4. funding is settled for every instrument whose funding time the tick reached (core/funding.py).
Trades caused by steps 2 and 3 then go through ``triggers.after_step`` like any other trade.

Invariant: a rejected tick (core/market.py ``parse_index``) runs none of the steps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import errors as X
from . import funding, liquidation, market, triggers
from .commands import MarketTick

if TYPE_CHECKING:
    from .engine import Engine


def apply(eng: Engine, cmd: MarketTick) -> list[tuple[str, str]] | X.Reject:
    """Returns the (category, symbol) of the instruments whose index or mark moved."""
    changed = market.tick(eng, cmd)
    if isinstance(changed, X.Reject):
        return changed
    if eng.strategies.live:
        for key in changed:
            triggers.fire_on_mark(eng, key[0], key[1], eng.market.by_key[key].mark)
    liquidation.check(eng)
    funding.settle_due(eng, cmd.ts)
    return changed
