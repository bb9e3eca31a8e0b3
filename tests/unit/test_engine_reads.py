"""The engine's read API (what the gateway reads instead of the engine's maps): a user's pending orders,
newest first and filtered; a user's open positions; one position by key, also closed; and that the
per-user position index follows snapshots and venue resets."""

from __future__ import annotations

from typing import Any

from utaex.core import CreateUser, Deposit, Engine, Order, PlaceOrder, Reject
from utaex.core.commands import Reset, SaveState

T0 = 1_700_000_000_000
UF = "USDT-FUTURES"


class Driver:
    def __init__(self) -> None:
        self.eng = Engine()
        self.ts = T0
        self.n = 0

    def do(self, cmd_type: type, **kw: Any) -> Any:
        self.ts += 1
        result, _ = self.eng.apply(cmd_type(ts=self.ts, **kw))
        return result

    def user(self) -> int:
        self.n += 1
        uid: int = self.do(CreateUser, api_key=f"k{self.n}", secret="s", passphrase="p").uid
        for coin, amount in (("USDT", "1000000"), ("BTC", "100")):
            assert not isinstance(self.do(Deposit, uid=uid, coin=coin, amount=amount), Reject)
        return uid

    def order(self, uid: int, category: str, symbol: str, side: str, qty: str, price: str = "") -> Order:
        result = self.do(PlaceOrder, uid=uid, category=category, symbol=symbol, side=side,
                         order_type="limit" if price else "market", qty=qty, price=price)
        assert isinstance(result, Order), result
        return result


def test_open_orders_are_the_users_own_newest_first_and_filtered() -> None:
    d = Driver()
    a, b = d.user(), d.user()
    placed = [d.order(a, "SPOT", "BTCUSDT", "buy", "0.01", "30000"),
              d.order(a, UF, "BTCUSDT", "buy", "0.01", "30000"),
              d.order(a, "SPOT", "ETHUSDT", "buy", "0.1", "1000"),
              d.order(a, "SPOT", "BTCUSDT", "buy", "0.01", "30001")]
    d.order(b, "SPOT", "BTCUSDT", "buy", "0.01", "30002")
    eng = d.eng
    assert eng.open_orders(a) == placed[::-1]
    assert eng.open_orders(a, "SPOT") == [placed[3], placed[2], placed[0]]
    assert eng.open_orders(a, "SPOT", "BTCUSDT") == [placed[3], placed[0]]
    assert eng.open_orders(a, symbol="BTCUSDT") == [placed[3], placed[1], placed[0]]
    assert eng.open_orders(a, "MARGIN") == []
    assert eng.open_orders(999) == []


def test_positions_by_user_key_snapshot_and_reset() -> None:
    d = Driver()
    a, b = d.user(), d.user()
    d.order(a, UF, "BTCUSDT", "sell", "0.01", "40000")
    d.order(b, UF, "BTCUSDT", "buy", "0.01")
    d.order(a, UF, "ETHUSDT", "buy", "0.1", "2000")
    d.order(b, UF, "ETHUSDT", "sell", "0.1")
    eng = d.eng
    assert [(p.symbol, p.pos_side, p.qty) for p in eng.open_positions(a)] == [("BTCUSDT", "short", 100),
                                                                             ("ETHUSDT", "long", 10)]
    assert [p.symbol for p in eng.open_positions(a, UF, "ETHUSDT")] == ["ETHUSDT"]
    assert eng.open_positions(a, UF, "BTCUSDT", "long") == []
    assert eng.open_interest(UF, "BTCUSDT") == 100

    copy = Engine.from_snapshot(eng.snapshot())
    assert copy.open_positions(a) == eng.open_positions(a) and copy.open_positions(b) == eng.open_positions(b)

    # a closed position stays readable by key (size 0) and leaves the open list
    d.order(b, UF, "ETHUSDT", "buy", "0.1", "2000")
    d.order(a, UF, "ETHUSDT", "sell", "0.1")
    closed = eng.position_of(a, UF, "ETHUSDT", "long")
    assert closed is not None and closed.qty == 0
    assert [p.symbol for p in eng.open_positions(a)] == ["BTCUSDT"]

    d.do(Reset)
    assert eng.open_positions(a) == [] and eng.open_positions(b) == []
    assert eng.position_of(a, UF, "BTCUSDT", "short") is None
    assert eng.open_interest(UF, "BTCUSDT") == 0
    d.order(a, UF, "BTCUSDT", "buy", "0.01", "40000")  # positions open again after the reset
    d.order(b, UF, "BTCUSDT", "sell", "0.01")
    assert [(p.pos_side, p.qty) for p in eng.open_positions(a)] == [("long", 100)]
    assert eng.position_of(a, UF, "BTCUSDT", "long") is eng.positions[(a, UF, "BTCUSDT", "long")]


def test_positions_after_restoring_a_saved_state() -> None:
    d = Driver()
    a, b = d.user(), d.user()
    d.order(a, UF, "BTCUSDT", "sell", "0.01", "40000")
    d.order(b, UF, "BTCUSDT", "buy", "0.01")
    d.do(SaveState, name="open")
    d.order(a, UF, "BTCUSDT", "buy", "0.01", "40000")  # both close
    d.order(b, UF, "BTCUSDT", "sell", "0.01")
    eng = d.eng
    assert eng.open_positions(a) == [] and eng.open_positions(b) == []
    d.do(Reset, name="open")
    assert [(p.pos_side, p.qty) for p in eng.open_positions(a)] == [("short", 100)]
    assert [(p.pos_side, p.qty) for p in eng.open_positions(b)] == [("long", 100)]
    assert eng.position_of(a, UF, "BTCUSDT", "short") is eng.positions[(a, UF, "BTCUSDT", "short")]
