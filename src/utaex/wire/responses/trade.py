"""Orders, fills, TP/SL strategy orders and the per-item results of batch calls."""

from __future__ import annotations

from ._base import _Data


class FeeDetail(_Data):
    feeCoin: str = ""
    fee: str = ""


class Order(_Data):
    """An order as order-info, unfilled-orders and history-orders return it."""

    orderId: str
    clientOid: str = ""
    category: str = ""
    symbol: str = ""
    orderType: str = ""
    side: str = ""
    price: str = ""
    qty: str = ""
    amount: str = ""
    cumExecQty: str = ""
    cumExecValue: str = ""
    avgPrice: str = ""
    timeInForce: str = ""
    orderStatus: str = ""
    posSide: str = ""
    holdMode: str = ""
    reduceOnly: str = ""
    feeDetail: list[FeeDetail] = []
    createdTime: str = ""
    updatedTime: str = ""
    cancelReason: str = ""
    execType: str = ""
    stpMode: str = ""
    tpTriggerBy: str | None = None
    slTriggerBy: str | None = None
    takeProfit: str | None = None
    stopLoss: str | None = None
    tpOrderType: str | None = None
    slOrderType: str | None = None
    tpLimitPrice: str | None = None
    slLimitPrice: str | None = None
    tradeSide: str = ""


_Orders = list[Order]  # aliases: inside the page structs the field ``list`` shadows the builtin


class OrderPage(_Data):
    """One page of orders; pass ``cursor`` back for the next page (``""`` when there is none)."""

    list: _Orders = []
    cursor: str = ""


class Fill(_Data):
    """One of the user's own executions (``/api/v3/trade/fills``)."""

    execId: str
    orderId: str = ""
    clientOid: str = ""
    category: str = ""
    symbol: str = ""
    orderType: str = ""
    side: str = ""
    execPrice: str = ""
    execQty: str = ""
    execValue: str = ""
    tradeScope: str = ""
    feeDetail: list[FeeDetail] = []
    createdTime: str = ""
    updatedTime: str = ""
    execPnl: str = ""
    execLinkId: str = ""
    tradeSide: str = ""


_Fills = list[Fill]


class FillPage(_Data):
    list: _Fills = []
    cursor: str = ""


class StrategyOrder(_Data):
    """A TP/SL strategy order (``unfilled-strategy-orders``, ``history-strategy-orders``); prices of a leg
    that is not set are ``""``. ``triggerType`` (history only) is ``takeProfit``/``stopLoss`` once triggered."""

    orderId: str
    clientOid: str = ""
    category: str = ""
    symbol: str = ""
    qty: str = ""
    posSide: str = ""
    tpTriggerBy: str = ""
    slTriggerBy: str = ""
    takeProfit: str = ""
    stopLoss: str = ""
    tpOrderType: str = ""
    slOrderType: str = ""
    tpLimitPrice: str = ""
    slLimitPrice: str = ""
    createdTime: str = ""
    updatedTime: str = ""
    triggerType: str | None = None


_StrategyOrders = list[StrategyOrder]


class StrategyOrderPage(_Data):
    list: _StrategyOrders = []
    cursor: str = ""


class OrderIds(_Data):
    """A placed or cancelled order: its real ``orderId`` and ``clientOid``."""

    orderId: str
    clientOid: str = ""

    @property
    def ok(self) -> bool:
        return True


class ItemError(_Data):
    """One failed item of a batch (place-batch / cancel-batch): the ids as given plus Bitget's code and msg."""

    code: str
    msg: str
    orderId: str = ""
    clientOid: str = ""

    @property
    def ok(self) -> bool:
        return False


BatchItem = OrderIds | ItemError


_OrderIdsList = list[OrderIds]


class BatchRow(_Data):
    """A batch result item as it comes over the wire: a success has no ``code``."""

    orderId: str | None = ""
    clientOid: str | None = ""
    code: str | int | None = None
    msg: str | None = None

    def result(self) -> BatchItem:
        oid, coid = self.orderId or "", self.clientOid or ""
        if self.code is None or str(self.code) in ("", "00000"):
            return OrderIds(orderId=oid, clientOid=coid)
        return ItemError(code=str(self.code), msg=self.msg or "", orderId=oid, clientOid=coid)


class OrderIdList(_Data):
    """``cancel-symbol-order``: the orders it cancelled."""

    list: _OrderIdsList = []


_BatchRows = list[BatchRow]


class BatchRowList(_Data):
    """``close-positions``: one result per position, a success without ``code``."""

    list: _BatchRows = []
