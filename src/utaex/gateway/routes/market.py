"""Public market reads beyond books and trades: funding rates, open interest and its limits, position
tiers, collateral discount rates, margin loans, proof of reserves and the risk reserve.

What an offline venue answers where Bitget reports its own business (reserves, loans, the insurance
fund) is in docs/decisions.md, "Market reads".
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from ...core import enums as E
from ...core import errors as X
from ...core.numbers import DP, fmt_amount, format_fixed
from .. import convert, funding
from .. import params as P
from ..errors import ApiError, missing

if TYPE_CHECKING:
    from ...core.instruments import Instrument
    from ..app import App, Request

PUBLIC_LIMIT = 20
FUTURES = (E.USDT_FUTURES, E.COIN_FUTURES, E.USDC_FUTURES)
HISTORY_WINDOW = 90 * 86_400_000
STABLE = ("USDT", "USDC")
# collateral value of a coin in the unified account: (tier start in USDT, rate); stablecoins count in full
DISCOUNT_TIERS = (("0", "0.95"), ("1000000", "0.9"), ("5000000", "0.8"))
MARGIN_LOAN_LIMIT = "1000000"


def bad(value: str) -> ApiError:
    return ApiError("40020", f"Parameter {value} error")


def futures_category(q: dict[str, str]) -> str:
    cat = P.category(q.get("category"))
    if cat not in FUTURES:
        raise bad(q.get("category", ""))
    return cat


def open_interest_lots(venue: Any, inst: Instrument) -> int:
    """Open interest: the long side of every open position (equal to the short side)."""
    return venue.engine.open_interest(inst.category, inst.symbol)


def _page_int(q: dict[str, str], name: str, default: int, hi: int) -> int:
    raw = q.get(name)
    if raw is None or raw == "":
        return default
    if not P.is_uint(raw) or len(raw) > 18 or not 1 <= int(raw) <= hi:
        raise bad(raw)
    return int(raw)


def _ratio(num: int, den: int) -> str:
    """``num / den`` as a percentage with two decimals, e.g. ``"100%"`` (``"100%"`` when both are 0)."""
    if den <= 0:
        return "100%"
    return format_fixed(num * 10_000 // den, 2) + "%"


def register(app: App) -> None:
    venue = app.venue
    instruments = venue.instruments

    def futures_of(cat: str, symbol: str | None) -> list[Instrument]:
        if symbol:
            return [P.instrument(instruments, cat, symbol)]
        return instruments.of_category(cat)

    @app.route("GET", "/api/v3/market/current-fund-rate", limit=PUBLIC_LIMIT)
    async def current_fund_rate(req: Request) -> Any:
        q = req.query
        symbol = q.get("symbol")
        if not symbol:
            raise missing("symbol")
        found = [i for c in FUTURES if (i := instruments.get(c, symbol)) is not None]
        if not found:
            raise ApiError(X.SYMBOL_NOT_FOUND, f"Trading pair {symbol} does not exist")
        now = venue.now_ms()
        out = []
        for inst in found:
            nxt = funding.next_settlement(inst, now)
            out.append({"symbol": inst.symbol, "fundingRate": funding.current(venue.engine, inst),
                        "fundingRateInterval": str(inst.fund_interval_h), "nextUpdate": str(nxt),
                        "minFundingRate": inst.spec.minFundingRate, "maxFundingRate": inst.spec.maxFundingRate})
        return out

    @app.route("GET", "/api/v3/market/history-fund-rate", limit=PUBLIC_LIMIT)
    async def history_fund_rate(req: Request) -> Any:
        q = req.query
        cat = futures_category(q)
        inst = P.instrument(instruments, cat, q.get("symbol"))
        page = _page_int(q, "cursor", 1, 100)
        limit = _page_int(q, "limit", 200, 200)
        now = venue.now_ms()
        rows = funding.history(venue.engine, inst, (page - 1) * limit, limit)
        return {"resultList": [{"symbol": inst.symbol, "fundingRate": rate, "fundingRateTimestamp": str(ts)}
                               for ts, rate in rows if ts > now - HISTORY_WINDOW]}

    @app.route("GET", "/api/v3/market/open-interest", limit=PUBLIC_LIMIT)
    async def open_interest(req: Request) -> Any:
        q = req.query
        cat = futures_category(q)
        rows = [{"symbol": i.symbol, "openInterest": convert.qty_str(i, open_interest_lots(venue, i))}
                for i in futures_of(cat, q.get("symbol"))]
        return {"list": rows, "ts": str(int(time.time() * 1000))}

    @app.route("GET", "/api/v3/market/oi-limit", limit=10)
    async def oi_limit(req: Request) -> Any:
        q = req.query
        cat = futures_category(q)
        return [{"symbol": i.symbol, "notionalValue": i.spec.oiLimit, "totalNotionalValue": i.spec.oiLimit}
                for i in futures_of(cat, q.get("symbol"))]

    @app.route("GET", "/api/v3/market/position-tier", limit=PUBLIC_LIMIT)
    async def position_tier(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        if cat == E.MARGIN:
            coin = (q.get("coin") or "").upper()
            if not coin:
                raise missing("coin")
            margins = [i for i in instruments.of_category(E.MARGIN) if coin in (i.base, i.quote)]
            if not margins:
                raise bad(q["coin"])
            lev = max(i.margin_leverage for i in margins)
            return [{"tier": "1", "minTierValue": "", "maxTierValue": "", "leverage": str(lev), "mmr": "0.1"}]
        if cat not in FUTURES:
            raise bad(q.get("category", ""))
        inst = P.instrument(instruments, cat, q.get("symbol"))
        return [{"tier": str(t.tier), "minTierValue": t.min_text, "maxTierValue": t.max_text,
                 "leverage": str(t.leverage), "mmr": t.mmr} for t in inst.tiers]

    @app.route("GET", "/api/v3/market/discount-rate", limit=PUBLIC_LIMIT)
    async def discount_rate(req: Request) -> Any:
        return [{"coin": coin, "list": [{"tierStartValue": "0", "discountRate": "1"}] if coin in STABLE else [
            {"tierStartValue": start, "discountRate": rate} for start, rate in DISCOUNT_TIERS]}
            for coin in instruments.coins]

    @app.route("GET", "/api/v3/market/margin-loans", limit=PUBLIC_LIMIT)
    async def margin_loans(req: Request) -> Any:
        q = req.query
        coin = (q.get("coin") or "").upper()
        if not coin:
            raise missing("coin")
        if not any(coin in (i.base, i.quote) for i in instruments.of_category(E.MARGIN)):
            raise bad(q["coin"])
        return {"dailyInterest": "0", "annualInterest": "0", "limit": MARGIN_LOAN_LIMIT}

    @app.route("GET", "/api/v3/market/proof-of-reserves", limit=PUBLIC_LIMIT)
    async def proof_of_reserves(req: Request) -> Any:
        eng = venue.engine
        users: dict[str, int] = {}
        for acct in eng.accounts.values():
            for coin, a in acct.assets.items():
                users[coin] = users.get(coin, 0) + a.balance - a.debt
        rows, lowest = [], (1, 1)  # the total ratio: the lowest coin's (coins have no common unit here)
        for coin in instruments.coins:
            mine = max(0, users.get(coin, 0))
            held = mine + eng.fees.get(coin, 0)
            if mine and held * lowest[1] < lowest[0] * mine:
                lowest = (held, mine)
            rows.append({"coin": coin, "userAssets": _cents(mine), "platformAssets": _cents(held),
                         "reserveRatio": _ratio(held, mine)})
        digest = hashlib.sha256("|".join(f"{r['coin']}:{r['userAssets']}" for r in rows).encode()).hexdigest()
        return {"merkleRootHash": digest[:16], "totalReserveRatio": _ratio(*lowest), "list": rows}

    @app.route("GET", "/api/v3/market/risk-reserve", limit=PUBLIC_LIMIT)
    async def risk_reserve(req: Request) -> Any:
        q = req.query
        cat = futures_category(q)
        inst = P.instrument(instruments, cat, q.get("symbol"))
        days = venue.engine.fund_days.get(inst.settle, [])  # the insurance fund, per UTC day, newest first
        return {"totalBalance": "", "coin": inst.settle, "riskReserveRecords": [
            {"type": "", "amount": fmt_amount(d.amount), "balance": fmt_amount(d.balance), "ts": str(d.day)}
            for d in reversed(days)]}


def _cents(units: int) -> str:
    """An amount with two decimals (truncated), as the reserves page shows them."""
    return fmt_amount(units // 10 ** (DP - 2) * 10 ** (DP - 2))
