"""The pytest plugin (entry point ``pytest11``: active wherever utaex is installed).

Fixtures:
- ``utaex_venue``: the session's venue (``UtaexVenue``), reset before each test that uses it, so tests
  share one server process yet each starts from the same state: no orders, positions, trades or
  faults, every user's balances back to what was deposited. It runs a quiet market on a stepped clock
  (``advance(ms)`` moves time, ``set_price(...)`` moves a reference price).
- ``utaex_venue_session``: the same venue without the reset (for session- or module-scoped fixtures).

Options: ``--utaex-arg=...`` (repeatable) adds ``utaex serve`` options, e.g. ``--utaex-arg=--no-rate-limit``;
the ini key ``utaex_args`` does the same from a config file.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import pytest

from .venue import UtaexVenue


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("utaex", "utaex venue for testing trading bots")
    group.addoption("--utaex-arg", action="append", default=[], dest="utaex_args",
                    help="extra option for `utaex serve` of the utaex_venue fixture (repeatable)")
    parser.addini("utaex_args", "extra options for `utaex serve` of the utaex_venue fixture", default="")


@pytest.fixture(scope="session")
def utaex_venue_session(pytestconfig: pytest.Config) -> Iterator[UtaexVenue]:
    args = [*shlex.split(str(pytestconfig.getini("utaex_args"))), *pytestconfig.getoption("utaex_args")]
    venue = UtaexVenue.start(args=args)
    try:
        yield venue
    finally:
        venue.stop()


@pytest.fixture
def utaex_venue(utaex_venue_session: UtaexVenue) -> UtaexVenue:
    utaex_venue_session.reset()
    return utaex_venue_session
