// bitget-api (tiagosiebler, npm) RestClientV3, unchanged (only `baseUrl` set), against the real utaex server:
// every call of the client that maps to an endpoint utaex serves (docs/api-coverage.md).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { USER, bitgetCode, cancelEverything, newUser, publicRestClient, restClient } from './support.js';

const pub = publicRestClient();
const me = restClient(USER);
let other; // a counterparty, created in the first test that trades
let them;

after(async () => {
  await cancelEverything(USER, ...(other ? [other] : []));
});

function ok(res) {
  assert.equal(res.code, '00000', JSON.stringify(res));
  assert.equal(res.msg, 'success');
  return res.data;
}

test('getServerTime: /api/v3/public/time is a 404, as on the live venue', async () => {
  await assert.rejects(pub.getServerTime(), (err) => {
    assert.equal(err.code, 404);
    return true;
  });
});

test('public market reads', async () => {
  const spot = ok(await pub.getInstruments({ category: 'SPOT' }));
  assert.deepEqual(spot.map((i) => i.symbol).sort(), ['BTCUSDT', 'ETHUSDT']);
  const [btcPerp] = ok(await pub.getInstruments({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.equal(btcPerp.category, 'USDT-FUTURES');
  assert.equal(btcPerp.quoteCoin, 'USDT');
  for (const key of ['feeRateUpRatio', 'maxProductOrderNum', 'maxPositionNum', 'offTime', 'limitOpenTime']) {
    assert.notEqual(btcPerp[key] ?? '', '', key); // values, not empty strings (live behaviour)
  }

  const tickers = ok(await pub.getTickers({ category: 'SPOT' }));
  assert.deepEqual(tickers.map((t) => t.symbol).sort(), ['BTCUSDT', 'ETHUSDT']);
  const [one] = ok(await pub.getTickers({ category: 'USDT-FUTURES', symbol: 'ETHUSDT' }));
  assert.equal(one.symbol, 'ETHUSDT');

  const book = ok(await pub.getOrderBook({ category: 'SPOT', symbol: 'BTCUSDT', limit: '5' }));
  assert.ok(Array.isArray(book.a) && Array.isArray(book.b));
  assert.ok(Array.isArray(ok(await pub.getFills({ category: 'SPOT', symbol: 'BTCUSDT', limit: '10' }))));

  const candles = ok(await pub.getCandles({ category: 'USDT-FUTURES', symbol: 'BTCUSDT', interval: '1m' }));
  assert.ok(Array.isArray(candles));
  const history = ok(await pub.getHistoryCandles({ category: 'SPOT', symbol: 'BTCUSDT', interval: '1H', limit: '10' }));
  assert.ok(Array.isArray(history));

  // a quiet venue (no market ticks): the running period's rate is the interest, and nothing has settled yet
  const [rate] = ok(await pub.getCurrentFundingRate({ symbol: 'BTCUSDT' }));
  assert.deepEqual([rate.symbol, rate.fundingRate], ['BTCUSDT', '0.0001']);
  const rates = ok(await pub.getHistoryFundingRate({ category: 'USDT-FUTURES', symbol: 'BTCUSDT', limit: '3' }));
  assert.deepEqual(rates.resultList, []);
  const oi = ok(await pub.getOpenInterest({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.equal(oi.list[0].symbol, 'BTCUSDT');
  const [oiLimit] = ok(await pub.getContractsOi({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.equal(oiLimit.symbol, 'BTCUSDT');
  const tiers = ok(await pub.getPositionTier({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.equal(tiers[0].tier, '1');
  const reserve = ok(await pub.getRiskReserve({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.equal(reserve.coin, 'USDT');
  const discounts = ok(await pub.getDiscountRate());
  assert.ok(discounts.some((d) => d.coin === 'BTC' && d.list.length > 0));
  assert.ok('limit' in ok(await pub.getMarginLoans({ coin: 'USDT' })));
  const reserves = ok(await pub.getProofOfReserves());
  assert.ok(reserves.list.some((r) => r.coin === 'USDT'));
});

test('account reads and settings', async () => {
  const assets = ok(await me.getBalances());
  const usdt = assets.assets.find((a) => a.coin === 'USDT');
  assert.equal(usdt.balance, '1000000');
  assert.deepEqual(ok(await me.getFundingAssets()), []);
  const settings = ok(await me.getAccountSettings());
  assert.deepEqual([settings.uid, settings.holdMode], [USER.uid, 'one_way_mode']);
  const fee = ok(await me.getFeeRate({ category: 'SPOT', symbol: 'BTCUSDT' }));
  assert.equal(fee.makerFeeRate, '0.001');
  assert.equal(ok(await me.setLeverage({ category: 'USDT-FUTURES', symbol: 'ETHUSDT', leverage: '5' })), 'success');
  const configs = ok(await me.getAccountSettings()).symbolConfigList;
  assert.equal(configs.find((c) => c.category === 'USDT-FUTURES' && c.symbol === 'ETHUSDT').leverage, '5');
  assert.equal(ok(await me.setHoldMode({ holdMode: 'hedge_mode' })), 'success');
  assert.equal(ok(await me.setHoldMode({ holdMode: 'one_way_mode' })), 'success');
  const max = ok(await me.getMaxOpenAvailable({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', orderType: 'limit', side: 'buy', price: '2000',
  }));
  assert.ok(Number(max.maxBuyOpen) > 0);
});

test('place, read, modify, cancel one order', async () => {
  const placed = ok(await me.submitNewOrder({
    category: 'SPOT', symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', qty: '0.01', price: '30000',
    clientOid: 'js-rest-1',
  }));
  assert.equal(placed.clientOid, 'js-rest-1');
  const info = ok(await me.getOrderInfo({ orderId: placed.orderId }));
  assert.equal(info.orderId, placed.orderId);
  assert.equal(info.orderStatus, 'live');
  assert.equal(info.price, '30000');
  const open = ok(await me.getUnfilledOrders({ category: 'SPOT', symbol: 'BTCUSDT' }));
  assert.deepEqual(open.list.map((o) => o.orderId), [placed.orderId]);

  const modified = ok(await me.modifyOrder({ orderId: placed.orderId, qty: '0.02', price: '29000' }));
  assert.equal(modified.orderId, placed.orderId);
  const after = ok(await me.getOrderInfo({ clientOid: 'js-rest-1' }));
  assert.equal(after.price, '29000');
  assert.equal(after.qty, '0.02');

  const cancelled = ok(await me.cancelOrder({ orderId: placed.orderId, category: 'SPOT' }));
  assert.equal(cancelled.orderId, placed.orderId);
  assert.equal(ok(await me.getOrderInfo({ orderId: placed.orderId })).orderStatus, 'cancelled');
  const history = ok(await me.getHistoryOrders({ category: 'SPOT', symbol: 'BTCUSDT' }));
  assert.ok(history.list.some((o) => o.orderId === placed.orderId));
  await assert.rejects(me.cancelOrder({ orderId: placed.orderId, category: 'SPOT' }), bitgetCode('25204'));
});

test('numbers where the docs say String (as JS callers often pass them) are read as their decimal text', async () => {
  const placed = ok(await me.submitNewOrder({
    category: 'SPOT', symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', qty: 0.0123, price: 30000.5,
  }));
  const info = ok(await me.getOrderInfo({ orderId: placed.orderId }));
  assert.deepEqual([info.qty, info.price, info.orderStatus], ['0.0123', '30000.5', 'live']);
  ok(await me.modifyOrder({ orderId: placed.orderId, qty: 0.02, price: 29999 }));
  const modified = ok(await me.getOrderInfo({ orderId: placed.orderId }));
  assert.deepEqual([modified.qty, modified.price], ['0.02', '29999']);
  ok(await me.cancelOrder({ orderId: placed.orderId }));
});

test('batch place, batch modify, batch cancel, cancel all', async () => {
  const placed = ok(await me.placeBatchOrders([
    { category: 'SPOT', symbol: 'ETHUSDT', side: 'buy', orderType: 'limit', qty: '0.1', price: '1000' },
    { category: 'SPOT', symbol: 'ETHUSDT', side: 'buy', orderType: 'limit', qty: '0.1', price: '1001' },
    { category: 'SPOT', symbol: 'ETHUSDT', side: 'buy', orderType: 'limit', qty: '0.1', price: '1002' },
  ]));
  assert.equal(placed.length, 3);
  assert.ok(placed.every((o) => o.orderId));
  const modified = ok(await me.batchModifyOrders([
    { orderId: placed[0].orderId, price: '999', qty: '0.2' },
  ]));
  assert.equal(modified[0].orderId, placed[0].orderId);
  assert.equal(ok(await me.getOrderInfo({ orderId: placed[0].orderId })).price, '999');

  const cancelled = ok(await me.cancelBatchOrders([
    { category: 'SPOT', symbol: 'ETHUSDT', orderId: placed[0].orderId },
    { category: 'SPOT', symbol: 'ETHUSDT', orderId: '1234567' },
  ]));
  assert.equal(cancelled[0].orderId, placed[0].orderId);
  assert.equal(cancelled[1].code, '25204');
  const rest = ok(await me.cancelAllOrders({ category: 'SPOT', symbol: 'ETHUSDT' }));
  assert.ok(rest);
  assert.deepEqual(ok(await me.getUnfilledOrders({ category: 'SPOT', symbol: 'ETHUSDT' })).list, []);
});

test('futures: fills, positions, close all, position history, financial records, ADL rank, countdown cancel', async () => {
  other = await newUser();
  them = restClient(other);
  ok(await them.submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'BTCUSDT', side: 'sell', orderType: 'limit', qty: '0.05', price: '50000',
  }));
  const bought = ok(await me.submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'BTCUSDT', side: 'buy', orderType: 'market', qty: '0.03',
  }));
  const filled = ok(await me.getOrderInfo({ orderId: bought.orderId }));
  assert.deepEqual([filled.orderStatus, filled.cumExecQty, filled.tradeSide], ['filled', '0.03', 'buy_single']);

  const fills = ok(await me.getTradeFills({ category: 'USDT-FUTURES', orderId: bought.orderId }));
  assert.equal(fills.list.length, 1);
  const [fill] = fills.list;
  assert.deepEqual([fill.execPrice, fill.execQty, fill.tradeSide], ['50000', '0.03', 'buy_single']);
  assert.ok(fill.execLinkId);
  const [print] = ok(await pub.getFills({ category: 'USDT-FUTURES', symbol: 'BTCUSDT', limit: '1' }));
  assert.equal(print.price, '50000');
  assert.ok(print.execLinkId);

  const positions = ok(await me.getCurrentPosition({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.equal(positions.list.length, 1);
  assert.equal(positions.list[0].total, '0.03');
  assert.equal(positions.list[0].avgPrice, '50000');
  assert.equal(positions.list[0].posSide, 'long');

  ok(await them.submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', qty: '0.05', price: '49000',
  }));
  const closing = ok(await me.closeAllPositions({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.equal(closing.list.length, 1);
  const closeOrder = ok(await me.getOrderInfo({ orderId: closing.list[0].orderId }));
  assert.deepEqual([closeOrder.side, closeOrder.orderStatus, closeOrder.cumExecQty], ['sell', 'filled', '0.03']);
  assert.deepEqual(ok(await me.getCurrentPosition({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' })).list, []);
  const [closed] = ok(await me.getPositionHistory({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' })).list;
  assert.deepEqual([closed.posSide, closed.openPriceAvg, closed.closePriceAvg, closed.closeTotalPos, closed.cumRealisedPnl],
    ['long', '50000', '49000', '0.03', '-30']);
  const records = ok(await me.getFinancialRecords({ category: 'USDT-FUTURES' })).list;
  assert.deepEqual(records.map((r) => [r.symbol, r.coin, r.amount, r.fee]), [
    ['BTCUSDT', 'USDT', '-30', '-0.882'], ['BTCUSDT', 'USDT', '0', '-0.9'],
  ]);
  assert.deepEqual(ok(await me.getPositionAdlRank()), []); // no open position

  // the venue's own trades make the candles and the ticker: 0.03 @ 50000, then 0.03 @ 49000
  const rows = ok(await pub.getCandles({ category: 'USDT-FUTURES', symbol: 'BTCUSDT', interval: '1m' }));
  assert.ok(rows.every((row) => row.length === 7 && row.every((x) => typeof x === 'string')));
  const traded = rows.filter((row) => row[5] !== '0');
  assert.equal(traded.at(-1)[4], '49000');
  assert.equal(traded.reduce((sum, row) => sum + Number(row[5]), 0).toFixed(8), '0.06000000');
  assert.equal(traded[0][1], '50000');
  const [ticker] = ok(await pub.getTickers({ category: 'USDT-FUTURES', symbol: 'BTCUSDT' }));
  assert.deepEqual([ticker.lastPrice, ticker.highPrice24h, ticker.lowPrice24h], ['49000', '50000', '49000']);

  assert.equal(ok(await me.countdownCancelAll({ countdown: '60' })), 'success');
  assert.equal(ok(await me.countdownCancelAll({ countdown: '0' })), 'success');
});

test('strategy orders: place, modify, list, cancel, history', async () => {
  ok(await them.submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', side: 'sell', orderType: 'limit', qty: '1', price: '3000',
  }));
  ok(await me.submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', side: 'buy', orderType: 'market', qty: '0.5',
  }));
  const placed = ok(await me.submitStrategyOrder({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', tpslMode: 'full', posSide: 'long',
    stopLoss: '2500', slTriggerBy: 'market', slOrderType: 'market',
  }));
  assert.ok(placed.orderId);
  const unfilled = ok(await me.getUnfilledStrategyOrders({ category: 'USDT-FUTURES' }));
  assert.deepEqual(unfilled.map((o) => o.orderId), [placed.orderId]);
  ok(await me.modifyStrategyOrder({ orderId: placed.orderId, qty: '0.5', stopLoss: '2400', slOrderType: 'market' }));
  const modified = ok(await me.getUnfilledStrategyOrders({ category: 'USDT-FUTURES' }));
  assert.equal(modified[0].stopLoss, '2400');
  ok(await me.cancelStrategyOrder({ orderId: placed.orderId }));
  assert.deepEqual(ok(await me.getUnfilledStrategyOrders({ category: 'USDT-FUTURES' })), []);
  const history = ok(await me.getHistoryStrategyOrders({ category: 'USDT-FUTURES' }));
  assert.ok(history.list.some((o) => o.orderId === placed.orderId));
});
