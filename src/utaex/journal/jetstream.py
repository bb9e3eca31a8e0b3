"""The replicated journal on NATS JetStream: one stream message per group-commit batch, and the lease.

``--journal nats://HOST:PORT/STREAM`` (docs/scale-out.md). The stream ``STREAM`` (subject
``utaex.STREAM.journal``) holds the same framed records as the local journal (journal/codec.py), one message
per group-commit batch, in journal order; the header ``Utaex-Seq`` gives the journal sequence number of the
message's first record. The lease is the key ``primary`` of the key-value bucket ``utaex-lease-STREAM``,
whose entries live ``ttl`` seconds after their last write.

Invariants:

* Only one writer can append: every publish carries ``Nats-Expected-Last-Sequence`` = the stream sequence
  this writer last published (or caught up to); JetStream refuses it when anyone else appended meanwhile,
  and the writer then refuses everything after (``Fenced``): its history and the stream's have diverged.
* A writer publishes only while its lease is confirmed: ``Lease.valid()`` is true until ``ttl * VALID_SHARE``
  after the last successful renewal was *sent*, so it stops before the key can expire on the server and a
  standby can take it (bounded clock rate drift is assumed; the expected-sequence check is the backstop).
* The messages' ``Utaex-Seq`` headers increase by their record count, with no gap: a reader can locate
  any journal sequence number by bisection over the stream (``position_of``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .codec import decode_records

__all__ = ["Fenced", "JetStreamJournal", "JournalUrl", "Lease", "parse_journal_url"]

log = logging.getLogger("utaex.jetstream")

SEQ_HEADER = "Utaex-Seq"
EXPECTED_HEADER = "Nats-Expected-Last-Sequence"
LEASE_KEY = "primary"
DEFAULT_LEASE_TTL = 2.0
VALID_SHARE = 0.7  # a lease counts as held for this share of its TTL after a renewal was sent
RENEW_SHARE = 0.2  # renewed every this share of the TTL
MAX_MESSAGE = 512 * 1024  # a batch larger than this is split into several messages (NATS' default limit is 1 MB)
WRONG_LAST_SEQUENCE = 10071
CONNECT_WAIT = 10.0  # seconds the first connection to NATS may take
STALL_LIMIT = 10.0  # seconds the venue's event loop may be stuck before the lease is let go


async def connect(server: str) -> Any:
    """A NATS connection that reconnects for ever once made; the first connect gives up after
    ``CONNECT_WAIT`` seconds with a clear error (the venue then does not start)."""
    try:
        import nats
    except ImportError:
        raise RuntimeError("--journal nats:// needs nats-py: pip install 'utaex[nats]'") from None
    try:
        return await asyncio.wait_for(nats.connect(server, connect_timeout=2, max_reconnect_attempts=-1,
                                                   reconnect_time_wait=0.2), CONNECT_WAIT)
    except (TimeoutError, OSError) as exc:
        raise RuntimeError(f"cannot connect to NATS at {server}: {str(exc) or 'no answer'}") from None


class Fenced(RuntimeError):
    """This writer may no longer append: the lease is not (or no longer) its own, or the stream moved on."""


@dataclass(frozen=True, slots=True)
class JournalUrl:
    server: str
    stream: str
    lease_ttl: float = DEFAULT_LEASE_TTL

    @property
    def subject(self) -> str:
        return f"utaex.{self.stream}.journal"

    @property
    def bucket(self) -> str:
        return f"utaex-lease-{self.stream}"


def parse_journal_url(url: str) -> JournalUrl:
    """``nats://HOST:PORT/STREAM[?lease=SECONDS]``; raises ``ValueError`` with the reason."""
    parts = urlsplit(url)
    stream = parts.path.strip("/")
    if parts.scheme != "nats" or not parts.hostname:
        raise ValueError(f"--journal {url!r}: expected nats://HOST:PORT/STREAM")
    if not stream or not all(c.isalnum() or c in "-_" for c in stream):
        raise ValueError(f"--journal {url!r}: the stream name must be letters, digits, '-' or '_'")
    query = parse_qs(parts.query)
    ttl = DEFAULT_LEASE_TTL
    if "lease" in query:
        try:
            ttl = float(query["lease"][0])
        except ValueError:
            raise ValueError(f"--journal {url!r}: lease must be a number of seconds") from None
        if not 0.5 <= ttl <= 60:
            raise ValueError(f"--journal {url!r}: lease must be between 0.5 and 60 seconds")
    unknown = set(query) - {"lease"}
    if unknown:
        raise ValueError(f"--journal {url!r}: unknown option(s) {', '.join(sorted(unknown))} (known: lease)")
    return JournalUrl(f"nats://{parts.hostname}:{parts.port or 4222}", stream, ttl)


def _chunks(blob: bytes) -> list[tuple[bytes, int]]:
    """``blob`` (framed records) cut at record boundaries into pieces of at most MAX_MESSAGE (one record may
    be larger alone), each with its record count."""
    if len(blob) <= MAX_MESSAGE:
        return [(blob, -1)]
    out: list[tuple[bytes, int]] = []
    start = pos = count = 0
    view = memoryview(blob)
    while pos < len(blob):
        size = int.from_bytes(view[pos:pos + 4], "little") + 8
        if pos + size - start > MAX_MESSAGE and pos > start:
            out.append((blob[start:pos], count))
            start, count = pos, 0
        pos += size
        count += 1
    out.append((blob[start:pos], count))
    return out


class JetStreamJournal:
    """A connection to the journal stream: publish as the single writer, read and follow as a reader."""

    def __init__(self, url: JournalUrl) -> None:
        self.url = url
        self.nc: Any = None
        self.js: Any = None
        #: stream sequence this writer expects to be the last (set by the caller once caught up)
        self.last = 0
        #: journal sequence number the next published record gets
        self.next_seq = 1
        self.lease: Lease | None = None
        self.fenced: str | None = None
        self.published = 0  # messages

    async def connect(self) -> None:
        self.nc = await connect(self.url.server)
        from nats.js.api import StorageType, StreamConfig

        self.js = self.nc.jetstream(timeout=5)
        try:
            await self.js.stream_info(self.url.stream)
        except Exception:
            await self.js.add_stream(StreamConfig(name=self.url.stream, subjects=[self.url.subject],
                                                  storage=StorageType.FILE, max_msg_size=-1))

    async def close(self) -> None:
        if self.nc is not None:
            await self.nc.close()
            self.nc = None

    # ---- the writer -----------------------------------------------------------------------------------------
    async def publish(self, blob: bytes, count: int) -> None:
        """Append ``count`` framed records as the single writer; raises ``Fenced`` when it may not."""
        import nats.js.errors

        for piece, n in _chunks(blob):
            n = count if n < 0 else n
            if self.fenced is not None:
                raise Fenced(self.fenced)
            if self.lease is None or not self.lease.valid():
                self.fenced = "the primary's lease is not confirmed (lapsed or lost): no more writes"
                raise Fenced(self.fenced)
            headers = {EXPECTED_HEADER: str(self.last), SEQ_HEADER: str(self.next_seq)}
            try:
                ack = await self.js.publish(self.url.subject, piece, headers=headers)
            except nats.js.errors.APIError as exc:
                if exc.err_code == WRONG_LAST_SEQUENCE:
                    self.fenced = f"another writer appended to stream {self.url.stream}: {exc.description}"
                    raise Fenced(self.fenced) from exc
                raise
            self.last = ack.seq
            self.next_seq += n
            self.published += 1

    # ---- readers --------------------------------------------------------------------------------------------
    async def last_position(self) -> tuple[int, int]:
        """``(last stream sequence, journal sequence number after the stream's last record)``."""
        info = await self.js.stream_info(self.url.stream)
        last = info.state.last_seq
        if not info.state.messages:
            return last, 1
        msg = await self.js.get_msg(self.url.stream, last)
        first = int(msg.headers[SEQ_HEADER])
        return last, first + len(decode_records(msg.data or b"")[0])

    async def position_of(self, journal_seq: int) -> int:
        """Stream sequence of the message holding record ``journal_seq`` (the stream's next sequence when the
        record is not in it yet)."""
        info = await self.js.stream_info(self.url.stream)
        lo, hi = info.state.first_seq, info.state.last_seq
        if not info.state.messages:
            return hi + 1
        first_of = await self._first_seq_of(lo)
        if first_of > journal_seq:
            raise Fenced(f"stream {self.url.stream} no longer holds journal record {journal_seq} (it starts at "
                         f"{first_of}): seed this venue's data dir from a snapshot")
        while lo < hi:  # the last message whose first record is <= journal_seq
            mid = (lo + hi + 1) // 2
            if await self._first_seq_of(mid) <= journal_seq:
                lo = mid
            else:
                hi = mid - 1
        msg = await self.js.get_msg(self.url.stream, lo)
        if int(msg.headers[SEQ_HEADER]) + len(decode_records(msg.data or b"")[0]) <= journal_seq:
            return lo + 1
        return lo

    async def _first_seq_of(self, stream_seq: int) -> int:
        msg = await self.js.get_msg(self.url.stream, stream_seq)
        return int(msg.headers[SEQ_HEADER])

    async def record(self, journal_seq: int) -> bytes | None:
        """The payload of journal record ``journal_seq`` in the stream, or None when the stream has not got it."""
        pos = await self.position_of(journal_seq)
        try:
            msg = await self.js.get_msg(self.url.stream, pos)
        except Exception:
            return None
        payloads, _ = decode_records(msg.data or b"")
        index = journal_seq - int(msg.headers[SEQ_HEADER])
        return payloads[index] if 0 <= index < len(payloads) else None

    async def follow(self, from_stream_seq: int) -> AsyncGenerator[tuple[int, int, list[bytes]], None]:
        """Messages from ``from_stream_seq`` on, forever: ``(stream seq, first journal seq, payloads)``."""
        from nats.js.api import ConsumerConfig, DeliverPolicy

        sub = await self.js.subscribe(self.url.subject, ordered_consumer=True, stream=self.url.stream,
                                      deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
                                      config=ConsumerConfig(opt_start_seq=max(1, from_stream_seq)))
        try:
            async for msg in sub.messages:
                payloads, end = decode_records(msg.data)
                if end != len(msg.data):
                    raise RuntimeError(f"stream {self.url.stream} message {msg.metadata.sequence.stream} is corrupt")
                yield msg.metadata.sequence.stream, int(msg.headers[SEQ_HEADER]), payloads
        finally:
            with contextlib.suppress(Exception):  # the connection may be gone
                await sub.unsubscribe()


class Lease:
    """The primary's lease: created only where no live entry exists, renewed by compare-and-set.

    The lease talks to NATS from its own thread (own event loop and connection): a long engine step on the
    venue's loop (a cancel of 100,000 orders) does not stop the renewals. The venue's loop beats a heart;
    a loop stuck longer than ``STALL_LIMIT`` stops the renewals, so a hung primary loses the lease.
    """

    def __init__(self, url: JournalUrl, advertise: str) -> None:
        self.url = url
        self.ttl = url.lease_ttl
        self.node = uuid.uuid4().hex
        self.value = json.dumps({"node": self.node, "url": advertise}).encode()
        self.revision = 0
        self.valid_until = 0.0  # time.monotonic(), written by the lease thread
        self.beat = time.monotonic()  # the venue loop's heartbeat
        self.lost = asyncio.Event()  # on the venue's loop
        self._lost = threading.Event()
        self._main: asyncio.AbstractEventLoop | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="utaex-lease", daemon=True)
        self._nc: Any = None
        self._kv: Any = None
        self._renewing: asyncio.Task[None] | None = None
        self._beating: asyncio.Future[None] | None = None

    async def _there(self, coro: Any) -> Any:
        """Run ``coro`` on the lease thread's loop and wait for it from the venue's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._loop))

    async def open(self) -> None:
        self._main = asyncio.get_running_loop()
        self._thread.start()
        await self._there(self._open())

    async def _open(self) -> None:
        self._nc = await connect(self.url.server)
        js = self._nc.jetstream(timeout=5)
        try:
            self._kv = await js.key_value(self.url.bucket)
        except Exception:
            self._kv = await js.create_key_value(bucket=self.url.bucket, ttl=self.ttl, history=1)

    def valid(self) -> bool:
        return not self._lost.is_set() and time.monotonic() < self.valid_until

    async def holder(self) -> dict[str, Any] | None:
        """The current holder's ``{"node", "url"}``, or None where nobody holds the lease."""
        return await self._there(self._holder())

    async def _holder(self) -> dict[str, Any] | None:
        import nats.js.errors

        try:
            entry = await self._kv.get(LEASE_KEY)
        except nats.js.errors.KeyNotFoundError:
            return None
        try:
            doc = json.loads(entry.value or b"{}")
        except ValueError:
            return {"node": "", "url": ""}
        return doc if isinstance(doc, dict) else {"node": "", "url": ""}

    async def try_acquire(self) -> bool:
        """Take the lease if nobody holds it (true), and keep it renewed from then on."""
        self.beat = time.monotonic()
        if not await self._there(self._acquire()):
            return False
        self._beating = asyncio.ensure_future(self._beat())
        return True

    async def _acquire(self) -> bool:
        import nats.js.errors

        sent = time.monotonic()
        try:
            self.revision = await self._kv.create(LEASE_KEY, self.value)
        except nats.js.errors.KeyWrongLastSequenceError:
            return False
        self.valid_until = sent + self.ttl * VALID_SHARE
        self._renewing = asyncio.get_running_loop().create_task(self._renew())
        return True

    async def _beat(self) -> None:
        while not self._lost.is_set():
            self.beat = time.monotonic()
            await asyncio.sleep(self.ttl * RENEW_SHARE)

    async def _renew(self) -> None:
        while not self._lost.is_set():
            await asyncio.sleep(self.ttl * RENEW_SHARE)
            stalled = time.monotonic() - self.beat
            if stalled > STALL_LIMIT:
                self._lose(f"the venue's event loop has not run for {stalled:.1f} s")
                return
            sent = time.monotonic()
            try:
                self.revision = await asyncio.wait_for(self._kv.update(LEASE_KEY, self.value, last=self.revision),
                                                       self.ttl * VALID_SHARE)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if time.monotonic() < self.valid_until and not _wrong_revision(exc):
                    log.warning("lease renewal failed (%s); retrying while the lease is still valid", exc)
                    continue
                self._lose(str(exc) or type(exc).__name__)
                return
            self.valid_until = sent + self.ttl * VALID_SHARE

    def _lose(self, why: str) -> None:
        log.critical("lost the primary's lease (%s): no more writes are acknowledged", why)
        self._lost.set()
        if self._main is not None:
            self._main.call_soon_threadsafe(self.lost.set)

    async def release(self) -> None:
        """Stop renewing and delete the entry if it is still ours (a clean stop hands over at once)."""
        if self._beating is not None:
            self._beating.cancel()
        if self._thread.is_alive():
            await self._there(self._release())

    async def _release(self) -> None:
        if self._renewing is not None:
            self._renewing.cancel()
        if self.revision and not self._lost.is_set():
            self._lost.set()
            with contextlib.suppress(Exception):  # someone else holds it already
                await self._kv.delete(LEASE_KEY, last=self.revision)
        self._lost.set()
        if self._main is not None:
            self._main.call_soon_threadsafe(self.lost.set)

    async def close(self) -> None:
        """Release, disconnect and end the lease thread."""
        await self.release()
        if self._thread.is_alive():
            if self._nc is not None:
                with contextlib.suppress(Exception):
                    await self._there(self._nc.close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            await asyncio.to_thread(self._thread.join, 5)


def _wrong_revision(exc: BaseException) -> bool:
    import nats.js.errors

    return isinstance(exc, nats.js.errors.KeyWrongLastSequenceError)
