// ccxt for JavaScript (npm), `bitget` with `options.uta = true`, unchanged: only its URLs replaced, as in the
// README's Python example. The same calls as the Python compat suite (tests/compat/test_ccxt*.py).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import ccxt from 'ccxt';

import { FUNDS, USER, cancelEverything, newUser } from './support.js';
import { ccxtBitget } from './ccxt_env.js';

const SPOT = 'BTC/USDT';
const users = [USER];
const exchanges = [];

after(async () => {
  await cancelEverything(...users);
});

async function trader(user) {
  const u = user ?? await newUser();
  if (!user) users.push(u);
  const ex = ccxtBitget(u);
  exchanges.push(ex);
  await ex.loadMarkets();
  return ex;
}

const ids = (orders) => orders.map((o) => o.id);
const close = (a, b) => Math.abs(a - b) < 1e-9;

test('loadMarkets, fetchTime, currencies', async () => {
  const ex = await trader(USER);
  assert.deepEqual(Object.keys(ex.markets).sort(), [
    'BTC/USD:BTC', 'BTC/USDC:USDC', 'BTC/USDT', 'BTC/USDT:USDT',
    'ETH/USD:ETH', 'ETH/USDC:USDC', 'ETH/USDT', 'ETH/USDT:USDT',
  ]);
  const spot = ex.market(SPOT);
  assert.deepEqual([spot.id, spot.type, spot.spot, spot.active], ['BTCUSDT', 'spot', true, true]);
  const swap = ex.market('BTC/USDT:USDT');
  assert.deepEqual([swap.id, swap.type, swap.settle, swap.linear], ['BTCUSDT', 'swap', 'USDT', true]);
  assert.equal(ex.market('BTC/USD:BTC').inverse, true);
  assert.ok(['BTC', 'ETH', 'USDT', 'USDC'].every((c) => c in ex.currencies));
  assert.ok(Math.abs(await ex.fetchTime() - Date.now()) < 5000);
});

test('order book, ticker, tickers, public trades', async () => {
  const maker = await trader();
  const taker = await trader();
  const sym = 'ETH/USDT';
  for (const [side, amount, price] of [['sell', 1, 3000], ['sell', 0.5, 3001], ['buy', 2, 2990], ['buy', 1, 2989]]) {
    await maker.createOrder(sym, 'limit', side, amount, price);
  }
  const book = await maker.fetchOrderBook(sym, 5);
  assert.deepEqual(book.asks, [[3000, 1], [3001, 0.5]]);
  assert.deepEqual(book.bids, [[2990, 2], [2989, 1]]);
  await taker.createOrder(sym, 'limit', 'buy', 0.4, 3000);
  await taker.createOrder(sym, 'market', 'sell', 0.5);
  const t = await taker.fetchTicker(sym);
  assert.deepEqual([t.symbol, t.last, t.high, t.low, t.bid, t.ask], [sym, 2990, 3000, 2990, 2990, 3000]);
  assert.ok(close(t.baseVolume, 0.9));
  const some = await taker.fetchTickers([sym]);
  assert.deepEqual(Object.keys(some), [sym]);
  const linear = await taker.fetchTickers();
  assert.deepEqual(Object.keys(linear).sort(), ['BTC/USDT:USDT', 'ETH/USDT:USDT']);
  const trades = await taker.fetchTrades(sym, undefined, 2);
  assert.deepEqual(trades.map((x) => [x.price, x.amount]).sort(), [[2990, 0.5], [3000, 0.4]]);
  await cancelEverything(...users.slice(-2));
});

test('spot: limit, market, post-only, fetch and cancel by clientOrderId, balances, history', async () => {
  const maker = await trader();
  const taker = await trader();
  const ask = await maker.createOrder(SPOT, 'limit', 'sell', 0.01, 50000, { clientOrderId: 'js-ccxt-ask' });
  assert.equal(ask.clientOrderId, 'js-ccxt-ask');
  assert.equal((await maker.fetchOrder(undefined, SPOT, { clientOrderId: 'js-ccxt-ask' })).id, ask.id);
  let o = await maker.fetchOrder(ask.id, SPOT);
  assert.deepEqual([o.status, o.side, o.type, o.price, o.amount, o.filled, o.timeInForce],
    ['open', 'sell', 'limit', 50000, 0.01, 0, 'GTC']);
  let btc = (await maker.fetchBalance()).BTC;
  assert.deepEqual([btc.total, btc.used], [100, 0.01]);

  const bid = await maker.createOrder(SPOT, 'limit', 'buy', 0.001, 49000, { postOnly: true });
  const crossing = await taker.createOrder(SPOT, 'limit', 'buy', 0.001, 50000, { postOnly: true });
  const b = await maker.fetchOrder(bid.id, SPOT);
  assert.deepEqual([b.status, b.timeInForce, b.postOnly], ['open', 'PO', true]);
  assert.equal((await taker.fetchOrder(crossing.id, SPOT)).status, 'canceled');

  const mkt = await taker.createOrder(SPOT, 'market', 'buy', 100); // a quote amount: 100 USDT
  const m = await taker.fetchOrder(mkt.id, SPOT);
  assert.deepEqual([m.type, m.status, m.filled], ['market', 'closed', 0.002]);
  const sell = await taker.createOrder(SPOT, 'market', 'sell', 0.001);
  assert.equal((await taker.fetchOrder(sell.id, SPOT)).status, 'closed');

  o = await maker.fetchOrder(ask.id, SPOT);
  assert.deepEqual([o.status, o.filled, o.remaining], ['open', 0.002, 0.008]);
  assert.deepEqual(ids(await maker.fetchOpenOrders(SPOT)), [ask.id]);
  const mine = await taker.fetchMyTrades(SPOT);
  assert.deepEqual(mine.map((x) => [x.order, x.side, x.price, x.amount, x.takerOrMaker]).sort(), [
    [mkt.id, 'buy', 50000, 0.002, 'taker'], [sell.id, 'sell', 49000, 0.001, 'taker'],
  ].sort());
  assert.deepEqual(ids(await taker.fetchClosedOrders(SPOT)).sort(), [mkt.id, sell.id].sort());
  assert.deepEqual(ids(await taker.fetchCanceledOrders(SPOT)), [crossing.id]);

  const cancelled = await maker.cancelOrder(undefined, SPOT, { clientOrderId: 'js-ccxt-ask' });
  assert.equal(cancelled.id, ask.id);
  assert.equal((await maker.fetchOrder(ask.id, SPOT)).status, 'canceled');
  assert.deepEqual(await maker.fetchOpenOrders(SPOT), []);
  btc = (await maker.fetchBalance()).BTC;
  assert.ok(close(btc.total, 100 - 0.002 + 0.000999));
  assert.equal(btc.used, 0);
});

test('errors surface as ccxt exceptions', async () => {
  const ex = await trader(await newUser({ USDT: '100' }));
  await assert.rejects(ex.fetchOrder('1234567', SPOT), (e) => e instanceof ccxt.ExchangeError && /25204/.test(e.message));
  await assert.rejects(ex.cancelOrder('1234567', SPOT), (e) => e instanceof ccxt.ExchangeError && /25204/.test(e.message));
  await assert.rejects(ex.createOrder(SPOT, 'limit', 'buy', 0.01, 20000),
    (e) => e instanceof ccxt.ExchangeError && /25202/.test(e.message));
  await assert.rejects(ex.fetchOHLCV('BTC/USDT:USDT', '8h'), (e) => e instanceof ccxt.BadRequest && /40020/.test(e.message));
});

for (const [sym, params] of [['BTC/USDT', {}], ['BTC/USDT', { marginMode: 'cross' }], ['ETH/USDT:USDT', {}],
  ['ETH/USDC:USDC', {}], ['ETH/USD:ETH', {}]]) {
  test(`createOrders, cancelOrders, cancelAllOrders: ${sym} ${JSON.stringify(params)}`, async () => {
    const ex = await trader();
    const requests = [1000, 1001, 1002].map((price) => ({
      symbol: sym, type: 'limit', side: 'buy', amount: 0.01, price, params: { ...params },
    }));
    requests.push({ symbol: sym, type: 'limit', side: 'buy', amount: 0.01, price: 1, params: { ...params } });
    const placed = await ex.createOrders(requests);
    assert.equal(placed.length, 4);
    const good = placed.slice(0, 3);
    assert.ok(good.every((o) => o.id && o.symbol === sym));
    assert.equal(placed[3].info.code, '25611');
    assert.deepEqual(ids(await ex.fetchOpenOrders(sym, undefined, undefined, { ...params })).sort(), ids(good).sort());
    const result = await ex.cancelOrders([good[0].id, good[1].id, '1234567'], sym, { ...params });
    assert.deepEqual(ids(result).slice(0, 2), ids(good.slice(0, 2)));
    assert.equal(result[2].info.code, '25204');
    assert.deepEqual(ids(await ex.fetchOpenOrders(sym, undefined, undefined, { ...params })), [good[2].id]);
    assert.deepEqual(ids(await ex.fetchCanceledOrders(sym, undefined, undefined, { ...params })).sort(),
      ids(good.slice(0, 2)).sort());
    const all = await ex.cancelAllOrders(sym, { ...params });
    assert.deepEqual(ids(all), [good[2].id]);
    assert.deepEqual(await ex.fetchOpenOrders(sym, undefined, undefined, { ...params }), []);
    assert.equal((await ex.fetchOrder(good[2].id, sym)).status, 'canceled');
  });
}

test('margin (cross): a buy that borrows, a market sell that repays, post-only in the spot book', async () => {
  const maker = await trader();
  const m = await trader(await newUser({ USDT: '1000' }));
  const cross = { marginMode: 'cross' };
  await maker.createOrder(SPOT, 'limit', 'sell', 0.03, 50000);
  await maker.createOrder(SPOT, 'limit', 'buy', 0.01, 49000);
  const buy = await m.createOrder(SPOT, 'limit', 'buy', 0.03, 50000, cross); // 1500 USDT with 1000: borrows 500
  const o = await m.fetchOrder(buy.id, SPOT);
  assert.deepEqual([o.status, o.filled, o.info.category], ['closed', 0.03, 'MARGIN']);
  let bal = await m.fetchBalance();
  assert.deepEqual([bal.USDT.free, bal.USDT.total, bal.USDT.debt], [0, -500, 500]);
  assert.ok(close(bal.BTC.total, 0.02997));
  const sell = await m.createOrder(SPOT, 'market', 'sell', 0.01, undefined, cross);
  assert.deepEqual([(await m.fetchOrder(sell.id, SPOT)).status, (await m.fetchOrder(sell.id, SPOT)).info.category],
    ['closed', 'MARGIN']);
  bal = await m.fetchBalance();
  assert.ok(close(bal.USDT.debt, 10.49)); // 490 less the 0.49 fee repaid 479.51 of the 500
  const po = await m.createOrder(SPOT, 'limit', 'sell', 0.01, 60000, { ...cross, postOnly: true });
  assert.deepEqual((await maker.fetchOrderBook(SPOT)).asks, [[60000, 0.01]]);
  assert.deepEqual(ids(await m.fetchOpenOrders(SPOT, undefined, undefined, cross)), [po.id]);
  assert.deepEqual(ids(await m.fetchClosedOrders(SPOT, undefined, undefined, cross)).sort(), [buy.id, sell.id].sort());
  assert.deepEqual(await m.fetchClosedOrders(SPOT), []); // SPOT history holds none of them
  await m.cancelOrder(po.id, SPOT, cross);
  assert.equal((await m.fetchOrder(po.id, SPOT)).status, 'canceled');
});

test('swap: leverage, positions, reduce-only, hedge mode', async () => {
  const maker = await trader();
  const taker = await trader();
  const sym = 'BTC/USDT:USDT';
  assert.equal((await maker.setLeverage(10, sym)).data, 'success');
  assert.equal((await taker.setLeverage(20, sym)).data, 'success');
  await maker.createOrder(sym, 'limit', 'sell', 0.1, 50000);
  const mkt = await taker.createOrder(sym, 'market', 'buy', 0.04);
  assert.deepEqual([(await taker.fetchOrder(mkt.id, sym)).status, (await taker.fetchOrder(mkt.id, sym)).filled],
    ['closed', 0.04]);
  let [long] = await taker.fetchPositions([sym]);
  assert.deepEqual([long.symbol, long.side, long.contracts, long.entryPrice, long.leverage, long.hedged],
    [sym, 'long', 0.04, 50000, 20, false]);
  await maker.createOrder(sym, 'limit', 'buy', 0.1, 49000);
  const reduce = await taker.createOrder(sym, 'market', 'sell', 0.01, undefined, { reduceOnly: true });
  const r = await taker.fetchOrder(reduce.id, sym);
  assert.deepEqual([r.status, r.reduceOnly, r.filled], ['closed', true, 0.01]);
  [long] = await taker.fetchPositions([sym]);
  assert.equal(long.contracts, 0.03);
  const usdt = (await taker.fetchBalance()).USDT;
  assert.ok(close(usdt.used, 0.03 * 50000 / 20));

  const hedger = await trader();
  assert.equal((await hedger.setPositionMode(true)).data, 'success');
  await assert.rejects(hedger.createOrder(sym, 'limit', 'buy', 0.01, 40000), (e) => e instanceof ccxt.BadRequest);
  const opened = await hedger.createOrder(sym, 'market', 'sell', 0.02, undefined, { hedged: true });
  const [short] = await hedger.fetchPositions([sym]);
  assert.deepEqual([short.side, short.contracts, short.hedged], ['short', 0.02, true]);
  assert.equal((await hedger.fetchOrder(opened.id, sym)).info.posSide, 'short');
  await hedger.createOrder(sym, 'market', 'buy', 0.02, undefined, { hedged: true, reduceOnly: true });
  assert.deepEqual(await hedger.fetchPositions([sym]), []);
  assert.equal((await hedger.setPositionMode(false)).data, 'success');
  await cancelEverything(...users.slice(-3));
});

test('editOrder: price and amount, by clientOrderId', async () => {
  const ex = await trader();
  for (const sym of [SPOT, 'BTC/USDT:USDT', 'BTC/USD:BTC']) {
    const placed = await ex.createOrder(sym, 'limit', 'buy', 0.01, 30000);
    const edited = await ex.editOrder(placed.id, sym, 'limit', 'buy', 0.02, 29000);
    assert.equal(edited.id, placed.id);
    const o = await ex.fetchOrder(placed.id, sym);
    assert.deepEqual([o.price, o.amount, o.status], [29000, 0.02, 'open']);
  }
  const placed = await ex.createOrder(SPOT, 'limit', 'sell', 0.01, 60000, { clientOrderId: 'js-edit-me' });
  await ex.editOrder(placed.id, SPOT, 'limit', 'sell', 0.005, 61000, { clientOrderId: 'js-edit-me' });
  const o = await ex.fetchOrder(placed.id, SPOT);
  assert.deepEqual([o.price, o.amount], [61000, 0.005]);
  await ex.cancelOrder(placed.id, SPOT);
  await assert.rejects(ex.editOrder(placed.id, SPOT, 'limit', 'sell', 0.01, 62000), (e) => /25204/.test(e.message));
});

test('market reads: OHLCV, funding rate and history, open interest, leverage tiers', async () => {
  const maker = await trader();
  const taker = await trader();
  const sym = 'ETH/USDT:USDT';
  const before = await maker.fetchOpenInterest(sym);
  for (const [price, qty] of [[2500, 0.5], [2510.5, 0.25]]) {
    await maker.createOrder(sym, 'limit', 'sell', qty, price);
    await taker.createOrder(sym, 'market', 'buy', qty);
  }
  const bars = (await maker.fetchOHLCV(sym, '1m')).filter((bar) => bar[5] > 0); // the minute may turn between trades
  assert.ok(close(bars.reduce((sum, bar) => sum + bar[5], 0), 0.75));
  assert.deepEqual([bars[0][1], Math.max(...bars.map((bar) => bar[2])), bars.at(-1)[4]], [2500, 2510.5, 2510.5]);
  const old = await maker.fetchOHLCV(sym, '1m', Date.now() - 40 * 86_400_000, 50); // history-candles
  assert.deepEqual(old, []);
  assert.ok(Array.isArray(await maker.fetchOHLCV('BTC/USDT', '15m', undefined, 5)));

  const rate = await maker.fetchFundingRate('BTC/USDT:USDT');
  // no market tick on this quiet venue: the running period's rate is the interest, and nothing has settled
  assert.deepEqual([rate.symbol, rate.fundingRate, rate.interval], ['BTC/USDT:USDT', 0.0001, '8h']);
  const history = await maker.fetchFundingRateHistory('BTC/USDT:USDT', undefined, 5);
  assert.equal(history.length, 0);
  const oi = await maker.fetchOpenInterest(sym);
  assert.equal(oi.symbol, sym);
  assert.ok(close(oi.openInterestAmount - before.openInterestAmount, 0.75));
  const tiers = await maker.fetchMarketLeverageTiers('BTC/USDT:USDT');
  assert.deepEqual([tiers[0].minNotional, tiers[0].maxLeverage], [0, 125]);
});

test('TP/SL: attached stop-loss and take-profit, trigger orders edited and cancelled', async () => {
  const me = await trader();
  const other = await trader();
  const sym = 'BTC/USDT:USDT';
  await other.createOrder(sym, 'limit', 'sell', 0.05, 50000);
  const placed = await me.createOrder(sym, 'market', 'buy', 0.01, undefined, {
    stopLoss: { triggerPrice: 45000 }, takeProfit: { triggerPrice: 60000 },
  });
  const order = await me.fetchOrder(placed.id, sym);
  assert.deepEqual([order.status, order.stopLossPrice, order.takeProfitPrice], ['closed', 45000, 60000]);
  const [armed] = await me.fetchOpenOrders(sym, undefined, undefined, { trigger: true });
  assert.deepEqual([armed.amount, armed.stopLossPrice, armed.takeProfitPrice], [0.01, 45000, 60000]);

  await me.createOrder(sym, 'market', 'buy', 0.02);
  const sl = await me.createOrder(sym, 'limit', 'sell', 0.02, 44900, { stopLossPrice: 45100, reduceOnly: true });
  let open = await me.fetchOpenOrders(sym, undefined, undefined, { trigger: true });
  assert.ok(ids(open).includes(sl.id));
  await me.editOrder(sl.id, sym, 'limit', 'sell', 0.02, 45900, { stopLossPrice: 46000 });
  open = await me.fetchOpenOrders(sym, undefined, undefined, { trigger: true });
  assert.equal(open.find((o) => o.id === sl.id).stopLossPrice, 46000);
  await me.cancelOrder(sl.id, sym, { trigger: true });
  open = await me.fetchOpenOrders(sym, undefined, undefined, { trigger: true });
  assert.deepEqual(ids(open), [armed.id]);
  const ended = await me.fetchCanceledAndClosedOrders(sym, undefined, undefined, { trigger: true });
  assert.deepEqual(ids(ended), [sl.id]);
});

test('createMarketBuyOrderWithCost (spot)', async () => {
  const maker = await trader();
  const taker = await trader();
  await maker.createOrder(SPOT, 'limit', 'sell', 0.01, 50000);
  const placed = await taker.createMarketBuyOrderWithCost(SPOT, 100);
  const o = await taker.fetchOrder(placed.id, SPOT);
  assert.deepEqual([o.status, o.filled, o.info.cumExecValue], ['closed', 0.002, '100']);
  assert.equal((await taker.fetchBalance()).USDT.total, Number(FUNDS.USDT) - 100);
  assert.ok(close((await taker.fetchBalance()).BTC.total, 100 + 0.002 * 0.999));
});
