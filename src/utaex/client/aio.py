"""Asynchronous client (httpx). Same methods as the sync :class:`~utaex.client.sync.Client`, awaited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, Unpack

import httpx

from ..wire import responses as R
from ..wire.requests import CancelBatchItem, ModifyOrderRequest, PlaceOrderRequest
from . import endpoints as E
from .base import DEFAULT_BASE_URL, BaseClient, Call, Number, finish, not_primary, unwrap

T = TypeVar("T")


class AsyncClient(BaseClient):
    """Bitget UTA v3 REST client for utaex or the real Bitget (``base_url="https://api.bitget.com"``).

    Give ``api_key``, ``secret`` and ``passphrase`` for the signed endpoints; the public ones need none.
    Failures raise :class:`~utaex.client.BitgetError`. Close it (``await aclose()`` or ``async with``).
    """

    def __init__(self, api_key: str | None = None, secret: str | None = None, passphrase: str | None = None, *,
                 base_url: str | Sequence[str] = DEFAULT_BASE_URL, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(api_key, secret, passphrase, base_url=base_url)
        self.http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def call(self, call: Call[T]) -> T:
        method, url, headers, content = self.prepare(call)
        resp = await self._send(method, url, headers, content)
        return finish(call, resp.status_code, resp.content)

    async def _send(self, method: str, url: str, headers: dict[str, str], content: bytes | None) -> httpx.Response:
        """The request to the current venue, moving along ``base_urls`` where that is safe (base.BaseClient)."""
        urls = len(self.base_urls)
        for attempt in range(urls):
            last = attempt == urls - 1
            try:
                resp = await self.http.request(method, url, headers=headers, content=content)
            except httpx.ConnectError:
                if last:
                    raise
                self.http.base_url = self._next_base_url()
                continue
            if not last and not_primary(resp.status_code, resp.content):
                self.http.base_url = self._next_base_url()
                continue
            return resp
        raise AssertionError("unreachable")

    # -- raw access (any path; plain JSON data) ----------------------------------------------------------------

    async def request(self, method: str, path: str, params: dict[str, Any] | None = None, body: Any = None,
                *, signed: bool = True) -> Any:
        method, url, headers, content = self.prepare(Call(method, path, params, body, signed))
        resp = await self._send(method, url, headers, content)
        return unwrap(resp.status_code, resp.content)

    async def get(self, path: str, **params: Any) -> Any:
        return await self.request("GET", path, params)

    async def post(self, path: str, body: Any) -> Any:
        return await self.request("POST", path, None, body)

    # -- public market data -----------------------------------------------------------------------------------

    async def server_time(self) -> R.ServerTime:
        return await self.call(E.server_time())

    async def coins(self, coin: str | None = None) -> list[R.Coin]:
        return await self.call(E.coins(coin))

    async def instruments(self, category: str, symbol: str | None = None) -> list[R.Instrument]:
        return await self.call(E.instruments(category, symbol))

    async def tickers(self, category: str, symbol: str | None = None) -> list[R.Ticker]:
        return await self.call(E.tickers(category, symbol))

    async def orderbook(self, category: str, symbol: str, limit: int | None = None) -> R.OrderBook:
        return await self.call(E.orderbook(category, symbol, limit))

    async def market_fills(self, category: str, symbol: str, limit: int | None = None) -> list[R.PublicFill]:
        return await self.call(E.market_fills(category, symbol, limit))

    async def candles(self, category: str, symbol: str, interval: str, *, start_time: int | None = None,
                end_time: int | None = None, kind: str | None = None, limit: int | None = None) -> list[list[str]]:
        return await self.call(E.candles(category, symbol, interval, start_time=start_time, end_time=end_time,
                                    kind=kind, limit=limit))

    async def history_candles(self, category: str, symbol: str, interval: str, *, start_time: int | None = None,
                        end_time: int | None = None, kind: str | None = None,
                        limit: int | None = None) -> list[list[str]]:
        return await self.call(E.history_candles(category, symbol, interval, start_time=start_time,
                                            end_time=end_time, kind=kind, limit=limit))

    async def current_fund_rate(self, symbol: str) -> list[R.FundingRate]:
        return await self.call(E.current_fund_rate(symbol))

    async def history_fund_rate(self, category: str, symbol: str, *, cursor: int | str | None = None,
                          limit: int | None = None) -> list[R.FundingRateRecord]:
        return await self.call(E.history_fund_rate(category, symbol, cursor=cursor, limit=limit))

    async def open_interest(self, category: str, symbol: str | None = None) -> R.OpenInterest:
        return await self.call(E.open_interest(category, symbol))

    async def oi_limit(self, category: str, symbol: str | None = None) -> list[R.OiLimit]:
        return await self.call(E.oi_limit(category, symbol))

    async def position_tier(self, category: str, symbol: str | None = None, *,
                      coin: str | None = None) -> list[R.PositionTier]:
        return await self.call(E.position_tier(category, symbol, coin=coin))

    async def discount_rate(self) -> list[R.DiscountRate]:
        return await self.call(E.discount_rate())

    async def margin_loans(self, coin: str) -> R.MarginLoan:
        return await self.call(E.margin_loans(coin))

    async def proof_of_reserves(self) -> R.ProofOfReserves:
        return await self.call(E.proof_of_reserves())

    async def risk_reserve(self, category: str, symbol: str) -> R.RiskReserve:
        return await self.call(E.risk_reserve(category, symbol))

    # -- account ----------------------------------------------------------------------------------------------

    async def account_settings(self) -> R.AccountSettings:
        return await self.call(E.account_settings())

    async def assets(self) -> R.AccountAssets:
        return await self.call(E.assets())

    async def fee_rate(self, category: str, symbol: str) -> R.FeeRate:
        return await self.call(E.fee_rate(category, symbol))

    async def set_leverage(self, category: str, leverage: int | str, symbol: str | None = None, *,
                           coin: str | None = None, pos_side: str | None = None) -> str:
        return await self.call(E.set_leverage(category, leverage, symbol, coin=coin, pos_side=pos_side))

    async def set_hold_mode(self, hold_mode: str) -> str:
        return await self.call(E.set_hold_mode(hold_mode))

    # -- trade ------------------------------------------------------------------------------------------------

    async def place_order(self, category: str, symbol: str, side: str, order_type: str, qty: Number,
                          price: Number | None = None, **options: Unpack[E.OrderOptions]) -> R.OrderIds:
        """Place one order; ``options`` are the optional fields of ``OrderOptions`` (client_oid, ...)."""
        request = E.order_request(category, symbol, side, order_type, qty, price, **options)
        return await self.call(E.place_order(request))

    async def place_batch(self, orders: Sequence[PlaceOrderRequest | Mapping[str, str]]) -> list[R.BatchItem]:
        """Up to 20 orders of one category; per item an ``OrderIds`` or an ``ItemError`` (no raise)."""
        return await self.call(E.place_batch(orders))

    async def cancel_order(self, order_id: str | None = None, client_oid: str | None = None, *,
                           category: str | None = None, symbol: str | None = None) -> R.OrderIds:
        return await self.call(E.cancel_order(order_id, client_oid, category=category, symbol=symbol))

    async def cancel_batch(self, items: Sequence[CancelBatchItem | Mapping[str, str]]) -> list[R.BatchItem]:
        """Up to 20 cancels of one category; per item an ``OrderIds`` or an ``ItemError`` (no raise)."""
        return await self.call(E.cancel_batch(items))

    async def modify_order(self, order_id: str | None = None, client_oid: str | None = None, *,
                     qty: Number | None = None, price: Number | None = None, auto_cancel: bool | None = None,
                     new_client_oid: str | None = None, category: str | None = None,
                     symbol: str | None = None) -> R.OrderIds:
        """New price and/or total qty of a pending order; the orderId stays."""
        return await self.call(E.modify_order(order_id, client_oid, qty=qty, price=price, auto_cancel=auto_cancel,
                                          new_client_oid=new_client_oid, category=category, symbol=symbol))

    async def batch_modify_order(self, items: Sequence[ModifyOrderRequest | Mapping[str, str]]) -> list[R.BatchItem]:
        """Up to 20 modifies of one category; per item an ``OrderIds`` or an ``ItemError`` (no raise)."""
        return await self.call(E.batch_modify_order(items))

    async def cancel_symbol_orders(self, category: str, symbol: str | None = None) -> list[R.OrderIds]:
        return await self.call(E.cancel_symbol_orders(category, symbol))

    async def close_positions(self, category: str, symbol: str | None = None,
                                  pos_side: str | None = None) -> list[R.BatchItem]:
        """Close the positions of ``category`` (optionally one symbol / side) at market: one result each."""
        return await self.call(E.close_positions(category, symbol, pos_side))

    async def max_open_available(self, category: str, symbol: str, order_type: str, side: str,
                                 price: Number | None = None, size: Number | None = None) -> R.MaxOpenAvailable:
        """How much could be opened now for this order shape (available, margin maximum, futures cost and size)."""
        return await self.call(E.max_open_available(category, symbol, order_type, side, price, size))

    async def funding_assets(self, coin: str | None = None) -> list[R.FundingAsset]:
        return await self.call(E.funding_assets(coin))

    async def countdown_cancel_all(self, seconds: int | str) -> str:
        return await self.call(E.countdown_cancel_all(seconds))

    async def order_info(self, order_id: str | None = None, client_oid: str | None = None) -> R.Order:
        return await self.call(E.order_info(order_id, client_oid))

    async def unfilled_orders(self, category: str | None = None, symbol: str | None = None, *,
                              start_time: int | None = None, end_time: int | None = None, limit: int | None = None,
                              cursor: str | None = None) -> R.OrderPage:
        return await self.call(E.unfilled_orders(category, symbol, start_time=start_time, end_time=end_time,
                                                 limit=limit, cursor=cursor))

    async def history_orders(self, category: str, symbol: str | None = None, *, start_time: int | None = None,
                             end_time: int | None = None, limit: int | None = None,
                             cursor: str | None = None) -> R.OrderPage:
        return await self.call(E.history_orders(category, symbol, start_time=start_time, end_time=end_time,
                                                limit=limit, cursor=cursor))

    async def fills(self, category: str | None = None, *, order_id: str | None = None,
                    start_time: int | None = None, end_time: int | None = None, limit: int | None = None,
                    cursor: str | None = None) -> R.FillPage:
        return await self.call(E.fills(category, order_id=order_id, start_time=start_time, end_time=end_time,
                                       limit=limit, cursor=cursor))

    async def financial_records(self, category: str, *, coin: str | None = None, type: str | None = None,
                                symbol: str | None = None, start_time: int | None = None,
                                end_time: int | None = None, limit: int | None = None,
                                cursor: str | None = None) -> R.FinancialRecordPage:
        return await self.call(E.financial_records(category, coin=coin, type=type, symbol=symbol,
                                                   start_time=start_time, end_time=end_time, limit=limit,
                                                   cursor=cursor))

    async def history_positions(self, category: str, symbol: str | None = None, *, start_time: int | None = None,
                                end_time: int | None = None, limit: int | None = None,
                                cursor: str | None = None) -> R.ClosedPositionPage:
        return await self.call(E.history_positions(category, symbol, start_time=start_time, end_time=end_time,
                                                   limit=limit, cursor=cursor))

    async def adl_rank(self) -> list[R.AdlRank]:
        return await self.call(E.adl_rank())

    async def positions(self, category: str, symbol: str | None = None, *,
                        pos_side: str | None = None) -> list[R.Position]:
        return await self.call(E.positions(category, symbol, pos_side=pos_side))

    # -- strategy (TP/SL) -------------------------------------------------------------------------------------

    async def place_strategy_order(self, category: str, symbol: str, pos_side: str, *, qty: Number | None = None,
                             tpsl_mode: str | None = None, client_oid: str | None = None,
                             **legs: Unpack[E.TpslOptions]) -> R.OrderIds:
        """A TP/SL on a futures position: ``tpsl_mode`` full (default) or partial (with ``qty``)."""
        return await self.call(E.place_strategy_order(category, symbol, pos_side, qty=qty, tpsl_mode=tpsl_mode,
                                                client_oid=client_oid, **legs))

    async def modify_strategy_order(self, order_id: str | None = None, client_oid: str | None = None, *,
                              qty: Number | None = None, **legs: Unpack[E.TpslOptions]) -> R.OrderIds:
        return await self.call(E.modify_strategy_order(order_id, client_oid, qty=qty, **legs))

    async def cancel_strategy_order(self, order_id: str | None = None, client_oid: str | None = None) -> None:
        return await self.call(E.cancel_strategy_order(order_id, client_oid))

    async def unfilled_strategy_orders(self, category: str, symbol: str | None = None) -> list[R.StrategyOrder]:
        return await self.call(E.unfilled_strategy_orders(category, symbol))

    async def history_strategy_orders(self, category: str, symbol: str | None = None, *, start_time: int | None = None,
                                end_time: int | None = None, limit: int | None = None,
                                cursor: str | None = None) -> R.StrategyOrderPage:
        return await self.call(E.history_strategy_orders(category, symbol, start_time=start_time, end_time=end_time,
                                                   limit=limit, cursor=cursor))
