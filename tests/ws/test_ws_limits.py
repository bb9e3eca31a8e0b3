"""Connection-level protection over the real server: slow consumers are cut off without hurting others,
idle connections close, and Bitget's per-IP / per-connection limits apply when rate limiting is on."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from ws_support import AsyncRest, RawWs, collect, collect_orders, login, login_frame, open_ws, recv, subscribe

from support import Server, start_server

ORDER = {"instType": "UTA", "topic": "order"}


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue of its own with a short idle timeout."""
    tmp = Path(tmp_path_factory.mktemp("ws-tight"))
    cfg = tmp / "tight.json"
    cfg.write_text(json.dumps({"wsIdleTimeout": 2}))
    srv = start_server(tmp, "--no-rate-limit", "--config", str(cfg))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def bounded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A venue of its own with a small per-connection send queue (200 frames), and a close frame that may wait
    behind a full socket for longer than the test takes: the slow client reads its close frame only once
    everything was pushed, which on a loaded machine is many seconds after the cut (the default 5 s would
    then drop the TCP connection without the close frame, as it should for a peer that never reads)."""
    tmp = Path(tmp_path_factory.mktemp("ws-bounded"))
    cfg = tmp / "bounded.json"
    cfg.write_text(json.dumps({"wsMaxQueuedFrames": 200, "wsCloseTimeout": 600}))
    srv = start_server(tmp, "--no-rate-limit", "--config", str(cfg))
    yield srv
    srv.stop()


def close_of(frame: tuple[int, bytes] | None) -> tuple[int, str]:
    assert frame is not None and frame[0] == 8, frame
    return int.from_bytes(frame[1][:2], "big"), frame[1][2:].decode()


def kernel_send_buffer_max() -> int:
    """The most a TCP socket's send buffer grows to here (tcp_wmem's maximum; Linux's default is 4 MiB)."""
    try:
        return int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    except (OSError, ValueError, IndexError):
        return 4 << 20


MIN_ORDER_FRAME = 700  # bytes: an order push is ~780 (checked below, so the sizing cannot silently go stale)


def test_slow_consumer_is_disconnected_and_others_are_unaffected(bounded: Server) -> None:
    creds = bounded.new_user()
    # Unambiguously slow: it never reads after subscribing, while twice what the server's socket buffer can
    # hold is pushed to it (the client's own receive buffer is pinned small); so the server's queue for it
    # must overflow, whatever the machine's speed. It keeps sending pings: it is slow, not idle.
    rounds = -(-2 * kernel_send_buffer_max() // (40 * MIN_ORDER_FRAME))  # 300 with Linux's defaults
    slow = RawWs(bounded, rcvbuf=4096)
    try:
        slow.send_text(login_frame(creds))
        assert slow.json()["event"] == "login"
        slow.send_text(json.dumps({"op": "subscribe", "args": [ORDER]}))
        assert slow.json()["event"] == "subscribe"

        async def main() -> list[str]:
            c = AsyncRest(bounded, creds)
            async with open_ws(bounded) as fast:
                await login(fast, creds)
                await subscribe(fast, ORDER)
                total = rounds * 40
                # the other consumer is judged by content (everything, in order); the deadline only ends a hang
                reader = asyncio.ensure_future(collect_orders(fast, total, timeout=240))
                expected: list[str] = []
                for round_ in range(rounds):
                    placed = await c.place_batch("SPOT", "ETHUSDT", "buy", "0.01",
                                                 [f"{100 + k}.{round_ % 10}" for k in range(20)])
                    items = [{"category": "SPOT", "symbol": "ETHUSDT", "orderId": p["orderId"]} for p in placed]
                    await c.post("/api/v3/trade/cancel-batch", items)
                    expected += [p["orderId"] for p in placed] * 2  # live, then cancelled
                    slow.send_text("ping")
                got = await reader
                assert [d["orderId"] for d in got] == expected  # everything, in order
                await fast.send("ping")
                assert (await collect(fast, lambda g: "pong" in g, timeout=30))[-1] == "pong"
            await c.aclose()
            return expected

        expected = asyncio.run(main())
        frames = slow.frames(timeout=30)  # stops at the close frame
        code, reason = close_of(frames[-1] if frames else None)
        assert code == 1013 and "slow consumer" in reason, (code, reason)
        pushed = [p for op, p in frames[:-1] if op == 1 and b'"topic":"order"' in p]
        assert min(len(p) for p in pushed) >= MIN_ORDER_FRAME
        received = [json.loads(p)["data"][0]["orderId"] for p in pushed]
        assert 0 < len(received) < len(expected) and received == expected[:len(received)]  # a clean prefix, then cut
    finally:
        slow.close()


def test_idle_connections_are_closed(tight: Server) -> None:
    async def main() -> None:
        async with open_ws(tight, private=False) as idle, open_ws(tight, private=False) as chatty:
            start = time.monotonic()
            while time.monotonic() - start < 3.5:
                await chatty.send("ping")
                assert await recv(chatty) == "pong"
                await asyncio.sleep(0.4)
            with pytest.raises(ConnectionClosed):
                await recv(idle, 10)  # closed about 2 s in: the deadline only ends a hang
            assert idle.close_code == 1000 and "idle" in (idle.close_reason or "")
            await chatty.send("ping")
            assert await recv(chatty) == "pong"

    asyncio.run(main())


def test_more_than_10_messages_a_second_closes_the_connection(limited_server: Server) -> None:
    async def main() -> None:
        async with open_ws(limited_server, private=False) as ws:
            for _ in range(11):
                await ws.send("ping")
            replies = []
            with pytest.raises(ConnectionClosed):
                while True:
                    replies.append(await recv(ws))
            assert replies[:10] == ["pong"] * 10 and replies[10]["code"] == 30006
            assert ws.close_code == 1008

    asyncio.run(main())


def test_at_most_100_connections_per_ip(limited_server: Server) -> None:
    async def main() -> None:
        opened = [open_ws(limited_server, private=False) for _ in range(100)]
        conns = [await c.__aenter__() for c in opened]
        try:
            for ws in conns[::25]:
                await ws.send("ping")
                assert await recv(ws) == "pong"
            async with open_ws(limited_server, private=False) as extra:
                reply = await recv(extra)
                assert reply["event"] == "error" and reply["code"] == 30007
                with pytest.raises(ConnectionClosed):
                    await recv(extra)
                assert extra.close_code == 1008
        finally:
            for c in opened:
                await c.__aexit__(None, None, None)
        async with open_ws(limited_server, private=False) as again:  # a slot is free again
            await again.send("ping")
            assert await recv(again) == "pong"

    asyncio.run(main())
