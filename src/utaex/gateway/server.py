"""Build and run the venue: recovery, the demo account on first start, uvicorn, graceful stop."""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
import tomllib
from pathlib import Path
from typing import Any

import uvicorn

from ..core.instruments import InstrumentSet
from ..store import StoreError
from .app import App
from .routes.admin import create_user, key_doc
from .venue import Venue
from .ws import install as install_ws

log = logging.getLogger("utaex.server")

DEMO_BALANCES = {"USDT": "100000", "USDC": "100000", "BTC": "10", "ETH": "100"}


def load_config(path: Path | None) -> dict[str, Any]:
    """A TOML or JSON file: ``instruments = [...]`` (see docs/configuration.md) and other settings."""
    if path is None:
        return {}
    text = path.read_bytes()
    if path.suffix == ".json":
        data = json.loads(text)
    else:
        data = tomllib.loads(text.decode())
    if not isinstance(data, dict):
        raise ValueError("config file must hold a table/object")
    return data


def build_app(data_dir: Path, *, fsync: bool = True, rate_limit: bool = True, admin_token: str | None = None,
              config: dict[str, Any] | None = None, seed: int = 0, demo: bool = True,
              max_open_orders: int = 400, banner_host: str = "127.0.0.1", banner_port: int = 8080,
              store_url: str | None = None) -> App:
    config = config or {}
    instruments = InstrumentSet(config.get("instruments")) if config.get("instruments") else InstrumentSet()
    venue = Venue(data_dir, instruments=instruments, fsync=fsync, seed=int(config.get("seed", seed)),
                  max_open_orders=int(config.get("maxOpenOrders", max_open_orders)),
                  snapshot_every=int(config.get("snapshotEvery", 200_000)),
                  keep_journal=bool(config.get("keepJournal", False)), store_url=store_url)
    token = admin_token or secrets.token_urlsafe(24)
    app = App(venue, admin_token=token, rate_limit=rate_limit)
    install_ws(app, config)  # /v3/ws/public and /v3/ws/private
    base = f"http://{banner_host}:{banner_port}"

    async def on_ready() -> None:
        eng = venue.engine
        creds: dict[str, Any] | None = None
        if not eng.accounts and demo:
            creds = await create_user(venue, DEMO_BALANCES)
        elif eng.accounts:
            uid = min(eng.accounts)
            key = next((k for k in eng.keys.values() if k.uid == uid and not k.read_only), None)
            if key is not None:
                creds = key_doc(uid, key.api_key, key.secret, key.passphrase, False)
        print_banner(base, token, creds, admin_token is None, venue.recovered_commands)

    app.on_ready.append(on_ready)
    return app


def print_banner(base: str, token: str, creds: dict[str, Any] | None, generated: bool, recovered: int) -> None:
    lines = [f"utaex is serving Bitget UTA v3 at {base}"]
    if recovered:
        lines.append(f"  resumed: replayed {recovered} journaled commands")
    if creds:
        lines += [
            f"  demo uid:   {creds['uid']}",
            f"  apiKey:     {creds['apiKey']}",
            f"  secretKey:  {creds['secretKey']}",
            f"  passphrase: {creds['passphrase']}",
            "",
            "  ccxt (save as demo.py, then: python demo.py):",
            "import ccxt",
            f"ex = ccxt.bitget({{'apiKey': '{creds['apiKey']}', 'secret': '{creds['secretKey']}',",
            f"                  'password': '{creds['passphrase']}', 'options': {{'uta': True}}}})",
            "for k, v in list(ex.urls['api'].items()):",
            "    if isinstance(v, str):",
            f"        ex.urls['api'][k] = '{base}'",
            "ids = [ex.create_order('BTC/USDT', 'limit', 'buy', 0.001, 20000 + i)['id'] for i in range(3)]",
            "ex.cancel_orders(ids, 'BTC/USDT')  # POST /api/v3/trade/cancel-batch",
            "print([o['status'] for o in ex.fetch_canceled_orders('BTC/USDT')][:3])",
        ]
    lines.append(f"  admin token{' (generated)' if generated else ''}: {token}")
    print("\n".join(lines), flush=True)


def serve(host: str, port: int, data_dir: Path, *, fsync: bool, rate_limit: bool, config_path: Path | None,
          admin_token: str | None, seed: int = 0, log_level: str = "warning", store_url: str | None = None) -> None:
    sys.setswitchinterval(float(os.environ.get("UTAEX_SWITCH", "0.005")))
    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.WARNING), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = build_app(data_dir, fsync=fsync, rate_limit=rate_limit, admin_token=admin_token,
                        config=load_config(config_path), seed=seed, banner_host=host, banner_port=port,
                        store_url=store_url)
    except StoreError as exc:  # e.g. the PostgreSQL server named by --store is down
        print(f"utaex: {exc}", file=sys.stderr)
        sys.exit(2)
    # ws: pushes are framed once and fanned out as the same bytes (gateway/ws/frames.py), so no
    # per-connection compression
    kwargs: dict[str, Any] = {"http": "httptools", "ws": "websockets-sansio", "ws_per_message_deflate": False}
    try:
        import uvloop  # noqa: F401

        kwargs["loop"] = "uvloop"
    except ImportError:  # pragma: no cover - non-POSIX platforms
        kwargs["loop"] = "asyncio"
    cfg = uvicorn.Config(app, host=host, port=port, lifespan="on", access_log=False, log_level=log_level,
                         timeout_graceful_shutdown=10, proxy_headers=False, server_header=False, **kwargs)
    server = _Server(cfg)
    server.run()
    if not server.started:
        sys.exit(3)


class _Server(uvicorn.Server):
    """uvicorn's server, but a SIGTERM/SIGINT stop that drained and snapshotted exits with status 0
    (uvicorn re-raises the signal after shutting down)."""

    def handle_exit(self, sig: int, frame: Any) -> None:
        super().handle_exit(sig, frame)
        self._captured_signals.clear()
