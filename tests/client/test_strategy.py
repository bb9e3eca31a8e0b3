"""Strategy (TP/SL) endpoints through the SDK (sync and async): place, modify, list, cancel, history; presets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from utaex.client import BitgetError, OrderIds
from utaex.wire.responses import StrategyOrder, StrategyOrderPage

CAT, SYM = "USDT-FUTURES", "ETHUSDT"


def test_strategy_lifecycle(connect, user):
    a, b = connect(user()), connect(user())
    b.place_order(CAT, SYM, "sell", "limit", "2", "3000")
    a.place_order(CAT, SYM, "buy", "market", "1", stop_loss=Decimal("2500"))  # preset, armed at the fill
    a.place_order(CAT, SYM, "buy", "market", "1")  # a long of 2, 1 of it under the preset (partial) stop
    [preset] = a.unfilled_strategy_orders(CAT)
    assert isinstance(preset, StrategyOrder)
    assert (preset.qty, preset.posSide, preset.stopLoss, preset.takeProfit) == ("1", "long", "2500", "")

    ids = a.place_strategy_order(CAT, SYM, "long", tpsl_mode="partial", qty="0.4", take_profit=3300,
                                 tp_order_type="limit", tp_limit_price="3310", client_oid="sdk-tp")
    assert isinstance(ids, OrderIds) and ids.clientOid == "sdk-tp"
    assert a.modify_strategy_order(client_oid="sdk-tp", qty="0.5", take_profit="3400",
                                   tp_limit_price="3410").orderId == ids.orderId
    live = {s.orderId: s for s in a.unfilled_strategy_orders(CAT, SYM)}
    assert set(live) == {ids.orderId, preset.orderId}
    assert (live[ids.orderId].qty, live[ids.orderId].takeProfit, live[ids.orderId].tpLimitPrice) == (
        "0.5", "3400", "3410")
    assert a.cancel_strategy_order(ids.orderId) is None
    page = a.history_strategy_orders(CAT, SYM, limit=10)
    assert isinstance(page, StrategyOrderPage)
    assert [(s.orderId, s.triggerType) for s in page.list] == [(ids.orderId, "")]
    with pytest.raises(BitgetError) as err:
        a.cancel_strategy_order(client_oid="sdk-tp")
    assert err.value.code == "25597"
    a.cancel_strategy_order(preset.orderId)
    assert a.unfilled_strategy_orders(CAT) == []


def test_strategy_arguments_are_checked_before_sending(trader):
    with pytest.raises(ValueError):
        trader.cancel_strategy_order()
    with pytest.raises(ValueError):
        trader.modify_strategy_order(qty="1")
    with pytest.raises(TypeError):
        trader.place_strategy_order(CAT, SYM, "long", stop_loss=2500.0)  # floats are not exact
    with pytest.raises(TypeError):
        trader.place_strategy_order(CAT, SYM, "long", stoploss="2500")  # a misspelt leg
