"""The admin API (utaex only; bearer token): users, audit, faults, reset, the virtual clock,
reference prices, saved states and market ticks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ...wire import responses as R
from ...wire.requests import (
    AdvanceRequest,
    ClockRequest,
    CreateKeyRequest,
    CreateUserRequest,
    DepositRequest,
    FaultRequest,
    IndexQuoteBody,
    MarketTickRequest,
    PriceRequest,
    ResetRequest,
    SaveStateRequest,
)
from ..base import Call, Number, num

# -- admin (utaex only; bearer token) -------------------------------------------------------------------------

def create_user(balances: Mapping[str, Number] | None = None, read_only: bool = False) -> Call[R.ApiKeyInfo]:
    body = CreateUserRequest(balances={c: num(a, c) for c, a in (balances or {}).items()}, readOnly=read_only)
    return Call("POST", "/admin/v1/users", body=body, signed=False, type=R.ApiKeyInfo)


def create_api_key(uid: int | str, read_only: bool = False,
                   rsa_public_key: str | None = None) -> Call[R.ApiKeyInfo]:
    body = CreateKeyRequest(readOnly=read_only, rsaPublicKey=rsa_public_key)
    return Call("POST", f"/admin/v1/users/{_uid(uid)}/api-keys", body=body, signed=False, type=R.ApiKeyInfo)


def deposit(uid: int | str, coin: str, amount: Number) -> Call[str]:
    body = DepositRequest(coin=coin, amount=num(amount, "amount"))
    return Call("POST", f"/admin/v1/users/{_uid(uid)}/deposits", body=body, signed=False, type=str)


def audit(replay: bool = False) -> Call[R.Audit]:
    return Call("GET", "/admin/v1/audit", {"replay": "1" if replay else None}, signed=False, type=R.Audit)


def replication() -> Call[R.ReplicationState]:
    """The venue's role on the replicated journal (docs/scale-out.md)."""
    return Call("GET", "/admin/v1/replication", signed=False, type=R.ReplicationState)


def add_fault(path: str, effect: str, *, uid: int | str | None = None, count: int | None = None,
              probability: float | None = None, ms: int | None = None, jitter_ms: int | None = None,
              status: int | None = None, code: str | None = None, msg: str | None = None,
              items: Sequence[int] | None = None, after_frames: int | None = None) -> Call[str]:
    """An injected fault (docs/testing.md, Faults); answers its id."""
    body = FaultRequest(path=path, effect=effect, uid=None if uid is None else _uid(uid), count=count,
                        probability=probability, ms=ms, jitterMs=jitter_ms, status=status, code=code, msg=msg,
                        items=None if items is None else list(items), afterFrames=after_frames)
    return Call("POST", "/admin/v1/faults", body=body, signed=False, type=R.FaultId, convert=lambda d: d.id)


def faults() -> Call[list[R.Fault]]:
    return Call("GET", "/admin/v1/faults", signed=False, type=R.FaultList, convert=lambda d: d.list)


def clear_faults() -> Call[int]:
    return Call("DELETE", "/admin/v1/faults", signed=False, type=R.Removed, convert=lambda d: int(d.removed))


def delete_fault(fault_id: str) -> Call[int]:
    if not (fault_id.isascii() and fault_id.isdigit()):
        raise ValueError(f"a fault id is digits, got {fault_id!r}")
    return Call("DELETE", f"/admin/v1/faults/{fault_id}", signed=False, type=R.Removed,
                convert=lambda d: int(d.removed))


def reset(users: bool = True) -> Call[R.ResetResult]:
    """Back to the start state (``users=False``: users and keys dropped too)."""
    return Call("POST", "/admin/v1/reset", body=ResetRequest(users=users), signed=False, type=R.ResetResult)


# -- the virtual clock, reference prices and saved states (docs/market.md, docs/testing.md) --

def clock() -> Call[R.ClockState]:
    return Call("GET", "/admin/v1/clock", signed=False, type=R.ClockState)


def set_clock(mode: str, speed: float | None = None) -> Call[R.ClockState]:
    """``step`` (time moves only by ``advance``) or ``realtime`` (``speed`` times the wall clock)."""
    return Call("POST", "/admin/v1/clock", body=ClockRequest(mode=mode, speed=speed), signed=False,
                type=R.ClockState)


def advance(ms: int) -> Call[R.ClockState]:
    """Step the clock ``ms`` forward, running everything due meanwhile."""
    return Call("POST", "/admin/v1/clock/advance", body=AdvanceRequest(ms=int(ms)), signed=False,
                type=R.ClockState)


def set_price(category: str, symbol: str, price: Number) -> Call[R.ReferencePrice]:
    """Move an instrument's reference (index) price."""
    return Call("POST", "/admin/v1/prices", body=PriceRequest(category=category, symbol=symbol, price=num(price)),
                signed=False, type=R.ReferencePrice)


def save_state(name: str) -> Call[R.SavedState]:
    return Call("POST", "/admin/v1/states", body=SaveStateRequest(name=name), signed=False, type=R.SavedState)


def restore_state(name: str) -> Call[R.ResetResult]:
    """Back to the state saved under ``name``."""
    return Call("POST", "/admin/v1/reset", body=ResetRequest(name=name), signed=False, type=R.ResetResult)


def market_tick(index: list[tuple[str, str, Number]] | None = None) -> Call[R.MarketTickResult]:
    """A market tick now, setting the index price of each ``(category, symbol, price)``."""
    quotes = [IndexQuoteBody(category=c, symbol=s, price=num(p)) for c, s, p in index or []]
    return Call("POST", "/admin/v1/market-tick", body=MarketTickRequest(index=quotes), signed=False,
                type=R.MarketTickResult)


def _uid(uid: int | str) -> str:
    text = str(uid)
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"uid must be digits, got {text!r}")
    return text
