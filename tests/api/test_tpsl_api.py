"""Preset TP/SL parameters on place-order / place-batch over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from uta_helpers import balance, error_of, open_ids

from support import Server
from utaex.client import Client

FUNDS = {"USDT": "1000000"}
TPSL = ("takeProfit", "stopLoss", "tpTriggerBy", "slTriggerBy", "tpOrderType", "slOrderType", "tpLimitPrice",
        "slLimitPrice")
VALUES = {"takeProfit": "60000", "stopLoss": "40000", "tpTriggerBy": "market", "slTriggerBy": "mark",
          "tpOrderType": "market", "slOrderType": "limit", "tpLimitPrice": "60000", "slLimitPrice": "40000"}
ORDER = {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.01",
         "price": "50000"}


@pytest.fixture
def trader(venue: Server) -> Iterator[Client]:
    with venue.client(venue.new_user(FUNDS)) as c:
        yield c


@pytest.mark.parametrize("name", TPSL)
def test_preset_tpsl_on_place_order_is_refused_not_dropped(trader: Client, name: str) -> None:
    err = error_of(trader.post, "/api/v3/trade/place-order", {**ORDER, name: VALUES[name]})
    assert (err.code, err.status) == ("40017", 400)
    assert name in err.msg
    assert open_ids(trader, "USDT-FUTURES") == set()
    assert balance(trader, "USDT") == ("1000000", "0")


def test_preset_tpsl_in_a_batch_refuses_the_whole_batch(trader: Client) -> None:
    err = error_of(trader.post, "/api/v3/trade/place-batch", [ORDER, {**ORDER, "stopLoss": "40000"}])
    assert (err.code, err.status) == ("40017", 400)
    assert open_ids(trader, "USDT-FUTURES") == set()
    assert balance(trader, "USDT") == ("1000000", "0")
