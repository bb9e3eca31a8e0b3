"""Reference prices ("oracles"): a seeded random walk, or the replay of a file (docs/market.md).

- ``WalkOracle``: geometric Brownian motion with the given annualised drift and volatility, whose variance
  follows a GARCH(1, 1) recursion per step (volatility clustering) plus Poisson jumps (fat tails).
- ``ReplayOracle``: the prices of a CSV file of trades (``ts,price,qty,side``) or candles
  (``ts,open,high,low,close,volume``), replayed on the virtual clock from the market's start, looping at
  the end; a candle contributes its open, its high and low (in the order its direction implies), its close.

Invariants: floats live only here and in the agents; ``price`` is always positive; the same seed and the
same sequence of ``step`` calls give the same prices; ``set`` moves the reference and the walk (or the
replay, scaled) continues from it.
"""

from __future__ import annotations

import bisect
import csv
import math
import random
from pathlib import Path

YEAR_S = 365 * 86_400.0


class Oracle:
    name: str
    price: float
    pinned: bool  # the admin API set its price (a quiet market ticks only pinned oracles)

    def step(self, now: int, dt_ms: int) -> float:
        raise NotImplementedError

    def set(self, price: float) -> None:
        raise NotImplementedError


class WalkOracle(Oracle):
    def __init__(self, name: str, price: float, rng: random.Random, *, volatility: float, drift: float,
                 garch_alpha: float, garch_beta: float, jumps_per_hour: float, jump_sigma: float,
                 walk: bool = True) -> None:
        if price <= 0:
            raise ValueError(f"oracle {name}: the start price must be positive")
        if garch_alpha + garch_beta >= 1:
            raise ValueError(f"oracle {name}: garchAlpha + garchBeta must be below 1")
        self.name, self.price, self.rng = name, price, rng
        self.vol, self.drift = volatility, drift
        self.alpha, self.beta = garch_alpha, garch_beta
        self.jump_rate, self.jump_sigma = jumps_per_hour, jump_sigma
        self.walk = walk
        self.pinned = False
        self._h: float | None = None  # conditional variance of the last step's shock
        self._eps2 = 0.0

    def step(self, now: int, dt_ms: int) -> float:
        if not self.walk or dt_ms <= 0:
            return self.price
        dt = dt_ms / 1000 / YEAR_S
        base = self.vol * self.vol * dt  # unconditional variance per step
        if self._h is None:
            self._h = base
        h = base * (1 - self.alpha - self.beta) + self.alpha * self._eps2 + self.beta * self._h
        self._h = h
        shock = math.sqrt(h) * self.rng.gauss(0.0, 1.0)
        self._eps2 = shock * shock
        r = (self.drift - 0.5 * self.vol * self.vol) * dt + shock
        if self.jump_rate > 0 and self.rng.random() < self.jump_rate * dt_ms / 3_600_000:
            r += self.rng.gauss(0.0, self.jump_sigma)
        self.price *= math.exp(r)
        return self.price

    def set(self, price: float) -> None:
        self.price = price
        self.pinned = True


class ReplayOracle(Oracle):
    def __init__(self, name: str, path: Path, start: int) -> None:
        self.name = name
        self.offsets, self.prices = load_path(path)
        self.span = max(self.offsets[-1] + 1, 1)
        self.start = start
        self.scale = 1.0
        self.pinned = False
        self.price = self.prices[0]

    def _raw(self, now: int) -> float:
        t = (now - self.start) % self.span if now >= self.start else 0
        i = bisect.bisect_right(self.offsets, t) - 1
        return self.prices[max(i, 0)]

    def step(self, now: int, dt_ms: int) -> float:
        self.price = self._raw(now) * self.scale
        return self.price

    def set(self, price: float) -> None:
        self.scale = price / self.price * self.scale if self.price > 0 else self.scale
        self.price = price
        self.pinned = True


TRADES = ("ts", "price", "qty", "side")
CANDLES = ("ts", "open", "high", "low", "close", "volume")


def load_path(path: Path) -> tuple[list[int], list[float]]:
    """(offsets in ms from the first row, prices) of a trades or candles CSV; raises ValueError."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise ValueError(f"{path}: {exc.strerror or exc}") from None
    if not rows:
        raise ValueError(f"{path}: empty file")
    header = tuple(c.strip().lower() for c in rows[0])
    if header not in (TRADES, CANDLES):
        raise ValueError(f"{path}: the first line must be {','.join(TRADES)} or {','.join(CANDLES)}")
    points: list[tuple[int, float]] = []
    data = [r for r in rows[1:] if r and any(c.strip() for c in r)]
    if not data:
        raise ValueError(f"{path}: no rows")
    try:
        times = [_ms(r[0]) for r in data]
        if header == TRADES:
            points = [(t, _positive(r[1])) for t, r in zip(times, data, strict=True)]
        else:
            for i, (t, r) in enumerate(zip(times, data, strict=True)):
                o, h, lo, c = (_positive(x) for x in r[1:5])
                width = (times[i + 1] - t) if i + 1 < len(times) else (t - times[i - 1] if i else 60_000)
                first, second = (lo, h) if c >= o else (h, lo)
                points += [(t, o), (t + width // 4, first), (t + width // 2, second), (t + 3 * width // 4, c)]
    except (IndexError, ValueError) as exc:
        raise ValueError(f"{path}: bad row ({exc})") from None
    points.sort(key=lambda p: p[0])
    t0 = points[0][0]
    return [t - t0 for t, _ in points], [p for _, p in points]


def _ms(text: str) -> int:
    value = float(text)
    return int(value * 1000) if value < 1e11 else int(value)  # seconds or milliseconds since the epoch


def _positive(text: str) -> float:
    value = float(text)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"price {text!r} is not positive")
    return value
