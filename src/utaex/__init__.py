"""utaex: a self-hostable exchange speaking Bitget's UTA REST v3 and WebSocket v3 APIs."""

__version__ = "0.1.0"
__all__ = ["__version__"]
