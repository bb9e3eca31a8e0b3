"""Append-only journal segments, a synchronous writer and an asyncio group committer.

Invariants:

* A segment is named ``journal-{first_seq:020d}.log``; ``first_seq`` is the global, 1-based
  sequence number of its first record. Segments are contiguous: a segment's records are
  numbered ``first_seq, first_seq + 1, ...`` up to (excluding) the next segment's ``first_seq``.
* ``JournalWriter`` only ever appends after the last valid record: on open it truncates a torn
  tail, and after any write/fsync error it refuses further I/O (``JournalError``), because a
  partial record might sit at the end of the file and later appends would be lost behind it.
* ``JournalWriter.flush`` writes a whole batch with one write and makes it durable with one
  fsync. ``append`` may run concurrently with ``flush`` (in another thread): the buffer is
  swapped under a lock, so every record lands in exactly one flush, in ``append`` order.
* ``AsyncGroupCommitter`` resolves an ``append`` future only after the record's flush (and
  fsync) returned; records appended while a flush is in flight go into the next flush, so
  concurrent appenders share fsyncs. On an I/O error every pending future gets the exception
  and the committer stays failed.
* Before a flush on the journal thread the committer yields up to ``GATHER_TURNS`` event-loop turns
  (until a turn brings no record), so records appended by work the loop has already scheduled join
  that flush rather than the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import threading
import time
from collections import deque
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

from .codec import decode_records, encode_record

__all__ = [
    "AsyncGroupCommitter",
    "BatchSink",
    "JournalError",
    "JournalWriter",
    "fsync_dir",
    "journal_path",
    "list_segments",
]

INLINE_FLUSH_MAX_S = 0.002  # a lone waiter is flushed on the event loop while flushes take less than this
INLINE_AFTER_IDLE_S = 0.0002  # ... and only when no flush ended in this last while (not under load)
GATHER_TURNS = 2  # event-loop turns a threaded flush waits for more records (docs/decisions.md, "Durability")
_SEGMENT_RE = re.compile(r"^journal-(\d{20})\.log$")


class BatchSink(Protocol):
    """Where a group-committed batch is replicated (``blob`` is ``count`` framed records, in order)."""

    async def publish(self, blob: bytes, count: int) -> None: ...


class JournalError(RuntimeError):
    """The journal cannot accept records (closed, or failed after an I/O error)."""


def journal_path(data_dir: Path, first_seq: int) -> Path:
    """Path of the segment whose first record has global sequence number ``first_seq``."""
    if first_seq < 1:
        raise ValueError(f"journal sequence numbers start at 1, got {first_seq}")
    return Path(data_dir) / f"journal-{first_seq:020d}.log"


def list_segments(data_dir: Path) -> list[tuple[int, Path]]:
    """All journal segments in ``data_dir`` as ``(first_seq, path)``, oldest first."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    found = []
    for entry in data_dir.iterdir():
        match = _SEGMENT_RE.fullmatch(entry.name)
        if match and entry.is_file():
            found.append((int(match.group(1)), entry))
    found.sort()
    return found


def fsync_dir(path: Path) -> None:
    """Make directory-entry changes (create, rename, unlink) in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class JournalWriter:
    """Buffered appender for one journal segment; ``flush`` makes the buffer durable."""

    def __init__(self, path: Path, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.fsync_count = 0
        self.records_written = 0
        #: Valid records found in the file when it was opened.
        self.records_at_open = 0
        #: Bytes of torn/corrupt tail removed when the file was opened.
        self.truncated_bytes = 0
        self._buf: list[bytes] = []
        self._buf_lock = threading.Lock()
        self._io_lock = threading.Lock()
        self._closed = False
        self._failed: BaseException | None = None
        created = not self.path.exists()
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        # O_DSYNC: each write returns once its data (and the file size) is on disk, i.e. write +
        # fdatasync in one system call: one release of the interpreter lock per flush instead of two
        self._dsync = fsync and hasattr(os, "O_DSYNC")
        if self._dsync:
            flags |= os.O_DSYNC
        self._fd = os.open(self.path, flags, 0o644)
        try:
            if created:
                fsync_dir(self.path.parent)
            else:
                self._validate()
        except BaseException:
            os.close(self._fd)
            raise

    def _validate(self) -> None:
        with open(self.path, "rb") as f:
            data = f.read()
        payloads, valid_end = decode_records(data)
        self.records_at_open = len(payloads)
        if valid_end < len(data):
            os.ftruncate(self._fd, valid_end)
            os.fsync(self._fd)
            self.truncated_bytes = len(data) - valid_end

    @property
    def record_count(self) -> int:
        """Records durable in this segment (found at open plus flushed since)."""
        return self.records_at_open + self.records_written

    @property
    def pending(self) -> int:
        """Records appended but not yet flushed."""
        return len(self._buf)

    def append(self, payload: bytes) -> None:
        """Buffer one record; it becomes durable at the next ``flush``."""
        if self._closed:
            raise JournalError(f"journal {self.path.name} is closed")
        if self._failed is not None:
            raise JournalError(f"journal {self.path.name} failed earlier") from self._failed
        record = encode_record(payload)
        with self._buf_lock:
            self._buf.append(record)

    def flush(self) -> int:
        """Write every buffered record with one write + one fsync; return how many."""
        with self._io_lock:
            self._check_open()
            batch = self.take()
            if not batch:
                return 0
            self._write(b"".join(batch), len(batch))
            return len(batch)

    def take(self) -> list[bytes]:
        """Remove and return the buffered (framed) records, for a caller that writes them itself with
        ``write_batch`` (the replicated journal publishes the same bytes while they are written)."""
        with self._buf_lock:
            batch, self._buf = self._buf, []
        return batch

    def write_batch(self, blob: bytes, count: int) -> int:
        """Write ``count`` framed records (``take``'s, joined) with one write + one fsync; return ``count``."""
        with self._io_lock:
            self._check_open()
            self._write(blob, count)
            return count

    def _check_open(self) -> None:
        if self._failed is not None:
            raise JournalError(f"journal {self.path.name} failed earlier") from self._failed
        if self._closed:
            raise JournalError(f"journal {self.path.name} is closed")

    def _write(self, blob: bytes, count: int) -> None:
        try:
            _write_all(self._fd, blob)
            if self.fsync:
                if not self._dsync:
                    os.fsync(self._fd)
                self.fsync_count += 1
        except BaseException as exc:
            self._failed = exc
            raise
        self.records_written += count

    def close(self) -> None:
        """Flush what is buffered (unless the writer failed) and close the file."""
        if self._closed:
            return
        try:
            if self._buf and self._failed is None:
                self.flush()
        finally:
            with self._io_lock:
                self._closed = True
                os.close(self._fd)

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncGroupCommitter:
    """Group-commits a ``JournalWriter`` from asyncio: one fsync for many appenders."""

    def __init__(self, writer: JournalWriter, *, executor: Executor | None = None,
                 inline_max_s: float = INLINE_FLUSH_MAX_S) -> None:
        #: When set, every flushed batch is also handed to ``sink.publish`` (the replicated journal, journal/
        #: jetstream.py) while it is written, and appenders are resolved only once both have succeeded
        self.sink: BatchSink | None = None
        #: Flush on the event loop when a single record waits and the last flush took less than this
        #: (0 turns it off: every flush then runs on the journal thread).
        self.inline_max_s = inline_max_s
        self._writer = writer
        self._own_executor = executor is None
        self._executor: Executor = executor or ThreadPoolExecutor(1, thread_name_prefix="utaex-journal")
        self._futures: deque[asyncio.Future[None]] = deque()
        self._drain_waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._closed = False
        self._error: BaseException | None = None
        self._last_flush_s = 0.0  # duration of the latest flush (write + fsync)
        self._last_flush_end = 0.0  # when it ended (perf_counter)
        #: Flushes performed (one fsync each when the writer fsyncs).
        self.flushes = 0
        #: Records made durable.
        self.records = 0
        #: Records accepted by ``append``.
        self.appended = 0

    @property
    def writer(self) -> JournalWriter:
        return self._writer

    def start(self) -> None:
        """Start the background commit task on the running loop (idempotent)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="utaex-journal-commit")

    def append(self, payload: bytes) -> asyncio.Future[None]:
        """Queue ``payload``; the returned future resolves once it is durable."""
        if self._closing:
            raise JournalError("group committer is closed")
        if self._error is not None:
            raise JournalError("group committer failed earlier") from self._error
        self.start()
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._writer.append(payload)
        self._futures.append(fut)
        self.appended += 1
        self._wake.set()
        return fut

    async def drain(self) -> None:
        """Wait until every record appended so far is durable (raises on I/O failure)."""
        target = self.appended
        if self.records >= target:
            return
        if self._error is not None:
            raise JournalError("group committer failed before draining") from self._error
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._drain_waiters.append((target, fut))
        await fut

    async def replace_writer(self, writer: JournalWriter) -> JournalWriter:
        """Drain, then direct later appends to ``writer`` (segment rotation); return the old one."""
        while self._futures:
            await self.drain()
        old, self._writer = self._writer, writer
        return old

    async def close(self) -> None:
        """Flush everything appended so far, stop the task, close the writer."""
        if self._closed:
            return
        self._closing = True
        self._wake.set()
        try:
            if self._task is not None:
                await self._task
            await asyncio.get_running_loop().run_in_executor(self._executor, self._writer.close)
        finally:
            self._closed = True
            if self._own_executor:
                self._executor.shutdown(wait=False)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                if not self._futures:
                    if self._closing:
                        return
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                if self.sink is not None:
                    flushed = await self._replicated_flush(loop, self.sink)
                elif (len(self._futures) == 1 and self._last_flush_s < self.inline_max_s
                        and time.perf_counter() - self._last_flush_end > INLINE_AFTER_IDLE_S):
                    # a lone waiter after a pause (light load) and a fast disk: flush on the loop, saving
                    # two thread hand-offs of the interpreter lock on the critical path; under load
                    # (flushes back to back) the thread keeps the loop free to gather the next group
                    flushed = self._timed_flush()
                else:
                    # under load: first let the requests this loop has already read append their records
                    # (a turn returns at once when nothing else is ready, so this never waits idle; a turn
                    # that brought no record ends the wait); larger groups, a third fewer fsyncs, less
                    # kernel time on the venue's core
                    for _ in range(GATHER_TURNS):
                        waiting = len(self._futures)
                        await asyncio.sleep(0)
                        if len(self._futures) == waiting:
                            break
                    flushed = await loop.run_in_executor(self._executor, self._timed_flush)
                if flushed == 0:
                    raise JournalError("journal writer was flushed outside the group committer")
                self.flushes += 1
                self._complete(flushed)
        except asyncio.CancelledError:
            self._fail(JournalError("group committer task was cancelled"))
            raise
        except Exception as exc:
            self._fail(exc)

    async def _replicated_flush(self, loop: asyncio.AbstractEventLoop, sink: BatchSink) -> int:
        """One batch written locally (journal thread) and published to the sink (event loop) at once; an
        error of either fails the committer, after the local write has ended either way."""
        for _ in range(GATHER_TURNS):
            waiting = len(self._futures)
            await asyncio.sleep(0)
            if len(self._futures) == waiting:
                break
        batch = self._writer.take()
        if not batch:
            return 0
        blob = b"".join(batch)
        local = loop.run_in_executor(self._executor, self._writer.write_batch, blob, len(batch))
        try:
            await sink.publish(blob, len(batch))
        except BaseException:
            with contextlib.suppress(BaseException):
                await local
            raise
        return await local

    def _timed_flush(self) -> int:
        started = time.perf_counter()
        flushed = self._writer.flush()
        self._last_flush_end = time.perf_counter()
        self._last_flush_s = self._last_flush_end - started
        return flushed

    def _complete(self, count: int) -> None:
        futures = self._futures
        for _ in range(count):
            fut = futures.popleft()
            if not fut.done():
                fut.set_result(None)
        self.records += count
        if self._drain_waiters:
            still_waiting = []
            for target, fut in self._drain_waiters:
                if target <= self.records:
                    if not fut.done():
                        fut.set_result(None)
                else:
                    still_waiting.append((target, fut))
            self._drain_waiters = still_waiting

    def _fail(self, exc: Exception) -> None:
        self._error = exc
        waiting = [*self._futures, *(fut for _, fut in self._drain_waiters)]
        self._futures.clear()
        self._drain_waiters.clear()
        for fut in waiting:
            if not fut.done():
                fut.set_exception(exc)
