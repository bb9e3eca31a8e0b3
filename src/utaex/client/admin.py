"""Admin API clients (utaex only): create users and API keys, deposit funds, audit, inject faults, reset.
Bearer-token auth."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import httpx

from ..wire import responses as R
from . import endpoints as E
from .base import DEFAULT_BASE_URL, BaseClient, Call, Number, finish
from .sync import SyncTransport

T = TypeVar("T")


class _AdminBase(BaseClient):
    def __init__(self, token: str, *, base_url: str = DEFAULT_BASE_URL) -> None:
        if not token:
            raise ValueError("an admin token is required (the server's UTAEX_ADMIN_TOKEN)")
        super().__init__(base_url=base_url)
        self._token = token

    def _headers(self) -> dict[str, str] | None:
        return {"Authorization": f"Bearer {self._token}"}


class AdminClient(SyncTransport, _AdminBase):
    """Sync admin client: ``AdminClient(token, base_url=...)``; failures raise ``BitgetError``."""

    def __init__(self, token: str, *, base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(token, base_url=base_url)
        self._open(self.base_url, timeout, transport)

    def create_user(self, balances: Mapping[str, Number] | None = None, read_only: bool = False) -> R.ApiKeyInfo:
        """A new user funded with ``balances`` (coin -> amount) and its first API key."""
        return self.call(E.create_user(balances, read_only))

    def create_api_key(self, uid: int | str, read_only: bool = False,
                       rsa_public_key: str | None = None) -> R.ApiKeyInfo:
        return self.call(E.create_api_key(uid, read_only, rsa_public_key))

    def deposit(self, uid: int | str, coin: str, amount: Number) -> str:
        return self.call(E.deposit(uid, coin, amount))

    def audit(self, replay: bool = False) -> R.Audit:
        return self.call(E.audit(replay))

    def replication(self) -> R.ReplicationState:
        return self.call(E.replication())

    def add_fault(self, path: str, effect: str, *, uid: int | str | None = None, count: int | None = None,
                  probability: float | None = None, ms: int | None = None, jitter_ms: int | None = None,
                  status: int | None = None, code: str | None = None, msg: str | None = None,
                  items: Sequence[int] | None = None, after_frames: int | None = None) -> str:
        """Inject a fault (docs/testing.md, Faults); returns its id."""
        return self.call(E.add_fault(path, effect, uid=uid, count=count, probability=probability, ms=ms,
                                     jitter_ms=jitter_ms, status=status, code=code, msg=msg, items=items,
                                     after_frames=after_frames))

    def faults(self) -> list[R.Fault]:
        """The faults in force, in the order they were added."""
        return self.call(E.faults())

    def clear_faults(self) -> int:
        """Remove every fault; returns how many there were."""
        return self.call(E.clear_faults())

    def delete_fault(self, fault_id: str) -> int:
        """Remove one fault (error 40034 when there is none with that id)."""
        return self.call(E.delete_fault(fault_id))

    def reset(self, users: bool = True) -> R.ResetResult:
        """The venue back to its start state; ``users=False`` drops users and keys too."""
        return self.call(E.reset(users))

    def clock(self) -> R.ClockState:
        """The virtual clock: mode, speed, ``now`` (ms)."""
        return self.call(E.clock())

    def set_clock(self, mode: str, speed: float | None = None) -> R.ClockState:
        """``step`` (time moves only by ``advance``) or ``realtime`` at ``speed`` times the wall clock."""
        return self.call(E.set_clock(mode, speed))

    def advance(self, ms: int) -> R.ClockState:
        """Step the clock ``ms`` forward, running everything due meanwhile (step mode)."""
        return self.call(E.advance(ms))

    def set_price(self, category: str, symbol: str, price: Number) -> R.ReferencePrice:
        """Move an instrument's reference (index) price; makers re-quote around it."""
        return self.call(E.set_price(category, symbol, price))

    def save_state(self, name: str) -> R.SavedState:
        """Keep the venue's state under ``name``."""
        return self.call(E.save_state(name))

    def restore_state(self, name: str) -> R.ResetResult:
        """Back to the state saved under ``name``."""
        return self.call(E.restore_state(name))

    def market_tick(self, index: list[tuple[str, str, Number]] | None = None) -> R.MarketTickResult:
        """A market tick now: index prices, marks, mark triggers, liquidations, funding (docs/market.md)."""
        return self.call(E.market_tick(index))


class AsyncAdminClient(_AdminBase):
    """Async admin client: the methods of :class:`AdminClient`, awaited."""

    def __init__(self, token: str, *, base_url: str = DEFAULT_BASE_URL, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(token, base_url=base_url)
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> AsyncAdminClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def call(self, call: Call[T]) -> T:
        method, url, headers, content = self.prepare(call)
        resp = await self.http.request(method, url, headers=headers, content=content)
        return finish(call, resp.status_code, resp.content)

    async def create_user(self, balances: Mapping[str, Number] | None = None,
                          read_only: bool = False) -> R.ApiKeyInfo:
        return await self.call(E.create_user(balances, read_only))

    async def create_api_key(self, uid: int | str, read_only: bool = False,
                             rsa_public_key: str | None = None) -> R.ApiKeyInfo:
        return await self.call(E.create_api_key(uid, read_only, rsa_public_key))

    async def deposit(self, uid: int | str, coin: str, amount: Number) -> str:
        return await self.call(E.deposit(uid, coin, amount))

    async def audit(self, replay: bool = False) -> R.Audit:
        return await self.call(E.audit(replay))

    async def replication(self) -> R.ReplicationState:
        return await self.call(E.replication())

    async def add_fault(self, path: str, effect: str, *, uid: int | str | None = None, count: int | None = None,
                  probability: float | None = None, ms: int | None = None, jitter_ms: int | None = None,
                  status: int | None = None, code: str | None = None, msg: str | None = None,
                  items: Sequence[int] | None = None, after_frames: int | None = None) -> str:
        """Inject a fault (docs/testing.md, Faults); returns its id."""
        return await self.call(E.add_fault(path, effect, uid=uid, count=count, probability=probability, ms=ms,
                                     jitter_ms=jitter_ms, status=status, code=code, msg=msg, items=items,
                                     after_frames=after_frames))

    async def faults(self) -> list[R.Fault]:
        """The faults in force, in the order they were added."""
        return await self.call(E.faults())

    async def clear_faults(self) -> int:
        """Remove every fault; returns how many there were."""
        return await self.call(E.clear_faults())

    async def delete_fault(self, fault_id: str) -> int:
        """Remove one fault (error 40034 when there is none with that id)."""
        return await self.call(E.delete_fault(fault_id))

    async def reset(self, users: bool = True) -> R.ResetResult:
        """The venue back to its start state; ``users=False`` drops users and keys too."""
        return await self.call(E.reset(users))

    async def clock(self) -> R.ClockState:
        """The virtual clock: mode, speed, ``now`` (ms)."""
        return await self.call(E.clock())

    async def set_clock(self, mode: str, speed: float | None = None) -> R.ClockState:
        """``step`` (time moves only by ``advance``) or ``realtime`` at ``speed`` times the wall clock."""
        return await self.call(E.set_clock(mode, speed))

    async def advance(self, ms: int) -> R.ClockState:
        """Step the clock ``ms`` forward, running everything due meanwhile (step mode)."""
        return await self.call(E.advance(ms))

    async def set_price(self, category: str, symbol: str, price: Number) -> R.ReferencePrice:
        """Move an instrument's reference (index) price; makers re-quote around it."""
        return await self.call(E.set_price(category, symbol, price))

    async def save_state(self, name: str) -> R.SavedState:
        """Keep the venue's state under ``name``."""
        return await self.call(E.save_state(name))

    async def restore_state(self, name: str) -> R.ResetResult:
        """Back to the state saved under ``name``."""
        return await self.call(E.restore_state(name))

    async def market_tick(self, index: list[tuple[str, str, Number]] | None = None) -> R.MarketTickResult:
        """A market tick now: index prices, marks, mark triggers, liquidations, funding (docs/market.md)."""
        return await self.call(E.market_tick(index))
