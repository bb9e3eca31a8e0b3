"""``utaex serve`` as a user starts it: the config file is checked (an unknown key or a bad value stops the
start with a message naming it), every config key and environment variable the code reads is
documented in docs/configuration.md, ``--log-level info`` gives an access log, and a clean stop says so."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from support import ADMIN_TOKEN, Server, free_port
from utaex.gateway.config import KEYS

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DOC = ROOT / "docs" / "configuration.md"


def serve(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UTAEX_")}
    return subprocess.run([sys.executable, "-m", "utaex", "serve", "--port", str(free_port()), "--data-dir",
                           str(tmp / "data"), *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("venue.toml", "seed = 7\nsnapshotEvry = 1000\n", "unknown key 'snapshotEvry'"),
    ("venue.json", json.dumps({"maxOpenOrders": 10, "wsIdleTimeuot": 5}), "unknown key 'wsIdleTimeuot'"),
    ("venue.toml", '[[instruments]]\ncategory = "SPOT"\nsymbol = "SOLUSDT"\nbaseCoin = "SOL"\nquoteCoin = "USDT"\n'
                   'tick = "0.01"\nlot = "0.001"\nminOrderQty = "0.001"\nminOrderAmount = "1"\nfee = "0.1"\n',
     "unknown key 'fee' in instruments[0]"),
    ("venue.toml", "keepJournal = 1\n", "bad value for 'keepJournal': Expected `bool`, got `int`"),
    ("venue.toml", "maxOpenOrders = 0\n", "bad value for 'maxOpenOrders'"),
    ("venue.toml", "seed = \n", "config file"),
])
def test_a_bad_config_file_stops_the_start_naming_the_key(tmp_path: Path, name: str, text: str,
                                                          message: str) -> None:
    config = tmp_path / name
    config.write_text(text)
    done = serve(tmp_path, "--config", str(config))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr, done.stderr
    assert str(config) in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stdout == ""  # no banner, no credentials
    assert not (tmp_path / "data").exists()  # nothing created


def test_every_config_key_is_documented() -> None:
    doc = CONFIG_DOC.read_text()
    keys_table = doc.split("### Keys", 1)[1].split("###", 1)[0]
    documented = set(re.findall(r"^\| `([A-Za-z0-9]+)` \|", keys_table, re.M))
    assert documented == set(KEYS)


def test_every_environment_variable_is_documented() -> None:
    used: set[str] = set()
    for path in (ROOT / "src" / "utaex").rglob("*.py"):
        text = path.read_text()
        used |= set(re.findall(r"""(?:environ\.get|getenv|environ\[|envvar=)\(?["'](UTAEX_[A-Z_]+)["']""", text))
    assert {"UTAEX_ADMIN_TOKEN", "UTAEX_URL", "UTAEX_API_KEY"} <= used
    env_section = CONFIG_DOC.read_text().split("## Environment variables", 1)[1]
    first_cells = re.findall(r"^\|([^|]*)\|", env_section, re.M)
    documented = {name for cell in first_cells for name in re.findall(r"`(UTAEX_[A-Z_]+)`", cell)}
    assert used <= documented, used - documented


ACCESS = re.compile(r'INFO utaex\.access: 127\.0\.0\.1:\d+ "(GET|POST|WS) (\S+)" (\d+|-) (\d+\.\d+) (ms|s)$')
STOPPED = re.compile(r"^utaex stopped: drained and snapshotted at journal seq (\d+); "
                     r"`utaex serve --data-dir (.+)` resumes here$", re.M)


def requests(srv: Server) -> None:
    with httpx.Client(base_url=srv.base_url, timeout=10) as http:
        assert http.get("/api/v3/market/tickers", params={"category": "SPOT"}).status_code == 200
        assert http.get("/no/such/path").status_code == 404
        assert http.post("/admin/v1/users", json={}, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert http.post("/admin/v1/users", json={}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).status_code \
            == 200
    with connect(srv.base_url.replace("http://", "ws://") + "/v3/ws/public", open_timeout=10) as ws:
        ws.send("ping")
        assert ws.recv(timeout=10) == "pong"


def test_info_level_logs_every_request_and_the_stop(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", free_port(), ("--log-level", "INFO")).start()
    requests(srv)
    assert srv.stop() == 0
    lines = [m.groups() for m in map(ACCESS.search, srv.log().splitlines()) if m]
    seen = [(method, path, status) for method, path, status, _, _ in lines]
    assert ("GET", "/api/v3/market/tickers?category=SPOT", "200") in seen
    assert ("GET", "/no/such/path", "404") in seen
    assert seen.count(("POST", "/admin/v1/users", "401")) == 1 and ("POST", "/admin/v1/users", "200") in seen
    assert ("WS", "/v3/ws/public", "101") in seen
    assert all((unit == "s") == (method == "WS") and float(took) < 10_000 for method, _, _, took, unit in lines)
    stopped = STOPPED.search(srv.log())
    assert stopped and int(stopped.group(1)) >= 2 and stopped.group(2) == str(tmp_path / "data"), srv.log()


def test_default_level_has_no_access_log_but_says_it_stopped(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", free_port()).start()
    requests(srv)
    assert srv.stop() == 0
    assert "utaex.access" not in srv.log() and "INFO" not in srv.log()
    assert STOPPED.search(srv.log()), srv.log()


def test_log_level_must_be_a_level(tmp_path: Path) -> None:
    done = serve(tmp_path, "--log-level", "loud")
    assert done.returncode == 2 and "'loud' is not one of" in done.stderr, done.stderr
    assert not (tmp_path / "data").exists()
