"""The virtual clock against the real server: step mode freezes time and stamps orders with it, advance runs
what is due (the dead-man switch), real time at a speed, the mode and time survive a restart, bad input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from support import Server, start_server


@pytest.fixture
def venue(tmp_path: Path):
    srv = start_server(tmp_path, "--no-rate-limit", "--market", "off")
    yield srv
    srv.stop()


def test_step_mode_stamps_orders_and_advance_moves_time(venue: Server) -> None:
    doc = venue.admin("POST", "/admin/v1/clock", {"mode": "step"})
    assert doc["mode"] == "step"
    t0 = int(doc["now"])
    assert int(venue.admin("GET", "/admin/v1/clock")["now"]) == t0  # frozen
    creds = venue.new_user()
    with venue.client(creds) as c:  # signatures keep using the wall clock
        oid = c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.001", "20000").orderId
        assert int(c.order_info(oid).createdTime) == t0
        after = venue.admin("POST", "/admin/v1/clock/advance", {"ms": 60_000})
        assert int(after["now"]) == t0 + 60_000
        c.cancel_order(order_id=oid)
        assert int(c.order_info(oid).updatedTime) == t0 + 60_000


def test_advance_fires_the_dead_man_switch_on_virtual_time(venue: Server) -> None:
    venue.admin("POST", "/admin/v1/clock", {"mode": "step"})
    with venue.client(venue.new_user()) as c:
        oid = c.place_order("SPOT", "BTCUSDT", "buy", "limit", "0.001", "20000").orderId
        c.countdown_cancel_all(10)
        venue.admin("POST", "/admin/v1/clock/advance", {"ms": 9_000})
        assert c.order_info(oid).orderStatus == "live"
        venue.admin("POST", "/admin/v1/clock/advance", {"ms": 2_000})
        info = c.order_info(oid)
        assert info.orderStatus == "cancelled"


def test_realtime_speed_and_monotonic_time(venue: Server) -> None:
    fast = venue.admin("POST", "/admin/v1/clock", {"mode": "realtime", "speed": 100})
    assert fast["mode"] == "realtime" and fast["speed"] == "100"
    t1 = int(venue.admin("GET", "/admin/v1/clock")["now"])
    time.sleep(0.3)
    t2 = int(venue.admin("GET", "/admin/v1/clock")["now"])
    assert t2 - t1 >= 100 * 300
    back = venue.admin("POST", "/admin/v1/clock", {"mode": "realtime"})  # speed 1 again, never backwards
    assert back["speed"] == "1" and int(back["now"]) >= t2


def test_stepped_time_survives_a_restart(tmp_path: Path) -> None:
    srv = start_server(tmp_path, "--market", "off")
    try:
        srv.admin("POST", "/admin/v1/clock", {"mode": "step"})
        now = int(srv.admin("POST", "/admin/v1/clock/advance", {"ms": 3_600_000})["now"])
    finally:
        srv.stop()
    srv = Server(srv.data_dir, srv.port, srv.args).start()
    try:
        doc = srv.admin("GET", "/admin/v1/clock")
        assert doc["mode"] == "step" and int(doc["now"]) == now
    finally:
        srv.stop()


@pytest.mark.parametrize(("path", "body"), [
    ("/admin/v1/clock", {"mode": "fast"}),
    ("/admin/v1/clock", {"mode": "realtime", "speed": 0}),
    ("/admin/v1/clock", {"mode": "step", "speed": 2}),
    ("/admin/v1/clock", {"mode": "step", "extra": 1}),
    ("/admin/v1/clock/advance", {"ms": -1}),
    ("/admin/v1/clock/advance", {"ms": 1000}),  # not stepped
    ("/admin/v1/prices", {"category": "SPOT", "symbol": "BTCUSDT", "price": "-1"}),
    ("/admin/v1/prices", {"category": "SPOT", "symbol": "BTCUSDT", "price": "abc"}),
    ("/admin/v1/prices", {"category": "SPOT", "symbol": "BTCUSDT"}),
])
def test_bad_clock_requests_are_refused(venue: Server, path: str, body: dict) -> None:
    r = venue.admin_http.post(path, json=body)
    assert r.status_code == 400 and r.json()["code"] in ("40017", "40034"), r.text
