"""Property: whatever faults are in force, the venue's audit invariants hold and a full journal replay
reproduces its state. Random sequences of orders, cancels and batches over real signed HTTP, with random
faults (429, error, latency, lost_reply, item_error; counted or seeded-probability) switched on and off
between them; a lost reply is retried as a client must (same clientOid)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support import Server, start_server
from utaex.client import BitgetError, Client

SPOT = {"category": "SPOT", "symbol": "BTCUSDT"}
PATHS = {"place": "/api/v3/trade/place-order", "batch": "/api/v3/trade/place-batch",
         "cancel": "/api/v3/trade/cancel-order", "cancel_batch": "/api/v3/trade/cancel-batch"}
BATCH = ("batch", "cancel_batch")
# every answer a request may get here: the faults' own codes, and the venue's ordinary refusals
EXPECTED = {"429", "40010", "25204", "25212", "43012", "25202", "25211"}
_ids = itertools.count()


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("faults-property"), "--no-rate-limit", "--seed", "11")
    yield server
    server.stop()


order = st.tuples(st.sampled_from(["buy", "sell"]), st.integers(29_990, 30_010), st.sampled_from(["0.001", "0.01"]))
fault = st.fixed_dictionaries(
    {"path": st.sampled_from(sorted(PATHS)), "effect": st.sampled_from(["429", "error", "latency", "lost_reply",
                                                                        "item_error"])},
    optional={"count": st.integers(1, 3), "probability": st.sampled_from([0.3, 0.7])})
# in force in every example: a lost reply on some path and item errors on some batch path, each seeded-random
lost = st.fixed_dictionaries({"path": st.sampled_from(sorted(PATHS)), "effect": st.just("lost_reply"),
                              "probability": st.sampled_from([0.5, 1.0])})
item_errors = st.fixed_dictionaries({"path": st.sampled_from(BATCH), "effect": st.just("item_error"),
                                     "probability": st.sampled_from([0.5, 1.0])})
op = st.one_of(
    st.tuples(st.just("place"), order),
    st.tuples(st.just("batch"), st.lists(order, min_size=1, max_size=5)),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("cancel_batch"), st.lists(st.integers(0, 30), min_size=1, max_size=5)),
    st.tuples(st.just("fault"), fault),
    st.tuples(st.just("clear"), st.none()),
)


def spec_of(raw: dict[str, Any], uid: str) -> dict[str, Any]:
    """A valid fault for the drawn path and effect, on this example's user only."""
    path = PATHS[raw["path"]]
    effect = raw["effect"]
    if effect == "item_error" and raw["path"] not in BATCH:
        effect = "lost_reply"
    spec: dict[str, Any] = {"path": path, "effect": effect, "uid": uid}
    if "count" in raw and "probability" in raw:
        del raw["probability"]
    spec.update({k: raw[k] for k in ("count", "probability") if k in raw})
    if effect == "error":
        spec.update(status=503, code="40010", msg="system busy")
    elif effect == "latency":
        spec["ms"] = 2
    elif effect == "item_error":
        spec.update(items=[0, 2], code="25204", msg="Order does not exist")
    return spec


def send(c: Client, path: str, body: Any) -> Any:
    """One request as a careful client sends it: a lost reply is retried once with the same body (and so the
    same clientOids), then given up; refusals are returned, not raised."""
    for _ in range(2):
        try:
            return c.post(path, body)
        except httpx.TransportError:
            continue
        except BitgetError as err:
            assert err.code in EXPECTED and err.status != 500, (path, err)
            return None
    return None


@settings(max_examples=max(5, settings.default.max_examples // 4))  # each example: ~20 real HTTP requests
@given(faults=st.tuples(lost, item_errors).flatmap(lambda base: st.lists(fault, max_size=3).map(
    lambda more: [*base, *more]).flatmap(st.permutations)), ops=st.lists(op, min_size=6, max_size=20))
def test_audit_invariants_hold_under_any_fault_mix(srv: Server, faults: list[dict[str, Any]],
                                                   ops: list[tuple[str, Any]]) -> None:
    creds = srv.new_user({"USDT": "100000", "BTC": "10"})
    uid = creds["uid"]
    for raw in faults:  # in force from the start; more come and go between the operations
        srv.admin("POST", "/admin/v1/faults", spec_of(dict(raw), uid))
    oids: list[str] = []  # clientOids of every order this example tried to place, in order
    with srv.client(creds) as c:
        for kind, arg in ops:
            if kind == "fault":
                srv.admin("POST", "/admin/v1/faults", spec_of(dict(arg), uid))
            elif kind == "clear":
                srv.admin("DELETE", "/admin/v1/faults")
            elif kind in ("place", "batch"):
                items = []
                for side, ticks, qty in [arg] if kind == "place" else arg:
                    oids.append(f"p{next(_ids)}")
                    items.append({**SPOT, "side": side, "orderType": "limit", "qty": qty, "price": str(ticks),
                                  "clientOid": oids[-1]})
                send(c, PATHS[kind], items[0] if kind == "place" else items)
            elif oids:
                picks = [arg] if kind == "cancel" else arg
                items = [{**SPOT, "clientOid": oids[i % len(oids)]} for i in picks]
                send(c, PATHS[kind], items[0] if kind == "cancel" else items)
        srv.admin("DELETE", "/admin/v1/faults")
        listed = c.get("/api/v3/trade/unfilled-orders", category="SPOT", limit="100")["list"]
    open_oids = [o["clientOid"] for o in listed]
    assert len(open_oids) == len(set(open_oids)) and set(open_oids) <= set(oids)  # retries never duplicated
    audit = srv.admin("GET", "/admin/v1/audit?replay=1")
    assert audit["problems"] == [], audit["problems"]
    assert audit["replayHash"] == audit["stateHash"]
