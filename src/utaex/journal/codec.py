"""Record framing for the command journal.

Layout of one record (all integers little-endian)::

    +----------------+----------------+------------------+
    | length: uint32 | crc32: uint32  | payload (length) |
    +----------------+----------------+------------------+

Invariants:

* ``crc32`` is ``zlib.crc32(payload)``.
* ``0 < length <= MAX_PAYLOAD``. Empty payloads are rejected on both sides: an all-zero
  header would otherwise be a valid empty record (``crc32(b"") == 0``), so a zero-filled
  tail left behind by a crash could be mistaken for committed data.
* Decoding returns only complete, checksum-valid records and stops at the first record that
  is torn (short header or short payload) or corrupt (bad length or bad CRC). Nothing after
  that point is ever returned, so the valid records always form a prefix of the journal.
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["HEADER_SIZE", "MAX_PAYLOAD", "decode_records", "encode_record"]

_HEADER = struct.Struct("<II")
HEADER_SIZE = _HEADER.size
MAX_PAYLOAD = 64 * 1024 * 1024


def encode_record(payload: bytes) -> bytes:
    """Frame ``payload`` as one journal record."""
    size = len(payload)
    if size == 0:
        raise ValueError("journal payloads must not be empty")
    if size > MAX_PAYLOAD:
        raise ValueError(f"journal payload of {size} bytes exceeds the {MAX_PAYLOAD}-byte limit")
    return _HEADER.pack(size, zlib.crc32(payload)) + payload


def decode_records(buf: bytes | memoryview) -> tuple[list[bytes], int]:
    """Decode the valid prefix of ``buf``.

    Returns ``(payloads, valid_end)`` where ``valid_end`` is the byte offset just past the
    last valid record (``len(buf)`` when the whole buffer is valid).
    """
    view = memoryview(buf).cast("B") if isinstance(buf, memoryview) else memoryview(buf)
    total = len(view)
    payloads: list[bytes] = []
    pos = 0
    unpack_from = _HEADER.unpack_from
    crc32 = zlib.crc32
    while total - pos >= HEADER_SIZE:
        size, crc = unpack_from(view, pos)
        if size == 0 or size > MAX_PAYLOAD:
            break
        start = pos + HEADER_SIZE
        end = start + size
        if end > total:
            break
        payload = view[start:end]
        if crc32(payload) != crc:
            break
        payloads.append(payload.tobytes())
        pos = end
    return payloads, pos
