"""Crash recovery: newest valid snapshot + the journal records after it.

Invariants:

* ``recover`` returns exactly the records with global seq ``snapshot_seq + 1 .. next_seq - 1``,
  in order, with no gaps; if the journal cannot provide them it raises ``JournalCorrupt``
  instead of returning a state with holes.
* Only the LAST segment may end in a torn/corrupt tail (a crash mid-append); ``recover``
  truncates it on disk. A bad tail in an earlier segment, a gap, or an overlap between
  segments whose records are needed is ``JournalCorrupt``. Segments entirely covered by the
  snapshot are not read at all.
* Appends continue at ``next_seq``: ``open_for_append`` reuses the last segment when it ends
  exactly there, otherwise (its tail is covered by the snapshot) starts ``journal-{next_seq}``.
* ``prune_segments`` never deletes the newest segment, and deletes a segment only when the
  next segment starts at or below ``upto_seq + 1``.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path

from .codec import decode_records
from .log import JournalWriter, journal_path, list_segments
from .snapshot import list_snapshots, load_latest_snapshot, prune_snapshots

__all__ = [
    "JournalCorrupt",
    "Recovery",
    "open_for_append",
    "prune",
    "prune_segments",
    "recover",
    "rotate",
]


class JournalCorrupt(Exception):
    """The journal on disk cannot be replayed (mid-journal corruption, gap or overlap)."""


@dataclass(slots=True)
class Recovery:
    snapshot_seq: int = 0
    snapshot: bytes | None = None
    records: list[bytes] = field(default_factory=list)
    next_seq: int = 1
    #: Bytes of torn tail removed from the last segment.
    truncated_bytes: int = 0


def recover(data_dir: Path) -> Recovery:
    """Load the newest valid snapshot and every journal record after it."""
    data_dir = Path(data_dir)
    loaded = load_latest_snapshot(data_dir)
    snapshot_seq, snapshot = loaded if loaded is not None else (0, None)
    result = Recovery(snapshot_seq=snapshot_seq, snapshot=snapshot)
    segments = list_segments(data_dir)
    need = snapshot_seq + 1  # seq of the next record we must find
    for index, (first, path) in enumerate(segments):
        is_last = index == len(segments) - 1
        next_first = None if is_last else segments[index + 1][0]
        if next_first is not None and next_first <= need:
            continue  # every record here is already in the snapshot
        if first > need:
            raise JournalCorrupt(f"records {need}..{first - 1} are missing before {path.name}")
        data = path.read_bytes()
        payloads, valid_end = decode_records(data)
        if valid_end < len(data):
            if not is_last:
                raise JournalCorrupt(
                    f"{path.name} is corrupt at byte {valid_end} after {len(payloads)} records "
                    "but is not the last segment"
                )
            _truncate(path, valid_end)
            result.truncated_bytes = len(data) - valid_end
        end = first + len(payloads)
        if next_first is not None and end != next_first:
            raise JournalCorrupt(
                f"{path.name} holds records {first}..{end - 1} but the next segment starts at {next_first}"
            )
        if end > need:
            result.records.extend(payloads[need - first :])
            need = end
    result.next_seq = need
    return result


def _truncate(path: Path, size: int) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    finally:
        os.close(fd)


def open_for_append(data_dir: Path, next_seq: int, *, fsync: bool = True) -> JournalWriter:
    """Writer whose next record gets global seq ``next_seq`` (as returned by ``recover``)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    segments = list_segments(data_dir)
    if not segments:
        return JournalWriter(journal_path(data_dir, next_seq), fsync=fsync)
    first, path = segments[-1]
    if first > next_seq:
        raise JournalCorrupt(f"{path.name} starts after next_seq={next_seq}")
    writer = JournalWriter(path, fsync=fsync)
    end = first + writer.record_count
    if end == next_seq:
        return writer
    writer.close()
    if end > next_seq:
        raise JournalCorrupt(f"{path.name} already holds records up to {end - 1}, beyond next_seq={next_seq}")
    # The last segment stops short of next_seq: the snapshot covers the missing records.
    return JournalWriter(journal_path(data_dir, next_seq), fsync=fsync)


def rotate(data_dir: Path, next_seq: int, *, fsync: bool = True) -> JournalWriter:
    """Start a new segment whose first record will be ``next_seq`` (call after a snapshot)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    later = [path.name for first, path in list_segments(data_dir) if first > next_seq]
    if later:
        raise JournalCorrupt(f"cannot rotate to {next_seq}: newer segments exist: {later}")
    writer = JournalWriter(journal_path(data_dir, next_seq), fsync=fsync)
    if writer.record_count:
        writer.close()
        raise JournalCorrupt(f"{writer.path.name} already holds {writer.record_count} records")
    return writer


def prune_segments(data_dir: Path, upto_seq: int) -> list[Path]:
    """Delete segments whose records all have seq <= ``upto_seq``; return the deleted paths."""
    segments = list_segments(data_dir)
    pairs = itertools.pairwise(segments)
    doomed = [path for (_, path), (next_first, _) in pairs if next_first <= upto_seq + 1]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def prune(data_dir: Path, keep_snapshots: int = 2) -> list[Path]:
    """Keep the newest ``keep_snapshots`` snapshots and the journal needed by the oldest kept one."""
    deleted = prune_snapshots(data_dir, keep_snapshots)
    kept = list_snapshots(data_dir)
    if kept:
        deleted += prune_segments(data_dir, kept[0][0])
    return deleted
