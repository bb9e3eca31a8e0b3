"""Atomic state snapshots.

A snapshot file ``snapshot-{seq:020d}.bin`` holds a 32-byte little-endian header followed by
the opaque payload::

    magic b"UTAEXSNP" | version: uint16 | reserved: uint16 | seq: uint64 | length: uint64 | crc32: uint32

Invariants:

* ``seq`` is the number of journal records already applied to the state in the payload; it
  equals the number in the file name.
* A file with the final name is complete: it is written to a temporary name in the same
  directory, fsynced, renamed with ``os.replace`` and the directory is fsynced. Temporary
  files (``.snapshot-*.tmp``) are never loaded; ``prune_snapshots`` removes leftovers.
* ``load_latest_snapshot`` returns the newest snapshot whose magic, version, seq, length and
  CRC all validate; corrupt ones are skipped, so a bad newest snapshot falls back to an older one.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

from .log import fsync_dir

__all__ = [
    "SNAPSHOT_MAGIC",
    "list_snapshots",
    "load_latest_snapshot",
    "prune_snapshots",
    "read_snapshot",
    "snapshot_path",
    "write_snapshot",
]

SNAPSHOT_MAGIC = b"UTAEXSNP"
SNAPSHOT_VERSION = 1
_HEADER = struct.Struct("<8sHHQQI")
_SNAPSHOT_RE = re.compile(r"^snapshot-(\d{20})\.bin$")
_TEMP_RE = re.compile(r"^\.snapshot-\d{20}\.bin\.\d+\.tmp$")


def snapshot_path(data_dir: Path, seq: int) -> Path:
    return Path(data_dir) / f"snapshot-{seq:020d}.bin"


def list_snapshots(data_dir: Path) -> list[tuple[int, Path]]:
    """All snapshot files (valid or not) as ``(seq, path)``, oldest first."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        return []
    found = []
    for entry in data_dir.iterdir():
        match = _SNAPSHOT_RE.fullmatch(entry.name)
        if match and entry.is_file():
            found.append((int(match.group(1)), entry))
    found.sort()
    return found


def write_snapshot(data_dir: Path, seq: int, payload: bytes) -> Path:
    """Durably and atomically store ``payload`` as the state after ``seq`` records."""
    if seq < 0:
        raise ValueError(f"snapshot seq must be >= 0, got {seq}")
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    final = snapshot_path(data_dir, seq)
    temp = data_dir / f".{final.name}.{os.getpid()}.tmp"
    header = _HEADER.pack(SNAPSHOT_MAGIC, SNAPSHOT_VERSION, 0, seq, len(payload), zlib.crc32(payload))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            for chunk in (header, payload):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(data_dir)
    return final


def read_snapshot(path: Path) -> tuple[int, bytes] | None:
    """Return ``(seq, payload)`` if ``path`` is a valid snapshot, else ``None``."""
    path = Path(path)
    match = _SNAPSHOT_RE.fullmatch(path.name)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if match is None or len(data) < _HEADER.size:
        return None
    magic, version, _reserved, seq, length, crc = _HEADER.unpack_from(data)
    if magic != SNAPSHOT_MAGIC or version != SNAPSHOT_VERSION or seq != int(match.group(1)):
        return None
    if length != len(data) - _HEADER.size:
        return None
    payload = data[_HEADER.size :]
    if zlib.crc32(payload) != crc:
        return None
    return seq, payload


def load_latest_snapshot(data_dir: Path) -> tuple[int, bytes] | None:
    """The newest valid snapshot as ``(seq, payload)``, or ``None`` if there is none."""
    for _seq, path in reversed(list_snapshots(data_dir)):
        loaded = read_snapshot(path)
        if loaded is not None:
            return loaded
    return None


def prune_snapshots(data_dir: Path, keep: int = 2) -> list[Path]:
    """Delete all but the ``keep`` newest snapshot files and any leftover temp files.

    Journal segments should only be pruned up to the seq of the oldest snapshot kept, so a
    corrupt newest snapshot can still fall back to an older one plus the journal.
    """
    if keep < 1:
        raise ValueError("keep must be >= 1")
    data_dir = Path(data_dir)
    doomed = [path for _seq, path in list_snapshots(data_dir)[:-keep]]
    if data_dir.is_dir():
        doomed += [entry for entry in data_dir.iterdir() if _TEMP_RE.fullmatch(entry.name)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
