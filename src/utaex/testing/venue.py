"""A real utaex venue in a child process, with the controls a bot's test suite needs.

Invariants:
- The venue is the real server (``python -m utaex serve``) on a port the OS picked (``--port 0``, read
  back from the banner once the socket listens), with its own temporary data dir and admin token.
- Every control goes through the venue's admin API over HTTP, like any other client: nothing reaches
  into the server's process.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from ..client import Client

BANNER = re.compile(r"utaex is serving Bitget UTA v3 at (http://\S+)")
#: what a venue for tests runs with unless ``args`` say otherwise: a quiet market (exact books: only what the
#: test places trades) and a stepped virtual clock (time moves by ``advance``)
QUIET_STEPPED = ("--market", "off", "--clock", "step")
DEFAULT_FUNDS: dict[str, str] = {"USDT": "100000", "USDC": "100000", "BTC": "10", "ETH": "100"}


class VenueStartError(RuntimeError):
    """The venue process exited or did not announce itself in time; the message holds its output."""


class UtaexVenue:
    """A running venue: ``base_url``, ``admin_token``, a funded ``user`` and the controls.

    ``UtaexVenue.start()`` (or ``with UtaexVenue.start() as venue``) runs one; ``stop()`` ends it.
    """

    def __init__(self, proc: subprocess.Popen[str], base_url: str, admin_token: str, data_dir: Path,
                 output: list[str], tmp: tempfile.TemporaryDirectory[str] | None) -> None:
        self.proc = proc
        self.base_url = base_url
        self.admin_token = admin_token
        self.data_dir = data_dir
        self._output = output
        self._tmp = tmp
        self._admin = httpx.Client(base_url=base_url, timeout=30,
                                   headers={"Authorization": f"Bearer {admin_token}"})
        #: credentials of a funded user (``DEFAULT_FUNDS``), created at start and kept across resets
        self.user: dict[str, str] = self.new_user()

    # ---- life cycle -------------------------------------------------------------------------------------
    @classmethod
    def start(cls, *, data_dir: Path | None = None, args: Sequence[str] = (), host: str = "127.0.0.1",
              timeout: float = 60.0) -> UtaexVenue:
        """Start a venue; ``args`` are extra ``utaex serve`` options (e.g. ``("--no-rate-limit",)``); by default
        the market is quiet and the clock stepped (``("--market", "on", "--clock", "realtime")`` for a live one)."""
        tmp = None
        if data_dir is None:
            tmp = tempfile.TemporaryDirectory(prefix="utaex-venue-")
            data_dir = Path(tmp.name) / "data"
        token = secrets.token_urlsafe(24)
        env = {**os.environ, "UTAEX_ADMIN_TOKEN": token}
        proc = subprocess.Popen(
            [sys.executable, "-m", "utaex", "serve", "--host", host, "--port", "0", "--data-dir", str(data_dir),
             *QUIET_STEPPED, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        output: list[str] = []
        found: list[str] = []
        ready = threading.Event()

        def pump() -> None:  # keep reading, so a chatty server never blocks on a full pipe
            assert proc.stdout is not None
            for line in proc.stdout:
                if len(output) < 2000:
                    output.append(line)
                m = BANNER.search(line)
                if m and not found:
                    found.append(m.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=pump, name="utaex-venue-output", daemon=True).start()
        if not ready.wait(timeout) or not found:
            proc.kill()
            proc.wait()
            if tmp is not None:
                tmp.cleanup()
            raise VenueStartError("utaex serve did not start:\n" + "".join(output))
        base_url = found[0]
        try:  # the banner comes once the socket listens; wait until the venue answers
            httpx.get(base_url + "/api/v2/public/time", timeout=timeout).raise_for_status()
        except httpx.HTTPError as exc:
            proc.kill()
            proc.wait()
            raise VenueStartError(f"utaex serve at {base_url} does not answer: {exc}") from exc
        return cls(proc, base_url, token, data_dir, output, tmp)

    def stop(self) -> int:
        """SIGTERM (drain, snapshot, exit 0), then clean the temporary data dir; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self._admin.close()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self._tmp is not None:
            self._tmp.cleanup()
        return code

    def __enter__(self) -> UtaexVenue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def output(self) -> str:
        """What the venue printed so far (banner, logs)."""
        return "".join(self._output)

    # ---- admin API --------------------------------------------------------------------------------------
    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Call the admin API; returns ``data``, raises ``RuntimeError`` on a non-success answer."""
        r = self._admin.request(method, path, json=body)
        try:
            env = r.json()
        except ValueError:
            raise RuntimeError(f"{method} {path}: HTTP {r.status_code} {r.text[:200]}") from None
        if env.get("code") != "00000":
            raise RuntimeError(f"{method} {path}: {env.get('code')} {env.get('msg')}")
        return env["data"]

    def new_user(self, balances: Mapping[str, str | int] | None = None) -> dict[str, str]:
        """A new user funded with ``balances`` (default ``DEFAULT_FUNDS``): uid, apiKey, secretKey, passphrase."""
        funds = {c: str(v) for c, v in (DEFAULT_FUNDS if balances is None else balances).items()}
        return dict(self.admin("POST", "/admin/v1/users", {"balances": funds}))

    def deposit(self, uid: str, coin: str, amount: str | int) -> None:
        self.admin("POST", f"/admin/v1/users/{uid}/deposits", {"coin": coin, "amount": str(amount)})

    def save_state(self, name: str) -> None:
        """Keep the venue's current state under ``name``; ``reset(name=...)`` restores it."""
        self.admin("POST", "/admin/v1/states", {"name": name})

    def reset(self, *, users: bool = True, name: str | None = None) -> dict[str, str]:
        """Back to the start state: orders, positions, trades and faults gone, balances back to deposits
        (``users=False`` drops every user and key; ``user`` is then a new funded user); with ``name``, back to
        the state saved under that name by ``save_state`` instead."""
        out = dict(self.admin("POST", "/admin/v1/reset", {"users": users, **({"name": name} if name else {})}))
        if not users:
            self.user = self.new_user()  # the venue keeps offering a funded user
        return out

    def fault(self, **spec: Any) -> str:
        """Inject a fault (fields as ``POST /admin/v1/faults`` takes them, docs/testing.md); returns its id."""
        return str(self.admin("POST", "/admin/v1/faults", spec)["id"])

    def clear_faults(self) -> None:
        self.admin("DELETE", "/admin/v1/faults")

    # ---- time and prices (docs/market.md) ------------------------------------------------------------------
    def clock(self) -> dict[str, str]:
        """The virtual clock: ``mode``, ``speed``, ``now`` (ms)."""
        return dict(self.admin("GET", "/admin/v1/clock"))

    def set_clock(self, mode: str, speed: float | None = None) -> dict[str, str]:
        """``"step"`` or ``"realtime"`` (at ``speed`` times the wall clock)."""
        body: dict[str, Any] = {"mode": mode, **({} if speed is None else {"speed": speed})}
        return dict(self.admin("POST", "/admin/v1/clock", body))

    def advance(self, ms: int) -> int:
        """Move the stepped clock ``ms`` forward, running everything due meanwhile; returns the new time (ms)."""
        return int(self.admin("POST", "/admin/v1/clock/advance", {"ms": int(ms)})["now"])

    def set_price(self, category: str, symbol: str, price: str | int) -> str:
        """Move the reference (index) price of an instrument; returns it as the venue rounded it."""
        return str(self.admin("POST", "/admin/v1/prices", {"category": category, "symbol": symbol,
                                                           "price": str(price)})["price"])

    def audit(self) -> dict[str, Any]:
        """The venue's invariant check: ``problems`` is empty when every invariant holds."""
        return dict(self.admin("GET", "/admin/v1/audit"))

    # ---- clients ----------------------------------------------------------------------------------------
    def client(self, creds: Mapping[str, str] | None = None) -> Client:
        """The utaex SDK's client for ``creds`` (default: ``user``)."""
        c = creds or self.user
        return Client(c["apiKey"], c["secretKey"], c["passphrase"], base_url=self.base_url)

    def ccxt_config(self, creds: Mapping[str, str] | None = None, **options: Any) -> dict[str, Any]:
        """A config such that ``ccxt.bitget(venue.ccxt_config())`` trades on this venue with ``uta: True``
        (every REST section of ccxt's bitget pointed here); ``options`` are added to ccxt's options."""
        import ccxt  # only needed by users of this helper

        c = creds or self.user
        sections = {k: self.base_url for k, v in ccxt.bitget().urls["api"].items() if isinstance(v, str)}
        return {"apiKey": c["apiKey"], "secret": c["secretKey"], "password": c["passphrase"],
                "options": {"uta": True, **options}, "urls": {"api": sections}}
