"""Scenario files (``utaex serve --scenario FILE``): users, opening orders and a schedule of faults and
orders, so that a test setup is one file (docs/testing.md, "Scenarios").

Invariants:
- Everything a scenario does is an ordinary command through the sequencer (users, deposits, orders,
  fault configuration), journaled and replayed like any other; nothing bypasses the engine or the ledger.
- A scenario is applied once, to a fresh venue (no user yet): a restart on the same data dir resumes the
  journaled state and does not apply it again, and its schedule does not run again.
- The schedule runs on the virtual clock (sim/clock.py), in the order of ``at`` (ties in file order), offsets
  from the moment the venue is ready: in real time as time passes, in step mode as advances pass them.
- A price path is sugar for price steps: its points are joined linearly, one step every ``every``.
- A file is checked completely before anything runs: an unknown key, a bad value, a user an entry names
  that the file does not define: ``ScenarioError`` naming the place.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from ..core.commands import Configure, CreateUser, Deposit, PlaceOrder
from ..core.errors import Reject
from ..sim.config import MarketConfig
from .errors import ApiError
from .faults import SETTINGS_KEY, validate

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger("utaex.scenario")

_OFFSET = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class ScenarioError(ValueError):
    """The scenario file is not valid; the message names the place."""


class User(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    apiKey: str
    secretKey: str
    passphrase: str
    balances: dict[str, str] = {}
    readOnly: bool = False


class Order(msgspec.Struct, forbid_unknown_fields=True):
    user: str
    category: str
    symbol: str
    side: str
    orderType: str
    qty: str
    price: str = ""
    clientOid: str = ""
    timeInForce: str = "gtc"
    reduceOnly: bool = False
    posSide: str = ""


class PriceMove(msgspec.Struct, forbid_unknown_fields=True):
    category: str
    symbol: str
    price: str


class Step(msgspec.Struct, forbid_unknown_fields=True):
    at: str
    order: Order | None = None
    fault: dict[str, Any] | None = None
    clear_faults: bool = False
    price: PriceMove | None = None  # POST /admin/v1/prices at that time


class PathPoint(msgspec.Struct, forbid_unknown_fields=True):
    at: str
    price: str


class PricePath(msgspec.Struct, forbid_unknown_fields=True):
    """A reference price path: the points joined linearly, set every ``every`` (default 1s)."""

    category: str
    symbol: str
    points: list[PathPoint]
    every: str = "1s"


class Scenario(msgspec.Struct, forbid_unknown_fields=True):
    name: str = ""
    description: str = ""
    market: MarketConfig | None = None  # the simulator's parameters (replace the config file's market table)
    clock: str = ""  # the virtual clock at start: realtime, step, or a speed ("" = serve's --clock)
    paths: list[PricePath] = []
    users: list[User] = []
    orders: list[Order] = []
    schedule: list[Step] = []


def offset_s(text: str) -> float:
    """``"90s"``, ``"1.5m"``, ``"250ms"``, ``"1h"`` -> seconds."""
    m = _OFFSET.fullmatch(text.strip())
    if m is None:
        raise ScenarioError(f"schedule: bad offset {text!r} (use e.g. 250ms, 30s, 1.5m, 1h)")
    return float(m.group(1)) * _UNIT_S[m.group(2)]


def expand(p: PricePath) -> list[Step]:
    """The price steps of a path: every ``every`` from its first point to its last, linearly between points."""
    from decimal import Decimal

    if len(p.points) < 2:
        raise ValueError("a path needs at least two points")
    every = int(offset_s(p.every) * 1000)
    if every < 10:
        raise ValueError("every must be at least 10ms")
    pts = [(int(offset_s(q.at) * 1000), Decimal(q.price)) for q in p.points]
    if any(b[0] <= a[0] for a, b in itertools.pairwise(pts)) or any(v <= 0 for _, v in pts):
        raise ValueError("points must have increasing times and positive prices")
    steps = []
    t = pts[0][0]
    while t <= pts[-1][0]:
        j = max(k for k in range(len(pts)) if pts[k][0] <= t)
        if j == len(pts) - 1:
            price = pts[j][1]
        else:
            (t0, v0), (t1, v1) = pts[j], pts[j + 1]
            price = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
        steps.append(Step(at=f"{t}ms", price=PriceMove(p.category, p.symbol, format(price.normalize(), "f"))))
        t += every
    return steps


def load(path: Path) -> Scenario:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        scenario = msgspec.convert(raw, Scenario)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"scenario {path}: {exc}") from None
    except msgspec.ValidationError as exc:
        raise ScenarioError(f"scenario {path}: {exc}") from None
    names = [u.name for u in scenario.users]
    if len(set(names)) != len(names):
        raise ScenarioError(f"scenario {path}: user names must be unique")
    if len({u.apiKey for u in scenario.users}) != len(names):
        raise ScenarioError(f"scenario {path}: apiKeys must be unique")
    for where, order in [("orders", o) for o in scenario.orders] + \
            [("schedule", s.order) for s in scenario.schedule if s.order is not None]:
        if order.user not in names:
            raise ScenarioError(f"scenario {path}: {where}: no user named {order.user!r}")
    if scenario.clock and scenario.clock not in ("realtime", "step"):
        try:
            if not 0 < float(scenario.clock) <= 10_000:
                raise ValueError
        except ValueError:
            raise ScenarioError(f"scenario {path}: clock: realtime, step or a speed in (0, 10000]") from None
    for i, p in enumerate(scenario.paths):
        try:
            scenario.schedule += expand(p)
        except (ValueError, ArithmeticError) as exc:
            raise ScenarioError(f"scenario {path}: paths[{i}]: {exc}") from None
    for i, step in enumerate(scenario.schedule):
        offset_s(step.at)
        actions = (step.order is not None) + (step.fault is not None) + step.clear_faults + (step.price is not None)
        if actions != 1:
            raise ScenarioError(f"scenario {path}: schedule[{i}]: give exactly one of order, fault, clear_faults, "
                                "price")
        if step.fault is not None:
            try:
                validate(msgspec.json.encode(step.fault))
            except ApiError as err:
                raise ScenarioError(f"scenario {path}: schedule[{i}].fault: {err.msg}") from None
    return scenario


class Runner:
    """Applies a scenario to a fresh venue and runs its schedule."""

    def __init__(self, app: App, scenario: Scenario) -> None:
        self.app = app
        self.scenario = scenario
        self.uids: dict[str, int] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        #: (offset s, what) of every step done so far, for logs and tests
        self.done: list[tuple[float, str]] = []

    async def start(self) -> bool:
        """Apply users and opening orders and start the schedule; False when the venue is not fresh."""
        venue = self.app.venue
        if venue.engine.accounts:
            log.warning("scenario %r not applied: the data dir already holds a venue", self.scenario.name)
            return False
        for user in self.scenario.users:
            acct = await venue.execute(CreateUser(ts=venue.now_ms(), api_key=user.apiKey, secret=user.secretKey,
                                                  passphrase=user.passphrase, read_only=user.readOnly))
            if isinstance(acct, Reject):
                raise ScenarioError(f"user {user.name}: {acct.code} {acct.msg}")
            self.uids[user.name] = acct.uid
            for coin, amount in user.balances.items():
                res = await venue.execute(Deposit(ts=venue.now_ms(), uid=acct.uid, coin=coin, amount=amount))
                if isinstance(res, Reject):
                    raise ScenarioError(f"user {user.name}: deposit {coin} {amount}: {res.code} {res.msg}")
        for order in self.scenario.orders:
            await self._place(order, "orders")
        steps = sorted(enumerate(self.scenario.schedule), key=lambda p: (offset_s(p[1].at), p[0]))
        self._schedule(steps)
        log.warning("scenario %r applied: %d users, %d orders, %d scheduled steps", self.scenario.name,
                    len(self.scenario.users), len(self.scenario.orders), len(steps))
        return True

    def _schedule(self, steps: list[tuple[int, Step]]) -> None:
        """Every step on the virtual clock (in time order, ties in file order: the clock keeps insertion order)."""
        clock = self.app.venue.clock
        start = self.app.venue.now_ms()
        for _, step in steps:
            clock.call_at(start + round(offset_s(step.at) * 1000), self._runner(step))

    def _runner(self, step: Step) -> Any:
        async def run() -> None:
            try:
                await self._do(step)
            except Exception:
                log.exception("scenario step at %s failed", step.at)

        return run

    async def _do(self, step: Step) -> None:
        app = self.app
        venue = app.venue
        if step.order is not None:
            await self._place(step.order, f"schedule at {step.at}")
            what = f"order {step.order.side} {step.order.qty} {step.order.symbol} by {step.order.user}"
        elif step.price is not None:
            mv = step.price
            inst = venue.instruments.get(mv.category.upper(), mv.symbol)
            if inst is None or app.sim is None:
                raise ScenarioError(f"price step at {step.at}: no reference price for {mv.category} {mv.symbol}")
            price, _ = await app.sim.set_price(inst, mv.price)
            what = f"price {mv.category.upper()} {mv.symbol} {price}"
        elif step.fault is not None:
            fault = app.faults.add(validate(msgspec.json.encode(step.fault)))
            await venue.execute(Configure(ts=venue.now_ms(), key=SETTINGS_KEY, value=app.faults.dump()))
            what = f"fault {fault.id} {fault.effect} on {fault.path}"
        else:
            app.faults.clear()
            await venue.execute(Configure(ts=venue.now_ms(), key=SETTINGS_KEY, value=app.faults.dump()))
            what = "faults cleared"
        self.done.append((offset_s(step.at), what))
        log.warning("scenario at %s: %s", step.at, what)

    async def _place(self, order: Order, where: str) -> None:
        venue = self.app.venue
        res = await venue.execute(PlaceOrder(
            ts=venue.now_ms(), uid=self.uids[order.user], category=order.category.upper(), symbol=order.symbol,
            side=order.side, order_type=order.orderType, qty=order.qty, price=order.price, tif=order.timeInForce,
            pos_side=order.posSide, reduce_only=order.reduceOnly, client_oid=order.clientOid))
        if isinstance(res, Reject):
            log.warning("scenario %s: order by %s refused: %s %s", where, order.user, res.code, res.msg)
