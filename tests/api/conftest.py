"""Fixtures of the REST API suite.

``server`` / ``limited_server`` (tests/conftest.py) are shared by the whole session, so any order left
resting there by another test could be matched. Tests that trade (and assert fills, balances, tickers or
order books to the unit) therefore get a venue of their own: ``venue`` per module, ``fresh`` per test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support import Server, start_server


@pytest.fixture(scope="module")
def venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue for one test module (rate limits off)."""
    srv = start_server(tmp_path_factory.mktemp("api-venue"), "--no-rate-limit")
    yield srv
    srv.stop()


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """An empty venue for one test: its books, tickers and public trades are the test's alone."""
    srv = start_server(tmp_path_factory.mktemp("api-fresh"), "--no-rate-limit")
    yield srv
    srv.stop()
