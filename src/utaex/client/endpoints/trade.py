"""Account, trade and TP/SL strategy endpoints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...wire import responses as R
from ...wire.requests import (
    CancelBatchItem,
    CancelOrderRequest,
    CancelStrategyRequest,
    CancelSymbolRequest,
    ClosePositionsRequest,
    CountdownRequest,
    MaxOpenRequest,
    ModifyOrderRequest,
    ModifyStrategyRequest,
    PlaceOrderRequest,
    PlaceStrategyRequest,
    SetHoldModeRequest,
    SetLeverageRequest,
)
from ..base import Call, Number
from ._common import (
    _batch_results,
    _check_batch,
    _legs,
    _opt,
    _struct,
)

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
