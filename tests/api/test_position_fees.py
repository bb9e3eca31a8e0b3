"""Position fee totals over real HTTP: ``openFeeTotal`` / ``closeFeeTotal`` of
``GET /api/v3/position/current-position`` are the fees charged on the fills that opened / closed the
position, negative as Bitget reports them (``"-0.06905136"`` in the recorded response), and start again
when a position reopens from size 0.

Linear USDT contract, one-way mode; fees: maker 0.0002, taker 0.0006 of the fill value."""

from __future__ import annotations

from typing import Any

from uta_helpers import order

from support import Server
from utaex.client import Client

FUNDS = {"USDT": "1000000"}
CAT, SYM = "USDT-FUTURES", "BTCUSDT"


def position(c: Client) -> dict[str, Any] | None:
    found = c.get("/api/v3/position/current-position", category=CAT, symbol=SYM)["list"]
    assert len(found) <= 1
    return found[0] if found else None


def fees(c: Client) -> tuple[str, str, str, str] | None:
    p = position(c)
    return None if p is None else (p["posSide"], p["total"], p["openFeeTotal"], p["closeFeeTotal"])


def test_fee_totals_of_opening_closing_flipping_and_reopening(venue: Server) -> None:
    a, b = venue.new_user(FUNDS), venue.new_user(FUNDS)
    with venue.client(a) as ca, venue.client(b) as cb:
        # open: A sells 0.01 @ 40000 as maker (fee 400 x 0.0002), B buys as taker (400 x 0.0006)
        order(ca, CAT, SYM, "sell", "0.01", "40000")
        order(cb, CAT, SYM, "buy", "0.01")
        assert fees(ca) == ("short", "0.01", "-0.08", "0")
        assert fees(cb) == ("long", "0.01", "-0.24", "0")

        # partial close: B sells 0.004 @ 45000 as maker (180 x 0.0002), A buys as taker (180 x 0.0006)
        order(cb, CAT, SYM, "sell", "0.004", "45000")
        order(ca, CAT, SYM, "buy", "0.004")
        assert fees(ca) == ("short", "0.006", "-0.08", "-0.108")
        assert fees(cb) == ("long", "0.006", "-0.24", "-0.036")

        # one fill that closes 0.006 and opens 0.004 the other way: its fee is split by quantity
        # B (maker): 450 x 0.0002 = 0.09 -> 0.054 closing, 0.036 opening; A (taker): 0.27 -> 0.162 / 0.108
        order(cb, CAT, SYM, "sell", "0.01", "45000")
        order(ca, CAT, SYM, "buy", "0.01")
        assert fees(ca) == ("long", "0.004", "-0.108", "0")
        assert fees(cb) == ("short", "0.004", "-0.036", "0")

        # both flat, then A's short opens again on the same key: its totals start from zero
        order(ca, CAT, SYM, "sell", "0.004", "46000")
        order(cb, CAT, SYM, "buy", "0.004")
        assert fees(ca) is None and fees(cb) is None
        order(ca, CAT, SYM, "sell", "0.002", "46000")  # maker: 92 x 0.0002
        order(cb, CAT, SYM, "buy", "0.002")  # taker: 92 x 0.0006
        assert fees(ca) == ("short", "0.002", "-0.0184", "0")
        assert fees(cb) == ("long", "0.002", "-0.0552", "0")
