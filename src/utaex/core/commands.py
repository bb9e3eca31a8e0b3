"""Commands: the only inputs of the engine, each carrying its own timestamp (ms).

Invariants: commands are plain serializable values (msgspec tagged structs), so the journal can store
them and a replay of the same sequence rebuilds the same state. Quantities and prices travel as the
decimal strings the user sent; the engine validates and converts them against the instrument.
"""

from __future__ import annotations

import msgspec


class Command(msgspec.Struct, tag=True, kw_only=True):
    ts: int


class CreateUser(Command, tag="cu"):
    api_key: str
    secret: str
    passphrase: str
    read_only: bool = False
    rsa_public_key: str = ""
    uid: int = 0  # 0: the engine assigns the next uid


class CreateApiKey(Command, tag="ck"):
    uid: int
    api_key: str
    secret: str
    passphrase: str
    read_only: bool = False
    rsa_public_key: str = ""


class Deposit(Command, tag="dp"):
    uid: int
    coin: str
    amount: str


class TpslSpec(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Take-profit / stop-loss legs as the user sent them (checked by core/strategy.py)."""

    take_profit: str = ""
    stop_loss: str = ""
    tp_trigger_by: str = ""
    sl_trigger_by: str = ""
    tp_order_type: str = ""
    sl_order_type: str = ""
    tp_limit_price: str = ""
    sl_limit_price: str = ""


class PlaceOrder(Command, tag="po"):
    uid: int
    category: str
    symbol: str
    side: str
    order_type: str
    qty: str
    price: str = ""
    tif: str = "gtc"
    pos_side: str = ""
    reduce_only: bool = False
    client_oid: str = ""
    stp_mode: str = "none"
    tpsl: TpslSpec | None = None  # preset TP/SL, armed as a strategy order when the order fills


class PlaceBatch(Command, tag="pb"):
    uid: int
    orders: list[PlaceOrder]


class CancelOrder(Command, tag="co"):
    uid: int
    order_id: str = ""
    client_oid: str = ""
    category: str = ""
    symbol: str = ""


class CancelItem(msgspec.Struct, kw_only=True):
    order_id: str = ""
    client_oid: str = ""
    category: str = ""
    symbol: str = ""


class CancelBatch(Command, tag="cb"):
    uid: int
    items: list[CancelItem]


class CancelAll(Command, tag="ca"):
    uid: int
    category: str = ""
    symbol: str = ""


class ModifyItem(msgspec.Struct, kw_only=True):
    """One order to modify (core/modify.py): named by ``order_id`` (wins) or ``client_oid``, optionally
    filtered by category/symbol; ``qty`` (total, filled part included) and/or ``price`` as sent ("" keeps
    the current value); ``new_client_oid`` renames it; ``auto_cancel`` cancels it if the modify fails."""

    order_id: str = ""
    client_oid: str = ""
    category: str = ""
    symbol: str = ""
    qty: str = ""
    price: str = ""
    new_client_oid: str = ""
    auto_cancel: bool = False


class ModifyOrder(Command, tag="mo"):
    uid: int
    item: ModifyItem


class ModifyBatch(Command, tag="mb"):
    uid: int
    items: list[ModifyItem]


class SetLeverage(Command, tag="sl"):
    uid: int
    category: str
    symbol: str
    leverage: int


class SetHoldMode(Command, tag="hm"):
    uid: int
    hold_mode: str


class ClosePositions(Command, tag="cp"):
    """Close the user's positions in ``category`` (optionally one symbol, one side) at market."""

    uid: int
    category: str
    symbol: str = ""
    pos_side: str = ""


class Configure(Command, tag="cf"):
    """Venue configuration that must survive a restart (e.g. injected faults): an opaque value per key,
    kept by the engine and never interpreted by it; an empty value removes the key."""

    key: str
    value: str = ""


class Reset(Command, tag="rs"):
    """Back to the start state: every order and position gone, each balance back to the user's deposits;
    ``keep_users`` False drops users and keys too."""

    keep_users: bool = True
    name: str = ""  # restore the state saved under this name (SaveState) instead


class SaveState(Command, tag="ss"):
    """Keep the venue's current state under ``name`` (a later ``Reset(name=...)`` restores it)."""

    name: str


class PlaceStrategy(Command, tag="ps"):
    uid: int
    category: str
    symbol: str
    spec: TpslSpec
    pos_side: str = ""
    side: str = ""  # sent by ccxt: the side of the closing order, checked against posSide
    mode: str = ""  # tpslMode: full (default) | partial
    qty: str = ""
    kind: str = ""  # the page's `type`: tpsl (default)
    client_oid: str = ""


class ModifyStrategy(Command, tag="ms"):
    uid: int
    spec: TpslSpec
    order_id: str = ""
    client_oid: str = ""
    qty: str = ""


class CancelStrategy(Command, tag="xs"):
    uid: int
    order_id: str = ""
    client_oid: str = ""
    category: str = ""
    symbol: str = ""


# ---- market data (core/market.py): driven by the simulator's virtual clock -------------------------------
class IndexQuote(msgspec.Struct, kw_only=True):
    """One instrument's index price at the tick's time: a plain decimal string on its tick grid."""

    category: str
    symbol: str
    price: str


class MarketTick(Command, tag="mt"):
    """A step of the market's clock at ``ts``: record the given index prices, recompute every futures
    instrument's mark price, fire mark-price triggers, check liquidations and settle funding when ``ts``
    crosses a funding time. Instruments without a given index keep their last one (or follow the last
    trade price if they never had one)."""

    index: list[IndexQuote] = []


AnyCommand = (
    CreateUser | CreateApiKey | Deposit | PlaceOrder | PlaceBatch | CancelOrder | CancelBatch | CancelAll
    | ModifyOrder | ModifyBatch | SetLeverage | SetHoldMode | ClosePositions | Configure | Reset | PlaceStrategy
    | ModifyStrategy | CancelStrategy | SaveState | MarketTick
)
