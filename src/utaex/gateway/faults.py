"""Injected faults: the venue misbehaving on purpose, at the edge (docs/testing.md).

Invariants:
- Faults act only in the gateway (before a handler runs, around its reply, or on WebSocket frames);
  none reaches into the engine, so no fault can corrupt the ledger: a fault either stops a request
  before anything is applied (``429``, ``error``), delays it (``latency``, ``ws_delay``), drops the
  reply of a request that WAS applied and made durable (``lost_reply``), fails chosen items of a
  batch while the others run as a smaller batch (``item_error``), or closes connections (``ws_drop``).
- The set of faults is venue configuration journaled with a ``Configure`` command under ``faults``, so
  it survives a restart and is listed by the audit; how often a ``count`` fault has fired so far is
  not journaled except when it is used up (then it is removed, durably).
- ``probability`` draws come from one RNG seeded by the venue's seed, in request order: the same seed
  and the same requests give the same faults.
- Matching is in the order the faults were added; the first fault that matches a request acts.
"""

from __future__ import annotations

import logging
import random
from typing import Any

import msgspec

from .errors import ApiError, param_error

log = logging.getLogger("utaex.faults")

EFFECTS = ("429", "latency", "error", "lost_reply", "item_error", "ws_drop", "ws_delay")
WS_ONLY = ("ws_drop", "ws_delay")
BATCH_PATHS = ("/api/v3/trade/place-batch", "/api/v3/trade/cancel-batch", "/api/v3/trade/batch-modify-order",
               "ws:batch-place", "ws:batch-cancel", "ws:batch-modify")
WS_TRADE_OPS = ("place-order", "batch-place", "cancel-order", "batch-cancel", "modify-order", "batch-modify")
WS_TRADE_EFFECTS = ("429", "latency", "error", "lost_reply", "item_error")
WS_PRIVATE_CHANNELS = ("order", "fill", "account", "position", "adl-notification")
WS_CHANNELS = (*WS_PRIVATE_CHANNELS, "ticker", "books", "books1", "books5", "books15", "books50", "publicTrade",
               "kline")
#: the optional fields each effect takes (any other is refused, never ignored); ``status`` only on REST paths
PARAMS = {"429": ("status", "code", "msg"), "latency": ("ms", "jitterMs"), "error": ("status", "code", "msg"),
          "lost_reply": (), "item_error": ("code", "msg", "items"), "ws_drop": ("afterFrames",),
          "ws_delay": ("ms",)}
SETTINGS_KEY = "faults"
MAX_FAULTS = 1000
MAX_MS = 600_000


class FaultSpec(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A fault as the admin API takes it (camelCase, as every admin body)."""

    path: str
    effect: str
    id: str = ""
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


class Fault:
    __slots__ = ("after_frames", "code", "count", "effect", "hits", "id", "items", "jitter", "ms", "msg", "path",
                 "probability", "spec", "status", "uid")

    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self.id = spec.id
        self.path = spec.path
        self.effect = spec.effect
        self.uid = int(spec.uid) if spec.uid is not None else None
        self.count = spec.count
        self.probability = spec.probability
        self.ms = spec.ms or 0
        self.jitter = spec.jitterMs or 0
        self.status = spec.status or (429 if spec.effect == "429" else 500)
        self.code = spec.code or ("429" if spec.effect == "429" else "25000")
        self.msg = spec.msg if spec.msg is not None else (
            "Too Many Requests" if spec.effect == "429" else "System error, please try again later")
        self.items = frozenset(spec.items or ())
        self.after_frames = spec.afterFrames or 0
        self.hits = 0

    def error(self) -> ApiError:
        return ApiError(self.code, self.msg, self.status)

    def doc(self) -> dict[str, Any]:
        out: dict[str, Any] = msgspec.to_builtins(self.spec)
        out["hits"] = self.hits
        if self.count is not None:
            out["remaining"] = self.count
        return out


def validate(raw: bytes) -> FaultSpec:
    """Decode and check a fault given to ``POST /admin/v1/faults``; raises a Bitget parameter error."""
    try:
        spec = msgspec.json.decode(raw or b"{}", type=FaultSpec)
    except msgspec.DecodeError as exc:
        raise param_error(f"fault: {exc}") from None
    if spec.effect not in EFFECTS:
        raise param_error(f"effect must be one of {', '.join(EFFECTS)}")
    ws = spec.path.startswith("ws:")
    if not (ws and len(spec.path) > 3) and not spec.path.startswith("/"):
        raise param_error("path must be a REST path (/api/v3/...) or ws:<op or channel>")
    if spec.effect in WS_ONLY and not ws:
        raise param_error(f"effect {spec.effect} needs a ws: path")
    if ws:
        _validate_ws(spec)
    for name in ("status", "code", "msg", "items", "ms", "jitterMs", "afterFrames"):
        if getattr(spec, name) is not None and name not in PARAMS[spec.effect]:
            raise param_error(f"{name} does not apply to effect {spec.effect}")
    if spec.effect == "item_error":
        if spec.path not in BATCH_PATHS:
            raise param_error("item_error needs a batch path: " + ", ".join(BATCH_PATHS))
        if not spec.items or any(i < 0 or i >= 20 for i in spec.items):
            raise param_error("items must list item indexes 0-19")
        if not spec.code:
            raise param_error("item_error needs a code")
    if spec.uid is not None and not (spec.uid.isdigit() and len(spec.uid) < 20):
        raise param_error("uid")
    if spec.count is not None and spec.count < 1:
        raise param_error("count must be >= 1")
    if spec.probability is not None and not 0 <= spec.probability <= 1:
        raise param_error("probability must be within 0-1")
    if spec.count is not None and spec.probability is not None:
        raise param_error("give count or probability, not both")
    for name in ("ms", "jitterMs", "afterFrames"):
        value = getattr(spec, name)
        if value is not None and not 0 <= value <= MAX_MS:
            raise param_error(f"{name} must be within 0-{MAX_MS}")
    if spec.effect in ("latency", "ws_delay") and not spec.ms:
        raise param_error(f"{spec.effect} needs ms")
    if spec.status is not None and not 400 <= spec.status <= 599:
        raise param_error("status must be an HTTP error status (400-599)")
    if spec.code is not None and not (spec.code and len(spec.code) <= 10):
        raise param_error("code")
    return spec


def _validate_ws(spec: FaultSpec) -> None:
    name = spec.path[3:]
    if name in WS_TRADE_OPS:
        if spec.effect not in WS_TRADE_EFFECTS:
            raise param_error(f"a WebSocket trade op takes the effects {', '.join(WS_TRADE_EFFECTS)}")
        if spec.status is not None:
            raise param_error("status does not apply to a WebSocket path (an error event has no HTTP status)")
    elif name in WS_CHANNELS:
        if spec.effect not in WS_ONLY:
            raise param_error(f"a WebSocket channel takes the effects {', '.join(WS_ONLY)}")
        if spec.uid is not None and name not in WS_PRIVATE_CHANNELS:
            raise param_error("uid applies to private channels (order, fill, account, position) and trade ops only")
    else:
        raise param_error("ws path must be ws:<trade op> (" + ", ".join(WS_TRADE_OPS) + ") or ws:<channel> ("
                          + ", ".join(WS_CHANNELS) + ")")


class Faults:
    """The active faults of a venue, in the order they were added."""

    def __init__(self, seed: int = 0) -> None:
        self.active: dict[str, Fault] = {}
        self.rng = random.Random(seed)
        self.next_id = 1
        #: called with the new configuration (a JSON document) whenever the set changes on its own
        self.on_used_up: list[Any] = []
        #: called with each fault just added (the WebSocket hub drops connections "now")
        self.on_added: list[Any] = []
        #: the ``ws:<channel>`` paths with a ws_drop or ws_delay fault (empty: pushes take the fast path)
        self.channel_paths: set[str] = set()
        self._by_path: dict[str, list[Fault]] | None = None

    def __bool__(self) -> bool:
        return bool(self.active)

    # ---- configuration (journaled by the caller as Configure("faults", dump())) ---------------------------
    def add(self, spec: FaultSpec) -> Fault:
        if len(self.active) >= MAX_FAULTS:
            raise param_error(f"at most {MAX_FAULTS} faults")
        spec.id = str(self.next_id)
        self.next_id += 1
        fault = self.active[spec.id] = Fault(spec)
        self._changed()
        log.warning("fault %s added: %s", spec.id, msgspec.json.encode(spec).decode())
        for callback in self.on_added:
            callback(fault)
        return fault

    def remove(self, fault_id: str) -> bool:
        gone = self.active.pop(fault_id, None)
        self._changed()
        if gone is not None:
            log.warning("fault %s removed", fault_id)
        return gone is not None

    def clear(self) -> int:
        n = len(self.active)
        self.active.clear()
        self._changed()
        if n:
            log.warning("all %d faults removed", n)
        return n

    def dump(self) -> str:
        """The configuration to journal: every fault with what is left of its count, and the next id."""
        specs = []
        for fault in self.active.values():
            spec = msgspec.structs.replace(fault.spec, count=fault.count)
            specs.append(msgspec.to_builtins(spec))
        return msgspec.json.encode({"nextId": self.next_id, "faults": specs}).decode() if specs or self.next_id > 1 \
            else ""

    def load(self, doc: str) -> None:
        """Restore the journaled configuration (on start-up, after replay)."""
        self.active.clear()
        self._changed()
        if not doc:
            return
        data = msgspec.json.decode(doc)
        self.next_id = int(data.get("nextId", 1))
        for raw in data.get("faults", []):
            spec = msgspec.convert(raw, FaultSpec)
            self.active[spec.id] = Fault(spec)
        self._changed()

    # ---- matching -------------------------------------------------------------------------------------
    def match(self, path: str, uid: int | None, effects: tuple[str, ...] | None = None) -> Fault | None:
        """The fault that acts on this request (consuming one of its count), or None."""
        for fault in list(self.active.values()):
            if fault.path != path or (fault.uid is not None and fault.uid != uid):
                continue
            if effects is not None and fault.effect not in effects:
                continue
            if self.fire(fault, uid):
                return fault
        return None

    def fire(self, fault: Fault, uid: int | None) -> bool:
        """Whether ``fault`` acts on one more match (its probability drawn, one of its count consumed)."""
        if self.active.get(fault.id) is not fault:
            return False  # removed or used up meanwhile
        if fault.probability is not None and self.rng.random() >= fault.probability:
            return False
        fault.hits += 1
        if fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                del self.active[fault.id]
                self._changed()
                log.warning("fault %s used up", fault.id)
                for callback in self.on_used_up:
                    callback()
        log.info("fault %s (%s) hits %s uid=%s", fault.id, fault.effect, fault.path, uid)
        return True

    def for_path(self, path: str) -> list[Fault]:
        """The active faults on ``path``, in the order they were added (cached until the set changes)."""
        by_path = self._by_path
        if by_path is None:
            by_path = self._by_path = {}
            for fault in self.active.values():
                by_path.setdefault(fault.path, []).append(fault)
        return by_path.get(path, [])

    def _changed(self) -> None:
        self._by_path = None
        self.channel_paths = {f.path for f in self.active.values() if f.effect in WS_ONLY}

    def delay_s(self, fault: Fault) -> float:
        jitter = self.rng.uniform(-fault.jitter, fault.jitter) if fault.jitter else 0.0
        return max(0.0, fault.ms + jitter) / 1000
