"""The market: oracles, agents and the market clock's step, all scheduled on the virtual clock.

Everything it does is an ordinary command handed to ``Port.execute`` (the venue's sequencer): the agents'
users and deposits, their batch cancels and orders, and every ``tickMs`` a ``MarketTick`` carrying the
oracles' index prices (docs/market.md).

Invariants:
- Wake-ups run one at a time in virtual-time order (sim/clock.py); each draws only from its own seeded RNG,
  so with the stepped clock the same seed and the same user commands give the same journal.
- Agents are users in the reserved uid range (``config.is_agent``), created once and kept across restarts.
- With the market off (``enabled`` False) no agent exists and nothing walks: a tick is sent only for the
  instruments whose reference the admin API set.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..core.commands import CancelAll, Command, CreateUser, Deposit, IndexQuote, MarketTick
from ..core.enums import CATEGORIES
from .agents import Maker, Taker, on_grid, text
from .config import AGENT_UID_FIRST, AGENT_UID_LAST, DEFAULT_FUNDS, MakerSpec, MarketConfig, TakerSpec
from .oracle import Oracle, ReplayOracle, WalkOracle

if TYPE_CHECKING:
    from ..core.instruments import Instrument, InstrumentSet
    from .clock import VirtualClock

log = logging.getLogger("utaex.sim")


class Port(Protocol):
    """What the simulator needs from the venue: its clock, its sequencer and public market data."""

    clock: VirtualClock

    def now_ms(self) -> int: ...

    async def execute(self, cmd: Command) -> Any: ...

    def best(self, inst: Instrument) -> tuple[Decimal | None, Decimal | None]: ...

    def has_user(self, uid: int) -> bool: ...


def derive_seed(seed: int, name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"utaex-sim:{seed}:{name}".encode()).digest()[:8], "big")


class Book:
    def __init__(self, inst: Instrument, oracle: Oracle, makers: MakerSpec, takers: TakerSpec) -> None:
        self.inst, self.oracle, self.maker_spec, self.taker_spec = inst, oracle, makers, takers
        self.makers: list[Maker] = []
        self.takers: list[Taker] = []


class Market:
    def __init__(self, port: Port, instruments: InstrumentSet, cfg: MarketConfig, seed: int,
                 replay: Path | None = None) -> None:
        self.port = port
        self.cfg = cfg
        self.seed = seed
        self.enabled = cfg.enabled
        self.instruments = instruments
        start = port.now_ms()
        specs = cfg.oracle_specs()
        if replay is not None and specs:
            specs[0].file = str(replay)
        self.oracles: dict[str, Oracle] = {}
        for spec in specs:
            if spec.file:
                self.oracles[spec.name] = ReplayOracle(spec.name, Path(spec.file), start)
            else:
                self.oracles[spec.name] = WalkOracle(
                    spec.name, float(spec.price), random.Random(derive_seed(seed, "oracle:" + spec.name)),
                    volatility=spec.volatility, drift=spec.drift, garch_alpha=spec.garchAlpha,
                    garch_beta=spec.garchBeta, jumps_per_hour=spec.jumpsPerHour, jump_sigma=spec.jumpSigma,
                    walk=self.enabled)
        overrides = {(b.category.upper(), b.symbol): b for b in cfg.books}
        #: every instrument with an oracle, and the books the agents trade (one instrument per shared book)
        self.inst_oracle: dict[tuple[str, str], Oracle] = {}
        self.books: list[Book] = []
        seen_books: set[tuple[str, str]] = set()
        order = {c: i for i, c in enumerate(CATEGORIES)}  # SPOT before MARGIN: the agents trade a shared book as SPOT
        for key in sorted(instruments.by_key, key=lambda k: (order.get(k[0], 9), k[1])):
            inst = instruments.by_key[key]
            ov = overrides.get(key)
            name = (ov.oracle if ov and ov.oracle else inst.base)
            oracle = self.oracles.get(name)
            if oracle is None:
                if ov and ov.oracle:
                    raise ValueError(f"market.books {key}: no oracle named {name!r}")
                continue
            self.inst_oracle[key] = oracle
            if inst.book_key in seen_books:
                continue
            seen_books.add(inst.book_key)  # a disabled SPOT book stays off for MARGIN too (one book)
            if ov is not None and not ov.enabled:
                continue
            self.books.append(Book(inst, oracle, (ov.makers if ov and ov.makers else None) or cfg.makers,
                                   (ov.takers if ov and ov.takers else None) or cfg.takers))
        uid = AGENT_UID_FIRST
        if self.enabled:
            for book in self.books:
                for _ in range(book.maker_spec.makers):
                    book.makers.append(Maker(uid, book.inst, self._rng(uid), book.maker_spec))
                    uid += 1
            for book in self.books:
                for _ in range(book.taker_spec.takers):
                    book.takers.append(Taker(uid, book.inst, self._rng(uid), book.taker_spec))
                    uid += 1
        if uid > AGENT_UID_LAST:
            raise ValueError("too many agents")
        self.agent_uids = list(range(AGENT_UID_FIRST, uid))
        coins = set(instruments.coins)
        self.funds = {c: a for c, a in (cfg.funds or DEFAULT_FUNDS).items() if c in coins}
        self.ticks = 0
        self.commands = 0
        self.started = False

    def _rng(self, uid: int) -> random.Random:
        return random.Random(derive_seed(self.seed, f"agent:{uid}"))

    # ---- life cycle ----------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Create the agents (once per data dir), clear what they left resting, schedule every wake-up."""
        await self.ensure_agents()
        clock = self.port.clock
        now = self.port.now_ms()
        for book in self.books:
            for m in book.makers:
                await self._send(CancelAll(ts=now, uid=m.uid, category=m.inst.category, symbol=m.inst.symbol))
        clock.call_at(now + self.cfg.tickMs, self._tick)
        for book in self.books:
            for i, m in enumerate(book.makers):
                clock.call_at(now + 1 + 37 * i, self._wake_maker(m))
            for t in book.takers:
                clock.call_at(now + 250 + t.next_wake(), self._wake_taker(t))
        self.started = True

    async def ensure_agents(self) -> None:
        """Every agent exists as a funded user (after a reset that dropped users, again)."""
        for uid in self.agent_uids:
            if self.port.has_user(uid):
                continue
            secret = hashlib.sha256(f"utaex-sim-secret:{self.seed}:{uid}".encode()).hexdigest()
            await self._send(CreateUser(ts=self.port.now_ms(), uid=uid, api_key=f"sim-agent-{uid}", secret=secret,
                                        passphrase="sim-agent", read_only=True))
            for coin, amount in sorted(self.funds.items()):
                await self._send(Deposit(ts=self.port.now_ms(), uid=uid, coin=coin, amount=amount))

    async def _send(self, cmd: Command) -> Any:
        self.commands += 1
        return await self.port.execute(cmd)

    # ---- wake-ups ------------------------------------------------------------------------------------------
    async def _tick(self) -> None:
        now = self.port.now_ms()
        for oracle in self.oracles.values():
            oracle.step(now, self.cfg.tickMs)
        await self.send_tick(now)
        self.port.clock.call_at(now + self.cfg.tickMs, self._tick)

    async def send_tick(self, now: int, only: Oracle | None = None) -> None:
        quotes = []
        for (cat, sym), oracle in self.inst_oracle.items():
            if only is not None and oracle is not only:
                continue
            if not self.enabled and not oracle.pinned:
                continue
            inst = self.instruments.by_key[(cat, sym)]
            if not inst.is_futures:
                continue
            quotes.append(IndexQuote(category=cat, symbol=sym, price=self.index_text(inst, oracle.price)))
        if quotes or self.enabled:
            self.ticks += 1
            await self._send(MarketTick(ts=now, index=quotes))

    @staticmethod
    def index_text(inst: Instrument, price: float) -> str:
        tick = Decimal(inst.spec.tick)
        return text(max(on_grid(price, tick, ROUND_HALF_EVEN), tick))

    def _wake_maker(self, m: Maker) -> Callable[[], Any]:
        async def wake() -> None:
            await self.requote(m)
            self.port.clock.call_at(self.port.now_ms() + m.next_wake(), wake)

        return wake

    async def requote(self, m: Maker) -> None:
        now = self.port.now_ms()
        oracle = self.inst_oracle[(m.inst.category, m.inst.symbol)]
        cancel = m.cancel(now)
        if cancel is not None:
            await self._send(cancel)
        m.placed(await self._send(m.quotes(now, oracle.price)))

    def _wake_taker(self, t: Taker) -> Callable[[], Any]:
        async def wake() -> None:
            now = self.port.now_ms()
            oracle = self.inst_oracle[(t.inst.category, t.inst.symbol)]
            order = t.order(now, oracle.price, self.port.best(t.inst))
            if order is not None:
                await self._send(order)
            self.port.clock.call_at(self.port.now_ms() + t.next_wake(), wake)

        return wake

    # ---- the admin API -------------------------------------------------------------------------------------
    async def set_price(self, inst: Instrument, price_text: str) -> tuple[str, int]:
        """Move the reference of ``inst``'s oracle; makers on it re-quote and a tick follows at once."""
        try:
            price = Decimal(price_text)
        except InvalidOperation:
            raise ValueError("not a decimal number") from None
        if not price.is_finite() or price <= 0:
            raise ValueError("must be positive")
        oracle = self.inst_oracle.get((inst.category, inst.symbol))
        if oracle is None:
            raise ValueError(f"{inst.symbol} has no reference price")
        oracle.set(float(price))
        now = self.port.now_ms()
        if self.enabled:
            for book in self.books:
                if book.oracle is oracle:
                    for m in book.makers:
                        await self.requote(m)
        await self.send_tick(now)
        return self.index_text(inst, oracle.price), now

    def doc(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "agents": len(self.agent_uids), "ticks": self.ticks,
                "oracles": {n: repr(round(o.price, 8)) for n, o in sorted(self.oracles.items())}}
