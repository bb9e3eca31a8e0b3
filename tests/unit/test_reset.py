"""Engine: Reset back to deposits, SaveState + Reset(name) back to the saved state, both exact."""

from __future__ import annotations

import msgspec

from utaex.core import audit
from utaex.core.commands import CreateUser, Deposit, PlaceOrder, Reset, SaveState
from utaex.core.engine import Engine, State


def trading_engine() -> tuple[Engine, int, int]:
    eng = Engine()
    a = eng.apply(CreateUser(ts=1, api_key="a", secret="s", passphrase="p"))[0].uid
    b = eng.apply(CreateUser(ts=2, api_key="b", secret="s", passphrase="p"))[0].uid
    for uid in (a, b):
        eng.apply(Deposit(ts=3, uid=uid, coin="USDT", amount="100000"))
        eng.apply(Deposit(ts=3, uid=uid, coin="BTC", amount="5"))
    return eng, a, b


def order(eng: Engine, ts: int, uid: int, side: str, qty: str, price: str, category: str = "SPOT") -> None:
    eng.apply(PlaceOrder(ts=ts, uid=uid, category=category, symbol="BTCUSDT", side=side, order_type="limit",
                         qty=qty, price=price))


def comparable(eng: Engine) -> dict[str, object]:
    """The state without what a restore deliberately moves on (clock, ids, reset time, saved states)."""
    doc = msgspec.to_builtins(eng.state())
    for key in ("now", "last_id", "last_exec", "next_uid", "reset_at", "saved", "settings"):
        doc.pop(key)
    return doc  # type: ignore[no-any-return]


def test_reset_restores_deposits_and_keeps_ids_growing() -> None:
    eng, a, b = trading_engine()
    order(eng, 10, a, "sell", "1", "30000")
    order(eng, 11, b, "buy", "0.4", "30000")  # a trade: fees and moved balances
    order(eng, 12, b, "buy", "0.1", "20000", "USDT-FUTURES")
    last = eng.last_id
    removed, _ = eng.apply(Reset(ts=20))
    assert removed == 2 and eng.open_order_count() == 0 and not eng.positions and not eng.fees
    for uid in (a, b):
        assets = eng.accounts[uid].assets
        assert {c: (x.balance, x.frozen, x.debt) for c, x in assets.items()} == {
            "USDT": (100000 * 10**18, 0, 0), "BTC": (5 * 10**18, 0, 0)}
    assert audit.check(eng) == []
    order(eng, 21, a, "buy", "0.1", "20000")
    assert eng.last_id > last


def test_saved_state_restores_exactly_what_was_saved() -> None:
    eng, a, b = trading_engine()
    order(eng, 10, a, "sell", "1", "30000")
    order(eng, 11, b, "buy", "0.4", "30000")
    order(eng, 12, b, "buy", "0.2", "20000", "USDT-FUTURES")
    order(eng, 13, a, "sell", "0.1", "20000", "USDT-FUTURES")  # a futures position each
    eng.apply(SaveState(ts=14, name="mid"))
    saved = comparable(eng)
    order(eng, 15, a, "buy", "0.3", "29000")
    order(eng, 16, b, "sell", "0.3", "29000")
    eng.apply(CreateUser(ts=17, api_key="c", secret="s", passphrase="p"))
    eng.apply(Reset(ts=18))
    before = eng.last_id
    eng.apply(Reset(ts=19, name="mid"))
    assert comparable(eng) == saved
    assert audit.check(eng) == [] and eng.reset_at == 19 and list(eng.saved) == ["mid"]
    order(eng, 20, a, "buy", "0.1", "20000")
    assert eng.last_id > before  # ids never go back
    again = Engine.from_snapshot(eng.snapshot())  # saved states survive a snapshot
    assert again.state_hash() == eng.state_hash()
    assert msgspec.json.decode(again.saved["mid"], type=State).saved == {}
