"""Public channels over the real server: books (snapshot + updates, checksums), booksN, publicTrade, ticker."""

from __future__ import annotations

import asyncio
import json
import zlib
from decimal import Decimal
from typing import Any

import httpx
from ws_support import collect, open_ws, place, pushes, recv, subscribe

from support import Server

CAT, SYMBOL = "USDC-FUTURES", "BTCPERP"
BOOKS = {"instType": "usdc-futures", "topic": "books", "symbol": SYMBOL}


def crc(bids: list[list[str]], asks: list[list[str]]) -> int:
    """Bitget's book checksum as ccxt checks it: CRC32 (signed) of the top 25 levels, interleaved."""
    parts: list[str] = []
    for i in range(25):
        if i < len(bids):
            parts += bids[i]
        if i < len(asks):
            parts += asks[i]
    value = zlib.crc32(":".join(parts).encode())
    return value - 2**32 if value >= 2**31 else value


class LocalBook:
    """A client-side book rebuilt from a ``books`` snapshot and its updates, keeping the strings sent."""

    def __init__(self, snapshot: dict[str, Any]) -> None:
        data = snapshot["data"][0]
        assert snapshot["action"] == "snapshot"
        self.bids = {Decimal(p): [p, s] for p, s in data["b"]}
        self.asks = {Decimal(p): [p, s] for p, s in data["a"]}
        self.seq = data["seq"]
        self.updates = 0

    def sides(self) -> tuple[list[list[str]], list[list[str]]]:
        return ([self.bids[p] for p in sorted(self.bids, reverse=True)], [self.asks[p] for p in sorted(self.asks)])

    def apply(self, msg: dict[str, Any]) -> None:
        assert msg["action"] == "update" and msg["arg"] == BOOKS
        data = msg["data"][0]
        assert data["pseq"] == self.seq and data["seq"] > self.seq, (data, self.seq)
        self.seq = data["seq"]
        for side, levels in ((self.bids, data["b"]), (self.asks, data["a"])):
            for p, s in levels:
                assert isinstance(p, str) and isinstance(s, str)
                if Decimal(s) == 0:
                    del side[Decimal(p)]
                else:
                    side[Decimal(p)] = [p, s]
        assert data["checksum"] == crc(*self.sides()), "checksum mismatch"
        self.updates += 1

    def decimals(self) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        bids, asks = self.sides()
        return ([(Decimal(p), Decimal(s)) for p, s in bids], [(Decimal(p), Decimal(s)) for p, s in asks])


def rest_book(ws_venue: Server, category: str, symbol: str, limit: int = 200) -> tuple[list[Any], list[Any]]:
    r = httpx.get(ws_venue.base_url + "/api/v3/market/orderbook",
                  params={"category": category, "symbol": symbol, "limit": limit})
    data = json.loads(r.text, parse_float=Decimal, parse_int=Decimal)["data"]
    return [(Decimal(p), Decimal(s)) for p, s in data["b"]], [(Decimal(p), Decimal(s)) for p, s in data["a"]]


def test_books_snapshot_and_updates_rebuild_the_server_book(ws_venue: Server) -> None:
    makers = [ws_venue.new_user() for _ in range(3)]
    taker = ws_venue.new_user()
    clients = [ws_venue.client(m) for m in makers]
    t = ws_venue.client(taker)
    try:
        async def main() -> LocalBook:
            async with open_ws(ws_venue, private=False) as ws:
                first = await subscribe(ws, BOOKS, snapshots=1)
                assert first[0] == {"event": "subscribe", "arg": BOOKS}
                book = LocalBook(first[1])
                assert book.decimals() == rest_book(ws_venue, CAT, SYMBOL)

                async def drain(pause: float = 0.0) -> None:
                    await asyncio.sleep(pause)
                    while True:
                        try:
                            msg = await recv(ws, 0.15)
                        except TimeoutError:
                            return
                        book.apply(msg)

                resting: list[str] = []
                for round_ in range(6):
                    for i, c in enumerate(clients):  # several makers per level, both sides
                        for k in range(4):
                            bid = place(c, CAT, SYMBOL, "buy", "0.01", f"{59000 + round_ * 7 + k * 3 + i}.5")
                            ask = place(c, CAT, SYMBOL, "sell", "0.02", f"{61000 - round_ * 5 + k * 2 + i}.1")
                            resting += [bid["orderId"], ask["orderId"]]
                    await drain(0.02 if round_ % 2 else 0.0)
                    # partial and full fills from a taker on both sides, cancels (single and batch)
                    place(t, CAT, SYMBOL, "buy", "0.05")
                    place(t, CAT, SYMBOL, "sell", "0.03")
                    victims = resting[round_ * 5: round_ * 5 + 4]
                    if round_ == 4:
                        clients[0].post("/api/v3/trade/cancel-symbol-order", {"category": CAT, "symbol": SYMBOL})
                    for c in clients:
                        c.post("/api/v3/trade/cancel-batch",
                               [{"category": CAT, "symbol": SYMBOL, "orderId": o} for o in victims])
                    await drain()
                # every change is made: the updates (each checked by its checksum) rebuild the REST book. Wait
                # for that, not for a quiet spell (on a loaded machine a late update can follow a long pause),
                # then make sure nothing that arrives afterwards moves it
                final = rest_book(ws_venue, CAT, SYMBOL)
                deadline = asyncio.get_running_loop().time() + 30
                while book.decimals() != final:
                    left = deadline - asyncio.get_running_loop().time()
                    assert left > 0, f"the pushed book never matched the REST book: {book.decimals()} != {final}"
                    book.apply(await recv(ws, left))
                await drain(0.2)
                assert book.decimals() == final
                return book

        book = asyncio.run(main())
        assert book.updates >= 6
        assert len(book.bids) > 25 and len(book.asks) > 25  # deep enough for the checksum to cover 25 levels
    finally:
        for c in [*clients, t]:
            c.post("/api/v3/trade/cancel-symbol-order", {"category": CAT, "symbol": SYMBOL})
            c.close()


def test_books_n_trades_and_ticker(ws_venue: Server) -> None:
    maker, taker = ws_venue.new_user(), ws_venue.new_user()
    cat, symbol = "COIN-FUTURES", "ETHUSD"
    with ws_venue.client(maker) as m, ws_venue.client(taker) as t:
        for k in range(7):
            place(m, cat, symbol, "buy", "0.1", f"{2000 + k}")
            place(m, cat, symbol, "sell", "0.1", f"{2100 + k}")

        async def main() -> None:
            async with open_ws(ws_venue, private=False) as ws:
                args = [{"instType": "coin-futures", "topic": topic, "symbol": symbol}
                        for topic in ("books5", "books1", "publicTrade", "ticker")]
                args.append({"instType": "coin-futures", "topic": "kline", "symbol": symbol, "interval": "1m"})
                got = await subscribe(ws, *args, snapshots=5)
                assert pushes(got, "kline")[0]["arg"] == args[4] and pushes(got, "kline")[0]["data"] == []
                five, one = pushes(got, "books5")[0]["data"][0], pushes(got, "books1")[0]["data"][0]
                bids, asks = rest_book(ws_venue, cat, symbol, 5)
                assert [(Decimal(p), Decimal(s)) for p, s in five["b"]] == bids
                assert [(Decimal(p), Decimal(s)) for p, s in five["a"]] == asks
                assert len(one["b"]) == 1 and one["b"][0] == five["b"][0] and one["a"][0] == five["a"][0]
                assert five["checksum"] == crc(five["b"], five["a"])
                ticker = pushes(got, "ticker")[0]
                assert ticker["arg"] == args[3] and ticker["data"][0]["bid1Price"] == "2006"

                taken = await asyncio.to_thread(place, t, cat, symbol, "buy", "0.15")
                assert taken["orderId"]
                got = await collect(ws, lambda g: pushes(g, "publicTrade") and pushes(g, "kline") and any(
                    x["data"][0]["lastPrice"] for x in pushes(g, "ticker")) and len(pushes(g, "books5")) >= 1)
                [candle] = pushes(got, "kline")[-1]["data"]
                assert (candle["open"], candle["high"], candle["low"], candle["close"], candle["volume"]) == (
                    "2100", "2101", "2100", "2101", "0.15")
                assert int(candle["start"]) % 60_000 == 0
                trades = [tr for msg in pushes(got, "publicTrade") for tr in msg["data"]]
                assert [(tr["p"], tr["v"], tr["S"]) for tr in trades] == [("2101", "0.05", "buy"),
                                                                         ("2100", "0.1", "buy")]  # newest first
                rest_fills = await asyncio.to_thread(
                    lambda: httpx.get(ws_venue.base_url + "/api/v3/market/fills",
                                      params={"category": cat, "symbol": symbol, "limit": 2}).json()["data"])
                assert [f["execId"] for f in rest_fills] == [tr["i"] for tr in trades]
                five = pushes(got, "books5")[-1]["data"][0]
                assert five["a"][0] == ["2101", "0.05"]
                tick = pushes(got, "ticker")[-1]["data"][0]
                rest_tick = await asyncio.to_thread(
                    lambda: httpx.get(ws_venue.base_url + "/api/v3/market/tickers",
                                      params={"category": cat, "symbol": symbol}).json()["data"][0])
                assert tick["lastPrice"] == "2101" == rest_tick["lastPrice"]
                assert int(tick.pop("nextFundingTime")) % (8 * 3_600_000) == 0  # the push's own field
                assert {k: v for k, v in rest_tick.items() if k not in ("category", "symbol", "ts")} == tick
                await ws.send(json.dumps({"op": "unsubscribe", "args": args}))
                acks = [await recv(ws) for _ in args]
                assert [a["event"] for a in acks] == ["unsubscribe"] * 5

        try:
            asyncio.run(main())
        finally:
            m.post("/api/v3/trade/cancel-symbol-order", {"category": cat})
