"""The public ``liquidation`` channel and the futures ticker's index, mark and funding fields over the real
server, with the market driven by ``POST /admin/v1/market-tick`` (quiet venue)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from ws_support import collect, open_ws, place, pushes, recv, subscribe

from support import Server, start_server

CAT, SYM = "USDT-FUTURES", "ETHUSDT"
LIQ = {"instType": "usdt-futures", "topic": "liquidation"}


@pytest.fixture
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("ws-liq"), "--no-rate-limit", "--market", "off")
    yield srv
    srv.stop()


def tick(srv: Server, price: str) -> None:
    srv.admin("POST", "/admin/v1/market-tick", {"index": [{"category": CAT, "symbol": SYM, "price": price}]})


def test_liquidation_push_and_ticker(quiet: Server) -> None:
    with quiet.client(quiet.new_user({"USDT": "100"})) as trader, \
            quiet.client(quiet.new_user({"USDT": "1000000"})) as maker:
        trader.post("/api/v3/account/set-leverage", {"category": CAT, "symbol": SYM, "leverage": "50"})
        place(maker, CAT, SYM, "sell", "1", "3000")
        place(trader, CAT, SYM, "buy", "1")  # 3000 USDT of ETH on 100 USDT (fee 1.8)

        async def main() -> None:
            async with open_ws(quiet, private=False) as ws:
                ticker_arg = {"instType": "usdt-futures", "topic": "ticker", "symbol": SYM}
                got = await subscribe(ws, LIQ, ticker_arg, snapshots=1)
                assert got[0] == {"event": "subscribe", "arg": LIQ}
                first = pushes(got, "ticker")[0]["data"][0]
                assert (first["markPrice"], first["indexPrice"]) == ("3000", "3000")  # the last trade: no index
                assert first["fundingRate"] == "0.0001" and int(first["nextFundingTime"]) % (8 * 3_600_000) == 0
                assert list(first).index("nextFundingTime") == list(first).index("fundingRate") + 1
                await asyncio.to_thread(tick, quiet, "3010")
                got = await collect(ws, lambda g: any(x["data"][0]["indexPrice"] == "3010"
                                                      for x in pushes(g, "ticker")))
                doc = pushes(got, "ticker")[-1]["data"][0]
                assert doc["markPrice"] == "3005"  # mean of index 3010 and last 3000 (no book): in the 0.5 % band
                await asyncio.to_thread(place, maker, CAT, SYM, "buy", "2", "2900")
                await asyncio.to_thread(place, maker, CAT, SYM, "sell", "2", "2910")
                await asyncio.to_thread(tick, quiet, "2905")  # equity 98.2 - 95 < maintenance: liquidated
                got = await collect(ws, lambda g: bool(pushes(g, "liquidation")))
                (msg,) = pushes(got, "liquidation")
                assert msg["arg"] == LIQ and msg["action"] == "update" and isinstance(msg["ts"], int)
                (item,) = msg["data"]
                assert {k: item[k] for k in ("symbol", "side", "price", "amount")} == {
                    "symbol": SYM, "side": "buy", "price": "2900", "amount": "1"}
                assert set(item) == {"symbol", "side", "price", "amount", "ts"} and int(item["ts"]) > 0
                await ws.send('{"op":"subscribe","args":[{"instType":"spot","topic":"liquidation"}]}')
                refused = await recv(ws)
                assert refused["event"] == "error" and refused["code"] == 30001

        asyncio.run(main())
        assert trader.get("/api/v3/position/current-position", category=CAT)["list"] == []
        assert quiet.admin("GET", "/admin/v1/audit")["problems"] == []
