"""Build and run the venue: bind, lock the data dir, recovery, the demo account on first start, uvicorn,
graceful stop.

Start-up order: the listening socket is bound first (a port in use fails before anything is created),
then the data dir is locked (a second venue on it fails before reading it), then recovery; the banner
with credentials is printed only once the socket listens and the venue is recovered. A journal failure
stops the server with exit status ``EXIT_JOURNAL_FAILED`` (docs/decisions.md, "Journal failure").
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import socket
import sys
import threading
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from ..core.instruments import InstrumentSet
from ..journal import DataDirLocked
from ..sim.config import is_agent
from ..sim.oracle import load_path
from ..store import StoreError
from . import config as config_file
from .accesslog import AccessLog
from .accesslog import log as access_log
from .app import App
from .config import ConfigError
from .faults import SETTINGS_KEY
from .httpconn import guarded_http
from .httpconn import settings as http_settings
from .routes.admin import create_user, key_doc
from .scenario import Runner, Scenario, ScenarioError
from .scenario import load as load_scenario
from .simulator import build_market, market_line
from .venue import CLOCK_KEY, Venue
from .ws import install as install_ws

log = logging.getLogger("utaex.server")

DEMO_BALANCES = {"USDT": "100000", "USDC": "100000", "BTC": "10", "ETH": "100"}
TOKEN_FILE = "admin-token"
EXIT_USAGE = 2  # the port is in use, the data dir is held, the store is unreachable
EXIT_JOURNAL_FAILED = 70  # the journal could not make a command durable: fail-stop (restart recovers)


def admin_token_for(data_dir: Path) -> str:
    """The data dir's admin token: generated on first start and kept in ``<data_dir>/admin-token``
    (mode 0600), so a token exported once keeps working across restarts."""
    path = Path(data_dir) / TOKEN_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        token = path.read_text().strip()
        if token:
            return token
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    token = secrets.token_urlsafe(24)
    try:
        os.write(fd, (token + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return token


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port); raises OSError when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)  # connections wait in the backlog until uvicorn accepts: the banner tells the truth
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def load_config(path: Path | None) -> dict[str, Any]:
    """A TOML or JSON config file, checked: an unknown key or a bad value raises ``ConfigError``
    (gateway/config.py, docs/configuration.md)."""
    return config_file.load(path)


def build_app(data_dir: Path, *, fsync: bool = True, rate_limit: bool = True, admin_token: str | None = None,
              config: dict[str, Any] | None = None, seed: int = 0, demo: bool = True,
              max_open_orders: int = 400, banner_host: str = "127.0.0.1", banner_port: int = 8080,
              store_url: str | None = None, scenario: Scenario | None = None, market: str = "off",
              clock: str = "realtime", journal_url: str | None = None, role: str = "primary",
              advertise: str | None = None, start_time: int | None = None) -> App:
    config = config or {}
    instruments = InstrumentSet(config.get("instruments")) if config.get("instruments") else InstrumentSet()
    venue = Venue(data_dir, instruments=instruments, fsync=fsync, seed=int(config.get("seed", seed)),
                  max_open_orders=int(config.get("maxOpenOrders", max_open_orders)),
                  snapshot_every=int(config.get("snapshotEvery", 200_000)),
                  keep_journal=bool(config.get("keepJournal", False)), store_url=store_url)
    token = admin_token or admin_token_for(data_dir)
    app = App(venue, admin_token=token, rate_limit=rate_limit, config=config)
    install_ws(app, config)  # /v3/ws/public and /v3/ws/private
    base = f"http://{banner_host}:{banner_port}"

    runner = Runner(app, scenario) if scenario is not None else None
    app.scenario = runner
    demo = demo and role == "primary"
    if journal_url is not None:  # the replicated journal: gateway/replication.py, docs/scale-out.md
        from ..journal.jetstream import parse_journal_url
        from .replication import Replication

        def promoted() -> None:  # a standby became the primary: the journaled faults and clock mode apply here now
            app.faults.load(venue.engine.settings.get(SETTINGS_KEY, ""))
            venue.restore_clock()
            if app.sim is not None and not app.sim.started:  # the market runs on the primary only
                task = asyncio.ensure_future(app.sim.start())
                venue._tasks.add(task)
                task.add_done_callback(venue._tasks.discard)

        replication = Replication(venue, parse_journal_url(journal_url), role, advertise or base, on_promote=promoted)
        app.replication = replication
        app.on_ready.append(replication.start)  # before the demo account: a primary first catches up
        app.after_close.append(replication.stop)

    async def on_ready() -> None:
        eng = venue.engine
        creds: dict[str, Any] | None = None
        if venue.refusal is None:  # a follower's clock follows the primary's journaled commands
            scenario_clock = runner.scenario.clock if runner is not None else ""
            await start_clock(venue, scenario_clock if scenario_clock and clock == "realtime" else clock, start_time)
        if runner is not None and await runner.start():
            print(f"utaex: scenario {scenario.name or '(unnamed)'}: " + ", ".join(  # type: ignore[union-attr]
                f"{u.name} uid {runner.uids[u.name]}" for u in runner.scenario.users), flush=True)
        if not any(not is_agent(u) for u in eng.accounts) and demo and runner is None and venue.refusal is None:
            creds = await create_user(venue, DEMO_BALANCES)
        elif eng.accounts and any(not is_agent(u) for u in eng.accounts):
            uid = min(u for u in eng.accounts if not is_agent(u))
            key = next((k for k in eng.keys.values() if k.uid == uid and not k.read_only), None)
            if key is not None:
                creds = key_doc(uid, key.api_key, key.secret, key.passphrase, False)
        app.sim = build_market(venue, config, market, runner.scenario.market if runner is not None else None)
        if venue.refusal is None:  # a follower's market is the primary's journaled commands
            await app.sim.start()
        print_banner(base, token, creds, None if admin_token else data_dir / TOKEN_FILE, venue.recovered_commands)
        print(market_line(app.sim), flush=True)

    app.on_ready.append(on_ready)
    return app


async def start_clock(venue: Venue, clock: str, start_time: int | None = None) -> None:
    """``--clock``: the clock's mode on a venue with no journaled clock (a restart keeps the journaled one);
    ``--start-time``: the virtual time a fresh venue (nothing journaled yet) starts at."""
    from ..sim.clock import REALTIME, STEP

    if CLOCK_KEY in venue.engine.settings:
        return
    mode, speed = (STEP, 1.0) if clock == STEP else (REALTIME, 1.0 if clock == REALTIME else float(clock))
    fresh = venue.next_seq == 1
    if fresh and start_time is not None:
        venue.clock.start_at(mode, speed, start_time)
        venue.last_ts = start_time
    elif clock == REALTIME:
        return
    else:
        venue.clock.set_mode(mode, speed)
    await venue.journal_clock()


def print_banner(base: str, token: str, creds: dict[str, Any] | None, token_file: Path | None,
                 recovered: int) -> None:
    lines = [f"utaex is serving Bitget UTA v3 at {base}"]
    lines.append(f"  web console: {base}/  (your account: {base}/account, admin: {base}/admin)")
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
    lines.append(f"  admin token{f' (kept in {token_file})' if token_file else ''}: {token}")
    print("\n".join(lines), flush=True)


def serve(host: str, port: int, data_dir: Path, *, fsync: bool, rate_limit: bool, config_path: Path | None,
          admin_token: str | None, seed: int = 0, log_level: str = "warning", store_url: str | None = None,
          scenario_path: Path | None = None, market: str = "on", clock: str = "realtime",
          journal_url: str | None = None, role: str = "primary", advertise: str | None = None,
          start_time: int | None = None) -> None:
    sys.setswitchinterval(float(os.environ.get("UTAEX_SWITCH", "0.005")))
    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.WARNING), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(config_path)
        scenario = load_scenario(scenario_path) if scenario_path is not None else None
        if market not in ("on", "off"):
            load_path(Path(market))
    except (ConfigError, ScenarioError, ValueError) as exc:
        print(f"utaex: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    if journal_url is not None:
        from ..journal.jetstream import parse_journal_url

        try:
            parse_journal_url(journal_url)
        except ValueError as exc:
            print(f"utaex: {exc}", file=sys.stderr)
            sys.exit(EXIT_USAGE)
    elif role != "primary":
        print(f"utaex: --role {role} follows a replicated journal: give --journal nats://HOST:PORT/STREAM",
              file=sys.stderr)
        sys.exit(EXIT_USAGE)
    if scenario_path is not None and role != "primary":
        print("utaex: --scenario runs on the primary only", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    try:
        sock = bind(host, port)
    except OSError as exc:
        print(f"utaex: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    port = int(sock.getsockname()[1])
    try:
        app = build_app(data_dir, fsync=fsync, rate_limit=rate_limit, admin_token=admin_token,
                        config=config, seed=seed, banner_host=host, banner_port=port,
                        store_url=store_url, scenario=scenario, market=market, clock=clock,
                        journal_url=journal_url, role=role, advertise=advertise, start_time=start_time)
    except (StoreError, DataDirLocked) as exc:  # e.g. the PostgreSQL server named by --store is down
        sock.close()
        print(f"utaex: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    # ws: pushes are framed once and fanned out as the same bytes (gateway/ws/frames.py), so no
    # per-connection compression
    # http: uvicorn's httptools protocol with a request deadline and a per-address cap (httpconn.py)
    kwargs: dict[str, Any] = {"http": guarded_http(*http_settings(config, rate_limit)), "ws": "websockets-sansio",
                              "ws_per_message_deflate": False}
    try:
        import uvloop  # noqa: F401

        kwargs["loop"] = "uvloop"
    except ImportError:  # pragma: no cover - non-POSIX platforms
        kwargs["loop"] = "asyncio"
    # the access log (gateway/accesslog.py) wraps the app only when it is on: no cost per request otherwise
    asgi: Any = AccessLog(app) if access_log.isEnabledFor(logging.INFO) else app
    cfg = uvicorn.Config(asgi, host=host, port=port, lifespan="on", access_log=False, log_level=log_level,
                         timeout_graceful_shutdown=10, proxy_headers=False, server_header=False, **kwargs)
    server = _Server(cfg)

    def stop_on_failure(exc: BaseException) -> None:
        server.should_exit = True

    app.venue.on_failure.append(stop_on_failure)
    server.run(sockets=[sock])
    if app.venue.failed is not None:
        print(f"utaex: stopped after a journal failure: {app.venue.failed}", file=sys.stderr)
        sys.exit(EXIT_JOURNAL_FAILED)
    if not server.started:
        sys.exit(3)
    print(f"utaex stopped: drained and snapshotted at journal seq {app.venue.next_seq - 1}; "
          f"`utaex serve --data-dir {data_dir}` resumes here", flush=True)


class _Server(uvicorn.Server):
    """uvicorn's server whose SIGTERM/SIGINT stop, once drained and snapshotted, exits with status 0
    (uvicorn's own signal capture re-raises the signal after shutting down)."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
