"""Bitget error codes and messages as results, not exceptions.

Invariants: every rejection the engine produces is a ``Reject`` whose ``code`` is a Bitget code string
from the UTA error list (``error-code/restapi.md``); the HTTP status is chosen by the gateway, not here.
"""

from __future__ import annotations

import msgspec

SYSTEM_ERROR = "25000"
UNSUPPORTED = "25002"
USER_NOT_FOUND = "25005"
UNSUPPORTED_POSITION_MODE_SWITCH = "25010"
SYMBOL_NOT_FOUND = "25100"
POSITION_EXISTS = "25107"
COIN_NOT_FOUND = "25201"
INSUFFICIENT_BALANCE = "25202"
INSUFFICIENT_MARGIN = "25203"
ORDER_NOT_FOUND = "25204"
QTY_TOO_SMALL = "25207"
QTY_TOO_LARGE = "25208"
NO_LIQUIDITY = "25209"
TOO_MANY_ORDERS = "25211"
DUPLICATE_CLIENT_OID = "25212"
MAX_LEVERAGE = "25223"
POSITION_CLOSE_EXCEEDS = "25231"
NO_POSITION = "25227"
PRICE_MULTIPLE = "25244"
MODIFY_REFUSED = "25568"
MODIFY_SAME = "25571"
QTY_PRECISION = "25610"
MIN_AMOUNT = "25611"
PARAM_ERROR = "40017"
PARAM_MISSING = "40034"
# answered by the gateway (authentication, permissions, routing, rate limits), never by the engine
KEY_EMPTY = "40001"
SIGN_EMPTY = "40003"
TIMESTAMP_EMPTY = "40004"
TIMESTAMP_INVALID = "40005"
KEY_INVALID = "40006"
TIMESTAMP_EXPIRED = "40008"
SIGN_INVALID = "40009"
PASSPHRASE_EMPTY = "40011"
PASSPHRASE_INVALID = "40012"
NO_TRADE_PERMISSION = "40014"
URL_NOT_FOUND = "40404"
RATE_LIMITED = "429"

MESSAGES: dict[str, str] = {
    SYSTEM_ERROR: "System error, please try again later",
    UNSUPPORTED: "Unsupported operation",
    USER_NOT_FOUND: "User does not exist",
    UNSUPPORTED_POSITION_MODE_SWITCH: "Unsupported position mode switch",
    SYMBOL_NOT_FOUND: "Trading pair {0} does not exist",
    POSITION_EXISTS: "There is currently a position, please close the position",
    COIN_NOT_FOUND: "Currency does not exist",
    INSUFFICIENT_BALANCE: "Insufficient balance",
    INSUFFICIENT_MARGIN: "Insufficient margin",
    ORDER_NOT_FOUND: "Order does not exist",
    QTY_TOO_SMALL: "{0} trading quantity cannot be less than {1} units",
    QTY_TOO_LARGE: "{0} trading quantity cannot exceed {1} units",
    NO_LIQUIDITY: "Insufficient market liquidity, please try again later",
    TOO_MANY_ORDERS: "Exceeds the limit of {0} maximum orders",
    DUPLICATE_CLIENT_OID: "Duplicate clientOid",
    MAX_LEVERAGE: "Exceeds Max. leverage",
    POSITION_CLOSE_EXCEEDS: "Close quantity cannot exceed the held position quantity",
    NO_POSITION: "No position available to close",
    PRICE_MULTIPLE: "Price should be a multiple of {0}",
    MODIFY_REFUSED: "The order does not meet the modification requirements.",
    MODIFY_SAME: "The modification price and qty is the same as the original value. Please adjust and try again.",
    QTY_PRECISION: "Order amount does not meet precision requirements",
    MIN_AMOUNT: "Order quantity must be greater than the minimum order amount",
    PARAM_ERROR: "Parameter verification failed {0}",
    PARAM_MISSING: "Parameter {0} does not exist",
    KEY_EMPTY: "ACCESS_KEY cannot be empty",
    SIGN_EMPTY: "Signature cannot be empty",
    TIMESTAMP_EMPTY: "ACCESS_TIMESTAMP cannot be empty",
    TIMESTAMP_INVALID: "Invalid ACCESS_TIMESTAMP",
    KEY_INVALID: "Invalid ACCESS_KEY",
    TIMESTAMP_EXPIRED: "Request timestamp expired",
    SIGN_INVALID: "sign signature error",
    PASSPHRASE_EMPTY: "ACCESS_PASSPHRASE cannot be empty",
    PASSPHRASE_INVALID: "apikey/password is incorrect",
    NO_TRADE_PERMISSION: "Incorrect permissions, need trade (read & write) permission",
    URL_NOT_FOUND: "Request URL NOT FOUND",
    RATE_LIMITED: "Too Many Requests",
}


class Reject(msgspec.Struct, frozen=True, gc=False):
    """A refused command: Bitget code and its filled-in message."""

    code: str
    msg: str


def reject(code: str, *args: object) -> Reject:
    template = MESSAGES.get(code, "")
    msg = template
    for i, arg in enumerate(args):
        msg = msg.replace("{" + str(i) + "}", str(arg))
    if "{0}" in msg:
        msg = msg.replace(" {0}", "").replace("{0}", "")
    return Reject(code, msg)
