"""Connection guards against the real server, with raw sockets: idle and slow connections are closed
after the request deadline (``httpRequestTimeout``), and one address holds at most
``httpMaxConnectionsPerIp`` HTTP connections while the others are served."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets.sync.client

from support import ADMIN_TOKEN, Server, start_server

DEADLINE_S = 0.5
CAP = 4
REQUEST = b"GET /api/v2/public/time HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def server_with(tmp: Path, settings: dict[str, float | int]) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = tmp / "net.json"
    cfg.write_text(json.dumps(settings))
    return start_server(tmp, "--config", str(cfg))  # rate limits on: the per-address cap applies


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue whose request deadline is half a second."""
    srv = server_with(tmp_path_factory.mktemp("deadline"), {"httpRequestTimeout": DEADLINE_S})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue that admits 4 HTTP connections per address (and a long request deadline)."""
    srv = server_with(tmp_path_factory.mktemp("capped"),
                      {"httpRequestTimeout": 60, "httpMaxConnectionsPerIp": CAP})
    yield srv
    srv.stop()


def connect(srv: Server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closes ``sock`` (reading and dropping what it sends); None if still open."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """One HTTP/1.1 response (content-length or chunked): (status, body)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        assert chunk, f"closed before a response: {buf!r}"
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
    if b"content-length" in headers:
        size = int(headers[b"content-length"])
        while len(rest) < size:
            rest += sock.recv(4096)
        return status, rest[:size]
    while not rest.endswith(b"0\r\n\r\n"):
        chunk = sock.recv(4096)
        assert chunk, "closed inside a chunked body"
        rest += chunk
    body, data = b"", rest
    while True:
        size_line, data = data.split(b"\r\n", 1)
        size = int(size_line, 16)
        if size == 0:
            return status, body
        body, data = body + data[:size], data[size + 2:]


def test_idle_connection_is_closed_after_the_deadline(quick: Server) -> None:
    with connect(quick) as sock:
        waited = closed_within(sock, 10)
    assert waited is not None, "an idle connection that never sent a request stayed open"
    assert waited >= DEADLINE_S * 0.8


def test_partial_headers_are_closed_even_while_bytes_trickle_in(quick: Server) -> None:
    with connect(quick) as sock:
        sock.sendall(b"GET /api/v2/public/time HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        start = time.monotonic()
        closed = False
        while time.monotonic() - start < 10:
            try:
                sock.sendall(b"X-Slow: 1\r\n")  # every byte used to restart uvicorn's timer
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            sock.settimeout(0.1)
            try:
                if sock.recv(4096) == b"":
                    closed = True
                    break
            except TimeoutError:
                pass
        assert closed, "a connection trickling its headers stayed open for 10 s"
        assert time.monotonic() - start < 5


def test_partial_body_is_closed(quick: Server) -> None:
    with connect(quick) as sock:
        sock.sendall(b"POST /api/v3/trade/place-order HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"content-type: application/json\r\ncontent-length: 100\r\n\r\n{\"category\"")
        assert closed_within(sock, 10) is not None, "a request whose body never completes stayed open"


def test_a_complete_request_is_served_and_keep_alive_outlasts_the_deadline(quick: Server) -> None:
    with connect(quick) as sock:
        sock.sendall(REQUEST)
        assert read_response(sock)[0] == 200
        time.sleep(DEADLINE_S * 2)  # idle between requests: uvicorn's keep-alive (5 s) governs, not the deadline
        sock.sendall(REQUEST)
        status, body = read_response(sock)
        assert status == 200 and json.loads(body)["code"] == "00000"


def test_connections_per_address_are_capped_while_the_others_are_served(capped: Server) -> None:
    held = [connect(capped) for _ in range(CAP)]
    try:
        # give the server time to accept all four before the fifth
        for sock in held:
            sock.sendall(REQUEST)
            assert read_response(sock)[0] == 200
        with connect(capped) as extra:
            extra.settimeout(10)
            status, body = read_response(extra)
            assert status == 429
            assert json.loads(body)["code"] == "429"
            assert closed_within(extra, 10) is not None
        held[0].sendall(REQUEST)  # the admitted connections are still served
        assert read_response(held[0])[0] == 200
        held.pop().close()
        deadline = time.monotonic() + 5  # the server notices the close, then admits a new one
        while True:
            with connect(capped) as again:
                again.sendall(REQUEST)
                try:
                    status, _ = read_response(again)
                except (AssertionError, ConnectionResetError):
                    status = 0
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert status == 200
    finally:
        for sock in held:
            sock.close()


def test_websocket_connections_leave_the_http_count(capped: Server) -> None:
    url = f"ws://127.0.0.1:{capped.port}/v3/ws/public"
    with contextlib.ExitStack() as stack:
        for _ in range(CAP + 1):  # each starts as an HTTP connection, then upgrades
            stack.enter_context(websockets.sync.client.connect(url, open_timeout=10))
        with connect(capped) as sock:
            sock.sendall(REQUEST)
            assert read_response(sock)[0] == 200


def test_a_request_cut_by_the_deadline_is_not_executed(quick: Server) -> None:
    users = int(quick.admin("GET", "/admin/v1/audit")["users"])
    with connect(quick) as sock:
        # headers complete, body never sent: the admin API would create a user from an empty body
        sock.sendall(b"POST /admin/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: Bearer "
                     + ADMIN_TOKEN.encode() + b"\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n")
        assert closed_within(sock, 10) is not None
    time.sleep(0.2)
    assert int(quick.admin("GET", "/admin/v1/audit")["users"]) == users
