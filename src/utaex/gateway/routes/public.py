"""Public market endpoints: time, coins, instruments, tickers, order book, recent trades."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import msgspec

from ...core import market as market_prices
from ...core.numbers import fmt_amount, format_fixed
from .. import convert, funding, openapi
from .. import params as P
from .market import open_interest_lots

if TYPE_CHECKING:
    from ..app import App, Request

PUBLIC_LIMIT = 20


def register(app: App) -> None:
    venue = app.venue
    instruments = venue.instruments
    book_encoder = msgspec.json.Encoder(decimal_format="number")

    @app.route("GET", "/api/v2/public/time", limit=PUBLIC_LIMIT)
    async def server_time(req: Request) -> Any:
        return {"serverTime": str(int(time.time() * 1000))}

    @app.route("GET", "/api/v2/spot/public/coins", limit=3)
    async def coins(req: Request) -> Any:
        wanted = (req.query.get("coin") or "").upper()
        out = []
        for i, coin in enumerate(instruments.coins):
            if wanted and wanted != coin:
                continue
            out.append({
                "coinId": str(i + 1), "coin": coin, "transfer": "true", "areaCoin": "no",
                "chains": [{
                    "chain": coin, "needTag": "false", "withdrawable": "true", "rechargeable": "true",
                    "withdrawFee": "0", "extraWithdrawFee": "0", "depositConfirm": "1",
                    "withdrawConfirm": "1", "minDepositAmount": "0", "minWithdrawAmount": "0",
                    "browserUrl": "", "contractAddress": "", "withdrawStep": "0", "withdrawMinScale": "8",
                    "congestion": "normal",
                }],
            })
        return out

    @app.route("GET", "/api/v3/market/instruments", limit=PUBLIC_LIMIT)
    async def list_instruments(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        symbol = q.get("symbol")
        if symbol:
            return [convert.instrument_doc(P.instrument(instruments, cat, symbol))]
        return [convert.instrument_doc(i) for i in instruments.of_category(cat)]

    def ticker(cat: str, inst: Any) -> dict[str, Any]:
        eng = venue.engine
        book = eng.book(inst)
        now = int(time.time() * 1000)
        day = venue.market.day(inst.book_key, now)
        last = eng.last_trade_price(inst)
        bid = book.depth("buy", 1)
        ask = book.depth("sell", 1)
        if day:
            o, h, lo, _, vol, turn = day
        else:
            o = h = lo = last
            vol = turn = 0
        pcnt = "0"
        if o and last:
            pcnt = format_fixed((last - o) * 10**5 // o, 5)
        doc: dict[str, Any] = {
            "category": cat,
            "symbol": inst.symbol,
            "ts": str(now),
            "lastPrice": convert.price_str(inst, last) if last else "",
            "openPrice24h": convert.price_str(inst, o) if o else "",
            "highPrice24h": convert.price_str(inst, h) if h else "",
            "lowPrice24h": convert.price_str(inst, lo) if lo else "",
            "ask1Price": convert.price_str(inst, ask[0][0]) if ask else "",
            "bid1Price": convert.price_str(inst, bid[0][0]) if bid else "",
            "bid1Size": convert.qty_str(inst, bid[0][1]) if bid else "",
            "ask1Size": convert.qty_str(inst, ask[0][1]) if ask else "",
            "price24hPcnt": pcnt,
            "volume24h": convert.qty_str(inst, vol),
            "turnover24h": fmt_amount(turn),
        }
        if inst.is_futures:
            # never empty on a contract: ccxt tells a contract ticker from a spot one with the same
            # id (BTCUSDT) by the presence of markPrice; "0" until an index or a trade gives a price
            # (core/market.py: without an index, index and mark follow the last trade)
            index, mark = market_prices.index_price(eng, inst), market_prices.mark_price(eng, inst)
            doc.update({"indexPrice": convert.price_str(inst, index) if index else "0",
                        "markPrice": convert.price_str(inst, mark) if mark else "0",
                        "fundingRate": funding.current(eng, inst),
                        "openInterest": convert.qty_str(inst, open_interest_lots(venue, inst)),
                        "deliveryStartTime": "", "deliveryTime": "", "deliveryStatus": ""})
        return doc

    @app.route("GET", "/api/v3/market/tickers", limit=PUBLIC_LIMIT)
    async def tickers(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        symbol = q.get("symbol")
        if symbol:
            return [ticker(cat, P.instrument(instruments, cat, symbol))]
        return [ticker(cat, i) for i in instruments.of_category(cat)]

    @app.route("GET", "/api/v3/market/orderbook", limit=PUBLIC_LIMIT)
    async def orderbook(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        inst = P.instrument(instruments, cat, q.get("symbol"))
        limit = P.int_param(q, "limit", 5, 1, 200)
        book = venue.engine.book(inst)
        doc = {
            "a": [[convert.price_num(inst, p), convert.qty_num(inst, s)] for p, s in book.depth("sell", limit)],
            "b": [[convert.price_num(inst, p), convert.qty_num(inst, s)] for p, s in book.depth("buy", limit)],
            "ts": str(int(time.time() * 1000)),
        }
        return msgspec.Raw(book_encoder.encode(doc))

    @app.route("GET", "/api/v3/market/fills", limit=PUBLIC_LIMIT)
    async def public_fills(req: Request) -> Any:
        q = req.query
        cat = P.category(q.get("category"))
        inst = P.instrument(instruments, cat, q.get("symbol"))
        limit = P.int_param(q, "limit", 100, 1, 100)
        return [
            {"execId": str(eid), "execLinkId": str(eid), "price": convert.price_str(inst, px),
             "size": convert.qty_str(inst, lots), "side": side, "ts": str(ts)}
            for eid, px, lots, side, ts in venue.market.recent_trades(inst.book_key, limit)
        ]

    spec: list[bytes] = []  # built on first use, once every route is registered

    @app.route("GET", "/openapi.json", limit=PUBLIC_LIMIT)
    async def openapi_json(req: Request) -> Any:
        from ..app import Bare

        if not spec:
            spec.append(openapi.encode(app))
        return Bare(spec[0])
