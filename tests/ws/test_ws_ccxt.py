"""ccxt.pro (bitget, ``options.uta = True``) against the real ws_venue, URLs pointed at it, no patching:
watch_orders, watch_my_trades, watch_balance, watch_order_book (incremental, ccxt checks the CRC32)
and watch_ticker."""

from __future__ import annotations

import asyncio
from typing import Any

from ws_support import pro_exchange

from support import Server


def acked_topics(ex: Any) -> set[str]:
    """The topics the venue acknowledged a subscription to on ``ex``'s connections, as ccxt receives the acks
    (ccxt's own handler still handles every message). Call before ``ex`` opens a connection."""
    acked: set[str] = set()
    handle = ex.handle_message

    def spy(client: Any, message: Any) -> Any:
        if isinstance(message, dict) and message.get("event") == "subscribe":
            acked.add(str(message.get("arg", {}).get("topic")))
        return handle(client, message)

    ex.handle_message = spy
    return acked


async def next_update(ex: Any, method: str, action: Any, *args: Any, subscribed: tuple[set[str], str],
                      until: Any = None, timeout: float = 30) -> Any:
    """Start ``ex.<method>(*args)``, perform ``action()`` once the venue acknowledged the subscription
    (``subscribed``: ``acked_topics(ex)`` and the topic), return the first result that satisfies ``until``
    (any result when None). ``timeout`` only ends a hang."""
    task = asyncio.ensure_future(getattr(ex, method)(*args))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    acked, topic = subscribed
    while topic not in acked:
        assert loop.time() < deadline and not task.done(), f"no subscribe ack for {topic!r}: {task}"
        await asyncio.sleep(0.01)
    await action()
    while True:
        result = await asyncio.wait_for(task, max(0.1, deadline - loop.time()))
        if until is None or until(result):
            return result
        task = asyncio.ensure_future(getattr(ex, method)(*args))


def test_ccxt_pro_private_streams(ws_venue: Server) -> None:
    maker_creds, taker_creds = ws_venue.new_user(), ws_venue.new_user()

    async def main() -> None:
        maker, taker = pro_exchange(ws_venue, maker_creds), pro_exchange(ws_venue, taker_creds)
        maker_acks, taker_acks = acked_topics(maker), acked_topics(taker)
        try:
            await maker.load_markets()
            await taker.load_markets()
            balance = await taker.watch_balance()  # the account snapshot on subscription
            assert balance["USDT"]["free"] == 1_000_000 and balance["USDT"]["used"] == 0

            placed: dict[str, Any] = {}

            async def place() -> None:
                placed["o"] = await maker.create_order("ETH/USDT", "limit", "sell", 0.5, 2500)

            orders = await next_update(maker, "watch_orders", place, subscribed=(maker_acks, "order"))
            assert [(o["id"], o["status"], o["symbol"], o["side"], o["amount"], o["price"]) for o in orders] == [
                (placed["o"]["id"], "open", "ETH/USDT", "sell", 0.5, 2500)]

            async def take() -> None:
                placed["t"] = await taker.create_order("ETH/USDT", "limit", "buy", 0.2, 2500)

            trades = await next_update(taker, "watch_my_trades", take, subscribed=(taker_acks, "fill"))
            [trade] = trades
            assert trade["order"] == placed["t"]["id"] and trade["symbol"] == "ETH/USDT"
            assert (trade["side"], trade["price"], trade["amount"], trade["takerOrMaker"]) == ("buy", 2500, 0.2,
                                                                                               "taker")
            assert trade["fee"]["cost"] > 0

            balance = await taker.watch_balance()
            assert balance["ETH"]["total"] > 1000  # bought ETH shows up (1000 funded + 0.2 less the fee)

            async def cancel() -> None:
                await maker.cancel_order(placed["o"]["id"], "ETH/USDT")

            orders = await next_update(maker, "watch_orders", cancel, subscribed=(maker_acks, "order"),
                                       until=lambda os: os[-1]["status"] == "canceled")
            last = orders[-1]
            assert last["id"] == placed["o"]["id"] and last["filled"] == 0.2 and last["remaining"] == 0.3
        finally:
            await maker.close()
            await taker.close()

    asyncio.run(main())


def test_ccxt_pro_order_book_and_ticker(ws_venue: Server) -> None:
    creds = ws_venue.new_user()
    other = ws_venue.new_user()

    async def main() -> None:
        ex, them = pro_exchange(ws_venue, creds), pro_exchange(ws_venue, other)
        symbol = "ETH/USDC:USDC"
        try:
            await ex.load_markets()
            await them.load_markets()
            book = await ex.watch_order_book(symbol)  # no limit: the incremental "books" channel
            for k in range(30):  # more than the 25 levels the checksum covers
                await ex.create_order(symbol, "limit", "buy", 0.05 + k / 100, 1800 + k)
                await them.create_order(symbol, "limit", "sell", 0.07, 1900 + k)
            await them.create_order(symbol, "market", "buy", 0.1)  # takes one level and part of the next
            rest = await ex.fetch_order_book(symbol, 200)
            # the updates still on their way (ChecksumError on a mismatch) bring ccxt's book to the REST book:
            # wait for that, not for a quiet spell, which a loaded machine can fake
            deadline = asyncio.get_running_loop().time() + 30

            def same() -> bool:
                return ([b[:2] for b in book["bids"]], [a[:2] for a in book["asks"]]) == (rest["bids"], rest["asks"])

            while not same():
                left = deadline - asyncio.get_running_loop().time()
                assert left > 0, f"ccxt's book never matched the REST book: {book['bids'][:3]} {book['asks'][:3]}"
                book = await asyncio.wait_for(ex.watch_order_book(symbol), left)
            assert book["asks"][0][:2] == [1901, 0.04]
            ticker = await ex.watch_ticker(symbol)
            assert ticker["symbol"] == symbol and ticker["last"] == 1901
            assert ticker["bid"] == 1829 and ticker["ask"] == 1901
        finally:
            await ex.close()
            await them.close()
            for c in (creds, other):
                with ws_venue.client(c) as rest_client:
                    rest_client.post("/api/v3/trade/cancel-symbol-order", {"category": "USDC-FUTURES"})

    asyncio.run(main())
