"""The venue: owns the engine and is its only caller (the sequencer).

Invariants:
- Commands are applied one at a time on the event-loop thread, in arrival order, so the engine never
  sees concurrency; each applied command is appended to the journal in the same order.
- A caller gets its result only after its command is durable (group commit: commands applied while
  an fsync is in flight share the next one).
- Events are turned into values (history rows, push frames) right after ``apply``, before any other
  command runs; pushes go out only once the command is durable.
- Recovery: newest valid snapshot, then replay of the journal after it (re-feeding the history store),
  gives the same state as a full replay.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from ..core.candles import MINUTE, MinuteBar
from ..core.commands import AnyCommand, CancelAll, Command, Configure
from ..core.engine import Engine
from ..core.events import Event
from ..core.instruments import InstrumentSet
from ..journal import (
    AsyncGroupCommitter,
    DataDirLock,
    decode_records,
    list_segments,
    load_latest_snapshot,
    open_for_append,
    recover,
    rotate,
    write_snapshot,
)
from ..journal import prune as prune_journal
from ..sim.clock import REALTIME, STEP, Timer, VirtualClock
from ..store import HistoryStore, open_store
from .fanout import EventFanout, Push
from .marketdata import DAY_MINUTES, MarketData, series_key

log = logging.getLogger("utaex.venue")

HISTORY_BACKLOG = 500_000  # rows the history writer may defer while the venue is busy
RETENTION_MS = 91 * 86_400_000  # history kept: the 90-day access window plus a day
GC_FREEZE_EVERY = 4096  # commands between gc.freeze() calls (docs/decisions.md, "Latency")
# net container allocations between young-generation collections while serving (CPython's default is 700):
# requests in flight keep a few thousand containers alive, which at 700 made every few requests pay a scan
GC_YOUNG_THRESHOLD = 20_000
CLOCK_KEY = "clock"  # the venue setting (Configure) holding the virtual clock's mode, speed and time


class VenueFailed(RuntimeError):
    """The journal failed: the venue acknowledges and shows nothing more (fail-stop, docs/decisions.md)."""


class Venue(EventFanout):
    """The sequencer and the venue's life cycle; what events become is ``EventFanout``'s (gateway/fanout.py)."""

    def __init__(self, data_dir: Path, *, instruments: InstrumentSet | None = None, fsync: bool = True,
                 seed: int = 0, max_open_orders: int = 400, snapshot_every: int = 200_000,
                 keep_journal: bool = False, store_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # one venue per data dir: taken before anything in it is read or created (raises DataDirLocked)
        self._lock = DataDirLock(self.data_dir).acquire()
        #: set on the first journal failure; from then on nothing is applied, acknowledged or shown
        self.failed: BaseException | None = None
        #: called once with the failure (the server stops and exits non-zero)
        self.on_failure: list[Callable[[BaseException], None]] = []
        self.instruments = instruments or InstrumentSet()
        self.fsync = fsync
        self.seed = seed
        self.max_open = max_open_orders
        self.snapshot_every = snapshot_every
        self.keep_journal = keep_journal
        self.engine = self._new_engine()
        self.inflight = 0
        self.last_done = 0.0
        #: set while this venue may not write (a standby, a replica, a fenced primary: gateway/replication.py):
        #: makes the error every command is refused with, before anything is applied
        self.refusal: Callable[[], Exception] | None = None
        # history writes yield to trading while commands are in flight, up to a bounded backlog that
        # reads still see (docs/decisions.md, "History store under load")
        try:
            self.store: HistoryStore = open_store(self.data_dir, store_url, max_pending=HISTORY_BACKLOG + 50_000,
                                                  defer_below=HISTORY_BACKLOG, busy=self._busy)
        except BaseException:
            self._lock.release()
            raise
        self.market = MarketData()
        # minute bars persist as they close, once the command that closed them is durable (docs/decisions.md,
        # "Candles"): (seq of that command, rows), oldest first
        self._closed_bars: deque[tuple[int, list[Any], int]] = deque()  # (seq, rows, span)
        self._publishing = 0  # seq of the command whose events are being published
        self.market.sink = self._bars_closed
        self.committer: AsyncGroupCommitter | None = None
        self.next_seq = 1
        self.since_snapshot = 0
        self.last_ts = 0
        self.listeners: list[Callable[[list[Push]], None]] = []
        # when set, "order"/"fill" payloads (the costly ones) are built only for the uids it accepts
        self.push_filter: Callable[[int], bool] | None = None
        self.order_pnl: dict[int, int] = {}  # open order id -> realised PnL of its fills (order pushes only)
        self._encode = msgspec.msgpack.Encoder().encode
        self._store_encode = msgspec.json.Encoder().encode
        self._decoder = msgspec.msgpack.Decoder(AnyCommand)
        self._snapshotting: asyncio.Task[None] | None = None
        self._gate: asyncio.Event | None = None
        self._retention: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        #: the virtual clock: every command's timestamp, the dead-man switches and the market's timers
        self.clock = VirtualClock()
        self.countdowns: dict[int, Timer] = {}
        self.recovered_commands = 0
        self._unrecorded: deque[list[Event]] = deque()  # events of applied commands not yet handed to the store
        self._record_timer: asyncio.TimerHandle | None = None
        self._gc_thresholds: tuple[int, ...] | None = None  # the process's own, restored by close()

    def _new_engine(self, payload: bytes | None = None) -> Engine:
        kw = {"max_open_spot": self.max_open, "max_open_futures": self.max_open}
        if payload is None:
            return Engine(self.instruments, seed=self.seed, **kw)
        return Engine.from_snapshot(payload, self.instruments, **kw)

    # ---- start / stop -------------------------------------------------------------------------------
    def recover(self) -> None:
        """Load the newest snapshot and replay the journal after it (synchronous, before serving)."""
        rec = recover(self.data_dir)
        if rec.snapshot is not None:
            self.engine = self._new_engine(rec.snapshot)
        self._seed_bars()  # after the snapshot: bars from before its reset_at stay hidden
        for payload in rec.records:
            cmd = self._decoder.decode(payload)
            _, events = self.engine.apply(cmd)
            self._publish(events)
        self.history()
        self.recovered_commands = len(rec.records)
        self.next_seq = rec.next_seq
        self.since_snapshot = len(rec.records)
        self.last_ts = self.engine.now
        self.restore_clock()
        self.store.flush()
        gc.collect()
        gc.freeze()
        writer = open_for_append(self.data_dir, self.next_seq, fsync=self.fsync)
        self.committer = AsyncGroupCommitter(writer)

    def restore_clock(self) -> None:
        """The journaled clock mode again (a stepped venue stays stepped across a restart), never before the
        newest journaled timestamp."""
        raw = self.engine.settings.get(CLOCK_KEY, "")
        if raw:
            try:
                doc = msgspec.json.decode(raw)
                mode = doc["mode"] if doc.get("mode") in (REALTIME, STEP) else REALTIME
                self.clock.restore(mode, float(doc.get("speed", 1.0)), max(int(doc.get("at", 0)), self.engine.now))
            except (msgspec.DecodeError, KeyError, TypeError, ValueError):
                log.warning("journaled clock setting unreadable; real time")
        self.clock.floor(self.engine.now)

    async def journal_clock(self) -> None:
        """Make the clock's mode, speed and current time durable (a ``Configure`` command)."""
        doc = self.clock.journal_doc()
        await self.execute(Configure(ts=self.now_ms(), key=CLOCK_KEY, value=msgspec.json.encode(doc).decode()))

    def _seed_bars(self) -> None:
        """Reload the last day's minute bars from the store (before the journal replay re-feeds trades)."""
        seed_from = (int(time.time() * 1000) // MINUTE - DAY_MINUTES + 1) * MINUTE
        self.market.seeded_from = seed_from
        keys = [i.book_key for i in self.instruments.by_key.values()]
        keys += [series_key(i.category, i.symbol, kind) for i in self.instruments.by_key.values() if i.is_futures
                 for kind in ("mark", "index")]
        for bk in dict.fromkeys(keys):
            newest = self.store.last_bar(*bk)
            if newest is None:
                continue
            reset = self.engine.reset_at - self.engine.reset_at % MINUTE  # the minute of a venue reset on
            if newest.start < reset:
                continue  # everything stored predates a venue reset (its exec-id floor still holds below)
            rows = self.store.bars(*bk, max(min(seed_from, newest.start), reset), newest.start + MINUTE)
            older = self.store.last_bar(*bk, before=rows[0].start) is not None
            self.market.seed(bk, (MinuteBar.from_row(r[2:]) for r in rows), newest.last_exec, older)

    def start(self) -> None:
        assert self.committer is not None
        self.committer.start()
        self.clock.start()
        if self._gc_thresholds is None:
            self._gc_thresholds = gc.get_threshold()
            gc.set_threshold(GC_YOUNG_THRESHOLD, *self._gc_thresholds[1:])
        self._retention = asyncio.ensure_future(self._retain())

    async def _retain(self) -> None:
        """Hourly, drop ended orders and fills older than the 90-day access window (plus a day)."""
        while True:
            cutoff = self.now_ms() - RETENTION_MS
            try:
                removed = await asyncio.to_thread(self.store.prune, cutoff)
                if removed:
                    log.info("history retention removed %d rows", removed)
            except Exception:  # pragma: no cover - logged, retried next hour
                log.exception("history retention failed")
            await asyncio.sleep(3600)

    async def close(self) -> None:
        """Drain in-flight commands, write a snapshot, stop. After a journal failure nothing is drained or
        snapshotted: the engine holds state that never became durable, and the next start recovers
        from the journal alone."""
        if self.failed is not None:
            await self._close_failed()
            return
        await self.clock.stop()
        for handle in self.countdowns.values():
            handle.cancel()
        self.countdowns.clear()
        if self._retention is not None:
            self._retention.cancel()
        if self._snapshotting is not None:
            await self._snapshotting
        if self.committer is not None:
            await self.committer.drain()
            await self.snapshot()
            await self.committer.close()
            self.committer = None
        if self._record_timer is not None:
            self._record_timer.cancel()
        self.history()
        self._put_every_bar()
        await asyncio.to_thread(self.store.close)
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            self._gc_thresholds = None
        self._lock.release()

    async def _close_failed(self) -> None:
        await self.clock.stop()
        for handle in self.countdowns.values():
            handle.cancel()
        self.countdowns.clear()
        for pending in (self._retention, self._snapshotting, self._record_timer):
            if pending is not None:
                pending.cancel()
        self._unrecorded.clear()  # rows of commands that may not be durable never reach the history
        if self.committer is not None:
            try:
                await self.committer.close()  # the failed writer refuses to flush; the file is closed
            except Exception:
                log.exception("closing the failed journal")
            self.committer = None
        await asyncio.to_thread(self.store.close)
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            self._gc_thresholds = None
        self._lock.release()

    def fail_stop(self, exc: BaseException) -> VenueFailed:
        """Record the first journal failure and tell the listeners; returns the error to raise."""
        if self.failed is None:
            self.failed = exc
            log.critical("journal failure (%s: %s): nothing more is acknowledged or shown; the venue stops, and "
                         "the next start recovers from the journal", type(exc).__name__, exc)
            for callback in self.on_failure:
                try:
                    callback(exc)
                except Exception:  # pragma: no cover - a listener must not stop the others
                    log.exception("failure listener")
        return VenueFailed(f"journal failure: {self.failed}")

    def check_serving(self) -> None:
        if self.failed is not None:
            raise self.fail_stop(self.failed)

    async def settled(self) -> None:
        """Wait until every command applied so far is durable, so that a read shows journaled state only
        (cheap when nothing is in flight); raises ``VenueFailed`` after a journal failure."""
        committer = self.committer
        while committer is not None and committer.records < committer.appended and self.failed is None:
            try:
                await committer.drain()
            except Exception as exc:
                raise self.fail_stop(exc) from exc
            committer = self.committer
        self.check_serving()

    async def snapshot(self) -> None:
        """Write a snapshot of everything applied so far and start a new journal segment.

        The sequencer is paused while the journal drains and the state is captured, so the new
        segment starts exactly after the snapshot's last command; the file is written afterwards."""
        assert self.committer is not None
        self.check_serving()
        gate = self._gate = asyncio.Event()
        try:
            try:
                await self.committer.drain()
            except Exception as exc:
                raise self.fail_stop(exc) from exc
            payload = self.engine.snapshot()
            self._put_every_bar()  # with the flush below: bars complete up to `seq`
            seq = self.next_seq - 1
            self.since_snapshot = 0
            await self.committer.replace_writer(rotate(self.data_dir, self.next_seq, fsync=self.fsync))
        finally:
            self._gate = None
            gate.set()
        await asyncio.to_thread(self.history().flush)
        await asyncio.to_thread(write_snapshot, self.data_dir, seq, payload)
        if not self.keep_journal:
            await asyncio.to_thread(prune_journal, self.data_dir)

    def has_snapshot(self) -> bool:
        return load_latest_snapshot(self.data_dir) is not None

    def full_replay_hash(self) -> str | None:
        """State hash of a fresh engine fed every journaled command from the first one, or None when
        early segments were pruned. Reads only durable records (call after draining)."""
        segments = list_segments(self.data_dir)
        if not segments or segments[0][0] != 1:
            return None
        eng = self._new_engine()
        applied = 0
        for _, path in segments:
            records, _ = decode_records(path.read_bytes())
            for payload in records:
                if applied >= self.next_seq - 1:
                    break
                eng.apply(self._decoder.decode(payload))
                applied += 1
        return eng.state_hash() if applied == self.next_seq - 1 else None

    # ---- the sequencer --------------------------------------------------------------------------------
    def now_ms(self) -> int:
        """The virtual clock's time (sim/clock.py), never before the last timestamp handed out."""
        ts = self.clock.now_ms()
        if ts < self.last_ts:
            ts = self.last_ts
        self.last_ts = ts
        return ts

    async def execute(self, cmd: Command) -> Any:
        """Apply a command, journal it, and return its result once it is durable."""
        committer = self.committer
        if self.failed is not None:
            raise self.fail_stop(self.failed)
        if committer is None:
            raise RuntimeError("venue is not running")
        while self._gate is not None:
            await self._gate.wait()
            if self.failed is not None:
                raise self.fail_stop(self.failed)
        if self.refusal is not None:
            raise self.refusal()
        result, events = self.engine.apply(cmd)
        try:
            fut = committer.append(self._encode(cmd))
        except Exception as exc:  # the journal failed earlier (or is closed): this state change is not durable
            raise self.fail_stop(exc) from exc
        self.next_seq += 1
        self.since_snapshot += 1
        if not self.next_seq % GC_FREEZE_EVERY:
            gc.freeze()  # long-lived state (orders, levels) leaves the collector's scans: no multi-ms pauses
        seq = self.next_seq - 1
        pushes = self._publish(events, seq)
        self.inflight += 1
        try:
            await fut
        except Exception as exc:  # write or fsync failed: not acknowledged, and the venue stops
            raise self.fail_stop(exc) from exc
        finally:
            self.inflight -= 1
            self.last_done = time.monotonic()
        self._durable(seq, pushes)
        return result

    async def apply_replicated(self, payloads: list[bytes]) -> None:
        """A follower's step: apply commands the primary journaled (the next ones, in order), journal them here
        and push their events once they are durable here (gateway/replication.py)."""
        committer = self.committer
        if self.failed is not None:
            raise self.fail_stop(self.failed)
        assert committer is not None
        while self._gate is not None:
            await self._gate.wait()
        pushes: list[Push] = []
        fut = None
        decode = self._decoder.decode
        for payload in payloads:
            _, events = self.engine.apply(decode(payload))
            try:
                fut = committer.append(payload)
            except Exception as exc:
                raise self.fail_stop(exc) from exc
            self.next_seq += 1
            self.since_snapshot += 1
            pushes += self._publish(events, self.next_seq - 1)
        if fut is None:
            return
        self.inflight += 1
        try:
            await fut
        except Exception as exc:
            raise self.fail_stop(exc) from exc
        finally:
            self.inflight -= 1
            self.last_done = time.monotonic()
        self._durable(self.next_seq - 1, pushes)

    def _durable(self, seq: int, pushes: list[Push]) -> None:
        """Every command up to ``seq`` is durable: closed bars to the store, pushes out, snapshot when due."""
        closed = self._closed_bars
        if closed and closed[0][0] <= seq:  # the journal is sequential: every command up to seq is durable
            while closed and closed[0][0] <= seq:
                _, rows, span = closed.popleft()
                self.store.put_bars(rows, span)
        if pushes:
            for listener in self.listeners:
                listener(pushes)
        if self.since_snapshot >= self.snapshot_every and self._snapshotting is None:
            self._snapshotting = asyncio.ensure_future(self._background_snapshot())

    async def _background_snapshot(self) -> None:
        try:
            await self.snapshot()
        except Exception:  # pragma: no cover - logged, retried at the next threshold
            log.exception("snapshot failed")
        finally:
            self._snapshotting = None

    # ---- dead-man switch ------------------------------------------------------------------------------
    def set_countdown(self, uid: int, seconds: int) -> None:
        old = self.countdowns.pop(uid, None)
        if old is not None:
            old.cancel()
        if seconds <= 0:
            return

        def fire() -> None:  # on the virtual clock: a stepped venue fires it when a step passes its time
            self.countdowns.pop(uid, None)
            task = asyncio.ensure_future(self.execute(CancelAll(ts=self.now_ms(), uid=uid)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        self.countdowns[uid] = self.clock.call_later(seconds * 1000, fire)
