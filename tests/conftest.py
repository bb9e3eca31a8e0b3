"""Session fixtures: the real server as a subprocess on a loopback port (see support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support import Server, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One venue for the session, rate limits off (tests create their own users)."""
    srv = start_server(tmp_path_factory.mktemp("venue"), "--no-rate-limit")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue with Bitget's per-UID rate limits on."""
    srv = start_server(tmp_path_factory.mktemp("venue-limited"))
    yield srv
    srv.stop()
