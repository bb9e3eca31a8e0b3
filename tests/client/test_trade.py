"""Trade endpoints through the SDK (sync and async): place, batch place, cancels, queries, fills, positions."""

from __future__ import annotations

import time
from decimal import Decimal

import msgspec
import pytest

from utaex.client import BitgetError, CancelBatchItem, ItemError, OrderIds, PlaceOrderRequest, order_request
from utaex.wire.responses import FeeDetail, Fill, FillPage, Order, OrderPage, Position

MISSING_ID = "1234567890123456789"


def error_of(call, *args, **kwargs) -> BitgetError:
    with pytest.raises(BitgetError) as err:
        call(*args, **kwargs)
    return err.value


def test_order_lifecycle(trader):
    c = trader
    t0 = int(time.time() * 1000)
    ids = c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000", client_oid="life-1")
    assert isinstance(ids, OrderIds) and ids.ok
    assert ids.clientOid == "life-1" and len(ids.orderId) == 19 and ids.orderId.isdigit()

    o = c.order_info(ids.orderId)
    assert isinstance(o, Order)
    assert o == c.order_info(client_oid="life-1")
    assert (o.orderId, o.clientOid, o.category, o.symbol, o.side, o.orderType) == (
        ids.orderId, "life-1", "SPOT", "BTCUSDT", "buy", "limit")
    assert (o.price, o.qty, o.amount, o.cumExecQty, o.avgPrice) == ("1000", "0.01", "10", "0", "0")
    assert (o.orderStatus, o.timeInForce, o.reduceOnly, o.cancelReason) == ("live", "gtc", "NO", "")
    assert o.feeDetail == [FeeDetail(feeCoin="", fee="")]
    assert t0 <= int(o.createdTime) <= int(o.updatedTime)

    page = c.unfilled_orders()
    assert isinstance(page, OrderPage)
    assert ([x.orderId for x in page.list], page.cursor) == ([ids.orderId], "")
    assert c.unfilled_orders("SPOT", "BTCUSDT").list == page.list
    assert c.unfilled_orders("USDT-FUTURES").list == []
    assert c.unfilled_orders(start_time=t0 - 1000, end_time=int(time.time() * 1000) + 1000).list == page.list

    assert c.cancel_order(client_oid="life-1") == ids
    done = c.order_info(ids.orderId)
    assert (done.orderStatus, done.cancelReason, done.qty) == ("cancelled", "normal_cancel", "0.01")
    assert c.unfilled_orders().list == []
    hist = c.history_orders("SPOT", "BTCUSDT", start_time=t0 - 1000, end_time=int(time.time() * 1000) + 1000)
    assert [(x.orderId, x.orderStatus) for x in hist.list] == [(ids.orderId, "cancelled")]
    assert c.history_orders("USDT-FUTURES").list == []

    err = error_of(c.cancel_order, ids.orderId, category="SPOT", symbol="BTCUSDT")
    assert (err.code, err.msg, err.status) == ("25204", "Order does not exist", 400)
    err = error_of(c.order_info, MISSING_ID)
    assert (err.code, err.msg) == ("25204", "Order does not exist")


def test_exact_amounts(trader):
    ids = trader.place_order("SPOT", "BTCUSDT", "buy", "limit", Decimal("0.0100"), 1000)
    o = trader.order_info(ids.orderId)
    assert (o.qty, o.price) == ("0.01", "1000")
    with pytest.raises(TypeError, match="floats are not exact"):
        trader.place_order("SPOT", "BTCUSDT", "buy", "limit", 0.01, "1000")
    with pytest.raises(ValueError, match="order_id or a client_oid"):
        trader.cancel_order()


def test_place_batch_reports_each_item(connect, user):
    c = connect(user({"USDT": "1000"}))
    results = c.place_batch([
        order_request("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000", client_oid="b-1"),
        {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "5", "price": "1000",
         "clientOid": "b-2"},
        PlaceOrderRequest(category="SPOT", symbol="BTCUSDT", side="buy", orderType="limit", qty="0.02",
                          price="999"),
    ])
    first, second, third = results
    assert isinstance(first, OrderIds) and first.clientOid == "b-1" and first.ok
    assert second == ItemError(code="25202", msg="Insufficient balance", orderId="", clientOid="b-2")
    assert not second.ok
    assert isinstance(third, OrderIds) and third.orderId.isdigit()
    assert {o.orderId for o in c.unfilled_orders().list} == {first.orderId, third.orderId}

    err = error_of(c.place_batch, [order_request("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000"),
                                   order_request("USDT-FUTURES", "BTCUSDT", "buy", "limit", "0.01", "1000")])
    assert (err.code, err.msg) == ("40017", "Parameter verification failed category must be the same for all orders")
    with pytest.raises(msgspec.ValidationError):  # checked before sending: the gateway's own request struct
        c.place_batch([{"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "1",
                        "size": "1"}])


def test_cancel_batch_partial_success_does_not_raise(connect, user):
    c, other = connect(user()), connect(user())
    a = c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000")
    b = c.place_order("SPOT", "ETHUSDT", "buy", "limit", "0.01", "1000", client_oid="coid-b")
    keep = c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1001")
    theirs = other.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1002")

    results = c.cancel_batch([
        CancelBatchItem(category="SPOT", symbol="BTCUSDT", orderId=a.orderId),
        {"category": "spot", "symbol": "ETHUSDT", "clientOid": "coid-b"},
        {"category": "SPOT", "symbol": "BTCUSDT", "orderId": MISSING_ID},
        {"category": "SPOT", "symbol": "BTCUSDT", "orderId": a.orderId},  # already cancelled in this batch
        {"category": "SPOT", "symbol": "BTCUSDT", "orderId": theirs.orderId},  # another user's: a missing order
    ])
    assert results == [
        a,
        b,
        ItemError(code="25204", msg="Order does not exist", orderId=MISSING_ID, clientOid=""),
        ItemError(code="25204", msg="Order does not exist", orderId=a.orderId, clientOid=""),
        ItemError(code="25204", msg="Order does not exist", orderId=theirs.orderId, clientOid=""),
    ]
    assert [r.ok for r in results] == [True, True, False, False, False]
    assert [o.orderId for o in c.unfilled_orders().list] == [keep.orderId]
    assert other.order_info(theirs.orderId).orderStatus == "live"

    too_many = [CancelBatchItem(category="SPOT", symbol="BTCUSDT", orderId=keep.orderId)] * 21
    err = error_of(c.cancel_batch, too_many)
    assert (err.code, err.status) == ("40017", 400)
    assert error_of(c.cancel_batch, []).code == "40017"
    assert c.order_info(keep.orderId).orderStatus == "live"  # a refused batch cancels nothing


def test_cancel_symbol_orders(trader):
    btc = trader.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000")
    eth = trader.place_order("SPOT", "ETHUSDT", "buy", "limit", "0.01", "100")
    assert trader.cancel_symbol_orders("SPOT", "BTCUSDT") == [btc]
    assert trader.cancel_symbol_orders("SPOT") == [eth]
    assert trader.cancel_symbol_orders("SPOT") == []


def test_countdown_cancel_all(trader):
    assert trader.countdown_cancel_all(60) == "success"
    assert trader.countdown_cancel_all("0") == "success"
    err = error_of(trader.countdown_cancel_all, 3)
    assert (err.code, err.msg) == ("40017", "Parameter verification failed countdown must be 0 or between 5 and 60")


def test_pages(trader):
    placed = [trader.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", str(1000 + i)).orderId
              for i in range(3)]
    newest_first = sorted(placed, reverse=True)
    first = trader.unfilled_orders(limit=2)
    assert [o.orderId for o in first.list] == newest_first[:2] and first.cursor == newest_first[1]
    rest = trader.unfilled_orders(limit=2, cursor=first.cursor)
    assert ([o.orderId for o in rest.list], rest.cursor) == (newest_first[2:], "")

    trader.cancel_symbol_orders("SPOT")
    h1 = trader.history_orders("SPOT", limit=2)
    assert len(h1.list) == 2 and h1.cursor != ""
    h2 = trader.history_orders("SPOT", limit=2, cursor=h1.cursor)
    assert sorted(o.orderId for o in h1.list + h2.list) == sorted(placed) and h2.cursor == ""


def test_fills_and_positions(connect, user):
    maker, taker = connect(user()), connect(user())
    sell = maker.place_order("USDT-FUTURES", "BTCUSDT", "sell", "limit", "0.1", "40000")
    buy = taker.place_order("USDT-FUTURES", "BTCUSDT", "buy", "market", "0.1")

    filled = taker.order_info(buy.orderId)
    assert (filled.orderStatus, filled.cumExecQty, filled.avgPrice, filled.cumExecValue) == (
        "filled", "0.1", "40000", "4000")
    assert filled.feeDetail == [FeeDetail(feeCoin="USDT", fee="2.4")]

    page = taker.fills("USDT-FUTURES")
    assert isinstance(page, FillPage) and page.cursor == ""
    (f,) = page.list
    assert isinstance(f, Fill)
    assert (f.orderId, f.category, f.symbol, f.side, f.orderType) == (
        buy.orderId, "USDT-FUTURES", "BTCUSDT", "buy", "market")
    assert (f.execPrice, f.execQty, f.execValue, f.tradeScope) == ("40000", "0.1", "4000", "taker")
    assert f.feeDetail == [FeeDetail(feeCoin="USDT", fee="2.4")]
    (m,) = maker.fills(order_id=sell.orderId).list
    assert (m.execId, m.tradeScope, m.side, m.feeDetail) == (
        f.execId, "maker", "sell", [FeeDetail(feeCoin="USDT", fee="0.8")])
    assert taker.fills("SPOT").list == []
    assert taker.fills(order_id=MISSING_ID).list == []

    (long,) = taker.positions("USDT-FUTURES")
    assert isinstance(long, Position)
    assert (long.symbol, long.posSide, long.holdMode, long.marginCoin, long.marginMode) == (
        "BTCUSDT", "long", "one_way_mode", "USDT", "crossed")
    assert (long.total, long.available, long.frozen, long.avgPrice, long.leverage) == (
        "0.1", "0.1", "0", "40000", "10")
    assert (long.positionBalance, long.markPrice, long.unrealisedPnl) == ("400", "40000", "0")
    (short,) = maker.positions("USDT-FUTURES", "BTCUSDT")
    assert (short.posSide, short.total) == ("short", "0.1")
    assert taker.positions("USDT-FUTURES", pos_side="short") == []
    assert taker.positions("COIN-FUTURES") == []
    assert error_of(taker.positions, "SPOT").code == "40017"


def test_modify_order_and_batch(trader):
    a = trader.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1000", client_oid="mod-a")
    b = trader.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "1001")
    assert trader.modify_order(a.orderId, qty="0.02", price=Decimal("999.5")) == a
    o = trader.order_info(a.orderId)
    assert (o.price, o.qty, o.orderStatus) == ("999.5", "0.02", "live")
    renamed = trader.modify_order(client_oid="mod-a", price="998", new_client_oid="mod-a2", category="SPOT")
    assert renamed == OrderIds(orderId=a.orderId, clientOid="mod-a2")
    err = error_of(trader.modify_order, a.orderId, price="998")
    assert (err.code, err.status) == ("25571", 400)
    results = trader.batch_modify_order([{"orderId": b.orderId, "qty": "0.03"},
                                         {"orderId": MISSING_ID, "price": "1", "autoCancel": "yes"}])
    assert results == [b, ItemError(code="25204", msg="Order does not exist", orderId=MISSING_ID, clientOid="")]
    assert trader.order_info(b.orderId).qty == "0.03"
    with pytest.raises(ValueError):
        trader.modify_order(a.orderId)
    assert error_of(trader.modify_order, a.orderId, price="1", auto_cancel=True).code == "25611"
    assert trader.order_info(a.orderId).cancelReason == "modify_limit_order"
