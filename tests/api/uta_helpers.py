"""Helpers shared by the REST API tests: markets per category, signed raw requests, balance snapshots."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from support import Server
from utaex.client import BitgetError, Client
from utaex.core import enums as E
from utaex.wire.signing import sign_headers

CATEGORIES = E.CATEGORIES
FUTURES = tuple(c for c in CATEGORIES if c in E.FUTURES)


@dataclass(frozen=True)
class Market:
    category: str
    symbol: str  # a BTC instrument
    other: str  # an ETH instrument of the same category
    coin: str  # what a buy order freezes: the quote coin (spot/margin) or the settle coin (futures)
    settle: str  # futures settle coin; the quote coin for spot/margin

    @property
    def futures(self) -> bool:
        return self.category in FUTURES


MARKETS = {
    "SPOT": Market("SPOT", "BTCUSDT", "ETHUSDT", "USDT", "USDT"),
    "MARGIN": Market("MARGIN", "BTCUSDT", "ETHUSDT", "USDT", "USDT"),
    "USDT-FUTURES": Market("USDT-FUTURES", "BTCUSDT", "ETHUSDT", "USDT", "USDT"),
    "COIN-FUTURES": Market("COIN-FUTURES", "BTCUSD", "ETHUSD", "BTC", "BTC"),
    "USDC-FUTURES": Market("USDC-FUTURES", "BTCPERP", "ETHPERP", "USDC", "USDC"),
}

# every write (trade read & write) endpoint utaex serves
WRITE_ENDPOINTS = (
    "/api/v3/trade/place-order",
    "/api/v3/trade/place-batch",
    "/api/v3/trade/cancel-order",
    "/api/v3/trade/cancel-batch",
    "/api/v3/trade/cancel-symbol-order",
    "/api/v3/trade/countdown-cancel-all",
    "/api/v3/trade/modify-order",
    "/api/v3/trade/batch-modify-order",
    "/api/v3/account/set-leverage",
    "/api/v3/account/set-hold-mode",
    "/api/v3/trade/close-positions",
    "/api/v3/trade/place-strategy-order",
    "/api/v3/trade/modify-strategy-order",
    "/api/v3/trade/cancel-strategy-order",
)
# POSTs that only read (Bitget's "UTA trade (read)" permission): a read-only key may call them
READ_POSTS = ("/api/v3/account/max-open-available", "/api/v3/trade/max-open-available")


def fmt(value: Decimal | str | int) -> str:
    """A decimal as the venue formats amounts: plain notation, no trailing zeros."""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def order(c: Client, category: str, symbol: str, side: str, qty: str, price: str | None = None,
          **extra: str) -> dict[str, str]:
    """Place a limit order (a market order when ``price`` is None); returns ``{orderId, clientOid}``."""
    body: dict[str, str] = {"category": category, "symbol": symbol, "side": side,
                            "orderType": "market" if price is None else "limit", "qty": qty}
    if price is not None:
        body["price"] = price
    body.update(extra)
    result: dict[str, str] = c.post("/api/v3/trade/place-order", body)
    return result


def assets(c: Client) -> dict[str, dict[str, str]]:
    return {a["coin"]: a for a in c.get("/api/v3/account/assets")["assets"]}


def balance(c: Client, coin: str) -> tuple[str, str]:
    """(available, locked) of one coin, ``("0", "0")`` if the account has never held it."""
    a = assets(c).get(coin)
    return (a["available"], a["locked"]) if a else ("0", "0")


def open_orders(c: Client, category: str, symbol: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = c.get("/api/v3/trade/unfilled-orders", category=category, symbol=symbol, limit=100,
                     cursor=cursor or None)
        out.extend(page["list"])
        cursor = page["cursor"]
        if not cursor or not page["list"]:
            return out


def open_ids(c: Client, category: str, symbol: str | None = None) -> set[str]:
    return {o["orderId"] for o in open_orders(c, category, symbol)}


def state(c: Client) -> tuple[Any, ...]:
    """Everything a rejected request must leave unchanged: balances, open orders, positions, settings."""
    orders = {cat: sorted(o["orderId"] + o["orderStatus"] + o["cumExecQty"] for o in open_orders(c, cat))
              for cat in CATEGORIES}
    positions = {cat: c.get("/api/v3/position/current-position", category=cat)["list"] for cat in FUTURES}
    settings = c.get("/api/v3/account/settings")
    return assets(c), orders, positions, settings


def error_of(call: Any, *args: Any, **kwargs: Any) -> BitgetError:
    try:
        call(*args, **kwargs)
    except BitgetError as err:
        return err
    raise AssertionError("expected a Bitget error")


def cancel_everything(c: Client) -> None:
    for cat in CATEGORIES:
        c.post("/api/v3/trade/cancel-symbol-order", {"category": cat})


# ---- raw HTTP ------------------------------------------------------------------------------------------
def raw(srv: Server, method: str, path: str, *, creds: dict[str, str] | None = None, query: str = "",
        body: bytes | str = b"", headers: dict[str, Any] | None = None, ts: int | None = None) -> httpx.Response:
    """One request with exactly this query and body, signed over them when ``creds`` are given."""
    data = body.encode() if isinstance(body, str) else body
    hdrs: dict[str, Any] = {"Content-Type": "application/json"}
    if creds is not None:
        hdrs = sign_headers(creds["apiKey"], creds["secretKey"], creds["passphrase"], method, path, query, data,
                            ts if ts is not None else time.time_ns() // 1_000_000)
    hdrs.update(headers or {})
    with httpx.Client(base_url=srv.base_url, timeout=10) as http:
        return http.request(method, path + ("?" + query if query else ""), headers=hdrs, content=data or None)


def envelope(resp: httpx.Response) -> dict[str, Any]:
    """The Bitget envelope of a response, checked for shape."""
    env = json.loads(resp.content)
    assert isinstance(env, dict), env
    assert set(env) == {"code", "msg", "requestTime", "data"}, env
    assert isinstance(env["code"], str) and isinstance(env["msg"], str), env
    assert isinstance(env["requestTime"], int), env
    return env


def failure(resp: httpx.Response, status: int, *codes: str) -> dict[str, Any]:
    """Assert a Bitget error envelope with this HTTP status and one of ``codes``."""
    env = envelope(resp)
    assert resp.status_code == status, (resp.status_code, env)
    assert env["code"] != "00000" and env["msg"], env
    assert env["data"] is None, env
    if codes:
        assert env["code"] in codes, env
    return env
