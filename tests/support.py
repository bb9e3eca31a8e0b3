"""Shared test support: start the real ``utaex serve`` as a subprocess on a loopback port and talk to it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from utaex.client import Client

ADMIN_TOKEN = "test-admin-token"
DEFAULT_FUNDS = {"USDT": "1000000", "USDC": "1000000", "BTC": "100", "ETH": "1000"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    data_dir: Path
    port: int
    args: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    admin_http: httpx.Client = field(init=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Server:
        env = {**os.environ, "UTAEX_ADMIN_TOKEN": ADMIN_TOKEN}
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "utaex", "serve", "--port", str(self.port), "--data-dir", str(self.data_dir),
             *self.args],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )
        log.close()
        self.admin_http = httpx.Client(base_url=self.base_url, timeout=10,
                                       headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early: {self.log()}")
            try:
                r = httpx.get(self.base_url + "/api/v2/public/time", timeout=1)
                if r.status_code == 200 and r.json()["code"] == "00000":
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not become ready: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.admin_http.close()
        return code

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        r = self.admin_http.request(method, path, json=body)
        env = r.json()
        assert env["code"] == "00000", env
        return env["data"]

    def new_user(self, balances: dict[str, str] | None = None, read_only: bool = False) -> dict[str, str]:
        return self.admin("POST", "/admin/v1/users", {"balances": DEFAULT_FUNDS if balances is None else balances,
                                                      "readOnly": read_only})

    def client(self, creds: dict[str, str]) -> Client:
        return Client(creds["apiKey"], creds["secretKey"], creds["passphrase"], base_url=self.base_url)


def start_server(tmp: Path, *args: str) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    return Server(tmp / "data", free_port(), tuple(args)).start()
