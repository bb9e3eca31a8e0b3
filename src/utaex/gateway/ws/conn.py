"""One WebSocket connection's outgoing side: a bounded queue drained by its own writer task.

Invariants:
- Frames reach the client in the order they were handed to ``send_batch`` (a direct write happens
  only when nothing is queued, so it can never overtake queued frames).
- ``send_batch`` never awaits and never blocks: it writes to a writable transport or enqueues. The
  queue is bounded (``max_queue`` frames); a client that lets it overflow is closed with 1013 and a
  reason, and everything queued for it is dropped. Other connections are unaffected.
- Fast path: under uvicorn's ``websockets-sansio`` protocol the prebuilt wire bytes of a batch go
  straight to the transport (one write per batch, not per frame), honouring the transport's
  pause/resume flow control. Under any other ASGI server each payload goes through ``send``.
- After ``close`` nothing more is written; the writer task ends. A peer whose socket stays full
  for ``close_timeout`` seconds (``wsCloseTimeout``, default ``CLOSE_TIMEOUT``) after the close was queued is
  dropped without the handshake.
- Injected faults (gateway/faults.py): ``send_later`` holds a batch for a delay (``ws_delay``) in a
  per-connection FIFO; while anything is held, every later frame queues behind it, so frames are never
  reordered. ``drop`` (``ws_drop``, ``lost_reply``) closes the TCP connection without a close frame,
  after the frames handed over before it; frames handed over after it are discarded.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from typing import Any

from .frames import Batch, single

log = logging.getLogger("utaex.ws")

SLOW_CONSUMER = 1013
CLOSE_TIMEOUT = 5.0  # seconds a close frame may wait behind a full socket before the connection is dropped


def _fast_protocol(send: Any) -> Any:
    """uvicorn's sansio protocol object behind ``send``, when its transport can be written directly."""
    proto = getattr(send, "__self__", None)
    if type(proto).__name__ != "WebSocketsSansIOProtocol":
        return None
    if not all(hasattr(proto, a) for a in ("transport", "writable", "close_sent")):
        return None
    return proto


class Connection:
    __slots__ = ("_delayed", "_detour", "_queue", "_queued", "_send", "_wake", "_writer", "addr", "api",
                 "close_reason", "close_timeout", "closed", "conn_id", "dropping", "fault_frames", "last_seen",
                 "max_queue", "msg_times", "private", "proto", "sub_times", "subs", "tasks")

    def __init__(self, send: Any, addr: str, private: bool, max_queue: int, msgs_per_s: int = 10,
                 subs_per_hour: int = 240, close_timeout: float = CLOSE_TIMEOUT) -> None:
        self._send = send
        self.addr = addr
        self.private = private
        self.max_queue = max_queue
        self.close_timeout = close_timeout
        self.proto = _fast_protocol(send)
        self.api: Any = None  # ApiKey once logged in
        self.conn_id = secrets.token_hex(8)  # the login answer's ``connId``
        self.subs: dict[tuple[Any, ...], dict[str, str]] = {}  # hub key -> the arg as subscribed
        self.tasks: set[asyncio.Task[None]] = set()
        self.msg_times: deque[float] = deque(maxlen=max(1, msgs_per_s))  # times of the last messages
        self.sub_times: deque[float] = deque(maxlen=max(1, subs_per_hour))  # ... and subscribe requests
        self.last_seen = 0.0
        self.closed = False
        self.close_reason = ""
        self._queue: deque[Batch] = deque()
        self._queued = 0
        self._wake = asyncio.Event()
        self._writer = asyncio.ensure_future(self._write_loop())
        self._detour = False  # frames go through _delayed (a ws_delay holds some) or nowhere (dropping)
        self._delayed: deque[tuple[float, Batch | None]] | None = None  # (due time, batch; None = the drop)
        self.dropping = False
        self.fault_frames: dict[str, int] = {}  # ws_drop fault id -> frames of its channel pushed since

    @property
    def uid(self) -> int:
        return int(self.api.uid) if self.api is not None else 0

    # ---- sending -------------------------------------------------------------------------------------
    def send_doc(self, doc: object) -> None:
        self.send_batch(single(doc))

    def send_text(self, payload: bytes) -> None:
        self.send_batch(Batch((payload,)))

    def send_batch(self, batch: Batch) -> None:
        if self.closed:
            return
        if self._detour:
            if not self.dropping and self._delayed is not None:
                self._hold(0.0, batch)
            return
        self._write(batch)

    def _write(self, batch: Batch) -> None:
        proto = self.proto
        if proto is not None and not self._queue and proto.writable.is_set():
            if proto.close_sent or proto.transport.is_closing():
                return
            proto.transport.write(batch.wire)
            return
        self._queue.append(batch)
        self._queued += batch.count
        if self._queued > self.max_queue:
            self.abort(SLOW_CONSUMER, f"slow consumer: more than {self.max_queue} frames waiting")
            return
        self._wake.set()

    async def _write_loop(self) -> None:
        queue = self._queue
        try:
            while not self.closed:
                if not queue:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                proto = self.proto
                if proto is not None:
                    if not proto.writable.is_set():
                        await proto.writable.wait()
                        continue
                    if proto.close_sent or proto.transport.is_closing():
                        return
                    items = list(queue)
                    queue.clear()
                    self._queued = 0
                    proto.transport.writelines([b.wire for b in items])
                else:
                    batch = queue.popleft()
                    self._queued -= batch.count
                    for payload in batch.payloads:
                        await self._send({"type": "websocket.send", "text": payload.decode()})
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away mid-write: the reader sees the disconnect
            self.closed = True

    # ---- injected faults --------------------------------------------------------------------------------
    def send_later(self, batch: Batch, delay_s: float) -> None:
        """Send ``batch`` after ``delay_s`` seconds, behind everything held so far (``ws_delay``)."""
        if self.closed or self.dropping:
            return
        loop = asyncio.get_running_loop()
        if self._delayed is None:
            self._delayed = deque()
            self._detour = True
            self._spawn(self._release_loop())
        self._hold(loop.time() + delay_s, batch)

    def _hold(self, due: float, batch: Batch | None) -> None:
        delayed = self._delayed
        assert delayed is not None
        delayed.append((due, batch))
        if len(delayed) > self.max_queue:
            self.abort(SLOW_CONSUMER, f"slow consumer: more than {self.max_queue} frames waiting")

    async def _release_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.closed:
            delayed = self._delayed
            if not delayed:
                self._delayed = None
                self._detour = self.dropping
                return
            due, batch = delayed[0]
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            delayed.popleft()
            if batch is None:
                self._delayed = None
                await self._drop_now()
                return
            self._write(batch)

    def drop(self, reason: str) -> None:
        """Close the TCP connection without a close frame, once what was handed over before went out."""
        if self.closed or self.dropping:
            return
        log.info("dropping ws connection from %s: %s", self.addr, reason)
        self.dropping = True
        self._detour = True
        self.close_reason = reason
        if self._delayed is not None:
            self._delayed.append((0.0, None))  # after the frames held for a ws_delay
        else:
            self._spawn(self._drop_now())

    async def _drop_now(self) -> None:
        await self.flush()
        reason = self.close_reason
        self._stop(reason)
        proto = self.proto if self.proto is not None else getattr(self._send, "__self__", None)
        transport = getattr(proto, "transport", None)
        if transport is not None and hasattr(transport, "close"):
            transport.close()  # buffered bytes still go out, then FIN: the client sees 1006, no close frame
        else:
            await self._send_close(1011, reason)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def flush(self, timeout: float = 1.0) -> None:
        """Wait (briefly) until everything queued so far has been handed to the transport."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._queue and not self.closed and loop.time() < deadline:
            await asyncio.sleep(0.005)

    # ---- closing -------------------------------------------------------------------------------------
    def abort(self, code: int, reason: str) -> None:
        """Close now from a synchronous context: nothing queued or sent later goes out."""
        if self.closed:
            return
        self._stop(reason)
        self._spawn(self._send_close(code, reason))

    async def close(self, code: int, reason: str) -> None:
        """Close after what is queued so far went out (waiting at most about a second)."""
        if self.closed:
            return
        await self.flush()
        if self.closed:
            return
        self._stop(reason)
        await self._send_close(code, reason)

    def _stop(self, reason: str) -> None:
        self.closed = True
        self.close_reason = reason
        self._queue.clear()
        self._queued = 0
        self._delayed = None
        self._wake.set()

    async def _send_close(self, code: int, reason: str) -> None:
        if code != 1000:
            log.info("closing ws connection from %s: %d %s", self.addr, code, reason)
        try:  # a peer that reads nothing never lets the close frame out: drop it after a while
            await asyncio.wait_for(self._send({"type": "websocket.close", "code": code, "reason": reason[:120]}),
                                   self.close_timeout)
        except TimeoutError:
            if self.proto is not None:
                self.proto.transport.abort()
        except Exception:  # already gone
            pass

    async def finish(self) -> None:
        """Stop the writer and any trade tasks (the reader has ended)."""
        self.closed = True
        self._wake.set()
        self._writer.cancel()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(self._writer, *self.tasks, return_exceptions=True)
