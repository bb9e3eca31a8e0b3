"""Python client for utaex (and Bitget UTA v3): signed sync and async clients over one base."""

from .base import BitgetError, Credentials
from .sync import Client

__all__ = ["BitgetError", "Client", "Credentials"]
