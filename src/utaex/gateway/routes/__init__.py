"""REST routes by area; ``register_all`` wires them into the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..app import App


def register_all(app: App) -> None:
    from .. import candles
    from . import (
        account,
        admin,
        clock,
        console,
        control,
        market,
        modify,
        positions,
        public,
        records,
        strategy,
        ticks,
        trade,
    )

    for module in (public, candles, market, account, trade, modify, positions, records, strategy, admin, console,
                   control, clock, ticks):
        module.register(app)
