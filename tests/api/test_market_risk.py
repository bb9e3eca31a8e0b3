"""Liquidation and funding with the market simulator trading (issue 15 "Done when"), on the stepped clock:
a user with 1,000 USDT at 20x holding about 18,000 USDT of BTCUSDT long is liquidated when the reference
price is driven 12 % down (``POST /admin/v1/prices``); no balance is negative and the insurance fund and the
balances reconcile in ``/admin/v1/audit``; funding is paid and received at the funding time."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from uta_helpers import order

from support import Server, start_server
from utaex.client import Client

CAT, SYM = "USDT-FUTURES", "BTCUSDT"
FUNDING_AT = 1_800_028_800_000  # a funding time (every 8 h from 00:00 UTC)
START = FUNDING_AT - 40_000


@pytest.fixture
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("risk"), "--no-rate-limit", "--market", "on", "--clock", "step",
                       "--seed", "11", "--start-time", str(START))
    yield srv
    srv.stop()


def advance(srv: Server, ms: int) -> None:
    srv.admin("POST", "/admin/v1/clock/advance", {"ms": ms})


def ticker(srv: Server) -> dict[str, Any]:
    doc: dict[str, Any] = srv.admin_http.get("/api/v3/market/tickers", params={"category": CAT, "symbol": SYM}
                                             ).json()["data"][0]
    return doc


def records(c: Client, kind: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = c.get("/api/v3/account/financial-records", category=CAT, type=kind)["list"]
    return rows


def test_liquidation_and_funding_in_a_living_market(live: Server) -> None:
    advance(live, 3_000)  # makers quote, ticks give index and mark
    t = ticker(live)
    index = Decimal(t["indexPrice"])
    assert index > 0 and Decimal(t["markPrice"]) > 0 and t["fundingRate"]
    with live.client(live.new_user({"USDT": "1000"})) as user, \
            live.client(live.new_user({"USDT": "100000"})) as holder:
        user.post("/api/v3/account/set-leverage", {"category": CAT, "symbol": SYM, "leverage": "20"})
        qty = (Decimal(18000) / index).quantize(Decimal("0.0001"))
        order(user, CAT, SYM, "buy", str(qty))
        order(holder, CAT, SYM, "buy", "0.01")
        (pos,) = user.get("/api/v3/position/current-position", category=CAT)["list"]
        assert Decimal(pos["liquidationPrice"]) > index * Decimal("0.9")
        live.admin("POST", "/admin/v1/prices", {"category": CAT, "symbol": SYM, "price": str(index * Decimal("0.88"))})
        advance(live, 60_000)  # crosses the funding time as well
        t = ticker(live)
        assert abs(Decimal(t["markPrice"]) / (index * Decimal("0.88")) - 1) < Decimal("0.02")
        assert user.get("/api/v3/position/current-position", category=CAT)["list"] == []
        history = user.get("/api/v3/trade/history-orders", category=CAT)["list"]
        assert any(o["execType"] == "liquidation" and o["orderStatus"] == "filled" for o in history)
        usdt = {a["coin"]: a for a in user.get("/api/v3/account/assets")["assets"]}.get("USDT")
        assert usdt is None or Decimal(usdt["balance"]) >= 0
        # the holder's long was open at the funding time: it paid (rate > 0) or received (rate < 0) its share
        rates = holder.get("/api/v3/market/history-fund-rate", category=CAT, symbol=SYM)["resultList"]
        assert rates[0]["fundingRateTimestamp"] == str(FUNDING_AT)
        rate = Decimal(rates[0]["fundingRate"])
        assert rate != 0
        kind = "CONTRACT_MAIN_SETTLE_FEE_USER_" + ("OUT" if rate > 0 else "IN")
        (rec,) = records(holder, kind)
        assert rec["ts"] == str(FUNDING_AT) and (Decimal(rec["amount"]) < 0) == (rate > 0)
        (held,) = holder.get("/api/v3/position/current-position", category=CAT)["list"]
        assert Decimal(held["totalFunding"]) == Decimal(rec["amount"])
    audit = live.admin("GET", "/admin/v1/audit")
    assert audit["problems"] == []  # conservation with the insurance fund; no balance below 0
    assert "USDT" in audit["insuranceFund"]
