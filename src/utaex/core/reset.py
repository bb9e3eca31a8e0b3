"""Reset: the venue back to its start state in one step, without touching an order at a time.

Invariants:
- After a reset no order rests, no position is open, nothing is frozen or borrowed, and every user's
  balance of each coin equals what was deposited to them (the audit's "balances plus fees equal
  deposits" holds with zero fees); users, keys, hold modes and leverage settings stay, unless
  ``keep_users`` is False, in which case the venue has no users at all.
- Ids keep counting up (never reused), so a client that cached an old id never meets it again.
- The engine records ``reset_at`` (the command's timestamp); history from before it is no longer
  shown (the gateway filters by it), and a ``ResetEvent`` tells downstream views to start afresh. Each
  balance left is one ``TRANSFER_IN`` financial record at the reset (the records shown add up).
- Cost is proportional to the number of books, users and positions, not to a per-order cancel path
  (no event per order), so 100k resting orders go in well under a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import records
from .book import Book
from .commands import Reset
from .events import AccountEvent, BookEvent, PositionEvent, ResetEvent
from .ledger import Asset

if TYPE_CHECKING:
    from .engine import Engine


def reset(eng: Engine, cmd: Reset) -> int:
    """Apply ``cmd`` to ``eng``; returns the number of resting orders removed."""
    removed = eng.open_order_count()
    events = eng.events
    for (uid, category, symbol, _side), pos in sorted(eng.positions.items()):
        if pos.qty:
            events.append(PositionEvent(uid, category, symbol))
    eng.positions.clear()
    eng.user_positions.clear()
    for key, book in sorted(eng.books.items()):  # emptied in place: views may hold the Book objects
        if book.bids or book.asks:
            events.append(BookEvent(*key))
        clear_book(book)
    eng.fees.clear()
    eng.inverse_pnl.clear()
    eng.insurance.clear()
    eng.fund_days.clear()
    eng.last_price.clear()
    if cmd.keep_users:
        for uid in sorted(eng.accounts):
            acct = eng.accounts[uid]
            acct.assets = {coin: Asset(balance=amount) for coin, amount in sorted(acct.deposited.items())}
            opening_records(eng, acct.uid, acct.assets)
            acct.open_spot = acct.open_futures = 0
            eng.user_orders[uid] = {}
            eng.client_oids[uid] = {}
            events.append(AccountEvent(uid))
    else:
        eng.accounts.clear()
        eng.keys.clear()
        eng.user_orders.clear()
        eng.client_oids.clear()
        eng.deposits.clear()
    eng.reset_at = cmd.ts
    events.append(ResetEvent(cmd.ts))
    return removed


def clear_book(book: Book) -> None:
    book.bids.clear()
    book.asks.clear()
    book.bid_prices.clear()
    book.ask_prices.clear()


def restore(eng: Engine, cmd: Reset, saved: Engine) -> int:
    """Make ``eng`` hold what ``saved`` (an engine rebuilt from a ``SaveState`` payload) held: users, keys,
    balances, orders, books, positions and strategy orders. Ids keep counting up from ``eng``'s (never
    reused); journaled settings (faults) and the saved states themselves stay; history before now is
    hidden as after a reset. Returns the number of resting orders the restored state holds."""
    events = eng.events
    for (uid, category, symbol, _side), pos in sorted(eng.positions.items()):
        if pos.qty:
            events.append(PositionEvent(uid, category, symbol))
    for key, book in sorted(eng.books.items()):  # refilled in place: views may hold the Book objects
        theirs = saved.books[key]
        if book.bids or book.asks or theirs.bids or theirs.asks:
            events.append(BookEvent(*key))
        book.bids, book.asks = theirs.bids, theirs.asks
        book.bid_prices, book.ask_prices = theirs.bid_prices, theirs.ask_prices
    eng.accounts, eng.keys = saved.accounts, saved.keys
    eng.user_orders, eng.client_oids = saved.user_orders, saved.client_oids
    eng.positions, eng.user_positions = saved.positions, saved.user_positions
    eng.strategies = saved.strategies
    eng.deposits, eng.fees, eng.inverse_pnl = saved.deposits, saved.fees, saved.inverse_pnl
    eng.insurance, eng.fund_days = saved.insurance, saved.fund_days
    eng.last_price = saved.last_price
    eng.next_uid = max(eng.next_uid, saved.next_uid)
    eng.last_id = max(eng.last_id, saved.last_id)
    eng.last_exec = max(eng.last_exec, saved.last_exec)
    for uid in sorted(eng.accounts):
        opening_records(eng, uid, eng.accounts[uid].assets)
        events.append(AccountEvent(uid))
    eng.reset_at = cmd.ts
    events.append(ResetEvent(cmd.ts))
    return eng.open_order_count()


def opening_records(eng: Engine, uid: int, assets: dict[str, Asset]) -> None:
    """History before a reset is hidden: each balance the venue starts again with is one ``TRANSFER_IN``
    record dated at the reset, so the financial records shown still add up to the balances."""
    for coin in sorted(assets):
        balance = assets[coin].balance
        if balance:
            records.ledger(eng, uid, records.OTHER, "", coin, records.TRANSFER_IN, balance, 0, balance)

