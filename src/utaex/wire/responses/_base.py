"""The common base of every response ``data`` struct."""

from __future__ import annotations

import msgspec


class _Data(msgspec.Struct, kw_only=True):
    pass
