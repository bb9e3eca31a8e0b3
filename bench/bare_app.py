"""The bare ceiling for bench/http.py: the same server stack (uvicorn + httptools + uvloop + msgspec)
answering the same cancel-batch JSON in and out, with no auth, no engine, no journal.

Not part of the product; run by bench/http.py as ``python bench/bare_app.py PORT``.
"""

from __future__ import annotations

import sys

# bench/http.py shadows the stdlib ``http`` package: keep this folder off the import path.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import time
from typing import Any

import msgspec
import uvicorn

from utaex.wire.envelope import Envelope
from utaex.wire.requests import CancelBatchItem

decode = msgspec.json.Decoder(list[CancelBatchItem]).decode
encode = msgspec.json.Encoder().encode
HEADERS = [(b"content-type", b"application/json")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                await send({"type": msg["type"] + ".complete"})
                if msg["type"] == "lifespan.shutdown":
                    return
        return
    body = b""
    while True:
        msg = await receive()
        body += msg.get("body", b"")
        if not msg.get("more_body"):
            break
    items = decode(body) if body.startswith(b"[") else []
    data = [{"orderId": i.orderId or "", "clientOid": i.clientOid or ""} for i in items]
    payload = encode(Envelope("00000", "success", int(time.time() * 1000), data))
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": payload})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
                access_log=False, log_level="warning", lifespan="on", proxy_headers=False, server_header=False)
