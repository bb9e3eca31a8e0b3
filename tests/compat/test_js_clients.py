"""The Node.js Bitget clients people install, unchanged, against the real utaex server (tests/compat/js/).

tiagosiebler's ``bitget-api`` (RestClientV3, WebsocketClientV3, WebsocketAPIClient) and ccxt for JavaScript
(``bitget`` and ``pro.bitget`` with ``uta: true``) at the exact versions of ``js/package-lock.json``, installed
with ``npm ci`` when ``js/node_modules`` is missing or was installed from another lockfile. Each ``*.test.js``
file runs under node's own test runner against a venue of its own (fresh books and 24h statistics), with a
funded user's credentials, the server's URL and the admin token (for counterparties) in the environment.

Where ``node`` or ``npm`` is missing the tests skip with a message; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

from support import ADMIN_TOKEN, start_server

JS_DIR = Path(__file__).parent / "js"
LOCK = JS_DIR / "package-lock.json"
STAMP = JS_DIR / "node_modules" / ".utaex-lock-sha256"  # the lockfile's hash at the last `npm ci`
NODE_FILES = sorted(p.name for p in JS_DIR.glob("*.test.js"))


def _missing(message: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must provide it")
    pytest.skip(message)


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        _missing(f"{tool} is not installed (the Node.js client suite needs Node.js 20+ and npm)")
    return path


@pytest.fixture(scope="session")
def node() -> str:
    """``node``, with the suite's packages installed exactly as locked (``npm ci``, once per lockfile)."""
    node = _require("node")
    npm = _require("npm")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 20:
        _missing(f"node {version} is too old (the Node.js client suite needs Node.js 20+)")
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        # --ignore-scripts: nothing the suite uses needs an install script (ccxt's only prints a banner)
        done = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=JS_DIR,
                              capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            pytest.fail(f"npm ci failed in {JS_DIR}:\n{done.stdout}\n{done.stderr}")
        STAMP.write_text(wanted + "\n")
    return node


@pytest.mark.parametrize("js_file", NODE_FILES)
def test_node_suite(node: str, js_file: str, tmp_path: Path) -> None:
    srv = start_server(tmp_path, "--no-rate-limit", "--market", "off")  # exact books: no simulated traders
    try:
        user = srv.new_user()
        env = {
            **os.environ,
            "UTAEX_BASE_URL": srv.base_url,
            "UTAEX_ADMIN_TOKEN": ADMIN_TOKEN,
            "UTAEX_UID": user["uid"],
            "UTAEX_API_KEY": user["apiKey"],
            "UTAEX_SECRET_KEY": user["secretKey"],
            "UTAEX_PASSPHRASE": user["passphrase"],
            "NO_COLOR": "1",
        }
        done = subprocess.run(
            [node, "--test", "--test-reporter=spec", "--test-timeout=60000", js_file],
            cwd=JS_DIR, env=env, capture_output=True, text=True, timeout=180, check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"node --test {js_file} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
                        f"\n--- server log (tail) ---\n{srv.log()[-4000:]}", pytrace=False)
    finally:
        srv.stop()


def test_every_node_file_is_collected() -> None:
    assert NODE_FILES == ["bitget_rest.test.js", "bitget_ws.test.js", "ccxt.test.js", "ccxt_pro.test.js"]
