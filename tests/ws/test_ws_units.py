"""Unit checks of the WS building blocks that the end-to-end tests cannot reach: frame encoding at the
length boundaries, the checksum against ccxt's own CRC32, and the plain-ASGI (non-uvicorn) send path."""

from __future__ import annotations

import asyncio
from typing import Any

import ccxt
import pytest
from websockets.frames import Frame
from websockets.streams import StreamReader

from utaex.gateway.ws.conn import Connection
from utaex.gateway.ws.frames import Batch, checksum


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 200_000])
def test_wire_frames_parse_as_single_text_frames(size: int) -> None:
    payloads = [b"a" * size, b'{"x":1}']
    reader = StreamReader()
    reader.feed_data(Batch(payloads).wire)
    reader.feed_eof()
    for payload in payloads:
        gen = Frame.parse(reader.read_exact, mask=False, max_size=None)
        try:
            while True:
                next(gen)
        except StopIteration as done:
            frame = done.value
        assert frame.fin and frame.opcode.name == "TEXT" and frame.data == payload
        assert not (frame.rsv1 or frame.rsv2 or frame.rsv3)


def test_checksum_matches_ccxt() -> None:
    bids = [[f"{100 - i}.5", f"0.{i + 1}"] for i in range(30)]
    asks = [[f"{101 + i}", str(i + 2)] for i in range(27)]
    ex = ccxt.bitget()
    parts: list[str] = []
    for i in range(25):
        parts += [*bids[i], *asks[i]]
    assert checksum(bids, asks) == ex.crc32(":".join(parts), True)
    assert checksum([["1", "2"]], []) == ex.crc32("1:2", True)


def test_plain_asgi_send_path_keeps_order_and_bounds_the_queue() -> None:
    async def main() -> list[Any]:
        sent: list[Any] = []
        gate = asyncio.Event()

        async def send(message: Any) -> None:  # a server without uvicorn's sansio protocol
            await gate.wait()
            sent.append(message)

        conn = Connection(send, "127.0.0.1", True, max_queue=5)
        assert conn.proto is None
        for i in range(3):
            conn.send_text(str(i).encode())
        gate.set()
        await asyncio.sleep(0.01)
        gate.clear()
        conn.send_text(b"x")
        await asyncio.sleep(0.01)  # the writer took it and waits in send()
        for _ in range(5):
            conn.send_text(b"y")  # five waiting: at the bound
        assert not conn.closed
        conn.send_text(b"y")  # six: over it
        assert conn.closed
        conn.send_text(b"z")  # dropped
        gate.set()
        await asyncio.sleep(0.01)
        await conn.finish()
        return sent

    sent = asyncio.run(main())
    assert [m.get("text") for m in sent[:4]] == ["0", "1", "2", "x"]
    assert sent[4]["type"] == "websocket.close" and sent[4]["code"] == 1013
    assert "slow consumer" in sent[4]["reason"] and len(sent) == 5
