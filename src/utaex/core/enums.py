"""Wire vocabulary used by the engine, as plain strings (cheaper than Enum on the hot path).

Invariant: categories are upper-case here; the gateway upper-cases input before building commands.
"""

from __future__ import annotations

SPOT = "SPOT"
MARGIN = "MARGIN"
USDT_FUTURES = "USDT-FUTURES"
COIN_FUTURES = "COIN-FUTURES"
USDC_FUTURES = "USDC-FUTURES"
CATEGORIES = (SPOT, MARGIN, USDT_FUTURES, COIN_FUTURES, USDC_FUTURES)
FUTURES = frozenset((USDT_FUTURES, COIN_FUTURES, USDC_FUTURES))

BUY = "buy"
SELL = "sell"
LIMIT = "limit"
MARKET = "market"
GTC = "gtc"
IOC = "ioc"
FOK = "fok"
POST_ONLY = "post_only"
TIME_IN_FORCE = frozenset((GTC, IOC, FOK, POST_ONLY))
STP_MODES = frozenset(("none", "cancel_taker", "cancel_maker", "cancel_both"))
LONG = "long"
SHORT = "short"
ONE_WAY = "one_way_mode"
HEDGE = "hedge_mode"

LIVE = "live"
PARTIALLY_FILLED = "partially_filled"
FILLED = "filled"
CANCELLED = "cancelled"

NORMAL_CANCEL = "normal_cancel"
IOC_CANCEL = "ioc_not_full_cancel"
FOK_CANCEL = "fok_not_full_cancel"
POST_ONLY_CANCEL = "post_only_fill_cancel"
STP_CANCEL = "stp_cancel"
SMALL_CANCEL = "trade_count_too_small"
REDUCE_CANCEL = "back_contract_cancel"
MODIFY_CANCEL = "modify_limit_order"  # autoCancel: a failed modify cancelled the original order
BURST_CANCEL = "burst_cancel"  # the account entered liquidation: its orders are cancelled
LIQUIDATION = "liquidation"  # execType of an order placed by the risk engine
