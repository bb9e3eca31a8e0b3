"""A venue of its own for the WebSocket suite (the real ``utaex serve`` subprocess, rate limits off).

Market-data assertions (book levels, candles, fill prices) need order books that hold only this suite's
orders; the session ``server`` is shared with other suites that leave resting orders behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support import Server, start_server


@pytest.fixture(scope="session")
def ws_venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("ws-venue"), "--no-rate-limit")
    yield srv
    srv.stop()
