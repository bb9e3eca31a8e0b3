"""Engine invariants, checked by tests and after recovery (read-only).

- no book is crossed;
- every open order holds exactly ``remaining * per_lot`` and each coin's ``frozen`` is the sum of them;
- each coin's ``margin`` is the sum of the user's position margins in that coin;
- every live strategy order is indexed by id, by its owner's clientOid and by its symbol, is not in any
  history, and sits on an open position (a step that closes a position cancels its strategies);
- conservation: per coin, sum(balances) + fees + insurance fund == deposits + debts + realized futures
  PnL, where the realized PnL of linear contracts equals sum(open long cost) - sum(open short cost)
  exactly (funding moves coins between users and the insurance fund only);
- no user's balance is below 0 (a loss beyond equity is covered by the insurance fund).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Engine


def check(eng: Engine) -> list[str]:
    problems: list[str] = []
    pending = eng.orders
    for uid, mine in eng.user_orders.items():
        for oid, order in mine.items():
            if order.uid != uid or order.order_id != oid:
                problems.append(f"order {oid} filed under user {uid}")
            if eng.client_oids.get(uid, {}).get(order.client_oid) is not order:
                problems.append(f"order {oid} missing from the clientOid index")
    if sum(len(c) for c in eng.client_oids.values()) != len(pending):
        problems.append("clientOid index holds ended orders")
    for key, book in eng.books.items():
        if book.is_crossed():
            problems.append(f"book {key} crossed")
        for levels in (book.bids, book.asks):
            for price, level in levels.items():
                for order in level.values():
                    if order.price != price or pending.get(order.order_id) is not order:
                        problems.append(f"book {key} holds stray order {order.order_id}")
    frozen: dict[tuple[int, str], int] = {}
    for order in pending.values():
        if order.frozen != (order.qty - order.filled) * order.per_lot and order.in_book:
            problems.append(f"order {order.order_id} holds {order.frozen}")
        k = (order.uid, order.frozen_coin)
        frozen[k] = frozen.get(k, 0) + order.frozen
    margin: dict[tuple[int, str], int] = {}
    linear_pnl: dict[str, int] = {}
    for pos in eng.positions.values():
        inst = eng.instruments.by_key[(pos.category, pos.symbol)]
        k = (pos.uid, inst.settle)
        margin[k] = margin.get(k, 0) + pos.margin
        if pos.pending_close > pos.qty or pos.qty < 0:
            problems.append(f"position {pos.uid} {pos.symbol} {pos.pos_side} pending {pos.pending_close}")
        if inst.kind == "linear":
            sign = 1 if pos.pos_side == "long" else -1
            linear_pnl[inst.settle] = linear_pnl.get(inst.settle, 0) + sign * pos.cost
    totals: dict[str, int] = {}
    debts: dict[str, int] = {}
    for uid, acct in eng.accounts.items():
        for coin, asset in acct.assets.items():
            if asset.frozen != frozen.get((uid, coin), 0):
                problems.append(f"user {uid} {coin} frozen {asset.frozen} != {frozen.get((uid, coin), 0)}")
            if asset.margin != margin.get((uid, coin), 0):
                problems.append(f"user {uid} {coin} margin {asset.margin} != {margin.get((uid, coin), 0)}")
            if asset.frozen < 0 or asset.debt < 0 or asset.balance < 0:
                problems.append(f"user {uid} {coin} negative balance/frozen/debt")
            totals[coin] = totals.get(coin, 0) + asset.balance
            debts[coin] = debts.get(coin, 0) + asset.debt
    for coin in set(totals) | set(eng.deposits) | set(eng.fees) | set(eng.insurance):
        lhs = totals.get(coin, 0) + eng.fees.get(coin, 0) + eng.insurance.get(coin, 0)
        rhs = (eng.deposits.get(coin, 0) + debts.get(coin, 0) + linear_pnl.get(coin, 0)
               + eng.inverse_pnl.get(coin, 0))
        if lhs != rhs:
            problems.append(f"{coin}: balances+fees+insurance {lhs} != deposits+debts+pnl {rhs}")
    problems.extend(check_strategies(eng))
    return problems


def check_strategies(eng: Engine) -> list[str]:
    problems: list[str] = []
    book = eng.strategies
    indexed = sum(len(m) for m in book.by_symbol.values())
    if indexed != len(book.live) or sum(len(m) for m in book.coids.values()) != len(book.live):
        problems.append("strategy indexes disagree")
    for sid, s in book.live.items():
        if s.strategy_id != sid or s.status != "live":
            problems.append(f"strategy {sid} filed wrongly ({s.status})")
        if book.coids.get(s.uid, {}).get(s.client_oid) is not s:
            problems.append(f"strategy {sid} missing from the clientOid index")
        if book.by_symbol.get((s.category, s.symbol), {}).get(sid) is not s:
            problems.append(f"strategy {sid} missing from the symbol index")
        pos = eng.positions.get((s.uid, s.category, s.symbol, s.pos_side))
        if pos is None or pos.qty == 0:
            problems.append(f"strategy {sid} on a flat position")
    for past in book.history.values():
        for s in past:
            if s.status == "live" or s.strategy_id in book.live:
                problems.append(f"ended strategy {s.strategy_id} still live")
    return problems
