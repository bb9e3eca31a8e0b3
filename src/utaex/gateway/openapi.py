"""``/openapi.json``: the OpenAPI 3.1 document of every REST route the app registers.

Request bodies, query parameters and response ``data`` schemas are generated with msgspec from the
structs of ``utaex.wire``: the request structs the gateway decodes bodies with, the ``*Query`` structs
of the GET endpoints and the response structs the SDK decodes into. ``OPERATIONS`` describes each
route; a registered route missing from it is still listed, without schemas (a test requires every
route to have them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from ..wire import requests as Q
from ..wire import responses as R

if TYPE_CHECKING:
    from .app import App

BITGET_DOCS = "https://www.bitget.com/api-doc/uta/"
VERSION = "0.1.0"


@dataclass(frozen=True)
class Op:
    summary: str
    tag: str
    response: Any  # the type of the envelope's ``data``
    query: type[msgspec.Struct] | None = None
    body: Any = None
    body_required: bool = True
    page: str = ""  # Bitget's doc page, relative to BITGET_DOCS
    description: str = ""
    bare: bool = False  # answered without the Bitget envelope


# the path parameter a prefix route's variable segment stands for (any other prefix: {id})
PATH_PARAMS = {"/admin/v1/users/": ("uid", "The user's uid", {"type": "string", "pattern": "^[0-9]{1,19}$"})}
_ANY_ID = ("id", "The identifier in the path", {"type": "string"})  # e.g. a fault id

OPERATIONS: dict[tuple[str, str], Op] = {
    ("GET", "/api/v2/public/time"): Op("Get server time", "Public", R.ServerTime, page="common/Get-Server-Time"),
    ("GET", "/api/v2/spot/public/coins"): Op(
        "Coin list (Bitget spot v2; ccxt loads it with the markets)", "Public", list[R.Coin], Q.CoinsQuery),
    ("GET", "/api/v3/market/instruments"): Op("Get instruments", "Public", list[R.Instrument], Q.InstrumentsQuery,
                                              page="public/Instruments"),
    ("GET", "/api/v3/market/tickers"): Op("Get tickers", "Public", list[R.Ticker], Q.InstrumentsQuery,
                                          page="public/Tickers"),
    ("GET", "/api/v3/market/orderbook"): Op(
        "Get order book", "Public", R.OrderBook, Q.OrderBookQuery, page="public/OrderBook",
        description="Price levels are JSON numbers, as Bitget sends them."),
    ("GET", "/api/v3/market/fills"): Op("Get recent public fills", "Public", list[R.PublicFill], Q.PublicFillsQuery,
                                        page="public/Fills"),
    ("GET", "/api/v3/market/candles"): Op(
        "Get kline/candlestick", "Public", list[list[str]], Q.CandlesQuery, page="public/Get-Candle-Data",
        description="Rows [ts, open, high, low, close, volume, turnover] as strings, oldest first; the last row "
                    "may be the live bar."),
    ("GET", "/api/v3/market/history-candles"): Op(
        "Get kline/candlestick history", "Public", list[list[str]], Q.CandlesQuery,
        page="public/Get-History-Candle-Data", description="Closed bars only, as candles."),
    ("GET", "/api/v3/market/current-fund-rate"): Op(
        "Get current funding rate", "Public", list[R.FundingRate], Q.CurrentFundRateQuery,
        page="public/Get-Current-Funding-Rate",
        description="The rate the running period would settle at (docs/market.md, \"Funding\")."),
    ("GET", "/api/v3/market/history-fund-rate"): Op(
        "Get funding rate history", "Public", R.FundingRateHistory, Q.HistoryFundRateQuery,
        page="public/Get-History-Funding-Rate", description="Past settlements of the last 90 days, newest first."),
    ("GET", "/api/v3/market/open-interest"): Op("Get open interest", "Public", R.OpenInterest, Q.FuturesQuery,
                                                page="public/Get-Open-Interest"),
    ("GET", "/api/v3/market/oi-limit"): Op("Get open interest limit", "Public", list[R.OiLimit], Q.FuturesQuery,
                                           page="public/Get-Contracts-Oi"),
    ("GET", "/api/v3/market/position-tier"): Op("Get position tier", "Public", list[R.PositionTier],
                                                Q.PositionTierQuery, page="public/Get-Position-Tier-Data"),
    ("GET", "/api/v3/market/discount-rate"): Op("Get discount rate", "Public", list[R.DiscountRate],
                                                page="public/Get-Discount-Rate"),
    ("GET", "/api/v3/market/margin-loans"): Op("Get margin loan", "Public", R.MarginLoan, Q.MarginLoansQuery,
                                               page="public/Get-Margin-Loans"),
    ("GET", "/api/v3/market/proof-of-reserves"): Op("Get proof of reserves", "Public", R.ProofOfReserves,
                                                    page="public/Get-Proof-Of-Reserves"),
    ("GET", "/api/v3/market/risk-reserve"): Op("Get risk reserve", "Public", R.RiskReserve, Q.RiskReserveQuery,
                                               page="public/Get-Risk-Reserve"),
    ("GET", "/api/v3/account/settings"): Op("Get account info", "Account", R.AccountSettings,
                                            page="account/Get-Account-Setting"),
    ("GET", "/api/v3/account/assets"): Op("Get account assets", "Account", R.AccountAssets, page="account/Get-Account"),
    ("GET", "/api/v3/account/fee-rate"): Op("Get account fee rate", "Account", R.FeeRate, Q.FeeRateQuery,
                                            page="account/Get-Account-Fee-Rate"),
    ("POST", "/api/v3/account/set-leverage"): Op("Set leverage", "Account", str, body=Q.SetLeverageRequest,
                                                 page="account/Change-Leverage"),
    ("POST", "/api/v3/account/set-hold-mode"): Op("Set holding mode", "Account", str, body=Q.SetHoldModeRequest,
                                                  page="account/Change-Position-Mode"),
    ("POST", "/api/v3/trade/place-order"): Op("Place order", "Trade", R.OrderIds, body=Q.PlaceOrderRequest,
                                              page="trade/Place-Order"),
    ("POST", "/api/v3/trade/place-batch"): Op(
        "Batch place orders", "Trade", list[R.BatchRow], body=list[Q.PlaceOrderRequest], page="trade/Place-Batch",
        description="1-20 orders of one category; one result per order, in request order: the ids, or the "
                    "clientOid given with the order's own code and msg."),
    ("POST", "/api/v3/trade/cancel-order"): Op("Cancel order", "Trade", R.OrderIds, body=Q.CancelOrderRequest,
                                               page="trade/Cancel-Order"),
    ("POST", "/api/v3/trade/cancel-batch"): Op(
        "Batch cancel orders", "Trade", list[R.BatchRow], body=list[Q.CancelBatchItem], page="trade/Cancel-Batch",
        description="1-20 items of one category, each with category and symbol; one result per item, in "
                    "request order (partial success): the order's ids, or the ids as given with code and msg. "
                    "orderId wins over clientOid."),
    ("POST", "/api/v3/trade/modify-order"): Op(
        "Modify order", "Trade", R.OrderIds, body=Q.ModifyOrderRequest, page="trade/Modify-Order",
        description="New price and/or total qty of a pending order; the orderId stays. autoCancel=yes cancels "
                    "the order when the modify fails."),
    ("POST", "/api/v3/trade/batch-modify-order"): Op(
        "Batch modify orders", "Trade", list[R.BatchRow], body=list[Q.ModifyOrderRequest],
        page="trade/Batch-Modify-Orders",
        description="1-20 modifies of one category; one result per item, in request order (partial success): "
                    "the order's ids, or the ids as given with code and msg."),
    ("POST", "/api/v3/trade/cancel-symbol-order"): Op(
        "Cancel all orders", "Trade", R.OrderIdList, body=Q.CancelSymbolRequest, page="trade/Cancel-All-Order"),
    ("POST", "/api/v3/trade/countdown-cancel-all"): Op(
        "Countdown cancel all (dead-man switch)", "Trade", str, body=Q.CountdownRequest,
        page="trade/CountDown-Cancel-All"),
    ("GET", "/api/v3/trade/order-info"): Op("Get order details", "Trade", R.Order, Q.OrderInfoQuery,
                                            page="trade/Get-Order-Details"),
    ("GET", "/api/v3/trade/unfilled-orders"): Op("Get open orders", "Trade", R.OrderPage, Q.UnfilledOrdersQuery,
                                                 page="trade/Get-Order-Pending"),
    ("GET", "/api/v3/trade/history-orders"): Op("Get order history", "Trade", R.OrderPage, Q.HistoryOrdersQuery,
                                                page="trade/Get-Order-History"),
    ("GET", "/api/v3/trade/fills"): Op("Get fill history", "Trade", R.FillPage, Q.FillsQuery,
                                       page="trade/Get-Order-Fills"),
    ("GET", "/api/v3/position/current-position"): Op("Get position info", "Trade", R.PositionList, Q.PositionQuery,
                                                     page="trade/Get-Position"),
    ("POST", "/api/v3/trade/close-positions"): Op(
        "Close all positions", "Trade", R.BatchRowList, body=Q.ClosePositionsRequest,
        description="Market orders that close every position of the category (or one symbol / side); pending "
                    "closing orders on them are cancelled first. One result per position.",
        page="trade/Close-All-Positions"),
    ("GET", "/api/v3/account/financial-records"): Op(
        "Get financial records", "Account", R.FinancialRecordPage, Q.FinancialRecordsQuery,
        page="account/Get-Financial-Records",
        description="Every balance change, newest first: deposits (category OTHER, TRANSFER_IN), fills (amount and "
                    "fee per coin, or realised PnL and fee for futures), margin borrowing and repayment, funding "
                    "and liquidation; `balance` is the balance after the change."),
    ("GET", "/api/v3/position/history-position"): Op(
        "Get positions history", "Trade", R.ClosedPositionPage, Q.PositionHistoryQuery,
        page="trade/Get-Position-History",
        description="Positions closed (size back to 0) in the last 90 days, newest first, with their lifetime "
                    "totals."),
    ("GET", "/api/v3/position/adlRank"): Op(
        "Get position ADL rank", "Trade", list[R.AdlRank], page="trade/Get-Position-ADL-Rank",
        description="Each open position's place in its contract's auto-deleveraging queue, from its PnL ratio "
                    "and leverage among the positions on the same contract and side (1 = first)."),
    ("POST", "/api/v3/trade/max-open-available"): Op(
        "Get max open available", "Trade", R.MaxOpenAvailable, body=Q.MaxOpenRequest,
        description="The same as `/api/v3/account/max-open-available`, at the path of the page's curl example.",
        page="trade/Get-Max-Open-Available"),
    ("POST", "/api/v3/account/max-open-available"): Op(
        "Get max open available", "Account", R.MaxOpenAvailable, body=Q.MaxOpenRequest,
        description="Available balance for the order shape; MARGIN: the most it may buy or sell with borrowing; "
                    "futures: the cost of `size` and the most it may open per side at the user's leverage.",
        page="trade/Get-Max-Open-Available"),
    ("GET", "/api/v3/account/funding-assets"): Op(
        "Get funding account assets", "Account", list[R.FundingAsset], Q.FundingAssetsQuery,
        description="utaex credits every deposit to the unified trading account: the funding account is empty.",
        page="account/Get-Account-Funding-Assets"),
    ("POST", "/api/v3/trade/place-strategy-order"): Op(
        "Place strategy order (TP/SL)", "Strategy", R.OrderIds, body=Q.PlaceStrategyRequest,
        page="strategy/Place-Strategy-Order",
        description="A take-profit and/or stop-loss on a futures position: tpslMode full (the whole position, "
                    "one per position) or partial (qty). Fires on the last price (market) or the mark price "
                    "(mark) and places a closing market or limit order in the same step as the trade."),
    ("POST", "/api/v3/trade/modify-strategy-order"): Op(
        "Modify strategy order", "Strategy", R.OrderIds, body=Q.ModifyStrategyRequest,
        page="strategy/Modify-Strategy-Order"),
    ("POST", "/api/v3/trade/cancel-strategy-order"): Op(
        "Cancel strategy order", "Strategy", None, body=Q.CancelStrategyRequest,
        page="strategy/Cancel-Strategy-Order"),
    ("GET", "/api/v3/trade/unfilled-strategy-orders"): Op(
        "Unfilled strategy orders", "Strategy", list[R.StrategyOrder], Q.UnfilledStrategyQuery,
        page="strategy/Get-Unfilled-Strategy-Orders"),
    ("GET", "/api/v3/trade/history-strategy-orders"): Op(
        "History strategy orders", "Strategy", R.StrategyOrderPage, Q.HistoryStrategyQuery,
        page="strategy/Get-History-Strategy-Orders"),
    ("GET", "/openapi.json"): Op("This document", "utaex", dict[str, Any], bare=True),
    ("POST", "/admin/v1/users"): Op(
        "Create a user", "Admin", R.ApiKeyInfo, body=Q.CreateUserRequest, body_required=False,
        description="A new user with its first API key (HMAC), funded with `balances` (coin -> amount). "
                    "The only time the secretKey and passphrase are shown."),
    ("POST", "/admin/v1/users/*/api-keys"): Op(
        "Create an API key", "Admin", R.ApiKeyInfo, body=Q.CreateKeyRequest, body_required=False,
        description="Another key for the user: HMAC, or RSA when `rsaPublicKey` (PEM) is given."),
    ("POST", "/admin/v1/users/*/deposits"): Op("Deposit", "Admin", str, body=Q.DepositRequest,
                                               description="Credit `amount` of `coin` to the user."),
    ("GET", "/admin/v1/users"): Op(
        "List users", "Admin", R.UserPage, Q.AdminUsersQuery,
        description="Users in uid order with their API keys (never the secrets), balances, deposits and "
                    "open-order count."),
    ("GET", "/admin/v1/audit"): Op(
        "Audit the venue", "Admin", R.Audit, Q.AuditQuery,
        description="Invariant checks (`problems` is empty when all hold), the state hash and journal "
                    "figures; with replay=1 also the state hash of a full journal replay."),
    ("GET", "/admin/v1/replication"): Op(
        "Replication role", "Admin", R.ReplicationState,
        description="This venue's role on the replicated journal (docs/scale-out.md): `writable` is true only on "
                    "the venue that acknowledges writes (a load balancer's health check), `primary` names the "
                    "lease holder."),
    ("POST", "/admin/v1/faults"): Op(
        "Inject a fault", "Admin", R.FaultId, body=Q.FaultRequest,
        description="A fault on a REST path or `ws:<op or channel>` (fields in docs/testing.md): effect `429`, "
                    "`latency`, `error`, `lost_reply`, `item_error`, `ws_drop` or `ws_delay`, optionally for one "
                    "`uid`, for the next `count` matches or with a seeded `probability`. Answers its `id`."),
    ("GET", "/admin/v1/faults"): Op("List injected faults", "Admin", R.FaultList,
                                    description="Every fault in force, with its hits and remaining count."),
    ("DELETE", "/admin/v1/faults"): Op("Clear every fault", "Admin", R.Removed),
    ("DELETE", "/admin/v1/faults/*"): Op("Clear one fault", "Admin", R.Removed),
    ("POST", "/admin/v1/reset"): Op(
        "Reset the venue", "Admin", R.ResetResult, body=Q.ResetRequest, body_required=False,
        description="Back to the start state: every order, position, trade and fault gone, each user's "
                    "balances back to what was deposited; `users: false` drops users and keys too; "
                    "`name` restores a state saved with POST /admin/v1/states instead."),
    ("POST", "/admin/v1/states"): Op(
        "Save the venue's state", "Admin", R.SavedState, body=Q.SaveStateRequest,
        description="Keep users, balances, orders, positions and strategy orders under `name` (journaled); "
                    "`POST /admin/v1/reset {\"name\": ...}` restores it."),
    ("GET", "/admin/v1/states"): Op("List saved states", "Admin", R.SavedStateList),
    # -- the virtual clock and the market simulator (docs/market.md) --
    ("GET", "/admin/v1/clock"): Op("The virtual clock", "Admin", R.ClockState,
                                   description="Mode (`realtime` or `step`), speed and virtual time `now` (ms)."),
    ("POST", "/admin/v1/clock"): Op(
        "Set the virtual clock", "Admin", R.ClockState, body=Q.ClockRequest,
        description="`{\"mode\":\"step\"}` stops virtual time (POST /admin/v1/clock/advance moves it); "
                    "`{\"mode\":\"realtime\",\"speed\":N}` lets it flow N times as fast as the wall clock. "
                    "Time never goes back; the change is journaled. Signatures keep using the wall clock."),
    ("POST", "/admin/v1/clock/advance"): Op(
        "Advance the stepped clock", "Admin", R.ClockState, body=Q.AdvanceRequest,
        description="Runs everything due in the next `ms` of virtual time in time order (market ticks, "
                    "agents' wake-ups, dead-man switches), then answers. Step mode only."),
    ("POST", "/admin/v1/prices"): Op(
        "Move a reference price", "Admin", R.ReferencePrice, body=Q.PriceRequest,
        description="Sets the oracle's reference (index) price of the instrument (every instrument sharing "
                    "its oracle moves with it); makers re-quote around it and a market tick follows at once."),
    # -- index, mark, funding and liquidation without the simulator (docs/market.md) --
    ("POST", "/admin/v1/market-tick"): Op(
        "Apply a market tick", "Admin", R.MarketTickResult, body=Q.MarketTickRequest,
        description="A market tick at the venue's (virtual) time, as the simulator sends every step: sets the "
                    "given index prices, recomputes every contract's mark, fires mark-price TP/SL, liquidates "
                    "accounts below maintenance margin and settles funding at the funding times reached. "
                    "Answers the instruments whose index or mark moved."),
}

_ENVELOPE_ERROR = {
    "type": "object",
    "required": ["code", "msg", "requestTime", "data"],
    "properties": {"code": {"type": "string", "description": "Bitget error code"}, "msg": {"type": "string"},
                   "requestTime": {"type": "integer"}, "data": {"type": "null"}},
}
_ERRORS = {
    "BitgetError": "A Bitget error (parameter, business or authentication error): the code and msg in the body",
    "RateLimited": "Over the endpoint's rate limit (code 429)",
    "Unauthorized": "Missing or wrong admin bearer token (code 40014)",
}
_SIGNED: list[dict[str, list[str]]] = [
    {"AccessKey": [], "AccessSign": [], "AccessTimestamp": [], "AccessPassphrase": []}]


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema without msgspec's ``None`` alternative and default."""
    schema = {k: v for k, v in schema.items() if k != "default"}
    alts = schema.get("anyOf")
    if alts is not None:
        rest = [a for a in alts if a != {"type": "null"}]
        if len(rest) == 1:
            schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, **rest[0]}
    return schema


def _parameters(query: type[msgspec.Struct], components: dict[str, Any]) -> list[dict[str, Any]]:
    struct = components[query.__name__]
    required = set(struct.get("required", ()))
    out = []
    for name, prop in struct["properties"].items():
        schema = _plain(prop)
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in schema:
            param["description"] = schema.pop("description")
        param["schema"] = schema
        out.append(param)
    return out


def _numbers(schema: Any) -> Any:
    """Decimal fields are JSON numbers on the wire (the order book levels), not msgspec's decimal strings."""
    if isinstance(schema, dict):
        if schema.get("type") == "string" and schema.get("format") == "decimal":
            return {"type": "number"}
        return {k: _numbers(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_numbers(v) for v in schema]
    return schema


def _envelope(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["code", "msg", "requestTime", "data"],
        "properties": {"code": {"type": "string", "const": "00000"}, "msg": {"type": "string"},
                       "requestTime": {"type": "integer", "description": "Server time, Unix milliseconds"},
                       "data": data},
    }


def _routes(app: App) -> list[tuple[str, str, str, Any]]:
    """(method, route name, OpenAPI path, auth) of every registered route, in path order."""
    out = [(m, p, p, r.auth) for (m, p), r in app.routes.items()]
    for m, prefix, suffix, _handler in app.prefix_routes:
        name = PATH_PARAMS.get(prefix, _ANY_ID)[0]
        out.append((m, prefix + "*" + suffix, prefix + "{" + name + "}" + suffix, "admin"))
    return sorted(out, key=lambda r: (r[2], r[0]))


def document(app: App) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s REST routes."""
    routes = _routes(app)
    ops = [OPERATIONS.get((m, name)) for m, name, _, _ in routes]
    types: list[Any] = []
    for op in ops:
        if op is not None:
            types += [op.response] + ([op.body] if op.body is not None else []) + ([op.query] if op.query else [])
    schemas, components = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    schema_of = iter(schemas)
    paths: dict[str, Any] = {}
    for (method, name, path, auth), op in zip(routes, ops, strict=True):
        doc: dict[str, Any] = {"summary": name.rsplit("/", 1)[-1], "responses": {}}
        limit = app.routes[(method, name)].limit if (method, name) in app.routes else 0
        if op is not None:
            data = next(schema_of)
            body = next(schema_of) if op.body is not None else None
            query = next(schema_of) if op.query is not None else None
            doc["summary"] = op.summary
            doc["tags"] = [op.tag]
            doc["operationId"] = re.sub(r"[^A-Za-z0-9]+", "_", f"{method.lower()}{path}").strip("_")
            text = op.description
            if auth != "admin" and limit:
                who = "IP" if auth is None else "UID"
                text = (text + "\n\n" if text else "") + f"Rate limit: {limit} requests/s per {who}."
            if text:
                doc["description"] = text
            if op.page:
                doc["externalDocs"] = {"description": "Bitget's page", "url": BITGET_DOCS + op.page}
            if query is not None:
                assert op.query is not None
                doc["parameters"] = _parameters(op.query, components)
            if body is not None:
                doc["requestBody"] = {"required": op.body_required,
                                      "content": {"application/json": {"schema": body}}}
            content = data if op.bare else _envelope(data)
            doc["responses"]["200"] = {"description": "Success",
                                       "content": {"application/json": {"schema": content}}}
        else:
            doc["responses"]["200"] = {"description": "Success: Bitget envelope {code, msg, requestTime, data}"}
        if "*" in name:
            param, text, schema = PATH_PARAMS.get(name.split("*", 1)[0], _ANY_ID)
            doc.setdefault("parameters", []).insert(0, {
                "name": param, "in": "path", "required": True, "description": text, "schema": schema})
        if auth == "admin":
            doc["security"] = [{"AdminToken": []}]
            doc["responses"]["401"] = {"$ref": "#/components/responses/Unauthorized"}
        elif auth is not None:
            doc["security"] = _SIGNED
        if path != "/openapi.json":
            doc["responses"]["400"] = {"$ref": "#/components/responses/BitgetError"}
        if auth != "admin":
            doc["responses"]["429"] = {"$ref": "#/components/responses/RateLimited"}
        paths.setdefault(path, {})[method.lower()] = doc
    for op in ops:  # query structs became parameters
        if op is not None and op.query is not None:
            components.pop(op.query.__name__, None)
    header_keys = (("AccessKey", "ACCESS-KEY", "The API key"),
                   ("AccessSign", "ACCESS-SIGN", "Base64 HMAC-SHA256 (or RSA) signature of timestamp + "
                                                 "method + path[?query] + body, as Bitget signs"),
                   ("AccessTimestamp", "ACCESS-TIMESTAMP", "Unix milliseconds, within 30 s of the server's"),
                   ("AccessPassphrase", "ACCESS-PASSPHRASE", "The key's passphrase"))
    security: dict[str, Any] = {name: {"type": "apiKey", "in": "header", "name": header, "description": text}
                                for name, header, text in header_keys}
    security["AdminToken"] = {"type": "http", "scheme": "bearer",
                              "description": "utaex's admin token (UTAEX_ADMIN_TOKEN, or the one printed at start)"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "utaex: a Bitget UTA v3 compatible venue", "version": VERSION,
                 "description": "Bitget's Unified Trading Account REST v3 API as utaex serves it, plus utaex's "
                                "admin API (/admin/v1). Every answer but this document's is Bitget's envelope "
                                "{code, msg, requestTime, data}."},
        "externalDocs": {"description": "Bitget UTA API", "url": BITGET_DOCS + "intro"},
        "paths": paths,
        "components": {
            "schemas": _numbers(components),
            "responses": {name: {"description": text, "content": {"application/json": {"schema": _ENVELOPE_ERROR}}}
                          for name, text in _ERRORS.items()},
            "securitySchemes": security,
        },
    }


def encode(app: App) -> bytes:
    return msgspec.json.encode(document(app))
