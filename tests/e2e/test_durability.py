"""Start-up and durability guards of ``utaex serve``, against the real server process:

- a second server on a data dir that a live server holds refuses to start, naming the holder's pid;
- a port in use fails before anything is created or printed (no banner, no demo account);
- the generated admin token is kept in the data dir (mode 0600) and survives a restart;
- a journal that cannot write (a full file system) stops the venue: nothing more is acknowledged or
  shown (503 with Bitget's system-error envelope), the process exits with status 70, and a restart
  has every acknowledged order and none of the refused ones.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support import ADMIN_TOKEN, Server, free_port
from utaex.client import BitgetError, Client

EXIT_USAGE = 2
EXIT_JOURNAL_FAILED = 70


def serve(data: Path, port: int, *, env: dict[str, str] | None = None,
          timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "utaex", "serve", "--port", str(port), "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=timeout,
                          env=env or {**os.environ, "UTAEX_ADMIN_TOKEN": ADMIN_TOKEN})


def place(c: Client, client_oid: str, price: str) -> dict[str, str]:
    return c.post("/api/v3/trade/place-order", {  # type: ignore[no-any-return]
        "category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001",
        "price": price, "clientOid": client_oid})


def test_second_server_on_a_held_data_dir_refuses_to_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = Server(data, free_port()).start()
    try:
        user = first.new_user()
        with first.client(user) as c:
            acked = place(c, "held-1", "20000")
        before = sorted(p.name for p in data.iterdir())
        second = serve(data, free_port())
        assert second.returncode == EXIT_USAGE, second
        assert f"pid {first.proc.pid}" in second.stderr and "in use" in second.stderr  # type: ignore[union-attr]
        assert "serving" not in second.stdout
        assert sorted(p.name for p in data.iterdir()) == before, "the refused server touched the data dir"
        with first.client(user) as c:  # the holder is unharmed
            assert c.get("/api/v3/trade/order-info", orderId=acked["orderId"])["orderStatus"] == "live"
    finally:
        assert first.stop() == 0
    again = Server(data, free_port()).start()  # the lock went with the process
    try:
        with again.client(user) as c:
            assert c.get("/api/v3/trade/order-info", orderId=acked["orderId"])["clientOid"] == "held-1"
        assert again.admin("GET", "/admin/v1/audit")["problems"] == []
    finally:
        again.stop()


def test_lock_is_released_by_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data, free_port()).start()
    server.kill()
    Server(data, free_port()).start().stop()  # no stale lock after a crash


def test_port_in_use_fails_before_anything_is_created(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        r = serve(tmp_path / "data", port)
    assert r.returncode == EXIT_USAGE, r
    assert "cannot listen on 127.0.0.1:" in r.stderr and "in use" in r.stderr
    assert "serving" not in r.stdout and "apiKey" not in r.stdout, "banner printed before the bind"
    assert not (tmp_path / "data").exists(), "the data dir was created although the port was taken"


def test_generated_admin_token_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "UTAEX_ADMIN_TOKEN"}
    tokens = []
    for _ in range(2):
        port = free_port()
        with subprocess.Popen([sys.executable, "-m", "utaex", "serve", "--port", str(port), "--data-dir",
                               str(data)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=env) as proc:
            try:
                assert proc.stdout is not None
                banner = ""
                deadline = time.monotonic() + 30
                while "admin token" not in banner and time.monotonic() < deadline:
                    line = proc.stdout.readline()
                    assert line, f"server exited: {banner}"
                    banner += line
                match = re.search(r"admin token \(kept in (.+)\): (\S+)", banner)
                assert match, banner
                assert Path(match.group(1)) == data / "admin-token"
                token = match.group(2)
                r = httpx.get(f"http://127.0.0.1:{port}/admin/v1/audit",
                              headers={"Authorization": f"Bearer {token}"})
                assert r.json()["code"] == "00000", r.text
                tokens.append(token)
            finally:
                proc.terminate()
                assert proc.wait(30) == 0
    assert tokens[0] == tokens[1]
    assert stat.S_IMODE((data / "admin-token").stat().st_mode) == 0o600


@contextlib.contextmanager
def small_filesystem(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where``: a real file system that runs out of space."""
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        message = f"cannot mount a tmpfs here ({r.stderr.strip()}); needs root"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_up(mount: Path, leave: int) -> Path:
    """Write a filler file until only about ``leave`` bytes of the file system remain free."""
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    filler = mount / "filler"
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def test_journal_failure_stops_the_venue_and_loses_no_acknowledgement(tmp_path: Path) -> None:
    with small_filesystem(tmp_path / "mnt", "4m") as mount:
        data = mount / "data"
        server = Server(data, free_port(), ("--no-rate-limit",)).start()
        user = server.new_user()
        acked: dict[str, str] = {}
        refused: list[str] = []
        reads_after: list[int] = []
        try:
            with server.client(user) as c:
                for i in range(3):  # durable before the disk fills
                    acked[f"pre-{i}"] = place(c, f"pre-{i}", str(20000 + i))["orderId"]
                filler = fill_up(mount, leave=8 * 1024)
                for i in range(5000):
                    oid = f"fill-{i}"
                    try:
                        acked[oid] = place(c, oid, str(10000 + i % 5000))["orderId"]
                    except BitgetError as err:
                        assert (err.status, err.code) == (503, "25000"), err
                        refused.append(oid)
                        break
                assert refused, "the journal never ran out of space"
                # fail-stop: nothing more is acknowledged or shown, until the process is gone
                for i in range(20):
                    try:
                        c.get("/api/v3/trade/unfilled-orders", category="SPOT")
                        pytest.fail("a read was served after the journal failed")
                    except BitgetError as err:
                        assert (err.status, err.code) == (503, "25000"), err
                        reads_after.append(err.status)
                    except httpx.TransportError:
                        break  # the server has closed its socket
                    try:
                        place(c, f"after-{i}", "15000")
                        pytest.fail("an order was acknowledged after the journal failed")
                    except BitgetError as err:
                        assert (err.status, err.code) == (503, "25000"), err
                        refused.append(f"after-{i}")
                    except httpx.TransportError:
                        break
            assert server.proc is not None
            assert server.proc.wait(60) == EXIT_JOURNAL_FAILED, server.log()
            assert "journal failure" in server.log()
        finally:
            server.stop()
        filler.unlink()  # room again: the next start recovers from the journal
        server = Server(data, free_port(), ("--no-rate-limit",)).start()
        try:
            with server.client(user) as c:
                live = {o["clientOid"]: o["orderId"]
                        for o in c.get("/api/v3/trade/unfilled-orders", category="SPOT", limit="100")["list"]}
                cursor = None
                while len(live) < len(acked):  # page through every open order
                    page = c.get("/api/v3/trade/unfilled-orders", category="SPOT", limit="100",
                                 **({"cursor": cursor} if cursor else {}))
                    if not page["list"]:
                        break
                    live.update({o["clientOid"]: o["orderId"] for o in page["list"]})
                    cursor = page["cursor"]
            missing = {oid for oid in acked if live.get(oid) != acked[oid]}
            assert not missing, f"acknowledged orders lost: {sorted(missing)[:5]}"
            assert not set(refused) & set(live), "an order answered 503 came back after restart"
            assert server.admin("GET", "/admin/v1/audit")["problems"] == []
        finally:
            server.stop()
