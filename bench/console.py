"""Web console first paint against a venue holding 10,000 open orders (Debian's Chromium via Playwright).

Starts ``utaex serve`` (fsync durability, rate limits off for the set-up), rests 10,000 orders with
``place-batch`` from 25 users (400 each, the per-account limit for SPOT: 9,200 on the SPOT BTCUSDT book,
800 on USDT-FUTURES BTCUSDT), then opens each page in a fresh browser context and reads:

- ``fcp``: the browser's first-contentful-paint (Paint Timing API), from navigation start;
- ``data``: from navigation start until the page's DOM holds its data, seen by a MutationObserver in the
  page (markets: the book's best bid row; account: the first open-orders row, logged in from
  sessionStorage; admin: the audit figures).

    python bench/console.py [--runs N] [--orders N]

Prints one line per page (median and max over the runs, milliseconds) and, last, one JSON line.
"""

from __future__ import annotations

import sys

# Keep bench/ off the import path: bench/http.py would shadow the stdlib ``http`` package.
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from utaex.client import Client

ADMIN = "bench-admin-token"
CHROMIUM = os.environ.get("UTAEX_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PER_USER = 400
OBSERVER = """new MutationObserver((_, obs) => {
  if (document.querySelector(READY)) { window.__ready = performance.now(); obs.disconnect(); }
}).observe(document, {childList: true, subtree: true});"""
FUND = {"USDT": "100000000", "BTC": "100000"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "UTAEX_ADMIN_TOKEN": ADMIN}
    proc = subprocess.Popen([sys.executable, "-m", "utaex", "serve", "--port", str(port), "--data-dir", str(data),
                             "--no-rate-limit", "--market", "off"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, env=env)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/public/time", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def populate(base: str, total: int) -> dict[str, str]:
    """Rest ``total`` orders; the credentials of a user holding 400 SPOT + 400 USDT-FUTURES of them."""
    admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
    users = []
    left = total
    n = 0
    while left > 0:
        creds = admin.post("/admin/v1/users", json={"balances": FUND}).json()["data"]
        users.append(creds)
        with Client(creds["apiKey"], creds["secretKey"], creds["passphrase"], base_url=base) as c:
            futures = n == 0  # the first user, whose account page is measured, also holds futures orders
            cats = ["SPOT", "USDT-FUTURES"] if futures else ["SPOT"]
            for cat in cats:
                count = min(PER_USER, left)
                for start_at in range(0, count, 20):
                    items = []
                    for i in range(start_at, min(count, start_at + 20)):
                        k = total - left + i
                        side = "buy" if k % 2 == 0 else "sell"
                        tenths = 400_000 - k // 2 * 5 if side == "buy" else 600_000 + k // 2 * 5
                        items.append({"category": cat, "symbol": "BTCUSDT", "side": side, "orderType": "limit",
                                      "qty": "0.001", "price": f"{tenths // 10}.{tenths % 10}"})
                    answers = c.post("/api/v3/trade/place-batch", items)
                    bad = [a for a in answers if a.get("code")]
                    assert not bad, bad[:3]
                left -= count
        n += 1
    admin.close()
    return users[0]


def measure(browser: Any, url: str, ready: str, storage: dict[str, str] | None = None) -> tuple[float, float]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    script = "".join(f"sessionStorage.setItem({json.dumps(k)}, {json.dumps(v)});" for k, v in (storage or {}).items())
    # the moment the data is in the DOM, taken in the page (a poll from here would add its own latency)
    observer = OBSERVER.replace("READY", json.dumps(ready))
    script += observer
    ctx.add_init_script(script)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url)
    page.wait_for_function("() => window.__ready !== undefined", timeout=30_000)
    data_ms = page.evaluate("window.__ready")
    fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || -1")
    ctx.close()
    assert not errors, errors
    return float(fcp), float(data_ms)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--orders", type=int, default=10_000)
    opts = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="utaex-bench-console-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(tmp / "data", port)
    try:
        t0 = time.perf_counter()
        creds = populate(base, opts.orders)
        audit = httpx.get(base + "/admin/v1/audit", headers={"Authorization": f"Bearer {ADMIN}"}).json()["data"]
        print(f"venue: {audit['openOrders']} open orders, {audit['users']} users "
              f"(set up in {time.perf_counter() - t0:.1f} s)")
        account = {"utaex.console.credentials": json.dumps(
            {"apiKey": creds["apiKey"], "secret": creds["secretKey"], "passphrase": creds["passphrase"]})}
        pages = {
            "markets": (base + "/", "#bids tr:first-child td", None),
            "account": (base + "/account", "#open-orders tbody tr[id]", account),
            "admin": (base + "/admin", "#audit-openOrders", {"utaex.console.adminToken": ADMIN}),
        }
        results: dict[str, Any] = {"openOrders": int(audit["openOrders"]), "runs": opts.runs}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            for name, (url, ready, storage) in pages.items():
                measure(browser, url, ready, storage)  # warm-up: the browser's own start-up is not the page's
                samples = [measure(browser, url, ready, storage) for _ in range(opts.runs)]
                fcp = [s[0] for s in samples]
                data = [s[1] for s in samples]
                results[name] = {"fcpMedianMs": round(statistics.median(fcp)), "fcpMaxMs": round(max(fcp)),
                                 "dataMedianMs": round(statistics.median(data)), "dataMaxMs": round(max(data))}
                r = results[name]
                print(f"{name:8} first paint median {r['fcpMedianMs']:4} ms (max {r['fcpMaxMs']:4}); "
                      f"data shown median {r['dataMedianMs']:4} ms (max {r['dataMaxMs']:4})")
            browser.close()
        print(json.dumps(results))
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
