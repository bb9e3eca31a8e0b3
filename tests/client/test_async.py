"""AsyncClient used natively: concurrent calls on one connection pool, ``async with``."""

from __future__ import annotations

import asyncio

from utaex.client import AsyncClient, ItemError, OrderIds


def test_concurrent_orders(venue):
    creds = venue.new_user({"USDT": "100000"})

    async def scenario() -> None:
        async with AsyncClient(creds["apiKey"], creds["secretKey"], creds["passphrase"],
                               base_url=venue.base_url) as c:
            placed = await asyncio.gather(*(
                c.place_order("SPOT", "ETHUSDT", "buy", "limit", "0.01", str(100 + i), client_oid=f"async-{i}")
                for i in range(10)))
            assert sorted(p.clientOid for p in placed) == sorted(f"async-{i}" for i in range(10))
            infos = await asyncio.gather(*(c.order_info(p.orderId) for p in placed))
            assert [o.price for o in infos] == [str(100 + i) for i in range(10)]
            page = await c.unfilled_orders("SPOT", "ETHUSDT")
            assert len(page.list) == 10
            results = await c.cancel_batch([{"category": "SPOT", "symbol": "ETHUSDT", "clientOid": p.clientOid}
                                            for p in placed] + [{"category": "SPOT", "symbol": "ETHUSDT",
                                                                 "clientOid": "async-0"}])
            assert results[:10] == placed
            assert results[10] == ItemError(code="25204", msg="Order does not exist", clientOid="async-0")
            assert all(isinstance(r, OrderIds) for r in results[:10])
            assert (await c.unfilled_orders()).list == []
            assert (await c.server_time()).serverTime.isdigit()

    asyncio.run(scenario())
