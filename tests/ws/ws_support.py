"""Helpers for the WebSocket tests: real ``websockets`` clients and ccxt.pro pointed at the real server."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import ccxt.pro as ccxtpro
from websockets.asyncio.client import ClientConnection, connect

from support import Server
from utaex.wire.signing import ws_login_sign

Msg = Any


def ws_url(server: Server, private: bool) -> str:
    return f"ws://127.0.0.1:{server.port}/v3/ws/{'private' if private else 'public'}"


def open_ws(server: Server, private: bool = True) -> Any:
    """``async with open_ws(server) as ws``: a plain client (no compression, big read queue)."""
    return connect(ws_url(server, private), compression=None, max_queue=4096, open_timeout=10)


def login_frame(creds: dict[str, str], ts: str | None = None, **override: str) -> str:
    ts = ts if ts is not None else str(int(time.time()))
    args = {"apiKey": creds["apiKey"], "passphrase": creds["passphrase"], "timestamp": ts,
            "sign": ws_login_sign(creds["secretKey"], ts)}
    args.update(override)
    return json.dumps({"op": "login", "args": [args], "url": "ws://ignored"})


# The default deadlines only end a hang: a message that is due arrives long before them, also on a loaded machine.
async def recv(ws: ClientConnection, timeout: float = 20.0) -> Msg:
    raw = await asyncio.wait_for(ws.recv(), timeout)
    return raw if raw == "pong" else json.loads(raw)


async def login(ws: ClientConnection, creds: dict[str, str]) -> Msg:
    await ws.send(login_frame(creds))
    reply = await recv(ws)
    assert reply["event"] == "login" and reply["code"] == 0 and type(reply["code"]) is int, reply  # a JSON number
    assert set(reply) == {"event", "code", "connId"} and reply["connId"], reply
    return reply


async def subscribe(ws: ClientConnection, *args: dict[str, str], snapshots: int = 0) -> list[Msg]:
    """Subscribe (with ccxt's extra ``"uta": true``); returns the acks followed by ``snapshots`` pushes."""
    await ws.send(json.dumps({"op": "subscribe", "args": list(args), "uta": True}))
    out = []
    for _ in range(len(args) + snapshots):
        out.append(await recv(ws))
    return out


async def collect(ws: ClientConnection, until: Callable[[list[Msg]], bool], timeout: float = 20.0) -> list[Msg]:
    """Messages received until ``until(messages)`` holds (fails on timeout)."""
    got: list[Msg] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while not until(got):
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"timed out; received {got!r:.2000}"
        got.append(await recv(ws, left))
    return got


async def collect_orders(ws: ClientConnection, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
    """The first ``count`` order documents pushed (other messages are skipped)."""
    docs: list[dict[str, Any]] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while len(docs) < count:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"timed out after {len(docs)} of {count} order pushes"
        msg = await recv(ws, left)
        if isinstance(msg, dict) and msg.get("arg", {}).get("topic") == "order" and "data" in msg:
            docs += msg["data"]
    return docs


def pushes(msgs: list[Msg], topic: str) -> list[Msg]:
    return [m for m in msgs if isinstance(m, dict) and m.get("arg", {}).get("topic") == topic and "data" in m]


def order_docs(msgs: list[Msg]) -> list[dict[str, Any]]:
    return [d for m in pushes(msgs, "order") for d in m["data"]]


def place(c: Any, category: str, symbol: str, side: str, qty: str, price: str | None = None,
          **extra: str) -> dict[str, str]:
    body = {"category": category, "symbol": symbol, "side": side, "qty": qty,
            "orderType": "limit" if price is not None else "market", **extra}
    if price is not None:
        body["price"] = price
    result: dict[str, str] = c.post("/api/v3/trade/place-order", body)
    return result


def place_many(c: Any, category: str, symbol: str, side: str, qty: str, prices: list[str]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for i in range(0, len(prices), 20):
        batch = [{"category": category, "symbol": symbol, "side": side, "orderType": "limit", "qty": qty, "price": p}
                 for p in prices[i:i + 20]]
        res = c.post("/api/v3/trade/place-batch", batch)
        assert all("code" not in r for r in res), res
        out += res
    return out


def pro_exchange(server: Server, creds: dict[str, str]) -> Any:
    """ccxt.pro bitget (UTA) with every REST and WS URL pointed at ``server`` (no monkeypatching)."""
    ex = ccxtpro.bitget({"apiKey": creds["apiKey"], "secret": creds["secretKey"], "password": creds["passphrase"],
                         "options": {"uta": True}, "enableRateLimit": False})  # the venue is local
    for key, value in list(ex.urls["api"].items()):
        if isinstance(value, str):
            ex.urls["api"][key] = server.base_url
    ws = f"ws://127.0.0.1:{server.port}"
    ex.urls["api"]["ws"] = {"public": f"{ws}/v2/ws/public", "private": f"{ws}/v2/ws/private",
                            "utaPublic": f"{ws}/v3/ws/public", "utaPrivate": f"{ws}/v3/ws/private"}
    return ex


class RawWs:
    """A minimal blocking WebSocket client over a plain socket, for tests that must control reading
    (a consumer that stops reading) or inspect close frames byte for byte."""

    def __init__(self, server: Server, private: bool = True, rcvbuf: int | None = None) -> None:
        import base64
        import os
        import socket

        self.sock = socket.socket()
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", server.port))
        path = "/v3/ws/private" if private else "/v3/ws/public"
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.buf = b""

    def send_text(self, text: str) -> None:
        import os

        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _parse(self) -> tuple[int, bytes] | None:
        if len(self.buf) < 2:
            return None
        b1 = self.buf[1] & 0x7F
        hl, ln = 2, b1
        if b1 == 126:
            hl, ln = 4, int.from_bytes(self.buf[2:4], "big")
        elif b1 == 127:
            hl, ln = 10, int.from_bytes(self.buf[2:10], "big")
        if len(self.buf) < hl + ln:
            return None
        frame = (self.buf[0] & 0x0F, self.buf[hl:hl + ln])
        self.buf = self.buf[hl + ln:]
        return frame

    def frame(self, timeout: float = 2.0) -> tuple[int, bytes] | None:
        """The next (opcode, payload), or None after ``timeout`` of silence or end of stream."""
        self.sock.settimeout(timeout)
        while True:
            frame = self._parse()
            if frame is not None:
                return frame
            try:
                chunk = self.sock.recv(1 << 16)
            except TimeoutError:
                return None
            if not chunk:
                return None
            self.buf += chunk

    def frames(self, timeout: float = 2.0) -> list[tuple[int, bytes]]:
        """Every frame until a close frame (included), ``timeout`` of silence or end of stream."""
        out: list[tuple[int, bytes]] = []
        while (frame := self.frame(timeout)) is not None:
            out.append(frame)
            if frame[0] == 8:
                break
        return out

    def json(self, timeout: float = 2.0) -> Any:
        frame = self.frame(timeout)
        assert frame is not None and frame[0] == 1, frame
        return json.loads(frame[1])

    def close(self) -> None:
        self.sock.close()


class AsyncRest:
    """Signed REST calls from inside an event loop (threads would fight the WS readers for the GIL)."""

    def __init__(self, server: Server, creds: dict[str, str]) -> None:
        import httpx

        self.creds = creds
        self.http = httpx.AsyncClient(base_url=server.base_url, timeout=10)

    async def post(self, path: str, body: Any) -> Any:
        from utaex.wire.signing import sign_headers

        raw = json.dumps(body).encode()
        c = self.creds
        headers = sign_headers(c["apiKey"], c["secretKey"], c["passphrase"], "POST", path, "", raw)
        env = (await self.http.post(path, content=raw, headers=headers)).json()
        assert env["code"] == "00000", env
        return env["data"]

    async def place_batch(self, category: str, symbol: str, side: str, qty: str,
                          prices: list[str]) -> list[dict[str, str]]:
        return await self.post("/api/v3/trade/place-batch", [  # type: ignore[no-any-return]
            {"category": category, "symbol": symbol, "side": side, "orderType": "limit", "qty": qty, "price": p}
            for p in prices])

    async def aclose(self) -> None:
        await self.http.aclose()
