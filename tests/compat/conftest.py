"""Fixtures for the ccxt compatibility suite: a venue of its own and ccxt clients pointed at it.

The suite gets a dedicated server (the real ``utaex serve`` subprocess, rate limits off) so that the
order books it trades on hold only its own orders: market orders sweep the best levels, and a resting
order left by another test module would change every fill price asserted here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import ccxt
import pytest
from ccxt_env import CATEGORIES, Trader, ccxt_config, point_at

from support import Server, start_server


@pytest.fixture(scope="module")
def venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(Path(tmp_path_factory.mktemp("compat-venue")), "--no-rate-limit")
    yield srv
    srv.stop()


@pytest.fixture
def new_trader(venue: Server) -> Iterator[Callable[..., Trader]]:
    """Factory: a fresh funded user with a ccxt client whose markets are loaded.

    Teardown cancels whatever the test left resting (through the plain client, not ccxt), so the next
    test starts from empty books."""
    made: list[Trader] = []

    def make(balances: dict[str, str] | None = None) -> Trader:
        creds = venue.new_user(balances)
        ex = point_at(ccxt.bitget(ccxt_config(creds)), venue.base_url)
        trader = Trader(creds, ex)
        made.append(trader)
        ex.load_markets()
        return trader

    yield make
    for trader in made:
        trader.ex.close()
        with venue.client(trader.creds) as c:
            for cat in CATEGORIES:
                c.post("/api/v3/trade/cancel-symbol-order", {"category": cat})


@pytest.fixture
def pair(new_trader: Callable[..., Trader]) -> tuple[Trader, Trader]:
    """Two funded users (maker, taker) that trade with each other."""
    return new_trader(), new_trader()
