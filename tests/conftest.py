"""Session fixtures: the real server as a subprocess on a loopback port (see support.py), and the hypothesis
profiles every property test runs under.

Hypothesis profiles (``HYPOTHESIS_PROFILE``, default ``ci``):

- ``ci``: sized so that each property test finishes well under a minute on a 2-core machine, also when it is busy;
- ``thorough``: the big run (2,000 examples per test, no deadline, no per-test timeout), for engine changes;
- ``dev``: a quick smoke run while editing.

One seed drives every hypothesis test of a session. It is printed in the header and again after a failure;
``HYPOTHESIS_SEED=N`` (or ``--hypothesis-seed=N``) reruns the same examples.
"""

from __future__ import annotations

import contextlib
import os
import random
import warnings
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from support import Server, start_server

# Exact tests need a quiet venue: every `utaex serve` the suite starts (support.py, subprocesses, the CLI tests)
# inherits this; a test of the market simulator passes `--market on` (docs/testing.md).
os.environ.setdefault("UTAEX_MARKET", "off")

_COMMON = {"deadline": None, "print_blob": True, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=100, stateful_step_count=50, **_COMMON)
settings.register_profile("thorough", max_examples=2000, stateful_step_count=50, **_COMMON)
settings.register_profile("dev", max_examples=20, stateful_step_count=30, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)

# After a failure hypothesis imports libcst (when installed) to suggest a patch; libcst's import warns about
# mypy_extensions.TypedDict, which our warnings-as-errors would turn into an INTERNALERROR hiding the failure.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import libcst  # noqa: F401


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Pick the session's hypothesis seed before hypothesis' own plugin reads ``--hypothesis-seed``."""
    if config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = os.environ.get("HYPOTHESIS_SEED") or str(random.randrange(2**32))


def _seed_line(config: pytest.Config) -> str:
    seed = config.getoption("hypothesis_seed", None)
    return f"hypothesis seed {seed} (profile {PROFILE!r}): rerun with HYPOTHESIS_SEED={seed}"


def pytest_report_header(config: pytest.Config) -> str:
    return _seed_line(config)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PROFILE == "thorough":  # the big run may take longer than pyproject's per-test timeout
        for item in items:
            item.add_marker(pytest.mark.timeout(0))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    if terminalreporter.stats.get("failed") or terminalreporter.stats.get("error"):
        terminalreporter.write_line(_seed_line(config))


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
