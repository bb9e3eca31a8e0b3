"""Durable command journal: record codec, group-committed segments, snapshots and recovery.

Payloads are opaque bytes. A command is acknowledged only once ``AsyncGroupCommitter.append``'s
future resolved (its record is fsynced). On start, ``recover`` yields the newest valid snapshot
plus every journal record after it; ``open_for_append`` continues the journal at ``next_seq``.
"""

from .codec import HEADER_SIZE, MAX_PAYLOAD, decode_records, encode_record
from .lock import DataDirLock, DataDirLocked
from .log import AsyncGroupCommitter, JournalError, JournalWriter, fsync_dir, journal_path, list_segments
from .recovery import JournalCorrupt, Recovery, open_for_append, prune, prune_segments, recover, rotate
from .snapshot import (
    list_snapshots,
    load_latest_snapshot,
    prune_snapshots,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)

__all__ = [
    "HEADER_SIZE",
    "MAX_PAYLOAD",
    "AsyncGroupCommitter",
    "DataDirLock",
    "DataDirLocked",
    "JournalCorrupt",
    "JournalError",
    "JournalWriter",
    "Recovery",
    "decode_records",
    "encode_record",
    "fsync_dir",
    "journal_path",
    "list_segments",
    "list_snapshots",
    "load_latest_snapshot",
    "open_for_append",
    "prune",
    "prune_segments",
    "prune_snapshots",
    "read_snapshot",
    "recover",
    "rotate",
    "snapshot_path",
    "write_snapshot",
]
