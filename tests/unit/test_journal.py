"""Tests for utaex.journal: codec, writer, group commit, snapshots, recovery, crash safety."""

from __future__ import annotations

import asyncio
import os
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from concurrent.futures import Executor, Future
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utaex.journal import (
    HEADER_SIZE,
    MAX_PAYLOAD,
    AsyncGroupCommitter,
    JournalCorrupt,
    JournalError,
    JournalWriter,
    decode_records,
    encode_record,
    journal_path,
    list_segments,
    list_snapshots,
    load_latest_snapshot,
    open_for_append,
    prune,
    prune_segments,
    prune_snapshots,
    recover,
    rotate,
    snapshot_path,
    write_snapshot,
)
from utaex.journal.log import GATHER_TURNS


def payload(n: int) -> bytes:
    return f"cmd-{n}:".encode() + bytes([n % 251]) * (n % 17)


def read_journal(path: Path) -> list[bytes]:
    records, end = decode_records(path.read_bytes())
    assert end == path.stat().st_size
    return records


# --------------------------------------------------------------------------- codec


def test_codec_roundtrip() -> None:
    payloads = [payload(i) for i in range(50)] + [b"\x00" * 1000]
    buf = b"".join(encode_record(p) for p in payloads)
    decoded, end = decode_records(buf)
    assert decoded == payloads
    assert end == len(buf)
    decoded_view, end_view = decode_records(memoryview(bytearray(buf)))
    assert decoded_view == payloads and end_view == len(buf)
    record = encode_record(b"abc")
    assert struct.unpack("<II", record[:HEADER_SIZE]) == (3, zlib.crc32(b"abc"))


def test_codec_rejects_empty_and_absurd_length() -> None:
    with pytest.raises(ValueError):
        encode_record(b"")
    good = encode_record(b"ok")
    absurd = struct.pack("<II", MAX_PAYLOAD + 1, 0) + b"x" * 64
    assert decode_records(good + absurd + good) == ([b"ok"], len(good))
    # A zero-filled tail is not a run of empty records.
    assert decode_records(good + bytes(64)) == ([b"ok"], len(good))


def test_codec_stops_at_first_corruption() -> None:
    records = [encode_record(payload(i)) for i in range(4)]
    buf = bytearray(b"".join(records))
    bad = len(records[0]) + HEADER_SIZE + 1  # a payload byte of record 1
    buf[bad] ^= 0xFF
    assert decode_records(bytes(buf)) == ([payload(0)], len(records[0]))


@given(st.lists(st.binary(min_size=1, max_size=300), max_size=30), st.data())
def test_codec_truncation_yields_prefix(payloads: list[bytes], data: st.DataObject) -> None:
    encoded = [encode_record(p) for p in payloads]
    buf = b"".join(encoded)
    assert decode_records(buf) == (payloads, len(buf))
    cut = data.draw(st.integers(min_value=0, max_value=len(buf)), label="cut")
    decoded, end = decode_records(buf[:cut])
    boundaries = [0]
    for rec in encoded:
        boundaries.append(boundaries[-1] + len(rec))
    complete = max(i for i, b in enumerate(boundaries) if b <= cut)
    assert decoded == payloads[:complete]
    assert end == boundaries[complete]


# --------------------------------------------------------------------------- writer


def test_writer_roundtrip_and_counters(tmp_path: Path) -> None:
    path = tmp_path / "j.log"
    with JournalWriter(path) as writer:
        assert writer.flush() == 0
        assert writer.fsync_count == 0
        for i in range(3):
            writer.append(payload(i))
        assert writer.pending == 3
        assert writer.flush() == 3
        assert writer.fsync_count == 1
        writer.append(payload(3))
        assert writer.flush() == 1
        assert writer.fsync_count == 2
        assert writer.records_written == 4
        writer.append(payload(4))  # flushed by close
    assert read_journal(path) == [payload(i) for i in range(5)]
    with JournalWriter(path, fsync=False) as writer:
        assert writer.records_at_open == 5
        writer.append(payload(5))
        assert writer.flush() == 1
        assert writer.fsync_count == 0
        assert writer.record_count == 6
    assert read_journal(path) == [payload(i) for i in range(6)]
    with pytest.raises(JournalError):
        writer.append(b"late")


def test_writer_append_concurrent_with_flush_thread(tmp_path: Path) -> None:
    path = tmp_path / "j.log"
    writer = JournalWriter(path, fsync=False)
    stop = threading.Event()
    flushed: list[int] = []

    def flusher() -> None:
        while not stop.is_set():
            flushed.append(writer.flush())

    thread = threading.Thread(target=flusher)
    thread.start()
    try:
        for i in range(20_000):
            writer.append(payload(i))
    finally:
        stop.set()
        thread.join()
    flushed.append(writer.flush())
    writer.close()
    assert sum(flushed) == 20_000
    assert read_journal(path) == [payload(i) for i in range(20_000)]


# --------------------------------------------------------------------------- group commit


def test_group_commit_shares_fsyncs_and_preserves_order(tmp_path: Path) -> None:
    path = tmp_path / "j.log"
    append_order: list[bytes] = []

    async def main() -> AsyncGroupCommitter:
        committer = AsyncGroupCommitter(JournalWriter(path))
        committer.start()

        async def appender(w: int) -> None:
            for i in range(25):
                data = f"w{w}-{i}".encode()
                fut = committer.append(data)
                append_order.append(data)
                await fut
                if i % 5 == w % 5:
                    await asyncio.sleep(0)

        await asyncio.gather(*(appender(w) for w in range(32)))
        await committer.close()
        return committer

    committer = asyncio.run(main())
    assert committer.records == committer.appended == 32 * 25
    assert committer.flushes < committer.records
    assert committer.writer.fsync_count == committer.flushes
    assert read_journal(path) == append_order


def test_group_commit_drain_and_close_flush_everything(tmp_path: Path) -> None:
    path = tmp_path / "j.log"

    async def main() -> None:
        committer = AsyncGroupCommitter(JournalWriter(path))
        futures = [committer.append(payload(i)) for i in range(100)]
        await committer.drain()
        assert all(f.done() and f.exception() is None for f in futures)
        assert read_journal(path) == [payload(i) for i in range(100)]
        await committer.drain()  # nothing pending: returns at once
        late = [committer.append(payload(i)) for i in range(100, 110)]
        await committer.close()
        assert all(f.done() for f in late)
        with pytest.raises(JournalError):
            committer.append(b"after close")

    asyncio.run(main())
    assert read_journal(path) == [payload(i) for i in range(110)]


def test_group_commit_io_error_fails_all_pending(tmp_path: Path) -> None:
    path = tmp_path / "j.log"

    async def main() -> None:
        writer = JournalWriter(path)
        committer = AsyncGroupCommitter(writer, inline_max_s=0)  # all five wait for one thread flush
        await committer.append(b"durable")
        # Make the journal fd read-only underneath the writer: the next write fails (EBADF).
        read_only = os.open(path, os.O_RDONLY)
        os.dup2(read_only, writer._fd)
        os.close(read_only)
        futures = [committer.append(payload(i)) for i in range(5)]
        results = await asyncio.gather(*futures, return_exceptions=True)
        assert all(isinstance(r, OSError) for r in results)
        with pytest.raises(JournalError):
            committer.append(b"more")
        with pytest.raises(JournalError):
            writer.flush()
        await committer.close()

    asyncio.run(main())
    assert read_journal(path) == [b"durable"]


class _CallerRunsExecutor(Executor):
    """Runs each flush at submission, so which records a flush takes does not depend on thread timing."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        fut: Future[object] = Future()
        fut.set_result(fn(*args, **kwargs))
        return fut


def test_threaded_flush_gathers_records_of_work_already_scheduled(tmp_path: Path) -> None:
    """Under load the committer yields GATHER_TURNS loop turns before a threaded flush: appends from
    callbacks the loop had already scheduled share that flush (one fsync) instead of the next one."""
    path = tmp_path / "j.log"
    assert GATHER_TURNS >= 1

    async def main() -> None:
        loop = asyncio.get_running_loop()
        committer = AsyncGroupCommitter(JournalWriter(path), executor=_CallerRunsExecutor(), inline_max_s=0)
        futures = [committer.append(payload(0))]
        # scheduled after the committer's wake-up: it runs while the committer yields
        loop.call_soon(lambda: futures.append(committer.append(payload(1))))
        await futures[0]
        await asyncio.gather(*futures)
        assert committer.flushes == 1
        assert committer.records == 2
        await committer.close()

    asyncio.run(main())
    assert read_journal(path) == [payload(0), payload(1)]


def test_inline_flush_io_error_fails_the_waiter_and_later_appends(tmp_path: Path) -> None:
    """A lone waiter on a fast disk is flushed on the loop; an I/O error there fails it and the committer."""
    path = tmp_path / "j.log"

    async def main() -> None:
        writer = JournalWriter(path)
        committer = AsyncGroupCommitter(writer)
        await committer.append(b"durable")
        assert committer.flushes == 1
        read_only = os.open(path, os.O_RDONLY)
        os.dup2(read_only, writer._fd)
        os.close(read_only)
        await asyncio.sleep(0.01)  # a pause: the next lone waiter is flushed on the loop
        failed = committer.append(b"lost")
        with pytest.raises(OSError):
            await failed
        with pytest.raises(JournalError):
            committer.append(b"more")
        await committer.close()

    asyncio.run(main())
    assert read_journal(path) == [b"durable"]


def test_inline_and_thread_flushes_keep_order_under_concurrency(tmp_path: Path) -> None:
    """Appends that arrive one by one (inline flushes) and in bursts (thread flushes) all resolve, each
    after its own record is durable, and the journal holds them in append order."""
    path = tmp_path / "j.log"
    expected: list[bytes] = []

    async def main() -> None:
        committer = AsyncGroupCommitter(JournalWriter(path))
        for burst in range(30):
            futures = []
            for i in range(burst % 7 + 1):
                data = payload(burst * 100 + i)
                expected.append(data)
                futures.append(committer.append(data))
            await asyncio.gather(*futures)
            assert committer.records == len(expected)
        await committer.close()

    asyncio.run(main())
    assert read_journal(path) == expected


# --------------------------------------------------------------------------- torn tails


def _write_records(path: Path, payloads: list[bytes]) -> list[int]:
    """Write records, return the byte offset where each record starts (plus the end)."""
    offsets = [0]
    with JournalWriter(path, fsync=False) as writer:
        for p in payloads:
            writer.append(p)
            offsets.append(offsets[-1] + HEADER_SIZE + len(p))
    return offsets


def test_torn_tail_every_offset_is_truncated_and_appends_continue(tmp_path: Path) -> None:
    payloads = [payload(i) for i in range(4)] + [b"the-last-record"]
    original = tmp_path / "original.log"
    offsets = _write_records(original, payloads)
    full = original.read_bytes()
    last_start = offsets[-2]
    for cut in range(last_start, len(full)):
        case = tmp_path / f"cut{cut}"
        case.mkdir()
        seg = journal_path(case, 1)
        seg.write_bytes(full[:cut])
        rec = recover(case)
        assert rec.records == payloads[:-1], cut
        assert rec.next_seq == len(payloads)
        assert rec.truncated_bytes == cut - last_start
        assert seg.stat().st_size == last_start
        with open_for_append(case, rec.next_seq, fsync=False) as writer:
            writer.append(b"after-crash")
        assert read_journal(seg) == [*payloads[:-1], b"after-crash"]
        # The writer alone (without recover) also truncates before appending.
        seg.write_bytes(full[:cut])
        with JournalWriter(seg, fsync=False) as writer:
            assert writer.records_at_open == len(payloads) - 1
            assert writer.truncated_bytes == cut - last_start
            writer.append(b"again")
        assert read_journal(seg) == [*payloads[:-1], b"again"]


@pytest.mark.parametrize("where", ["crc", "payload", "length"])
def test_corrupt_last_record_is_dropped(tmp_path: Path, where: str) -> None:
    payloads = [payload(i) for i in range(6)]
    seg = journal_path(tmp_path, 1)
    offsets = _write_records(seg, payloads)
    data = bytearray(seg.read_bytes())
    index = {"crc": offsets[-2] + 5, "payload": offsets[-2] + HEADER_SIZE + 2, "length": offsets[-2] + 3}
    data[index[where]] ^= 0x5A
    seg.write_bytes(bytes(data))
    rec = recover(tmp_path)
    assert rec.records == payloads[:-1]
    assert rec.next_seq == 6
    with open_for_append(tmp_path, rec.next_seq) as writer:
        writer.append(b"fresh")
    assert recover(tmp_path).records == [*payloads[:-1], b"fresh"]


def test_corruption_in_non_last_segment_raises(tmp_path: Path) -> None:
    _write_records(journal_path(tmp_path, 1), [payload(i) for i in range(3)])
    _write_records(journal_path(tmp_path, 4), [payload(i) for i in range(3, 5)])
    assert recover(tmp_path).records == [payload(i) for i in range(5)]
    first = journal_path(tmp_path, 1)
    first.write_bytes(first.read_bytes()[:-2])
    with pytest.raises(JournalCorrupt, match="not the last segment"):
        recover(tmp_path)


def test_gap_and_overlap_between_segments_raise(tmp_path: Path) -> None:
    _write_records(journal_path(tmp_path, 1), [payload(i) for i in range(3)])
    _write_records(journal_path(tmp_path, 5), [payload(4)])
    with pytest.raises(JournalCorrupt):
        recover(tmp_path)
    journal_path(tmp_path, 5).rename(journal_path(tmp_path, 3))
    with pytest.raises(JournalCorrupt):
        recover(tmp_path)
    # A journal whose head was pruned without a snapshot covering it is a gap too.
    journal_path(tmp_path, 1).unlink()
    with pytest.raises(JournalCorrupt, match="missing"):
        recover(tmp_path)


# --------------------------------------------------------------------------- snapshots


def test_snapshot_roundtrip_and_fallback(tmp_path: Path) -> None:
    assert load_latest_snapshot(tmp_path) is None
    write_snapshot(tmp_path, 10, b"state@10")
    newest = write_snapshot(tmp_path, 20, b"state@20")
    assert newest == snapshot_path(tmp_path, 20)
    assert load_latest_snapshot(tmp_path) == (20, b"state@20")
    # A crash mid-write leaves only a temp file: it is never loaded.
    leftover = tmp_path / f".{snapshot_path(tmp_path, 30).name}.999.tmp"
    leftover.write_bytes(b"half a snapshot")
    assert load_latest_snapshot(tmp_path) == (20, b"state@20")
    # Corrupt newest snapshot: fall back to the previous one.
    data = bytearray(newest.read_bytes())
    data[-1] ^= 0x01
    newest.write_bytes(bytes(data))
    assert load_latest_snapshot(tmp_path) == (10, b"state@10")
    newest.write_bytes(bytes(data[:-3]))  # truncated
    assert load_latest_snapshot(tmp_path) == (10, b"state@10")
    # A snapshot whose header seq disagrees with its name is rejected.
    snapshot_path(tmp_path, 10).rename(snapshot_path(tmp_path, 15))
    assert load_latest_snapshot(tmp_path) is None
    snapshot_path(tmp_path, 15).rename(snapshot_path(tmp_path, 10))
    write_snapshot(tmp_path, 0, b"")
    write_snapshot(tmp_path, 40, b"state@40")
    deleted = prune_snapshots(tmp_path, keep=2)
    assert leftover in deleted and not leftover.exists()
    assert [seq for seq, _ in list_snapshots(tmp_path)] == [20, 40]
    assert load_latest_snapshot(tmp_path) == (40, b"state@40")


# --------------------------------------------------------------------------- recovery


def test_recovery_across_rotation_with_snapshot_mid_segment(tmp_path: Path) -> None:
    d = tmp_path
    rec = recover(d)
    assert (rec.snapshot_seq, rec.snapshot, rec.records, rec.next_seq) == (0, None, [], 1)
    with open_for_append(d, rec.next_seq) as writer:  # records 1..10
        for seq in range(1, 11):
            writer.append(payload(seq))
    write_snapshot(d, 10, b"S10")
    with rotate(d, 11) as writer:  # records 11..15
        for seq in range(11, 16):
            writer.append(payload(seq))
    write_snapshot(d, 13, b"S13")  # mid-segment, no rotation
    assert [first for first, _ in list_segments(d)] == [1, 11]

    rec = recover(d)
    assert (rec.snapshot_seq, rec.snapshot, rec.next_seq) == (13, b"S13", 16)
    assert rec.records == [payload(14), payload(15)]

    with open_for_append(d, rec.next_seq) as writer:  # continues segment 11
        assert writer.path == journal_path(d, 11)
        writer.append(payload(16))
    assert recover(d).records == [payload(14), payload(15), payload(16)]

    # Corrupt the newest snapshot: fall back to S10 and replay 11..16.
    s13 = snapshot_path(d, 13)
    s13.write_bytes(s13.read_bytes()[:-1])
    rec = recover(d)
    assert (rec.snapshot_seq, rec.snapshot, rec.next_seq) == (10, b"S10", 17)
    assert rec.records == [payload(s) for s in range(11, 17)]

    # Without any snapshot the whole journal is replayed.
    snapshot_path(d, 10).unlink()
    rec = recover(d)
    assert rec.records == [payload(s) for s in range(1, 17)]

    # Segment 1 is no longer needed once a snapshot covers seq 10.
    write_snapshot(d, 12, b"S12")
    assert prune_segments(d, 9) == []
    assert prune_segments(d, 12) == [journal_path(d, 1)]
    assert prune_segments(d, 100) == []  # the newest segment is never deleted
    rec = recover(d)
    assert (rec.snapshot_seq, rec.next_seq) == (12, 17)
    assert rec.records == [payload(s) for s in range(13, 17)]


def test_skips_covered_segments_and_starts_new_segment_after_snapshot(tmp_path: Path) -> None:
    d = tmp_path
    _write_records(journal_path(d, 1), [payload(s) for s in range(1, 6)])
    # The snapshot covers more than the journal holds (e.g. a journal tail was lost but the
    # snapshot was taken after those records were durable elsewhere).
    write_snapshot(d, 8, b"S8")
    rec = recover(d)
    assert (rec.snapshot_seq, rec.records, rec.next_seq) == (8, [], 9)
    with open_for_append(d, rec.next_seq) as writer:
        assert writer.path == journal_path(d, 9)
        writer.append(payload(9))
    # Segment 1 is fully covered (segment 9 starts right after the snapshot): not even read.
    seg1 = journal_path(d, 1)
    seg1.write_bytes(seg1.read_bytes()[:-1])
    rec = recover(d)
    assert (rec.records, rec.next_seq) == ([payload(9)], 10)
    assert prune(d, keep_snapshots=1) == [seg1]


def test_rotate_refuses_to_clobber(tmp_path: Path) -> None:
    _write_records(journal_path(tmp_path, 1), [payload(1), payload(2)])
    with pytest.raises(JournalCorrupt):
        rotate(tmp_path, 1)
    rotate(tmp_path, 3).close()
    rotate(tmp_path, 3).close()  # an empty segment at next_seq is reused
    with pytest.raises(JournalCorrupt):
        rotate(tmp_path, 2)
    with pytest.raises(JournalCorrupt):
        open_for_append(tmp_path, 2)


def test_engine_style_lifecycle_with_group_commit(tmp_path: Path) -> None:
    """recover -> group-commit appends -> snapshot + rotate -> crash-free restart."""
    d = tmp_path

    async def run(start: int, count: int, snapshot_at: int | None) -> None:
        rec = recover(d)
        state = int(rec.snapshot or b"0") + len(rec.records)
        assert state == start
        committer = AsyncGroupCommitter(open_for_append(d, rec.next_seq))
        seq = rec.next_seq
        for _ in range(count):
            committer.append(payload(seq))
            seq += 1
            state += 1
            if state == snapshot_at:
                await committer.drain()
                write_snapshot(d, seq - 1, str(state).encode())
                old = await committer.replace_writer(rotate(d, seq))
                old.close()
                prune(d, keep_snapshots=1)
        await committer.close()

    asyncio.run(run(0, 40, 25))
    asyncio.run(run(40, 40, 70))
    asyncio.run(run(80, 5, None))
    rec = recover(d)
    assert rec.snapshot_seq == 70
    assert rec.records == [payload(s) for s in range(71, 86)]
    assert [first for first, _ in list_segments(d)] == [71]


# --------------------------------------------------------------------------- kill -9

_CRASH_SCRIPT = r"""
import asyncio, sys
from pathlib import Path
from utaex.journal import AsyncGroupCommitter, open_for_append, recover

async def main(data_dir):
    rec = recover(data_dir)
    committer = AsyncGroupCommitter(open_for_append(data_dir, rec.next_seq))
    counter = len(rec.records)
    out = sys.stdout

    async def worker():
        nonlocal counter
        while True:
            n = counter
            counter += 1
            await committer.append(b"%d:" % n + b"x" * 200)
            out.write(f"{n}\n")
            out.flush()

    await asyncio.gather(*(worker() for _ in range(8)))

asyncio.run(main(Path(sys.argv[1])))
"""


def _run_and_kill(data_dir: Path, min_acks: int) -> list[int]:
    acked: list[int] = []
    with subprocess.Popen(
        [sys.executable, "-c", _CRASH_SCRIPT, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        deadline = time.monotonic() + 5
        while len(acked) < min_acks and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acked.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)
        rest, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode()
    lines = rest.split(b"\n")
    acked += [int(line) for line in lines[:-1]]  # the last piece may be a torn line
    assert len(acked) >= min_acks, err.decode()
    return acked


def test_kill_9_never_loses_acknowledged_records(tmp_path: Path) -> None:
    all_acked: list[int] = []
    for _ in range(3):
        acked = _run_and_kill(tmp_path, min_acks=300)
        all_acked += acked
        rec = recover(tmp_path)
        numbers = [int(r.split(b":", 1)[0]) for r in rec.records]
        assert numbers == list(range(len(numbers)))  # in order, no gaps, nothing half-written
        assert rec.next_seq == len(numbers) + 1
        assert set(all_acked) <= set(numbers)
        assert all(r.endswith(b"x" * 200) for r in rec.records)
