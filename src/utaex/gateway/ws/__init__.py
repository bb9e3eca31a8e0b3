"""WebSocket v3 server: ``/v3/ws/public`` and ``/v3/ws/private`` (see session.py for the protocol,
hub.py for the fan-out, market.py for public feeds, trade.py for trading over WS)."""

from .session import install

__all__ = ["install"]
