"""Authentication order and the throttle of failed authentications, over real HTTP.

The signature is checked before the passphrase (a key holder without the secret cannot test
passphrases), and failures are counted per API key and per client address: past the limit, Bitget's
429 answers before anything is checked, while other keys (and addresses) go on working.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets.sync.client
from uta_helpers import envelope, failure, raw

from support import Server, start_server
from utaex.wire.signing import ws_login_sign

ASSETS = "/api/v3/account/assets"
PER_KEY = 3
PER_IP = 8
WRONG_SIGN = "bm90IHRoZSBzaWduYXR1cmU="


def throttled_server(tmp: Path) -> Server:
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = tmp / "auth.json"
    cfg.write_text(json.dumps({"authFailuresPerKey": PER_KEY, "authFailuresPerIp": PER_IP,
                               "authFailureWindow": 600}))
    return start_server(tmp, "--config", str(cfg))


@pytest.fixture
def venue(tmp_path: Path) -> Iterator[Server]:
    srv = throttled_server(tmp_path)
    yield srv
    srv.stop()


def assets(srv: Server, creds: dict[str, str], **headers: str) -> tuple[int, str]:
    resp = raw(srv, "GET", ASSETS, creds=creds, headers={k.replace("_", "-"): v for k, v in headers.items()})
    return resp.status_code, envelope(resp)["code"]


def test_signature_is_checked_before_the_passphrase(server: Server) -> None:
    creds = server.new_user({"USDT": "1"})
    wrong_both = {"ACCESS-PASSPHRASE": "not-the-passphrase", "ACCESS-SIGN": WRONG_SIGN}
    failure(raw(server, "GET", ASSETS, creds=creds, headers=wrong_both), 400, "40009")
    # with the right signature, a wrong passphrase is what is reported
    failure(raw(server, "GET", ASSETS, creds=creds, headers={"ACCESS-PASSPHRASE": "not-the-passphrase"}),
            400, "40012")
    # same length, one character off: still refused
    near = creds["passphrase"][:-1] + ("x" if creds["passphrase"][-1] != "x" else "y")
    failure(raw(server, "GET", ASSETS, creds=creds, headers={"ACCESS-PASSPHRASE": near}), 400, "40012")


def test_failures_of_one_key_are_throttled_and_other_keys_still_work(venue: Server) -> None:
    victim, other = venue.new_user({"USDT": "1"}), venue.new_user({"USDT": "1"})
    assert assets(venue, victim) == (200, "00000")
    for _ in range(PER_KEY):
        assert assets(venue, victim, ACCESS_SIGN=WRONG_SIGN) == (400, "40009")
    # past the limit: 429 before anything is checked, for a wrong passphrase and a right request alike
    assert assets(venue, victim, ACCESS_PASSPHRASE="guess") == (429, "429")
    assert assets(venue, victim) == (429, "429")
    assert assets(venue, other) == (200, "00000")
    assert assets(venue, other, ACCESS_PASSPHRASE="guess") == (400, "40012")  # counts for `other` only


def test_failures_from_one_address_are_throttled(venue: Server) -> None:
    users = [venue.new_user({"USDT": "1"}) for _ in range(3)]
    unknown = {**users[0], "apiKey": "bg_" + "0" * 32}
    failures = 0
    for creds in users[:2]:  # below each key's limit, but adding up for the address
        for _ in range(PER_KEY - 1):
            assert assets(venue, creds, ACCESS_SIGN=WRONG_SIGN) == (400, "40009")
            failures += 1
    while failures < PER_IP:  # unknown keys count for the address
        assert assets(venue, unknown) == (400, "40006")
        failures += 1
    assert assets(venue, unknown) == (429, "429")
    assert assets(venue, users[-1]) == (429, "429")  # the address is throttled, whatever the key
    # public endpoints and the admin API are not authenticated, so not throttled
    assert raw(venue, "GET", "/api/v2/public/time").status_code == 200
    assert venue.new_user({"USDT": "1"})


# ---- the WebSocket login follows the same rules ---------------------------------------------------------
def ws_login(srv: Server, creds: dict[str, str], **override: str) -> str:
    """The code a private WebSocket login answers, as text (``"0"`` on success)."""
    ts = str(int(time.time()))
    args = {"apiKey": creds["apiKey"], "passphrase": creds["passphrase"], "timestamp": ts,
            "sign": ws_login_sign(creds["secretKey"], ts), **override}
    with websockets.sync.client.connect(f"ws://127.0.0.1:{srv.port}/v3/ws/private", open_timeout=10) as ws:
        ws.send(json.dumps({"op": "login", "args": [args]}))
        reply = json.loads(ws.recv(timeout=10))
    assert type(reply["code"]) is int, reply  # every v3 WS event's code is a JSON number
    return str(reply["code"])


def test_ws_login_checks_the_signature_before_the_passphrase(server: Server) -> None:
    creds = server.new_user({"USDT": "1"})
    assert ws_login(server, creds, passphrase="not-the-passphrase", sign=WRONG_SIGN) == "30015"
    assert ws_login(server, creds, passphrase="not-the-passphrase") == "30012"
    assert ws_login(server, creds) == "0"


def test_ws_login_failures_share_the_throttle(venue: Server) -> None:
    victim, other = venue.new_user({"USDT": "1"}), venue.new_user({"USDT": "1"})
    for _ in range(PER_KEY - 1):
        assert ws_login(venue, victim, sign=WRONG_SIGN) == "30015"
    assert assets(venue, victim, ACCESS_SIGN=WRONG_SIGN) == (400, "40009")  # REST failures count too
    assert ws_login(venue, victim) == "30006"
    assert assets(venue, victim) == (429, "429")
    assert ws_login(venue, other) == "0"
