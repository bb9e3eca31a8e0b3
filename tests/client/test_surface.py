"""Pins the SDK's public surface and its layering (client imports only utaex.wire), and that every REST
endpoint the venue serves has a method on both clients."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import httpx

import utaex.client
from utaex.client import AdminClient, AsyncAdminClient, AsyncClient, Client

CLIENT_DIR = Path(utaex.client.__file__).parent

METHODS = {
    "server_time": "/api/v2/public/time",
    "coins": "/api/v2/spot/public/coins",
    "instruments": "/api/v3/market/instruments",
    "tickers": "/api/v3/market/tickers",
    "orderbook": "/api/v3/market/orderbook",
    "market_fills": "/api/v3/market/fills",
    "candles": "/api/v3/market/candles",
    "history_candles": "/api/v3/market/history-candles",
    "current_fund_rate": "/api/v3/market/current-fund-rate",
    "history_fund_rate": "/api/v3/market/history-fund-rate",
    "open_interest": "/api/v3/market/open-interest",
    "oi_limit": "/api/v3/market/oi-limit",
    "position_tier": "/api/v3/market/position-tier",
    "discount_rate": "/api/v3/market/discount-rate",
    "margin_loans": "/api/v3/market/margin-loans",
    "proof_of_reserves": "/api/v3/market/proof-of-reserves",
    "risk_reserve": "/api/v3/market/risk-reserve",
    "account_settings": "/api/v3/account/settings",
    "assets": "/api/v3/account/assets",
    "fee_rate": "/api/v3/account/fee-rate",
    "set_leverage": "/api/v3/account/set-leverage",
    "set_hold_mode": "/api/v3/account/set-hold-mode",
    "place_order": "/api/v3/trade/place-order",
    "place_batch": "/api/v3/trade/place-batch",
    "cancel_order": "/api/v3/trade/cancel-order",
    "cancel_batch": "/api/v3/trade/cancel-batch",
    "cancel_symbol_orders": "/api/v3/trade/cancel-symbol-order",
    "close_positions": "/api/v3/trade/close-positions",
    "funding_assets": "/api/v3/account/funding-assets",
    "max_open_available": "/api/v3/account/max-open-available",
    "countdown_cancel_all": "/api/v3/trade/countdown-cancel-all",
    "modify_order": "/api/v3/trade/modify-order",
    "batch_modify_order": "/api/v3/trade/batch-modify-order",
    "order_info": "/api/v3/trade/order-info",
    "unfilled_orders": "/api/v3/trade/unfilled-orders",
    "history_orders": "/api/v3/trade/history-orders",
    "fills": "/api/v3/trade/fills",
    "positions": "/api/v3/position/current-position",
    "financial_records": "/api/v3/account/financial-records",
    "history_positions": "/api/v3/position/history-position",
    "adl_rank": "/api/v3/position/adlRank",
    "place_strategy_order": "/api/v3/trade/place-strategy-order",
    "modify_strategy_order": "/api/v3/trade/modify-strategy-order",
    "cancel_strategy_order": "/api/v3/trade/cancel-strategy-order",
    "unfilled_strategy_orders": "/api/v3/trade/unfilled-strategy-orders",
    "history_strategy_orders": "/api/v3/trade/history-strategy-orders",
}
# a second path the venue serves for one of the methods' endpoints (the page shows both)
ALIASES = {"/api/v3/trade/max-open-available"}
ADMIN_METHODS = ("create_user", "create_api_key", "deposit", "audit", "add_fault", "faults", "clear_faults",
                 "delete_fault", "reset", "clock", "set_clock", "advance", "set_price", "save_state",
                 "restore_state", "market_tick")


def test_public_names():
    assert sorted(utaex.client.__all__) == sorted([
        "BITGET_BASE_URL", "DEFAULT_BASE_URL", "AdminClient", "AsyncAdminClient", "AsyncClient", "BitgetError",
        "CancelBatchItem", "Client", "Credentials", "ItemError", "OrderIds", "OrderOptions", "PlaceOrderRequest",
        "order_request"])


def test_every_served_endpoint_has_a_method(venue):
    doc = httpx.get(venue.base_url + "/openapi.json", timeout=10).json()
    doc = doc.get("data", doc)  # served inside a Bitget envelope today
    served = {p for p in doc["paths"] if not p.startswith("/admin/")} - {"/openapi.json"}
    assert served == set(METHODS.values()) | ALIASES
    for name in METHODS:
        sync, aio = getattr(Client, name), getattr(AsyncClient, name)
        assert not inspect.iscoroutinefunction(sync) and inspect.iscoroutinefunction(aio), name
        assert inspect.signature(sync) == inspect.signature(aio), name
    for name in ADMIN_METHODS:
        assert inspect.iscoroutinefunction(getattr(AsyncAdminClient, name))
        assert inspect.signature(getattr(AdminClient, name)) == inspect.signature(getattr(AsyncAdminClient, name))


def test_client_imports_only_wire():
    for path in CLIENT_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 or (node.module or "").startswith("wire"), (path.name, node.module)
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.startswith("utaex.") and not n.startswith("utaex.wire") for n in names)
    loaded = subprocess.run([sys.executable, "-c", "import sys, json, utaex.client; "
                             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('utaex'))))"],
                            capture_output=True, text=True, check=True).stdout
    assert {m.split(".")[1] for m in json.loads(loaded) if m.count(".")} == {"client", "wire"}
