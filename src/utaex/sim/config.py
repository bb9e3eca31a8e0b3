"""The market simulator's parameters: the ``market`` table of the config file (docs/market.md).

Every key has a default, so a fresh ``utaex serve`` runs a market with no config at all; an unknown key or
a bad value is refused when the config file is checked (gateway/config.py), never ignored.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

NonNeg = Annotated[float, msgspec.Meta(ge=0)]
Unit = Annotated[float, msgspec.Meta(ge=0, le=1)]
PosF = Annotated[float, msgspec.Meta(gt=0)]
PosI = Annotated[int, msgspec.Meta(ge=1)]
Ms = Annotated[int, msgspec.Meta(ge=10, le=3_600_000)]

AGENT_UID_FIRST = 990_000_001  # agents' uids: 990000001..999999999, below every uid the venue assigns
AGENT_UID_LAST = 999_999_999


def is_agent(uid: int) -> bool:
    """A uid of the reserved range of the simulator's agents."""
    return AGENT_UID_FIRST <= uid <= AGENT_UID_LAST


class OracleSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One reference price process. ``name`` is what books refer to (by default a book uses the oracle named
    after its base coin)."""

    name: str
    price: str  # start reference price (decimal)
    volatility: NonNeg = 0.6  # annualised volatility of the log price
    drift: float = 0.0  # annualised drift of the log price
    garchAlpha: Unit = 0.08  # volatility clustering: weight of the last squared shock (per tick)
    garchBeta: Unit = 0.915  # volatility clustering: persistence of the variance (alpha + beta < 1)
    jumpsPerHour: NonNeg = 3.0  # Poisson rate of price jumps
    jumpSigma: NonNeg = 0.004  # standard deviation of a jump's log size
    file: str = ""  # a CSV of trades or candles to replay instead of the random walk


class MakerSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    makers: Annotated[int, msgspec.Meta(ge=0, le=20)] = 1  # market makers per book
    levels: Annotated[int, msgspec.Meta(ge=1, le=50)] = 15  # price levels quoted each side
    spreadBps: NonNeg = 1.5  # distance of the first level from the reference, basis points
    stepBps: PosF = 1.5  # distance between consecutive levels, basis points
    sizeValue: PosF = 4000.0  # quote-coin value of the first level
    sizeGrowth: PosF = 1.2  # each deeper level is this many times the one before
    sizeJitter: Unit = 0.3  # each level's size varies by up to this fraction at random
    noiseBps: NonNeg = 0.5  # each maker sees the reference with this much noise (standard deviation)
    refreshMs: Ms = 2000  # cancel/replace cadence (with +-25% jitter)


class TakerSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    takers: Annotated[int, msgspec.Meta(ge=0, le=100)] = 2  # noise takers per book
    ratePerSecond: NonNeg = 1.0  # Poisson arrival rate of all takers of a book together
    marketShare: Unit = 0.5  # share of market orders (the rest are marketable limit IOC orders)
    limitSlipBps: NonNeg = 3.0  # a marketable limit order crosses the best price by this much
    sizeValue: PosF = 2500.0  # median quote-coin value of an order (log-normal)
    sizeSigma: NonNeg = 1.0  # standard deviation of the log size
    maxSizeValue: PosF = 100_000.0  # cap on one order's value


class BookSpec(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Overrides for one instrument's book (SPOT and MARGIN of a symbol share one)."""

    category: str
    symbol: str
    oracle: str = ""  # default: the oracle named after the base coin
    enabled: bool = True
    makers: MakerSpec | None = None
    takers: TakerSpec | None = None


DEFAULT_ORACLES = (OracleSpec(name="BTC", price="60000"), OracleSpec(name="ETH", price="3000"))
DEFAULT_FUNDS = {"USDT": "50000000", "USDC": "50000000", "BTC": "1000", "ETH": "20000"}


class MarketConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    enabled: bool = True  # False: no agents, no walk (what --market off sets)
    tickMs: Ms = 1000  # the market clock's step: oracle move + MarketTick (index prices)
    oracles: list[OracleSpec] = []  # default: BTC at 60000, ETH at 3000
    makers: MakerSpec = msgspec.field(default_factory=MakerSpec)
    takers: TakerSpec = msgspec.field(default_factory=TakerSpec)
    books: list[BookSpec] = []  # per-book overrides; every instrument of the venue trades by default
    funds: dict[str, str] = {}  # each agent's deposit per coin (default DEFAULT_FUNDS, for the venue's coins)

    def oracle_specs(self) -> list[OracleSpec]:
        given = {o.name: o for o in self.oracles}
        return [*self.oracles, *(o for o in DEFAULT_ORACLES if o.name not in given)]
