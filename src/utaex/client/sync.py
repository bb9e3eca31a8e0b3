"""Synchronous client (httpx). Same methods as :class:`~utaex.client.aio.AsyncClient`, without ``await``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Self, TypeVar, Unpack

import httpx

from ..wire import responses as R
from ..wire.requests import CancelBatchItem, ModifyOrderRequest, PlaceOrderRequest
from . import endpoints as E
from .base import DEFAULT_BASE_URL, BaseClient, Call, Number, finish, not_primary, unwrap

T = TypeVar("T")


class SyncTransport:
    """The httpx side shared by the sync clients (``Client``, ``AdminClient``)."""

    http: httpx.Client

    def _open(self, base_url: str, timeout: float, transport: httpx.BaseTransport | None) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(self, call: Call[T]) -> T:
        method, url, headers, content = self.prepare(call)  # type: ignore[attr-defined]
        resp = self._send(method, url, headers, content)
        return finish(call, resp.status_code, resp.content)

    def _send(self, method: str, url: str, headers: dict[str, str], content: bytes | None) -> httpx.Response:
        """The request to the current venue, moving along ``base_urls`` where that is safe (base.BaseClient)."""
        urls = len(self.base_urls)  # type: ignore[attr-defined]
        for attempt in range(urls):
            last = attempt == urls - 1
            try:
                resp = self.http.request(method, url, headers=headers, content=content)
            except httpx.ConnectError:
                if last:
                    raise
                self.http.base_url = self._next_base_url()  # type: ignore[attr-defined]
                continue
            if not last and not_primary(resp.status_code, resp.content):
                self.http.base_url = self._next_base_url()  # type: ignore[attr-defined]
                continue
            return resp
        raise AssertionError("unreachable")


class Client(SyncTransport, BaseClient):
    """Bitget UTA v3 REST client for utaex or the real Bitget (``base_url="https://api.bitget.com"``).

    Give ``api_key``, ``secret`` and ``passphrase`` for the signed endpoints; the public ones need none.
    Failures raise :class:`~utaex.client.BitgetError`. Close it (or use ``with``) when done.
    """

    def __init__(self, api_key: str | None = None, secret: str | None = None, passphrase: str | None = None, *,
                 base_url: str | Sequence[str] = DEFAULT_BASE_URL, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(api_key, secret, passphrase, base_url=base_url)
        self._open(self.base_url, timeout, transport)

    # -- raw access (any path; plain JSON data) ----------------------------------------------------------------

    def request(self, method: str, path: str, params: dict[str, Any] | None = None, body: Any = None,
                *, signed: bool = True) -> Any:
        method, url, headers, content = self.prepare(Call(method, path, params, body, signed))
        resp = self._send(method, url, headers, content)
        return unwrap(resp.status_code, resp.content)

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, None, body)

    # -- public market data -----------------------------------------------------------------------------------

    def server_time(self) -> R.ServerTime:
        return self.call(E.server_time())

    def coins(self, coin: str | None = None) -> list[R.Coin]:
        return self.call(E.coins(coin))

    def instruments(self, category: str, symbol: str | None = None) -> list[R.Instrument]:
        return self.call(E.instruments(category, symbol))

    def tickers(self, category: str, symbol: str | None = None) -> list[R.Ticker]:
        return self.call(E.tickers(category, symbol))

    def orderbook(self, category: str, symbol: str, limit: int | None = None) -> R.OrderBook:
        return self.call(E.orderbook(category, symbol, limit))

    def market_fills(self, category: str, symbol: str, limit: int | None = None) -> list[R.PublicFill]:
        return self.call(E.market_fills(category, symbol, limit))

    def candles(self, category: str, symbol: str, interval: str, *, start_time: int | None = None,
                end_time: int | None = None, kind: str | None = None, limit: int | None = None) -> list[list[str]]:
        return self.call(E.candles(category, symbol, interval, start_time=start_time, end_time=end_time,
                                    kind=kind, limit=limit))

    def history_candles(self, category: str, symbol: str, interval: str, *, start_time: int | None = None,
                        end_time: int | None = None, kind: str | None = None,
                        limit: int | None = None) -> list[list[str]]:
        return self.call(E.history_candles(category, symbol, interval, start_time=start_time,
                                            end_time=end_time, kind=kind, limit=limit))

    def current_fund_rate(self, symbol: str) -> list[R.FundingRate]:
        return self.call(E.current_fund_rate(symbol))

    def history_fund_rate(self, category: str, symbol: str, *, cursor: int | str | None = None,
                          limit: int | None = None) -> list[R.FundingRateRecord]:
        return self.call(E.history_fund_rate(category, symbol, cursor=cursor, limit=limit))

    def open_interest(self, category: str, symbol: str | None = None) -> R.OpenInterest:
        return self.call(E.open_interest(category, symbol))

    def oi_limit(self, category: str, symbol: str | None = None) -> list[R.OiLimit]:
        return self.call(E.oi_limit(category, symbol))

    def position_tier(self, category: str, symbol: str | None = None, *,
                      coin: str | None = None) -> list[R.PositionTier]:
        return self.call(E.position_tier(category, symbol, coin=coin))

    def discount_rate(self) -> list[R.DiscountRate]:
        return self.call(E.discount_rate())

    def margin_loans(self, coin: str) -> R.MarginLoan:
        return self.call(E.margin_loans(coin))

    def proof_of_reserves(self) -> R.ProofOfReserves:
        return self.call(E.proof_of_reserves())

    def risk_reserve(self, category: str, symbol: str) -> R.RiskReserve:
        return self.call(E.risk_reserve(category, symbol))

    # -- account ----------------------------------------------------------------------------------------------

    def account_settings(self) -> R.AccountSettings:
        return self.call(E.account_settings())

    def assets(self) -> R.AccountAssets:
        return self.call(E.assets())

    def fee_rate(self, category: str, symbol: str) -> R.FeeRate:
        return self.call(E.fee_rate(category, symbol))

    def set_leverage(self, category: str, leverage: int | str, symbol: str | None = None, *,
                     coin: str | None = None, pos_side: str | None = None) -> str:
        return self.call(E.set_leverage(category, leverage, symbol, coin=coin, pos_side=pos_side))

    def set_hold_mode(self, hold_mode: str) -> str:
        return self.call(E.set_hold_mode(hold_mode))

    # -- trade ------------------------------------------------------------------------------------------------

    def place_order(self, category: str, symbol: str, side: str, order_type: str, qty: Number,
                    price: Number | None = None, **options: Unpack[E.OrderOptions]) -> R.OrderIds:
        """Place one order; ``options`` are the optional fields of ``OrderOptions`` (client_oid, ...)."""
        request = E.order_request(category, symbol, side, order_type, qty, price, **options)
        return self.call(E.place_order(request))

    def place_batch(self, orders: Sequence[PlaceOrderRequest | Mapping[str, str]]) -> list[R.BatchItem]:
        """Up to 20 orders of one category; per item an ``OrderIds`` or an ``ItemError`` (no raise)."""
        return self.call(E.place_batch(orders))

    def cancel_order(self, order_id: str | None = None, client_oid: str | None = None, *,
                     category: str | None = None, symbol: str | None = None) -> R.OrderIds:
        return self.call(E.cancel_order(order_id, client_oid, category=category, symbol=symbol))

    def cancel_batch(self, items: Sequence[CancelBatchItem | Mapping[str, str]]) -> list[R.BatchItem]:
        """Up to 20 cancels of one category; per item an ``OrderIds`` or an ``ItemError`` (no raise)."""
        return self.call(E.cancel_batch(items))

    def modify_order(self, order_id: str | None = None, client_oid: str | None = None, *,
                     qty: Number | None = None, price: Number | None = None, auto_cancel: bool | None = None,
                     new_client_oid: str | None = None, category: str | None = None,
                     symbol: str | None = None) -> R.OrderIds:
        """New price and/or total qty of a pending order; the orderId stays."""
        return self.call(E.modify_order(order_id, client_oid, qty=qty, price=price, auto_cancel=auto_cancel,
                                          new_client_oid=new_client_oid, category=category, symbol=symbol))

    def batch_modify_order(self, items: Sequence[ModifyOrderRequest | Mapping[str, str]]) -> list[R.BatchItem]:
        """Up to 20 modifies of one category; per item an ``OrderIds`` or an ``ItemError`` (no raise)."""
        return self.call(E.batch_modify_order(items))

    def cancel_symbol_orders(self, category: str, symbol: str | None = None) -> list[R.OrderIds]:
        return self.call(E.cancel_symbol_orders(category, symbol))

    def close_positions(self, category: str, symbol: str | None = None,
                            pos_side: str | None = None) -> list[R.BatchItem]:
        """Close the positions of ``category`` (optionally one symbol / side) at market: one result each."""
        return self.call(E.close_positions(category, symbol, pos_side))

    def max_open_available(self, category: str, symbol: str, order_type: str, side: str,
                           price: Number | None = None, size: Number | None = None) -> R.MaxOpenAvailable:
        """How much could be opened now for this order shape (available, margin maximum, futures cost and size)."""
        return self.call(E.max_open_available(category, symbol, order_type, side, price, size))

    def funding_assets(self, coin: str | None = None) -> list[R.FundingAsset]:
        return self.call(E.funding_assets(coin))

    def countdown_cancel_all(self, seconds: int | str) -> str:
        return self.call(E.countdown_cancel_all(seconds))

    def order_info(self, order_id: str | None = None, client_oid: str | None = None) -> R.Order:
        return self.call(E.order_info(order_id, client_oid))

    def unfilled_orders(self, category: str | None = None, symbol: str | None = None, *,
                        start_time: int | None = None, end_time: int | None = None, limit: int | None = None,
                        cursor: str | None = None) -> R.OrderPage:
        return self.call(E.unfilled_orders(category, symbol, start_time=start_time, end_time=end_time,
                                           limit=limit, cursor=cursor))

    def history_orders(self, category: str, symbol: str | None = None, *, start_time: int | None = None,
                       end_time: int | None = None, limit: int | None = None,
                       cursor: str | None = None) -> R.OrderPage:
        return self.call(E.history_orders(category, symbol, start_time=start_time, end_time=end_time, limit=limit,
                                          cursor=cursor))

    def fills(self, category: str | None = None, *, order_id: str | None = None, start_time: int | None = None,
              end_time: int | None = None, limit: int | None = None, cursor: str | None = None) -> R.FillPage:
        return self.call(E.fills(category, order_id=order_id, start_time=start_time, end_time=end_time,
                                 limit=limit, cursor=cursor))

    def financial_records(self, category: str, *, coin: str | None = None, type: str | None = None,
                          symbol: str | None = None, start_time: int | None = None, end_time: int | None = None,
                          limit: int | None = None, cursor: str | None = None) -> R.FinancialRecordPage:
        """Balance changes of the last 90 days (deposits are category ``OTHER``), newest first."""
        return self.call(E.financial_records(category, coin=coin, type=type, symbol=symbol, start_time=start_time,
                                             end_time=end_time, limit=limit, cursor=cursor))

    def history_positions(self, category: str, symbol: str | None = None, *, start_time: int | None = None,
                          end_time: int | None = None, limit: int | None = None,
                          cursor: str | None = None) -> R.ClosedPositionPage:
        """Positions closed in the last 90 days, newest first."""
        return self.call(E.history_positions(category, symbol, start_time=start_time, end_time=end_time,
                                             limit=limit, cursor=cursor))

    def adl_rank(self) -> list[R.AdlRank]:
        return self.call(E.adl_rank())

    def positions(self, category: str, symbol: str | None = None, *,
                  pos_side: str | None = None) -> list[R.Position]:
        return self.call(E.positions(category, symbol, pos_side=pos_side))

    # -- strategy (TP/SL) -------------------------------------------------------------------------------------

    def place_strategy_order(self, category: str, symbol: str, pos_side: str, *, qty: Number | None = None,
                             tpsl_mode: str | None = None, client_oid: str | None = None,
                             **legs: Unpack[E.TpslOptions]) -> R.OrderIds:
        """A TP/SL on a futures position: ``tpsl_mode`` full (default) or partial (with ``qty``)."""
        return self.call(E.place_strategy_order(category, symbol, pos_side, qty=qty, tpsl_mode=tpsl_mode,
                                                client_oid=client_oid, **legs))

    def modify_strategy_order(self, order_id: str | None = None, client_oid: str | None = None, *,
                              qty: Number | None = None, **legs: Unpack[E.TpslOptions]) -> R.OrderIds:
        return self.call(E.modify_strategy_order(order_id, client_oid, qty=qty, **legs))

    def cancel_strategy_order(self, order_id: str | None = None, client_oid: str | None = None) -> None:
        return self.call(E.cancel_strategy_order(order_id, client_oid))

    def unfilled_strategy_orders(self, category: str, symbol: str | None = None) -> list[R.StrategyOrder]:
        return self.call(E.unfilled_strategy_orders(category, symbol))

    def history_strategy_orders(self, category: str, symbol: str | None = None, *, start_time: int | None = None,
                                end_time: int | None = None, limit: int | None = None,
                                cursor: str | None = None) -> R.StrategyOrderPage:
        return self.call(E.history_strategy_orders(category, symbol, start_time=start_time, end_time=end_time,
                                                   limit=limit, cursor=cursor))
