"""Fixtures of the SDK suite: a venue of its own, and every test run with the sync and the async client.

The venue is this package's alone (the real ``utaex serve`` subprocess, rate limits off), so the books,
tickers and public trades asserted here hold only what these tests did. ``connect`` is parametrized:
``sync`` gives a :class:`utaex.client.Client`, ``async`` an :class:`utaex.client.AsyncClient` driven
through :class:`Blocking` (each call awaited on one event loop), so one test body covers both clients.
Teardown cancels every order the test's users left resting, so each test starts from empty books.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from support import Server, start_server
from utaex.client import AsyncClient, Client

CATEGORIES = ("SPOT", "MARGIN", "USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES")
FUNDS = {"USDT": "1000000", "USDC": "1000000", "BTC": "100", "ETH": "1000"}


@pytest.fixture(scope="package")
def venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("client-venue"), "--no-rate-limit")
    yield srv
    srv.stop()


class Blocking:
    """An AsyncClient whose coroutine methods are run to completion on a private event loop."""

    def __init__(self, client: AsyncClient) -> None:
        self.aio = client
        self.loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.aio, name)
        if not inspect.iscoroutinefunction(attr):
            return attr

        def run(*args: Any, **kwargs: Any) -> Any:
            return self.loop.run_until_complete(attr(*args, **kwargs))

        return run

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.aio.aclose())
        finally:
            self.loop.close()


Connect = Callable[..., Any]


@pytest.fixture(params=["sync", "async"])
def connect(request: pytest.FixtureRequest, venue: Server) -> Iterator[Connect]:
    """``connect(creds=None)`` -> a client of the venue (sync or async per the parameter)."""
    made: list[Any] = []

    def make(creds: dict[str, str] | None = None) -> Any:
        key = (creds["apiKey"], creds["secretKey"], creds["passphrase"]) if creds else (None, None, None)
        if request.param == "sync":
            client: Any = Client(*key, base_url=venue.base_url)
        else:
            client = Blocking(AsyncClient(*key, base_url=venue.base_url))
        made.append((client, creds))
        return client

    yield make
    for client, creds in made:
        try:
            if creds is not None and "uta_trade" in creds.get("permissions", ["uta_trade"]):
                for cat in CATEGORIES:
                    client.cancel_symbol_orders(cat)
        finally:
            client.close()


@pytest.fixture
def user(venue: Server) -> Callable[..., dict[str, str]]:
    """``user(balances=FUNDS)`` -> credentials of a new funded user."""

    def make(balances: dict[str, str] | None = None, read_only: bool = False) -> dict[str, str]:
        return venue.new_user(FUNDS if balances is None else balances, read_only=read_only)

    return make


@pytest.fixture
def trader(connect: Connect, user: Callable[..., dict[str, str]]) -> Any:
    """A client of a new user funded with FUNDS."""
    return connect(user())

