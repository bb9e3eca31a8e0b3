"""WebSocket protocol basics over the real server: ping/pong, login (and its errors), subscribe acks."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from ws_support import login, login_frame, open_ws, recv, subscribe

from support import Server


def test_ping_pong_on_both_endpoints(ws_venue: Server) -> None:
    async def main() -> None:
        for private in (False, True):
            async with open_ws(ws_venue, private) as ws:
                await ws.send("ping")
                assert await recv(ws) == "pong"

    asyncio.run(main())


def test_unknown_path_is_refused(ws_venue: Server) -> None:
    async def main() -> None:
        with pytest.raises(InvalidStatus):
            async with connect(f"ws://127.0.0.1:{ws_venue.port}/v2/ws/nowhere"):
                pass

    asyncio.run(main())


@pytest.mark.parametrize("unit", ["seconds", "milliseconds"])
def test_login_accepts_seconds_or_milliseconds_and_extra_keys(ws_venue: Server, unit: str) -> None:
    creds = ws_venue.new_user()
    ts = str(int(time.time())) if unit == "seconds" else str(int(time.time() * 1000))

    async def main() -> None:
        async with open_ws(ws_venue) as ws:
            await ws.send(login_frame(creds, ts))  # carries ccxt's extra top-level "url"
            reply = await recv(ws)
            assert reply["event"] == "login" and reply["code"] == 0 and reply["connId"]
            acks = await subscribe(ws, {"instType": "UTA", "topic": "order"})
            assert acks == [{"event": "subscribe", "arg": {"instType": "UTA", "topic": "order"}}]

    asyncio.run(main())


LOGIN_ERRORS = [
    ("unknown key", {"apiKey": "bg_nope"}, 30011),
    ("wrong passphrase", {"passphrase": "wrong"}, 30012),
    ("bad timestamp", {"timestamp": "12ab"}, 30013),
    ("expired timestamp", {"timestamp": str(int(time.time()) - 3600)}, 30014),
    ("bad signature", {"sign": "AAAA"}, 30015),
    ("empty signature", {"sign": ""}, 30015),
]


@pytest.mark.parametrize(("case", "override", "code"), LOGIN_ERRORS, ids=[c[0] for c in LOGIN_ERRORS])
def test_login_errors_are_error_events_and_the_socket_stays_open(ws_venue: Server, case: str,
                                                                 override: dict[str, str], code: int) -> None:
    creds = ws_venue.new_user()

    async def main() -> None:
        async with open_ws(ws_venue) as ws:
            frame = json.loads(login_frame(creds))
            if "timestamp" in override and "sign" not in override:  # sign what is sent: only the time is off
                from utaex.wire.signing import ws_login_sign

                frame["args"][0]["sign"] = ws_login_sign(creds["secretKey"], override["timestamp"])
            frame["args"][0].update(override)
            await ws.send(json.dumps(frame))
            reply = await recv(ws)
            assert reply["event"] == "error" and reply["code"] == code and type(reply["code"]) is int, reply
            assert reply["msg"]
            # live Bitget keeps the connection: still not logged in, then a good login works on the same socket
            acks = await subscribe(ws, {"instType": "UTA", "topic": "order"})
            assert acks[0]["code"] == 30004
            await login(ws, creds)
            acks = await subscribe(ws, {"instType": "UTA", "topic": "order"})
            assert acks == [{"event": "subscribe", "arg": {"instType": "UTA", "topic": "order"}}]

    asyncio.run(main())


def test_malformed_login_and_private_topics_need_login(ws_venue: Server) -> None:
    async def main() -> None:
        async with open_ws(ws_venue) as ws:
            acks = await subscribe(ws, {"instType": "UTA", "topic": "order"})
            assert acks[0]["event"] == "error" and acks[0]["code"] == 30004
            assert acks[0]["msg"] == "User not logged in/User must be logged in"
            assert acks[0]["arg"] == {"instType": "UTA", "topic": "order"}
            await ws.send(json.dumps({"op": "trade", "id": "x1", "topic": "batch-cancel", "args": [{"orderId": "1"}]}))
            reply = await recv(ws)
            assert reply["code"] == "30004" and reply["id"] == "x1"  # the WS trading API keeps string codes
            await ws.send(json.dumps({"op": "login", "args": []}))
            reply = await recv(ws)
            assert reply["event"] == "error" and reply["code"] == 30016

    asyncio.run(main())


def test_request_errors(ws_venue: Server) -> None:
    creds = ws_venue.new_user()

    async def main() -> None:
        async with open_ws(ws_venue, private=False) as pub:
            await pub.send("not json")
            assert (await recv(pub))["code"] == 30002
            await pub.send(json.dumps({"op": "dance"}))
            assert (await recv(pub))["code"] == 30003
            await pub.send(login_frame(creds))  # login belongs to the private endpoint
            assert (await recv(pub))["code"] == 30003
            acks = await subscribe(pub, {"instType": "spot", "topic": "candle1m", "symbol": "BTCUSDT"},
                                   {"instType": "spot", "topic": "ticker", "symbol": "NOPEUSDT"},
                                   {"instType": "UTA", "topic": "order"},
                                   {"instType": "SPOT", "topic": "ticker", "symbol": "BTCUSDT"},  # lowercase only
                                   {"instType": "USDT-FUTURES", "topic": "ticker", "symbol": "BTCUSDT"})
            assert [a["code"] for a in acks] == [30001] * 5
            assert acks[3]["msg"] == "instType:SPOT,topic:ticker doesn't exist"
            for interval in ("2m", "2H", "1W", "1Dutc", "1h"):  # REST-only or unknown: 30001, as on the live venue
                acks = await subscribe(pub, {"instType": "spot", "topic": "kline", "symbol": "BTCUSDT",
                                             "interval": interval})
                assert acks[0]["code"] == 30001, acks
            many = [{"instType": "spot", "topic": "ticker", "symbol": "BTCUSDT", "pad": "x" * 100}] * 40
            await pub.send(json.dumps({"op": "subscribe", "args": many}))  # over 4096 bytes in one request
            reply = await recv(pub)
            assert reply["code"] == 30016 and "4096" in reply["msg"]
        async with open_ws(ws_venue) as ws:
            await login(ws, creds)
            acks = await subscribe(ws, {"instType": "spot", "topic": "ticker", "symbol": "BTCUSDT"},
                                   {"instType": "UTA", "topic": "order"}, {"instType": "uta", "topic": "order"})
            assert acks[0]["code"] == 30001  # public topics live on the public endpoint
            assert acks[1] == {"event": "subscribe", "arg": {"instType": "UTA", "topic": "order"}}
            assert acks[2] == {"event": "error", "arg": {"instType": "uta", "topic": "order"}, "code": 30001,
                               "msg": "instType:uta,topic:order doesn't exist"}  # private: literally UTA
            await ws.send(json.dumps({"op": "unsubscribe", "args": [{"instType": "UTA", "topic": "order"}]}))
            assert await recv(ws) == {"event": "unsubscribe", "arg": {"instType": "UTA", "topic": "order"}}

    asyncio.run(main())
