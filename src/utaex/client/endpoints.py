"""Every served endpoint as a :class:`~utaex.client.base.Call`: path, parameters, body struct, result type.

The sync and async clients run these; nothing here does I/O. Request bodies are the typed structs of
``utaex.wire.requests`` (the ones the gateway decodes with), so a misspelt field fails here, not on the
server. Results decode into ``utaex.wire.responses``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import msgspec

from ..wire import responses as R
from ..wire.requests import (
    AdvanceRequest,
    CancelBatchItem,
    CancelOrderRequest,
    CancelStrategyRequest,
    CancelSymbolRequest,
    ClockRequest,
    ClosePositionsRequest,
    CountdownRequest,
    CreateKeyRequest,
    CreateUserRequest,
    DepositRequest,
    FaultRequest,
    IndexQuoteBody,
    MarketTickRequest,
    MaxOpenRequest,
    ModifyOrderRequest,
    ModifyStrategyRequest,
    PlaceOrderRequest,
    PlaceStrategyRequest,
    PriceRequest,
    ResetRequest,
    SaveStateRequest,
    SetHoldModeRequest,
    SetLeverageRequest,
)
from .base import Call, Number, num

BATCH_MAX = 20


def _yes_no(value: bool | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return "YES" if value else "NO"


def _opt(value: Number | None, name: str) -> str | None:
    return None if value is None else num(value, name)


class OrderOptions(TypedDict, total=False):
    """Optional place-order fields (keyword arguments of ``place_order`` and :func:`order_request`)."""

    time_in_force: str
    pos_side: str
    client_oid: str
    reduce_only: bool | str
    stp_mode: str
    take_profit: Number
    stop_loss: Number
    tp_trigger_by: str
    sl_trigger_by: str
    tp_order_type: str
    sl_order_type: str
    tp_limit_price: Number
    sl_limit_price: Number


def order_request(category: str, symbol: str, side: str, order_type: str, qty: Number, price: Number | None = None,
                  *, time_in_force: str | None = None, pos_side: str | None = None, client_oid: str | None = None,
                  reduce_only: bool | str | None = None, stp_mode: str | None = None,
                  take_profit: Number | None = None, stop_loss: Number | None = None,
                  tp_trigger_by: str | None = None, sl_trigger_by: str | None = None,
                  tp_order_type: str | None = None, sl_order_type: str | None = None,
                  tp_limit_price: Number | None = None, sl_limit_price: Number | None = None) -> PlaceOrderRequest:
    """A place-order body (also an item of :func:`place_batch`). Amounts are exact: str, int or Decimal."""
    return PlaceOrderRequest(
        category=category, symbol=symbol, side=side, orderType=order_type, qty=num(qty, "qty"),
        price=_opt(price, "price"), timeInForce=time_in_force, posSide=pos_side, clientOid=client_oid,
        reduceOnly=_yes_no(reduce_only), stpMode=stp_mode, takeProfit=_opt(take_profit, "take_profit"),
        stopLoss=_opt(stop_loss, "stop_loss"), tpTriggerBy=tp_trigger_by, slTriggerBy=sl_trigger_by,
        tpOrderType=tp_order_type, slOrderType=sl_order_type, tpLimitPrice=_opt(tp_limit_price, "tp_limit_price"),
        slLimitPrice=_opt(sl_limit_price, "sl_limit_price"))


class TpslOptions(TypedDict, total=False):
    """The take-profit / stop-loss legs of a strategy order (keyword arguments of the strategy methods)."""

    take_profit: Number
    stop_loss: Number
    tp_trigger_by: str
    sl_trigger_by: str
    tp_order_type: str
    sl_order_type: str
    tp_limit_price: Number
    sl_limit_price: Number


def _legs(options: TpslOptions) -> dict[str, Any]:
    unknown = set(options) - set(TpslOptions.__annotations__)
    if unknown:
        raise TypeError(f"unknown TP/SL options: {sorted(unknown)}")
    o: dict[str, Any] = dict(options)
    return {
        "takeProfit": _opt(o.get("take_profit"), "take_profit"), "stopLoss": _opt(o.get("stop_loss"), "stop_loss"),
        "tpTriggerBy": o.get("tp_trigger_by"), "slTriggerBy": o.get("sl_trigger_by"),
        "tpOrderType": o.get("tp_order_type"), "slOrderType": o.get("sl_order_type"),
        "tpLimitPrice": _opt(o.get("tp_limit_price"), "tp_limit_price"),
        "slLimitPrice": _opt(o.get("sl_limit_price"), "sl_limit_price"),
    }


def _struct(item: Any, typ: type[Any]) -> Any:
    if isinstance(item, typ):
        return item
    if isinstance(item, Mapping):
        return msgspec.convert(dict(item), typ)
    raise TypeError(f"expected {typ.__name__} or a mapping, got {type(item).__name__}")


def _batch_results(rows: list[R.BatchRow]) -> list[R.BatchItem]:
    return [row.result() for row in rows]


def _check_batch(items: Sequence[Any], what: str) -> None:
    if isinstance(items, str | bytes | Mapping):
        raise TypeError(f"{what} takes a sequence of items")


# -- public market data ---------------------------------------------------------------------------------------

def server_time() -> Call[R.ServerTime]:
    return Call("GET", "/api/v2/public/time", signed=False, type=R.ServerTime)


def coins(coin: str | None = None) -> Call[list[R.Coin]]:
    return Call("GET", "/api/v2/spot/public/coins", {"coin": coin}, signed=False, type=list[R.Coin])


def instruments(category: str, symbol: str | None = None) -> Call[list[R.Instrument]]:
    return Call("GET", "/api/v3/market/instruments", {"category": category, "symbol": symbol}, signed=False,
                type=list[R.Instrument])


def tickers(category: str, symbol: str | None = None) -> Call[list[R.Ticker]]:
    return Call("GET", "/api/v3/market/tickers", {"category": category, "symbol": symbol}, signed=False,
                type=list[R.Ticker])


def orderbook(category: str, symbol: str, limit: int | None = None) -> Call[R.OrderBook]:
    return Call("GET", "/api/v3/market/orderbook", {"category": category, "symbol": symbol, "limit": limit},
                signed=False, type=R.OrderBook)


def market_fills(category: str, symbol: str, limit: int | None = None) -> Call[list[R.PublicFill]]:
    return Call("GET", "/api/v3/market/fills", {"category": category, "symbol": symbol, "limit": limit},
                signed=False, type=list[R.PublicFill])


def _candle_params(category: str, symbol: str, interval: str, start_time: int | None, end_time: int | None,
                   kind: str | None, limit: int | None) -> dict[str, Any]:
    return {"category": category, "symbol": symbol, "interval": interval, "startTime": start_time,
            "endTime": end_time, "type": kind, "limit": limit}


def candles(category: str, symbol: str, interval: str, *, start_time: int | None = None,
            end_time: int | None = None, kind: str | None = None, limit: int | None = None) -> Call[list[list[str]]]:
    """Rows ``[ts, open, high, low, close, volume, turnover]`` (strings), oldest first; ``kind`` is the
    ``type`` parameter (market, mark, index, premium)."""
    return Call("GET", "/api/v3/market/candles",
                _candle_params(category, symbol, interval, start_time, end_time, kind, limit),
                signed=False, type=list[list[str]])


def history_candles(category: str, symbol: str, interval: str, *, start_time: int | None = None,
                    end_time: int | None = None, kind: str | None = None,
                    limit: int | None = None) -> Call[list[list[str]]]:
    return Call("GET", "/api/v3/market/history-candles",
                _candle_params(category, symbol, interval, start_time, end_time, kind, limit),
                signed=False, type=list[list[str]])


def current_fund_rate(symbol: str) -> Call[list[R.FundingRate]]:
    return Call("GET", "/api/v3/market/current-fund-rate", {"symbol": symbol}, signed=False,
                type=list[R.FundingRate])


def history_fund_rate(category: str, symbol: str, *, cursor: int | str | None = None,
                      limit: int | None = None) -> Call[list[R.FundingRateRecord]]:
    """Past settlements, newest first (``cursor`` is a page number)."""
    return Call("GET", "/api/v3/market/history-fund-rate",
                {"category": category, "symbol": symbol, "cursor": cursor, "limit": limit}, signed=False,
                type=R.FundingRateHistory, convert=lambda d: d.resultList)


def open_interest(category: str, symbol: str | None = None) -> Call[R.OpenInterest]:
    return Call("GET", "/api/v3/market/open-interest", {"category": category, "symbol": symbol}, signed=False,
                type=R.OpenInterest)


def oi_limit(category: str, symbol: str | None = None) -> Call[list[R.OiLimit]]:
    return Call("GET", "/api/v3/market/oi-limit", {"category": category, "symbol": symbol}, signed=False,
                type=list[R.OiLimit])


def position_tier(category: str, symbol: str | None = None, *, coin: str | None = None) -> Call[list[R.PositionTier]]:
    return Call("GET", "/api/v3/market/position-tier", {"category": category, "symbol": symbol, "coin": coin},
                signed=False, type=list[R.PositionTier])


def discount_rate() -> Call[list[R.DiscountRate]]:
    return Call("GET", "/api/v3/market/discount-rate", signed=False, type=list[R.DiscountRate])


def margin_loans(coin: str) -> Call[R.MarginLoan]:
    return Call("GET", "/api/v3/market/margin-loans", {"coin": coin}, signed=False, type=R.MarginLoan)


def proof_of_reserves() -> Call[R.ProofOfReserves]:
    return Call("GET", "/api/v3/market/proof-of-reserves", signed=False, type=R.ProofOfReserves)


def risk_reserve(category: str, symbol: str) -> Call[R.RiskReserve]:
    return Call("GET", "/api/v3/market/risk-reserve", {"category": category, "symbol": symbol}, signed=False,
                type=R.RiskReserve)


# -- account --------------------------------------------------------------------------------------------------

def account_settings() -> Call[R.AccountSettings]:
    return Call("GET", "/api/v3/account/settings", type=R.AccountSettings)


def assets() -> Call[R.AccountAssets]:
    return Call("GET", "/api/v3/account/assets", type=R.AccountAssets)


def fee_rate(category: str, symbol: str) -> Call[R.FeeRate]:
    return Call("GET", "/api/v3/account/fee-rate", {"category": category, "symbol": symbol}, type=R.FeeRate)


def set_leverage(category: str, leverage: int | str, symbol: str | None = None, *, coin: str | None = None,
                 pos_side: str | None = None) -> Call[str]:
    body = SetLeverageRequest(category=category, leverage=str(leverage), symbol=symbol, coin=coin, posSide=pos_side)
    return Call("POST", "/api/v3/account/set-leverage", body=body, type=str)


def set_hold_mode(hold_mode: str) -> Call[str]:
    return Call("POST", "/api/v3/account/set-hold-mode", body=SetHoldModeRequest(holdMode=hold_mode), type=str)


# -- trade ----------------------------------------------------------------------------------------------------

def place_order(request: PlaceOrderRequest) -> Call[R.OrderIds]:
    return Call("POST", "/api/v3/trade/place-order", body=request, type=R.OrderIds)


def place_batch(orders: Sequence[PlaceOrderRequest | Mapping[str, str]]) -> Call[list[R.BatchItem]]:
    _check_batch(orders, "place_batch")
    body = [_struct(o, PlaceOrderRequest) for o in orders]
    return Call("POST", "/api/v3/trade/place-batch", body=body, type=list[R.BatchRow], convert=_batch_results)


def cancel_order(order_id: str | None = None, client_oid: str | None = None, *, category: str | None = None,
                 symbol: str | None = None) -> Call[R.OrderIds]:
    if not order_id and not client_oid:
        raise ValueError("cancel_order needs an order_id or a client_oid")
    body = CancelOrderRequest(orderId=order_id, clientOid=client_oid, category=category, symbol=symbol)
    return Call("POST", "/api/v3/trade/cancel-order", body=body, type=R.OrderIds)


def cancel_batch(items: Sequence[CancelBatchItem | Mapping[str, str]]) -> Call[list[R.BatchItem]]:
    _check_batch(items, "cancel_batch")
    body = [_struct(i, CancelBatchItem) for i in items]
    return Call("POST", "/api/v3/trade/cancel-batch", body=body, type=list[R.BatchRow], convert=_batch_results)


def modify_order(order_id: str | None = None, client_oid: str | None = None, *, qty: Number | None = None,
                 price: Number | None = None, auto_cancel: bool | None = None, new_client_oid: str | None = None,
                 category: str | None = None, symbol: str | None = None) -> Call[R.OrderIds]:
    """New price and/or total qty of a pending order (the orderId stays); ``auto_cancel`` cancels the order
    when the modify fails."""
    if not order_id and not client_oid:
        raise ValueError("modify_order needs an order_id or a client_oid")
    if qty is None and price is None:
        raise ValueError("modify_order needs a qty or a price")
    body = ModifyOrderRequest(orderId=order_id, clientOid=client_oid, qty=_opt(qty, "qty"), price=_opt(price, "price"),
                              autoCancel=None if auto_cancel is None else ("yes" if auto_cancel else "no"),
                              newClientOid=new_client_oid, category=category, symbol=symbol)
    return Call("POST", "/api/v3/trade/modify-order", body=body, type=R.OrderIds)


def batch_modify_order(items: Sequence[ModifyOrderRequest | Mapping[str, str]]) -> Call[list[R.BatchItem]]:
    _check_batch(items, "batch_modify_order")
    body = [_struct(i, ModifyOrderRequest) for i in items]
    return Call("POST", "/api/v3/trade/batch-modify-order", body=body, type=list[R.BatchRow], convert=_batch_results)


def cancel_symbol_orders(category: str, symbol: str | None = None) -> Call[list[R.OrderIds]]:
    body = CancelSymbolRequest(category=category, symbol=symbol)
    return Call("POST", "/api/v3/trade/cancel-symbol-order", body=body, type=R.OrderIdList,
                convert=lambda d: d.list)


def close_positions(category: str, symbol: str | None = None, pos_side: str | None = None) -> Call[list[R.BatchItem]]:
    body = ClosePositionsRequest(category=category, symbol=symbol, posSide=pos_side)
    return Call("POST", "/api/v3/trade/close-positions", body=body, type=R.BatchRowList,
                convert=lambda d: _batch_results(d.list))


def max_open_available(category: str, symbol: str, order_type: str, side: str, price: Number | None = None,
                       size: Number | None = None) -> Call[R.MaxOpenAvailable]:
    body = MaxOpenRequest(category=category, symbol=symbol, orderType=order_type, side=side,
                          price=None if price is None else str(price), size=None if size is None else str(size))
    return Call("POST", "/api/v3/account/max-open-available", body=body, type=R.MaxOpenAvailable)


def funding_assets(coin: str | None = None) -> Call[list[R.FundingAsset]]:
    return Call("GET", "/api/v3/account/funding-assets", {"coin": coin}, type=list[R.FundingAsset])


def countdown_cancel_all(seconds: int | str) -> Call[str]:
    body = CountdownRequest(countdown=str(seconds))
    return Call("POST", "/api/v3/trade/countdown-cancel-all", body=body, type=str)


def order_info(order_id: str | None = None, client_oid: str | None = None) -> Call[R.Order]:
    if not order_id and not client_oid:
        raise ValueError("order_info needs an order_id or a client_oid")
    return Call("GET", "/api/v3/trade/order-info", {"orderId": order_id, "clientOid": client_oid}, type=R.Order)


def unfilled_orders(category: str | None = None, symbol: str | None = None, *, start_time: int | None = None,
                    end_time: int | None = None, limit: int | None = None,
                    cursor: str | None = None) -> Call[R.OrderPage]:
    params = {"category": category, "symbol": symbol, "startTime": start_time, "endTime": end_time,
              "limit": limit, "cursor": cursor or None}
    return Call("GET", "/api/v3/trade/unfilled-orders", params, type=R.OrderPage)


def history_orders(category: str, symbol: str | None = None, *, start_time: int | None = None,
                   end_time: int | None = None, limit: int | None = None,
                   cursor: str | None = None) -> Call[R.OrderPage]:
    params = {"category": category, "symbol": symbol, "startTime": start_time, "endTime": end_time,
              "limit": limit, "cursor": cursor or None}
    return Call("GET", "/api/v3/trade/history-orders", params, type=R.OrderPage)


def fills(category: str | None = None, *, order_id: str | None = None, start_time: int | None = None,
          end_time: int | None = None, limit: int | None = None, cursor: str | None = None) -> Call[R.FillPage]:
    params = {"category": category, "orderId": order_id, "startTime": start_time, "endTime": end_time,
              "limit": limit, "cursor": cursor or None}
    return Call("GET", "/api/v3/trade/fills", params, type=R.FillPage)


def financial_records(category: str, *, coin: str | None = None, type: str | None = None,
                      symbol: str | None = None, start_time: int | None = None, end_time: int | None = None,
                      limit: int | None = None, cursor: str | None = None) -> Call[R.FinancialRecordPage]:
    params = {"category": category, "coin": coin, "type": type, "symbol": symbol, "startTime": start_time,
              "endTime": end_time, "limit": limit, "cursor": cursor or None}
    return Call("GET", "/api/v3/account/financial-records", params, type=R.FinancialRecordPage)


def history_positions(category: str, symbol: str | None = None, *, start_time: int | None = None,
                      end_time: int | None = None, limit: int | None = None,
                      cursor: str | None = None) -> Call[R.ClosedPositionPage]:
    params = {"category": category, "symbol": symbol, "startTime": start_time, "endTime": end_time,
              "limit": limit, "cursor": cursor or None}
    return Call("GET", "/api/v3/position/history-position", params, type=R.ClosedPositionPage)


def adl_rank() -> Call[list[R.AdlRank]]:
    return Call("GET", "/api/v3/position/adlRank", {}, type=list[R.AdlRank])


def positions(category: str, symbol: str | None = None, *, pos_side: str | None = None) -> Call[list[R.Position]]:
    params = {"category": category, "symbol": symbol, "posSide": pos_side}
    return Call("GET", "/api/v3/position/current-position", params, type=R.PositionList, convert=lambda d: d.list)


# -- strategy (TP/SL) -----------------------------------------------------------------------------------------

def place_strategy_order(category: str, symbol: str, pos_side: str, *, qty: Number | None = None,
                         tpsl_mode: str | None = None, client_oid: str | None = None,
                         **legs: Any) -> Call[R.OrderIds]:
    body = PlaceStrategyRequest(category=category, symbol=symbol, posSide=pos_side, qty=_opt(qty, "qty"),
                                tpslMode=tpsl_mode, clientOid=client_oid, **_legs(legs))  # type: ignore[arg-type]
    return Call("POST", "/api/v3/trade/place-strategy-order", body=body, type=R.OrderIds)


def modify_strategy_order(order_id: str | None = None, client_oid: str | None = None, *, qty: Number | None = None,
                          **legs: Any) -> Call[R.OrderIds]:
    if not order_id and not client_oid:
        raise ValueError("modify_strategy_order needs an order_id or a client_oid")
    body = ModifyStrategyRequest(orderId=order_id, clientOid=client_oid, qty=_opt(qty, "qty"),
                                 **_legs(legs))  # type: ignore[arg-type]
    return Call("POST", "/api/v3/trade/modify-strategy-order", body=body, type=R.OrderIds)


def cancel_strategy_order(order_id: str | None = None, client_oid: str | None = None) -> Call[None]:
    if not order_id and not client_oid:
        raise ValueError("cancel_strategy_order needs an order_id or a client_oid")
    body = CancelStrategyRequest(orderId=order_id, clientOid=client_oid)
    return Call("POST", "/api/v3/trade/cancel-strategy-order", body=body, type=None)


def unfilled_strategy_orders(category: str, symbol: str | None = None) -> Call[list[R.StrategyOrder]]:
    return Call("GET", "/api/v3/trade/unfilled-strategy-orders", {"category": category, "symbol": symbol},
                type=list[R.StrategyOrder])


def history_strategy_orders(category: str, symbol: str | None = None, *, start_time: int | None = None,
                            end_time: int | None = None, limit: int | None = None,
                            cursor: str | None = None) -> Call[R.StrategyOrderPage]:
    params = {"category": category, "symbol": symbol, "startTime": start_time, "endTime": end_time,
              "limit": limit, "cursor": cursor or None}
    return Call("GET", "/api/v3/trade/history-strategy-orders", params, type=R.StrategyOrderPage)


# -- admin (utaex only; bearer token) -------------------------------------------------------------------------

def create_user(balances: Mapping[str, Number] | None = None, read_only: bool = False) -> Call[R.ApiKeyInfo]:
    body = CreateUserRequest(balances={c: num(a, c) for c, a in (balances or {}).items()}, readOnly=read_only)
    return Call("POST", "/admin/v1/users", body=body, signed=False, type=R.ApiKeyInfo)


def create_api_key(uid: int | str, read_only: bool = False,
                   rsa_public_key: str | None = None) -> Call[R.ApiKeyInfo]:
    body = CreateKeyRequest(readOnly=read_only, rsaPublicKey=rsa_public_key)
    return Call("POST", f"/admin/v1/users/{_uid(uid)}/api-keys", body=body, signed=False, type=R.ApiKeyInfo)


def deposit(uid: int | str, coin: str, amount: Number) -> Call[str]:
    body = DepositRequest(coin=coin, amount=num(amount, "amount"))
    return Call("POST", f"/admin/v1/users/{_uid(uid)}/deposits", body=body, signed=False, type=str)


def audit(replay: bool = False) -> Call[R.Audit]:
    return Call("GET", "/admin/v1/audit", {"replay": "1" if replay else None}, signed=False, type=R.Audit)


def replication() -> Call[R.ReplicationState]:
    """The venue's role on the replicated journal (docs/scale-out.md)."""
    return Call("GET", "/admin/v1/replication", signed=False, type=R.ReplicationState)


def add_fault(path: str, effect: str, *, uid: int | str | None = None, count: int | None = None,
              probability: float | None = None, ms: int | None = None, jitter_ms: int | None = None,
              status: int | None = None, code: str | None = None, msg: str | None = None,
              items: Sequence[int] | None = None, after_frames: int | None = None) -> Call[str]:
    """An injected fault (docs/testing.md, Faults); answers its id."""
    body = FaultRequest(path=path, effect=effect, uid=None if uid is None else _uid(uid), count=count,
                        probability=probability, ms=ms, jitterMs=jitter_ms, status=status, code=code, msg=msg,
                        items=None if items is None else list(items), afterFrames=after_frames)
    return Call("POST", "/admin/v1/faults", body=body, signed=False, type=R.FaultId, convert=lambda d: d.id)


def faults() -> Call[list[R.Fault]]:
    return Call("GET", "/admin/v1/faults", signed=False, type=R.FaultList, convert=lambda d: d.list)


def clear_faults() -> Call[int]:
    return Call("DELETE", "/admin/v1/faults", signed=False, type=R.Removed, convert=lambda d: int(d.removed))


def delete_fault(fault_id: str) -> Call[int]:
    if not (fault_id.isascii() and fault_id.isdigit()):
        raise ValueError(f"a fault id is digits, got {fault_id!r}")
    return Call("DELETE", f"/admin/v1/faults/{fault_id}", signed=False, type=R.Removed,
                convert=lambda d: int(d.removed))


def reset(users: bool = True) -> Call[R.ResetResult]:
    """Back to the start state (``users=False``: users and keys dropped too)."""
    return Call("POST", "/admin/v1/reset", body=ResetRequest(users=users), signed=False, type=R.ResetResult)


# -- the virtual clock, reference prices and saved states (docs/market.md, docs/testing.md) --

def clock() -> Call[R.ClockState]:
    return Call("GET", "/admin/v1/clock", signed=False, type=R.ClockState)


def set_clock(mode: str, speed: float | None = None) -> Call[R.ClockState]:
    """``step`` (time moves only by ``advance``) or ``realtime`` (``speed`` times the wall clock)."""
    return Call("POST", "/admin/v1/clock", body=ClockRequest(mode=mode, speed=speed), signed=False,
                type=R.ClockState)


def advance(ms: int) -> Call[R.ClockState]:
    """Step the clock ``ms`` forward, running everything due meanwhile."""
    return Call("POST", "/admin/v1/clock/advance", body=AdvanceRequest(ms=int(ms)), signed=False,
                type=R.ClockState)


def set_price(category: str, symbol: str, price: Number) -> Call[R.ReferencePrice]:
    """Move an instrument's reference (index) price."""
    return Call("POST", "/admin/v1/prices", body=PriceRequest(category=category, symbol=symbol, price=num(price)),
                signed=False, type=R.ReferencePrice)


def save_state(name: str) -> Call[R.SavedState]:
    return Call("POST", "/admin/v1/states", body=SaveStateRequest(name=name), signed=False, type=R.SavedState)


def restore_state(name: str) -> Call[R.ResetResult]:
    """Back to the state saved under ``name``."""
    return Call("POST", "/admin/v1/reset", body=ResetRequest(name=name), signed=False, type=R.ResetResult)


def market_tick(index: list[tuple[str, str, Number]] | None = None) -> Call[R.MarketTickResult]:
    """A market tick now, setting the index price of each ``(category, symbol, price)``."""
    quotes = [IndexQuoteBody(category=c, symbol=s, price=num(p)) for c, s, p in index or []]
    return Call("POST", "/admin/v1/market-tick", body=MarketTickRequest(index=quotes), signed=False,
                type=R.MarketTickResult)


def _uid(uid: int | str) -> str:
    text = str(uid)
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"uid must be digits, got {text!r}")
    return text
