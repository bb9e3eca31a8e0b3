"""Python client for utaex (and Bitget UTA v3): signed sync and async clients over one base.

>>> from utaex.client import Client
>>> with Client("KEY", "SECRET", "PASSPHRASE", base_url="http://127.0.0.1:8080") as c:  # doctest: +SKIP
...     ids = c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.01", "40000")
...     c.order_info(ids.orderId).orderStatus
'live'

Results are msgspec Structs from :mod:`utaex.wire.responses` with Bitget's field names; amounts stay
decimal strings (order-book levels are ``Decimal``). Errors raise :class:`BitgetError` (``code``, ``msg``,
``status``); batch calls return one ``OrderIds`` or ``ItemError`` per item instead of raising.
"""

from ..wire.requests import CancelBatchItem, PlaceOrderRequest
from ..wire.responses import ItemError, OrderIds
from .admin import AdminClient, AsyncAdminClient
from .aio import AsyncClient
from .base import BITGET_BASE_URL, DEFAULT_BASE_URL, BitgetError, Credentials
from .endpoints import OrderOptions, order_request
from .sync import Client

__all__ = [
    "BITGET_BASE_URL",
    "DEFAULT_BASE_URL",
    "AdminClient",
    "AsyncAdminClient",
    "AsyncClient",
    "BitgetError",
    "CancelBatchItem",
    "Client",
    "Credentials",
    "ItemError",
    "OrderIds",
    "OrderOptions",
    "PlaceOrderRequest",
    "order_request",
]
