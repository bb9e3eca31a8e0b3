"""Real PostgreSQL and NATS JetStream for the tests that need them (127.0.0.1:5432 / 127.0.0.1:4222).

Where a service is not running, such tests skip with a message; under ``CI=true`` they fail instead,
so a CI that could not start the services is red, not green. Every test gets its own database (and
stream / key-value bucket names), so runs never collide.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Iterator

import pytest

PG_ADMIN_URL = os.environ.get("UTAEX_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
NATS_URL = os.environ.get("UTAEX_TEST_NATS", "nats://127.0.0.1:4222")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require(service: str, host: str, port: int) -> None:
    """Skip (or, under CI=true, fail) unless ``service`` listens on ``host:port``."""
    if _reachable(host, port):
        return
    message = f"{service} is not running on {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI must start it)")
    pytest.skip(message)


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; its URL. Dropped afterwards."""
    require("PostgreSQL", "127.0.0.1", 5432)
    import psycopg

    name = unique_name("utaex_test")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def require_nats() -> str:
    require("NATS", "127.0.0.1", 4222)
    return NATS_URL
