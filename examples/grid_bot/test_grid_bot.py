"""The grid bot's own tests, against a real utaex venue from the ``utaex_venue`` pytest fixture
(``pip install utaex`` provides it): a 429 storm, lost replies, a dropped WebSocket, a flash crash through its
stop."""

from __future__ import annotations

import time

import ccxt
from grid_bot import GridBot, OrderFeed


def bot_on(venue, **kw) -> GridBot:  # type: ignore[no-untyped-def]
    ex = ccxt.bitget(venue.ccxt_config())
    ex.load_markets()
    return GridBot(ex, **kw)


def test_builds_the_grid_once_and_sync_is_idempotent(utaex_venue) -> None:  # type: ignore[no-untyped-def]
    bot = bot_on(utaex_venue)
    assert bot.sync() == 10
    assert bot.sync() == 0
    assert bot.open_client_oids() == set(bot.wanted())


def test_survives_a_429_storm(utaex_venue) -> None:  # type: ignore[no-untyped-def]
    utaex_venue.fault(path="/api/v3/trade/place-order", effect="429", probability=0.5)
    bot = bot_on(utaex_venue)
    assert bot.sync() == 10
    assert bot.retried > 0  # the storm was felt, and ridden out
    utaex_venue.clear_faults()
    assert bot.open_client_oids() == set(bot.wanted())


def test_lost_replies_make_no_duplicate_orders(utaex_venue) -> None:  # type: ignore[no-untyped-def]
    utaex_venue.fault(path="/api/v3/trade/place-order", effect="lost_reply", count=3)
    bot = bot_on(utaex_venue)
    placed = bot.sync()
    assert 7 <= placed < 10  # the levels whose reply was lost were placed by an earlier attempt
    orders = bot.ex.fetch_open_orders("BTC/USDT")
    assert len(orders) == 10 and {o["clientOrderId"] for o in orders} == set(bot.wanted())


def test_flash_crash_fires_the_stop(utaex_venue) -> None:  # type: ignore[no-untyped-def]
    maker = utaex_venue.new_user({"USDT": "1000000", "BTC": "10"})
    with utaex_venue.client(maker) as m:
        m.post("/api/v3/trade/place-order", {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "side": "sell",
                                             "orderType": "limit", "qty": "0.01", "price": "30000"})
        for price in ("29900", "29000", "27000", "25000"):  # the bids the crash runs through
            m.post("/api/v3/trade/place-order", {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "side": "buy",
                                                 "orderType": "limit", "qty": "0.01", "price": price})
    bot = bot_on(utaex_venue)
    bot.open_protected_long("BTC/USDT:USDT", 0.01, stop="28000")
    assert bot.ex.fetch_positions(["BTC/USDT:USDT"])[0]["contracts"] == 0.01
    with utaex_venue.client() as c:  # the stop is armed on the exchange
        (armed,) = c.get("/api/v3/trade/unfilled-strategy-orders", category="USDT-FUTURES")
        assert armed["stopLoss"] == "28000"
    whale = utaex_venue.new_user({"USDT": "1000000"})
    with utaex_venue.client(whale) as w:  # the crash: a market sell through 29,900 and 29,000 down to 27,000
        w.post("/api/v3/trade/place-order", {"category": "USDT-FUTURES", "symbol": "BTCUSDT", "side": "sell",
                                             "orderType": "market", "qty": "0.03"})
    positions = [p for p in bot.ex.fetch_positions(["BTC/USDT:USDT"]) if p["contracts"]]
    assert positions == []  # the stop-loss fired on the exchange and closed the long


def eventually(check, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    """Wait for the bot's own feed thread (network I/O, not market time)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_order_feed_resubscribes_after_a_ws_drop(utaex_venue) -> None:  # type: ignore[no-untyped-def]
    u = utaex_venue.user
    url = utaex_venue.base_url.replace("http://", "ws://") + "/v3/ws/private"
    feed = OrderFeed(url, u["apiKey"], u["secretKey"], u["passphrase"]).start()
    try:
        eventually(lambda: feed.subscriptions == 1)
        bot = bot_on(utaex_venue)
        bot.place("grid-b1", "buy", bot.center - bot.step)
        eventually(lambda: "grid-b1" in feed.orders)
        utaex_venue.fault(path="ws:order", effect="ws_drop", uid=u["uid"], count=1)
        eventually(lambda: feed.drops >= 1 and feed.subscriptions == 2)  # it came back and subscribed again
        bot.place("grid-s1", "sell", bot.center + bot.step)
        eventually(lambda: "grid-s1" in feed.orders)
        assert feed.orders["grid-s1"]["orderStatus"] == "live"
    finally:
        feed.stop()
