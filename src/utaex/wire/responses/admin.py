"""The admin API: users and keys, the audit, injected faults, saved states, the virtual clock, reference
prices, market ticks and the replication role."""

from __future__ import annotations

from typing import Any

from ._base import _Data


class ApiKeyInfo(_Data):
    """Admin API: a new user's or a new key's credentials."""

    uid: str
    apiKey: str
    secretKey: str
    passphrase: str
    permissions: list[str] = []


class UserKey(_Data):
    """Admin API: one API key of a user, without its secret or passphrase."""

    apiKey: str
    permissions: list[str] = []
    signature: str = "hmac"  # "hmac" or "rsa"


class UserSummary(_Data):
    """Admin API: one user, its keys, balances, deposits and open-order count."""

    uid: str
    apiKeys: list[UserKey] = []
    balances: dict[str, str] = {}
    deposits: dict[str, str] = {}
    openOrders: str = "0"


_Users = list[UserSummary]


class UserPage(_Data):
    """Admin API: one page of users by uid; pass ``cursor`` back for the next (``""`` when there is none)."""

    list: _Users = []
    cursor: str = ""


class Audit(_Data):
    """Admin API: the venue's invariant check and state hash."""

    problems: list[str]
    stateHash: str
    journalSeq: str = ""
    openOrders: str = ""
    journalFlushes: str = ""
    historyUnrecorded: str = ""
    historyBacklog: str = ""
    users: str = ""
    deposits: dict[str, str] = {}
    fees: dict[str, str] = {}
    balances: dict[str, str] = {}
    insuranceFund: dict[str, str] = {}  # the venue's insurance fund per coin (docs/market.md)
    faults: list[dict[str, Any]] = []  # the injected faults in force (docs/testing.md)
    replayHash: str | None = None


class Fault(_Data):
    """Admin API: a fault in force, as it was given, with its hits so far (and what is left of its count)."""

    id: str
    path: str
    effect: str
    hits: int = 0
    remaining: int | None = None
    uid: str | None = None
    count: int | None = None
    probability: float | None = None
    ms: int | None = None
    jitterMs: int | None = None
    status: int | None = None
    code: str | None = None
    msg: str | None = None
    items: list[int] | None = None
    afterFrames: int | None = None


_Faults = list[Fault]


class FaultList(_Data):
    list: _Faults = []


class FaultId(_Data):
    id: str


class Removed(_Data):
    removed: str


class SavedState(_Data):
    """Admin API: a state saved by ``POST /admin/v1/states``."""

    name: str
    openOrders: str = ""


_SavedStates = list[SavedState]


class SavedStateList(_Data):
    list: _SavedStates = []


class ResetResult(_Data):
    """Admin API: what a venue reset removed."""

    removedOrders: str
    users: str


class ClockState(_Data):
    """Admin API: the virtual clock (``now`` in ms)."""

    mode: str
    speed: str
    now: str
    pendingTimers: str = "0"


class ReferencePrice(_Data):
    """Admin API: an instrument's reference (index) price after ``POST /admin/v1/prices``."""

    category: str
    symbol: str
    price: str
    ts: str


class MarketPrice(_Data):
    """Admin API: an instrument's index and mark price after a market tick."""

    category: str
    symbol: str
    indexPrice: str
    markPrice: str


class MarketTickResult(_Data):
    """Admin API: the tick's time and the instruments whose index or mark it moved."""

    ts: str
    changed: list[MarketPrice]


class ReplicationState(_Data):
    """Admin API: this venue's role on the replicated journal (docs/scale-out.md)."""

    role: str  # primary, standby or replica
    writable: bool  # true only on the venue that acknowledges writes
    primary: str = ""  # the lease holder's URL, as last seen ("" where none or no --journal)
    journal: str = ""  # "local" or nats://HOST:PORT/STREAM
    streamSeq: str = ""  # the stream sequence published (primary) or applied (followers)
    journalSeq: str = ""
    leaseTtl: str = ""
    fenced: str = ""  # why a primary stopped writing
