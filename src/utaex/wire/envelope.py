"""The Bitget response envelope and its success values."""

from __future__ import annotations

from typing import Any

import msgspec

SUCCESS_CODE = "00000"
SUCCESS_MSG = "success"


class Envelope(msgspec.Struct, omit_defaults=False):
    code: str
    msg: str
    requestTime: int
    data: Any = None


__all__ = ["SUCCESS_CODE", "SUCCESS_MSG", "Envelope"]
