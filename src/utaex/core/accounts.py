"""Account commands: users, API keys, deposits, leverage and hold mode.

Invariants:
- A uid or API key is never given twice; a user's order maps exist from the moment the user does.
- A deposit is an exact positive amount of a listed coin; it raises the balance, the venue's and the
  user's deposited totals by the same units and writes one ``TRANSFER_IN`` financial record (then repays
  any debt of that coin).
- The hold mode changes only while the user has no open futures position or order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import enums as E
from . import errors as X
from . import records
from .commands import CreateApiKey, CreateUser, Deposit, SetHoldMode, SetLeverage
from .ledger import Account, ApiKey, leverage_key
from .numbers import DP, NumberError, parse_fixed

if TYPE_CHECKING:
    from .engine import Engine


def create_user(eng: Engine, cmd: CreateUser) -> Account | X.Reject:
    if cmd.api_key in eng.keys:
        return X.reject(X.PARAM_ERROR, "apiKey")
    uid = cmd.uid or eng.next_uid
    if uid in eng.accounts:
        return X.reject(X.PARAM_ERROR, "uid")
    eng.next_uid = max(eng.next_uid, uid + 1)
    acct = eng.accounts[uid] = Account(uid)
    eng.user_orders[uid] = {}
    eng.client_oids[uid] = {}
    eng.keys[cmd.api_key] = ApiKey(cmd.api_key, uid, cmd.secret, cmd.passphrase, cmd.read_only,
                                    cmd.rsa_public_key)
    return acct


def create_key(eng: Engine, cmd: CreateApiKey) -> ApiKey | X.Reject:
    if cmd.uid not in eng.accounts:
        return X.reject(X.USER_NOT_FOUND)
    if cmd.api_key in eng.keys:
        return X.reject(X.PARAM_ERROR, "apiKey")
    key = eng.keys[cmd.api_key] = ApiKey(cmd.api_key, cmd.uid, cmd.secret, cmd.passphrase,
                                          cmd.read_only, cmd.rsa_public_key)
    return key


def deposit(eng: Engine, cmd: Deposit) -> Account | X.Reject:
    acct = eng.accounts.get(cmd.uid)
    if acct is None:
        return X.reject(X.USER_NOT_FOUND)
    if cmd.coin not in eng.instruments.coins:
        return X.reject(X.COIN_NOT_FOUND)
    try:
        units, exact = parse_fixed(cmd.amount, DP)
    except NumberError:
        return X.reject(X.PARAM_ERROR, "amount")
    if not exact or units <= 0:
        return X.reject(X.PARAM_ERROR, "amount")
    asset = acct.asset(cmd.coin)
    asset.balance += units
    records.ledger(eng, cmd.uid, records.OTHER, "", cmd.coin, records.TRANSFER_IN, units, 0, asset.balance)
    records.repay(eng, cmd.uid, records.OTHER, "", cmd.coin, asset)
    eng.deposits[cmd.coin] = eng.deposits.get(cmd.coin, 0) + units
    acct.deposited[cmd.coin] = acct.deposited.get(cmd.coin, 0) + units
    eng.touched.add(cmd.uid)
    return acct


def set_leverage(eng: Engine, cmd: SetLeverage) -> int | X.Reject:
    acct = eng.accounts.get(cmd.uid)
    if acct is None:
        return X.reject(X.USER_NOT_FOUND)
    if cmd.category not in E.FUTURES:
        return X.reject(X.PARAM_ERROR, "category")
    inst = eng.instruments.get(cmd.category, cmd.symbol)
    if inst is None:
        return X.reject(X.SYMBOL_NOT_FOUND, cmd.symbol)
    if cmd.leverage < 1 or cmd.leverage > inst.max_leverage:
        return X.reject(X.MAX_LEVERAGE)
    acct.leverage[leverage_key(cmd.category, cmd.symbol)] = cmd.leverage
    return cmd.leverage


def set_hold_mode(eng: Engine, cmd: SetHoldMode) -> str | X.Reject:
    acct = eng.accounts.get(cmd.uid)
    if acct is None:
        return X.reject(X.USER_NOT_FOUND)
    if cmd.hold_mode not in (E.ONE_WAY, E.HEDGE):
        return X.reject(X.PARAM_MISSING, cmd.hold_mode or "holdMode")  # live: "Parameter <value> does not exist"
    if cmd.hold_mode != acct.hold_mode:
        if any(p.qty for p in eng.user_positions.get(cmd.uid, {}).values()):
            return X.reject(X.POSITION_EXISTS)  # the live venue's code with an open position
        if acct.open_futures:
            return X.reject(X.UNSUPPORTED_POSITION_MODE_SWITCH)
        acct.hold_mode = cmd.hold_mode
    return acct.hold_mode
