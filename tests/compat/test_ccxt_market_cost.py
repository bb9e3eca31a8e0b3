"""ccxt's ``create_market_buy_order_with_cost`` with ``uta: true``, unchanged, against the real server.

ccxt 4.5.90 (the newest release on this machine's package mirror) sends the quote amount as ``qty`` and adds its
own ``createMarketBuyOrderRequiresPrice: false`` to the body. utaex ignores the extra field as the live venue
does, and reads a SPOT/MARGIN market buy's ``qty`` in the quote coin, as Bitget's UTA Place-Order page says.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import ccxt
import pytest
from ccxt_env import Trader

SPOT = "BTC/USDT"


def usdt(t: Trader) -> Decimal:
    return Decimal(str(t.ex.fetch_balance()["USDT"]["total"]))


def test_market_buy_with_cost_spends_the_quote_amount(new_trader: Callable[..., Trader]) -> None:
    maker, taker = new_trader(), new_trader()
    maker.ex.create_order(SPOT, "limit", "sell", 0.01, 50000)
    before = usdt(taker)
    placed = taker.ex.create_market_buy_order_with_cost(SPOT, 150)
    o = taker.ex.fetch_order(placed["id"], SPOT)
    assert (o["type"], o["side"], o["status"], o["filled"]) == ("market", "buy", "closed", 0.003)
    assert (o["info"]["qty"], o["info"]["cumExecValue"], o["info"]["avgPrice"]) == ("150", "150", "50000")
    assert before - usdt(taker) == 150  # exactly the cost, the fee is taken in BTC
    [trade] = taker.ex.fetch_my_trades(SPOT)
    assert (trade["order"], trade["amount"], trade["price"], trade["cost"]) == (placed["id"], 0.003, 50000.0, 150.0)
    # a cost whose quote amount is below the minimum notional is refused by the venue (25611)
    with pytest.raises(ccxt.ExchangeError, match="25611"):
        taker.ex.create_market_buy_order_with_cost(SPOT, 0.5)


def test_market_buy_with_cost_on_margin(new_trader: Callable[..., Trader]) -> None:
    maker, taker = new_trader(), new_trader()
    maker.ex.create_order(SPOT, "limit", "sell", 0.01, 40000)
    placed = taker.ex.create_market_buy_order_with_cost(SPOT, 80, {"marginMode": "cross"})
    o = taker.ex.fetch_order(placed["id"], SPOT, {"marginMode": "cross"})
    assert (o["info"]["category"], o["status"], o["filled"], o["info"]["cumExecValue"]) == (
        "MARGIN", "closed", 0.002, "80")
