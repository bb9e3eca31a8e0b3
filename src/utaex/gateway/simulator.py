"""The market simulator wired to the venue: its ``Port`` (clock, sequencer, public best prices) and the
``--market on|off|FILE`` choice (docs/market.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from ..core.commands import Command
from ..sim.config import MarketConfig
from ..sim.market import Market

if TYPE_CHECKING:
    from ..core.instruments import Instrument
    from .venue import Venue


class VenuePort:
    def __init__(self, venue: Venue) -> None:
        self.venue = venue
        self.clock = venue.clock

    def now_ms(self) -> int:
        return self.venue.now_ms()

    async def execute(self, cmd: Command) -> Any:
        return await self.venue.execute(cmd)

    def best(self, inst: Instrument) -> tuple[Decimal | None, Decimal | None]:
        """The best bid and ask, as any client reads them from the order book."""
        book = self.venue.engine.books[inst.book_key]
        tick = Decimal(inst.spec.tick)
        bid, ask = book.best_bid(), book.best_ask()
        return (None if bid is None else bid * tick, None if ask is None else ask * tick)

    def has_user(self, uid: int) -> bool:
        return uid in self.venue.engine.accounts


def market_config(config: dict[str, Any], market: str,
                  override: MarketConfig | None = None) -> tuple[MarketConfig, Path | None]:
    """The ``market`` table of the scenario, else of the config file, with ``--market``: ``off`` disables it,
    a file replays on the first oracle."""
    cfg = override if override is not None else msgspec.convert(config.get("market", {}), MarketConfig)
    replay = None
    if market == "off":
        cfg.enabled = False
    elif market != "on":
        replay = Path(market)
        cfg.enabled = True
    return cfg, replay


def build_market(venue: Venue, config: dict[str, Any], market: str, override: MarketConfig | None = None) -> Market:
    cfg, replay = market_config(config, market, override)
    return Market(VenuePort(venue), venue.instruments, cfg, venue.seed, replay=replay)


def market_line(sim: Market) -> str:
    if not sim.enabled:
        return "  market: off (quiet venue; POST /admin/v1/prices still sets index prices)"
    refs = ", ".join(f"{name} {price:.2f}" for name, price in sorted((n, o.price) for n, o in sim.oracles.items()))
    return (f"  market: on, {len(sim.books)} books, {len(sim.agent_uids)} agents (uids {sim.agent_uids[0]}..), "
            f"references {refs} (docs/market.md; --market off for a quiet venue)"
            if sim.agent_uids else f"  market: on, references {refs}")
