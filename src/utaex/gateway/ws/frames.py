"""Push frames: JSON payloads built once, framed once, fanned out as the same bytes.

Invariants:
- A ``Batch`` is immutable once built: its ``payloads`` (UTF-8 JSON texts) and, on first use, its
  ``wire`` form (each payload as one unmasked, unfragmented, uncompressed RFC 6455 text frame, all
  concatenated) are shared by every connection it is queued on; nothing is encoded per subscriber.
- Server frames are never masked and never set RSV bits, so they are valid whatever extensions the
  client negotiated (an uncompressed message is always allowed under permessage-deflate).
- ``checksum`` is the signed CRC32 ccxt computes for Bitget books: top 25 levels interleaved
  ``bid:size:ask:size`` over the exact strings sent.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from decimal import Decimal

import msgspec

encode = msgspec.json.Encoder().encode
decode = msgspec.json.Decoder(float_hook=Decimal).decode  # numbers exact: trade args read them as text

_SHORT = struct.Struct("!BB")
_MEDIUM = struct.Struct("!BBH")
_LONG = struct.Struct("!BBQ")
TEXT_FIN = 0x81


def text_header(size: int) -> bytes:
    """Header of one final, unmasked text frame carrying ``size`` payload bytes."""
    if size < 126:
        return _SHORT.pack(TEXT_FIN, size)
    if size < 65536:
        return _MEDIUM.pack(TEXT_FIN, 126, size)
    return _LONG.pack(TEXT_FIN, 127, size)


class Batch:
    """One or more push payloads, in order, ready to be written to any number of connections."""

    __slots__ = ("_wire", "payloads")

    def __init__(self, payloads: Sequence[bytes]) -> None:
        self.payloads = payloads
        self._wire: bytes | None = None

    @property
    def count(self) -> int:
        return len(self.payloads)

    @property
    def wire(self) -> bytes:
        wire = self._wire
        if wire is None:
            parts: list[bytes] = []
            for p in self.payloads:
                parts.append(text_header(len(p)))
                parts.append(p)
            wire = self._wire = b"".join(parts)
        return wire


def single(doc: object) -> Batch:
    return Batch((encode(doc),))


def push_prefix(arg: dict[str, str], action: str) -> bytes:
    """The constant head of a push ``{"action":..,"arg":{..},"data":[`` for one subscription."""
    return b'{"action":"' + action.encode() + b'","arg":' + encode(arg) + b',"data":'


def push(prefix: bytes, data: Sequence[object] | bytes, ts: int) -> bytes:
    """A complete push payload: ``prefix`` + data list + ``,"ts":<ts>}``."""
    body = data if isinstance(data, bytes) else encode(data)
    return b"".join((prefix, body, b',"ts":', str(ts).encode(), b"}"))


def checksum(bids: Sequence[Sequence[str]], asks: Sequence[Sequence[str]], depth: int = 25) -> int:
    parts: list[str] = []
    for i in range(depth):
        if i < len(bids):
            parts.append(bids[i][0])
            parts.append(bids[i][1])
        if i < len(asks):
            parts.append(asks[i][0])
            parts.append(asks[i][1])
    crc = zlib.crc32(":".join(parts).encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc
