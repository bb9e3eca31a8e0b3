"""Injected faults on WebSocket channels: ``ws_drop`` and ``ws_delay`` (gateway/faults.py, docs/testing.md).

Invariants:
- A channel fault matches the connections subscribed to its channel (the topic as subscribed: ``books5``
  is not ``books``) and, with ``uid``, only that user's; each dropped connection, and each delayed push to
  one connection, is one match (``count`` / ``probability``).
- ``ws_drop`` with ``afterFrames: N`` lets exactly N more frames of the channel through to a connection
  (counted per connection from when the fault was added or the connection subscribed; a batch is split
  at the N-th frame), then drops it; without ``afterFrames`` it drops the subscribers at once, and later
  subscribers right after their ack. A dropped connection gets nothing more (conn.py, ``drop``).
- ``ws_delay`` holds a push in the connection's own FIFO (conn.py, ``send_later``): never reordered.
- The hub calls in here only while some channel fault is in force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .frames import Batch

if TYPE_CHECKING:
    from ..faults import Fault, Faults
    from .conn import Connection

Key = tuple[Any, ...]


def channel_of(key: Key) -> str:
    """The topic a hub key was subscribed as (``books5`` for ``("booksN", bk, 5)``)."""
    return f"books{key[2]}" if key[0] == "booksN" else str(key[0])


def deliver(faults: Faults, conn: Connection, batch: Batch, matching: list[Fault]) -> None:
    """One push of a channel to one connection, under the channel's faults ``matching``."""
    if conn.closed or conn.dropping:
        return
    uid = conn.uid
    delay: Fault | None = None
    for fault in matching:
        if fault.uid is not None and fault.uid != uid:
            continue
        if fault.effect == "ws_drop":
            seen = conn.fault_frames.get(fault.id, 0)
            left = fault.after_frames - seen  # frames still to go out before the drop
            if left >= batch.count:
                conn.fault_frames[fault.id] = seen + batch.count
                continue
            if faults.fire(fault, uid):
                if left > 0:
                    _send(faults, conn, Batch(batch.payloads[:left]), delay)
                conn.drop(f"ws_drop fault {fault.id} on {fault.path}")
                return
            conn.fault_frames[fault.id] = 0  # not this time (probability): count again from here
        elif delay is None and faults.fire(fault, uid):
            delay = fault
    _send(faults, conn, batch, delay)


def _send(faults: Faults, conn: Connection, batch: Batch, delay: Fault | None) -> None:
    if delay is None:
        conn.send_batch(batch)
    else:
        conn.send_later(batch, faults.delay_s(delay))


def drop_subscribers(faults: Faults, fault: Fault, subs: dict[Key, dict[Connection, None]]) -> None:
    """A ``ws_drop`` just added without ``afterFrames``: its channel's subscribers are dropped now."""
    if fault.effect != "ws_drop" or fault.after_frames:
        return
    topic = fault.path[3:]
    for key, members in list(subs.items()):
        if channel_of(key) == topic:
            for conn in list(members):
                drop_if(faults, fault, conn)


def on_subscribed(faults: Faults, conn: Connection, key: Key) -> None:
    for fault in faults.for_path("ws:" + channel_of(key)):
        if fault.effect == "ws_drop" and not fault.after_frames and drop_if(faults, fault, conn):
            return


def drop_if(faults: Faults, fault: Fault, conn: Connection) -> bool:
    if conn.closed or conn.dropping or (fault.uid is not None and fault.uid != conn.uid):
        return False
    if not faults.fire(fault, conn.uid):
        return False
    conn.drop(f"ws_drop fault {fault.id} on {fault.path}")
    return True
