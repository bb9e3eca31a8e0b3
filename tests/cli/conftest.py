"""Fixtures of the CLI suite: run the real ``utaex`` command (``python -m utaex``) against the session server.

``cli(*args, creds=..., admin=...)`` runs one command in a subprocess with a clean environment:
``UTAEX_URL`` points at the session server, ``UTAEX_ADMIN_TOKEN`` is set unless ``admin=False``, and
``UTAEX_API_KEY`` / ``UTAEX_SECRET_KEY`` / ``UTAEX_PASSPHRASE`` come from ``creds`` when given.
Orders are placed far from any price other tests trade at (buys at ~1000 on BTCUSDT), and every test
checks that its orders are live, so a resting order of another test could never be matched unnoticed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from support import ADMIN_TOKEN, Server

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(server: Server) -> Run:
    def run(*args: str, creds: dict[str, str] | None = None, admin: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("UTAEX_")}
        clean["UTAEX_URL"] = server.base_url
        clean["COLUMNS"] = "80"  # tables must still show whole ids when piped, whatever the width
        if admin:
            clean["UTAEX_ADMIN_TOKEN"] = ADMIN_TOKEN
        if creds is not None:
            clean.update(UTAEX_API_KEY=creds["apiKey"], UTAEX_SECRET_KEY=creds["secretKey"],
                         UTAEX_PASSPHRASE=creds["passphrase"])
        clean.update(env or {})
        return subprocess.run([sys.executable, "-m", "utaex", *args], capture_output=True, text=True, env=clean,
                              timeout=60)

    return run


@pytest.fixture
def creds(server: Server) -> dict[str, str]:
    """A new user funded with USDT 100000 and BTC 1."""
    return server.new_user({"USDT": "100000", "BTC": "1"})
