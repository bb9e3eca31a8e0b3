"""Fixtures of the web console suite: the real venue, Debian's Chromium driven by Playwright.

Every page a test opens records its console messages, uncaught exceptions and the browser's own log
(failed loads such as a 404 appear there, not as console calls); ``page`` fails the test on any error
among them, unless the test declared it expected with ``console.allow(pattern)``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright
from ui_support import FUNDING

from support import Server, start_server

CHROMIUM = os.environ.get("UTAEX_CHROMIUM", "/usr/bin/chromium")
# Waits end on their condition; the deadlines (Playwright's defaults: 5 s for ``expect``, 30 s for actions, here
# 10 s) only end a hang, and a busy machine can take longer than 5 s to render a push or a poll.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class ConsoleLog:
    """What the browser reported while a test ran: (kind, text) pairs."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []
        self.allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def errors(self) -> list[tuple[str, str]]:
        bad = [(k, t) for k, t in self.entries if k in ("console.error", "pageerror", "log.error", "console.warning",
                                                       "log.warning")]
        return [(k, t) for k, t in bad if not any(p.search(t) for p in self.allowed)]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one module: Playwright's sync API keeps an event loop running in this thread while it
    lives, which later tests that call ``asyncio.run`` must not meet."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def ui_venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue of the module's own (its books hold only the module's orders; rate limits off for the set-up)."""
    srv = start_server(tmp_path_factory.mktemp("ui-venue"), "--no-rate-limit")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def market_venue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue of the module's own with the market simulator trading on the stepped clock (seed 7), starting
    two minutes before a funding time (``FUNDING``): time moves only by ``advance``."""
    srv = start_server(tmp_path_factory.mktemp("ui-market"), "--no-rate-limit", "--market", "on", "--clock", "step",
                       "--seed", "7", "--start-time", str(FUNDING - 120_000))
    yield srv
    srv.stop()


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(browser: Any, console: ConsoleLog) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    pg.on("console", lambda m: console.entries.append((f"console.{m.type}", f"{m.text} {m.location.get('url', '')}")))
    pg.on("pageerror", lambda e: console.entries.append(("pageerror", str(e))))
    cdp = context.new_cdp_session(pg)
    cdp.send("Log.enable")
    cdp.on("Log.entryAdded", lambda e: console.entries.append(
        (f"log.{e['entry']['level']}", f"{e['entry']['text']} {e['entry'].get('url', '')}")))
    yield pg
    context.close()
    errors = console.errors()
    assert errors == [], f"the browser reported {len(errors)} errors, first: {errors[:3]}"
