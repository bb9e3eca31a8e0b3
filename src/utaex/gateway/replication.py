"""Roles of a venue on the replicated journal (``--journal nats://…``, ``--role``; docs/scale-out.md).

* ``primary``: takes the lease, catches up with the stream, then publishes every group-commit batch to it
  (journal/jetstream.py) while it writes it locally; a client is answered only once both succeeded. A
  primary that cannot take the lease, finds its history diverged from the stream's, or loses the lease,
  is *fenced*: it refuses every command (HTTP 503, code 25000, naming the primary) and acknowledges nothing.
* ``standby``: follows the stream, applying each command to its engine and journaling it locally, in
  lockstep with the primary (same state hash); serves reads; when the lease lapses it takes the lease,
  applies whatever is left in the stream, and continues as the primary from there.
* ``replica``: follows like a standby, never takes over; serves market data, private reads and WebSocket
  pushes; writes are refused with an error naming the primary (docs/decisions.md, "Writes on a replica").

Invariants: a follower applies the stream's records in journal order with no gap and no repeat (checked
by the ``Utaex-Seq`` headers); a writer appends only with the lease held and with the stream's last sequence
as the expected one, so the stream is one linear history and everything acknowledged is in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import errors as X
from ..journal import decode_records, encode_record, list_segments
from ..journal.jetstream import Fenced, JetStreamJournal, JournalUrl, Lease
from .errors import ApiError
from .venue import Venue

log = logging.getLogger("utaex.replication")

ROLES = ("primary", "standby", "replica")
WATCH_SHARE = 0.1  # followers look at the lease every this share of its TTL


def local_records(data_dir: Path, first: int, end: int) -> list[bytes] | None:
    """Journal records ``first .. end - 1`` from the local segments, or None where they are not all there."""
    out: list[bytes] = []
    for start, path in list_segments(data_dir):
        payloads, _ = decode_records(path.read_bytes())
        lo, hi = max(first, start), min(end, start + len(payloads))
        if lo < hi:
            if lo != first + len(out):
                return None
            out += payloads[lo - start:hi - start]
    return out if len(out) == end - first else None


class Replication:
    def __init__(self, venue: Venue, url: JournalUrl, role: str, advertise: str,
                 on_promote: Callable[[], None] | None = None) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.venue = venue
        self.url = url
        self.role = role
        self.advertise = advertise
        self.on_promote = on_promote
        self.journal = JetStreamJournal(url)
        self.lease: Lease | None = None
        self.primary_url = ""  # the lease holder's URL, as last seen
        self.fenced_reason = ""
        self.applied = 0  # stream sequence applied (followers)
        self._tasks: list[asyncio.Future[Any]] = []
        self._follower: asyncio.Future[Any] | None = None
        self.promoted_at = 0.0

    # ---- start / stop ---------------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.journal.connect()
        self.lease = Lease(self.url, self.advertise)
        await self.lease.open()
        if self.role == "primary":
            await self._start_primary()
        else:
            await self._start_follower()

    async def stop(self) -> None:
        """After the venue drained and snapshotted: hand the lease over at once and disconnect."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        if self.lease is not None:
            await self.lease.close()
        await self.journal.close()

    def _spawn(self, coro: Any) -> None:
        self._tasks.append(asyncio.ensure_future(coro))

    def state(self) -> dict[str, Any]:
        """``GET /admin/v1/replication``."""
        venue = self.venue
        writable = venue.refusal is None and venue.failed is None and self.role == "primary"
        return {"role": self.role, "writable": writable, "primary": self.primary_url,
                "journal": f"{self.url.server}/{self.url.stream}",
                "streamSeq": str(self.journal.last if self.role == "primary" else self.applied),
                "journalSeq": str(venue.next_seq - 1), "leaseTtl": str(self.url.lease_ttl),
                "fenced": self.fenced_reason}

    # ---- refusing writes ------------------------------------------------------------------------------------
    def _refuse(self) -> None:
        self.venue.refusal = self._refusal

    def _refusal(self) -> Exception:
        where = (f"send writes to the primary at {self.primary_url}" if self.primary_url
                 else "no primary holds the lease right now, retry shortly")
        if self.role == "primary":
            what = f"This venue is fenced and no longer the primary ({self.fenced_reason})"
        else:
            what = f"This venue is a {self.role} and accepts no writes"
        return ApiError(X.SYSTEM_ERROR, f"{what}; {where}", 503)

    async def _fence(self, reason: str) -> None:
        self.fenced_reason = reason
        self._refuse()
        log.critical("fenced: %s; this venue acknowledges no more writes", reason)
        await self._learn_primary()
        self._spawn(self._watch(take_over=False))

    async def _learn_primary(self) -> None:
        assert self.lease is not None
        try:
            holder = await self.lease.holder()
        except Exception:  # pragma: no cover - NATS unreachable: keep what was known
            return
        self.primary_url = "" if holder is None or holder.get("node") == self.lease.node else str(holder.get("url", ""))

    # ---- primary --------------------------------------------------------------------------------------------
    async def _start_primary(self) -> None:
        lease = self.lease
        assert lease is not None
        deadline = time.monotonic() + 2 * self.url.lease_ttl + 0.5  # a previous incarnation's lease lapses
        while not await lease.try_acquire():
            if time.monotonic() > deadline:
                await self._fence("another venue holds the primary's lease")
                return
            await asyncio.sleep(self.url.lease_ttl * WATCH_SHARE)
        try:
            await self._catch_up_as_writer()
        except Fenced as exc:
            await lease.release()
            await self._fence(str(exc))
            return
        self._become_writer()

    async def _catch_up_as_writer(self) -> None:
        """Make the local journal and the stream one history before the first write: apply what the stream has
        beyond the local journal, or publish the local records the stream lacks (written here, never
        acknowledged: the stream's ack was missing)."""
        venue, journal = self.venue, self.journal
        last, stream_next = await journal.last_position()
        local_next = venue.next_seq
        await self._check_same_history(local_next, stream_next)
        journal.last, journal.lease = last, self.lease
        if last == 0:
            journal.next_seq = local_next  # a new stream starts where this venue's journal is
        elif stream_next > local_next:
            await self._apply_until(await journal.position_of(local_next), last)
        elif stream_next < local_next:
            missing = local_records(venue.data_dir, stream_next, local_next)
            if missing is None:
                raise Fenced(f"journal records {stream_next}..{local_next - 1} are neither in the stream nor on disk")
            journal.next_seq = stream_next
            await journal.publish(b"".join(encode_record(p) for p in missing), len(missing))
            log.warning("published %d journal records the stream lacked (never acknowledged)", len(missing))
        journal.next_seq = venue.next_seq

    async def _check_same_history(self, local_next: int, stream_next: int) -> None:
        """The record both hold last must be the same bytes, or this data dir's history is not the stream's."""
        both = min(local_next, stream_next) - 1
        if both < 1:
            return
        mine = local_records(self.venue.data_dir, both, both + 1)
        theirs = await self.journal.record(both)
        if mine is not None and theirs is not None and mine[0] != theirs:
            raise Fenced(f"journal record {both} differs from the stream's: this data dir's history diverged "
                         "(start it again with an empty data dir to follow the stream)")

    def _become_writer(self) -> None:
        venue = self.venue
        assert venue.committer is not None and self.lease is not None
        venue.committer.sink = self.journal
        venue.refusal = None
        self.role = "primary"
        self.primary_url = self.advertise
        self.promoted_at = time.monotonic()
        if self.on_promote is not None:
            self.on_promote()
        self._spawn(self._guard_lease(self.lease))
        log.warning("primary: publishing to stream %s after stream seq %d (journal seq %d)",
                    self.url.stream, self.journal.last, venue.next_seq - 1)

    async def _guard_lease(self, lease: Lease) -> None:
        await lease.lost.wait()
        await self._fence("its lease lapsed or was taken")

    # ---- followers ------------------------------------------------------------------------------------------
    async def _start_follower(self) -> None:
        self._refuse()
        journal, venue = self.journal, self.venue
        _, stream_next = await journal.last_position()
        if venue.next_seq > stream_next:
            raise Fenced(f"this data dir holds journal records up to {venue.next_seq - 1}, the stream only up to "
                         f"{stream_next - 1}: it was a primary whose last batch never reached the stream; start "
                         "the follower with an empty data dir")
        await self._check_same_history(venue.next_seq, stream_next)
        await self._learn_primary()
        start = await journal.position_of(venue.next_seq)
        self.applied = start - 1
        self._follower = asyncio.ensure_future(self._follow(start))
        self._tasks.append(self._follower)
        self._spawn(self._watch(take_over=self.role == "standby"))

    async def _apply_message(self, stream_seq: int, first: int, payloads: list[bytes]) -> None:
        venue = self.venue
        skip = venue.next_seq - first
        if skip < 0:
            raise RuntimeError(f"gap in stream {self.url.stream}: message {stream_seq} starts at journal record "
                               f"{first}, this venue expects {venue.next_seq}")
        if skip < len(payloads):
            await venue.apply_replicated(payloads[skip:])
        self.applied = stream_seq

    async def _follow(self, start: int) -> None:
        try:
            async for stream_seq, first, payloads in self.journal.follow(start):
                await self._apply_message(stream_seq, first, payloads)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("following stream %s failed", self.url.stream)
            self.venue.fail_stop(exc)

    async def _apply_until(self, start: int, last: int) -> None:
        if start > last:
            return
        async with contextlib.aclosing(self.journal.follow(start)) as messages:
            async for stream_seq, first, payloads in messages:
                await self._apply_message(stream_seq, first, payloads)
                if stream_seq >= last:
                    return

    async def _watch(self, take_over: bool) -> None:
        lease = self.lease
        assert lease is not None
        while True:
            await asyncio.sleep(self.url.lease_ttl * WATCH_SHARE)
            try:
                holder = await lease.holder()
            except Exception as exc:  # pragma: no cover - NATS briefly unreachable
                log.warning("reading the lease failed: %s", exc)
                continue
            self.primary_url = "" if holder is None else str(holder.get("url", ""))
            if holder is None and take_over and await lease.try_acquire():
                await self._take_over()
                return

    async def _take_over(self) -> None:
        """With the lease taken: apply the rest of the stream, then publish after its last message."""
        started = time.monotonic()
        journal, venue = self.journal, self.venue
        try:
            last, stream_next = await journal.last_position()
            follower = self._follower
            assert follower is not None
            while self.applied < last:
                if follower.done():
                    raise RuntimeError("the follower stopped before the stream's end")
                await asyncio.sleep(0.002)
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower
            assert venue.committer is not None
            await venue.committer.drain()
            if venue.next_seq != stream_next:
                raise RuntimeError(f"applied up to journal record {venue.next_seq - 1}, the stream holds "
                                   f"{stream_next - 1}")
        except Exception as exc:
            assert self.lease is not None
            await self.lease.release()
            venue.fail_stop(exc)
            return
        journal.last, journal.lease, journal.next_seq = last, self.lease, venue.next_seq
        self._become_writer()
        log.warning("standby took over as primary in %.3f s", time.monotonic() - started)
