// bitget-api (tiagosiebler, npm) WebsocketClientV3 (public and private topics) and WebsocketAPIClient (the WS
// trading API), unchanged (only `wsUrl` set), against the real utaex server. Orders that should cause pushes
// are placed over REST with the same library's RestClientV3.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { WebsocketClientV3 } from 'bitget-api';

import {
  Recorder, USER, WS_PRIVATE, WS_PUBLIC, cancelEverything, newUser, onTopic, quietLogger, restClient, sleep,
  wsApiClient, wsClient,
} from './support.js';

const clients = [];
const users = [USER];

after(async () => {
  for (const c of clients) c.closeAll(true);
  await cancelEverything(...users);
});

function open(url, user) {
  const c = wsClient(url, user);
  clients.push(c);
  return c;
}

function ok(res) {
  assert.equal(res.code, '00000', JSON.stringify(res));
  return res.data;
}

test('public topics: ticker, books, publicTrade, kline, liquidation', { timeout: 20000 }, async () => {
  const maker = await newUser();
  const taker = await newUser();
  users.push(maker, taker);
  const ws = open(WS_PUBLIC);
  const rec = new Recorder(ws, ['update', 'response', 'exception']);
  const sym = { instType: 'spot', symbol: 'ETHUSDT' };
  ws.subscribe([
    { topic: 'ticker', payload: sym },
    { topic: 'books5', payload: sym },
    { topic: 'books', payload: sym },
    { topic: 'publicTrade', payload: sym },
    { topic: 'kline', payload: { ...sym, interval: '1m' } },
    { topic: 'liquidation', payload: { instType: 'usdt-futures' } },
  ], 'v3Public');
  for (const topic of ['ticker', 'books5', 'books', 'publicTrade', 'kline', 'liquidation']) {
    await rec.waitFor((e, name) => name === 'response' && e.event === 'subscribe' && e.arg?.topic === topic,
      { what: `subscribe ack of ${topic}` });
  }
  await rec.waitFor(onTopic('books5', 'ETHUSDT'), { what: 'books5 snapshot' });
  const from = rec.events.length;

  ok(await restClient(maker).submitNewOrder({
    category: 'SPOT', symbol: 'ETHUSDT', side: 'sell', orderType: 'limit', qty: '0.5', price: '2500',
  }));
  const book = await rec.waitFor((e) => onTopic('books5', 'ETHUSDT')(e) && e.data?.[0]?.a?.length > 0,
    { from, what: 'books5 with the ask' });
  assert.deepEqual(book.data[0].a[0].map(String), ['2500', '0.5']);
  ok(await restClient(taker).submitNewOrder({
    category: 'SPOT', symbol: 'ETHUSDT', side: 'buy', orderType: 'limit', qty: '0.2', price: '2500',
  }));
  const trade = await rec.waitFor((e) => onTopic('publicTrade', 'ETHUSDT')(e)
    && e.data.some((t) => t.p === '2500' && t.v === '0.2'), { from, what: 'the public trade' });
  assert.equal(trade.arg.instType, 'spot');
  const ticker = await rec.waitFor((e) => onTopic('ticker', 'ETHUSDT')(e) && e.data[0].lastPrice === '2500',
    { from, what: 'the ticker at 2500' });
  assert.equal(ticker.arg.symbol, 'ETHUSDT');
  const bar = await rec.waitFor((e) => onTopic('kline', 'ETHUSDT')(e) && e.data.some((k) => k.close === '2500'),
    { from, what: 'the 1m candle closing at 2500' });
  assert.equal(bar.arg.interval, '1m');
  const full = rec.pushes('books', from).at(-1);
  assert.ok(full.a.some((level) => String(level[0]) === '2500'));
});

test('private topics: login, account, position, order and fill pushes', { timeout: 20000 }, async () => {
  const maker = await newUser();
  users.push(maker);
  const ws = open(WS_PRIVATE, USER);
  const rec = new Recorder(ws, ['update', 'response', 'exception', 'authenticated']);
  ws.subscribe(['account', 'position', 'order', 'fill'].map((topic) => ({ topic, payload: { instType: 'UTA' } })),
    'v3Private');
  const login = await rec.waitFor((e, name) => name === 'authenticated', { what: 'authenticated' });
  assert.equal(login.code, 0);
  for (const topic of ['account', 'position', 'order', 'fill']) {
    await rec.waitFor((e, name) => name === 'response' && e.event === 'subscribe' && e.arg?.topic === topic,
      { what: `subscribe ack of ${topic}` });
  }
  // account and position: a snapshot right after subscribing, even when flat (live behaviour)
  const account = await rec.waitFor(onTopic('account'), { what: 'account snapshot' });
  assert.equal(account.action, 'snapshot');
  assert.equal(account.data.length, 1);
  const flat = await rec.waitFor(onTopic('position'), { what: 'position snapshot' });
  assert.deepEqual([flat.action, flat.data], ['snapshot', []]);
  assert.deepEqual(rec.pushes('order'), []); // nothing on subscription
  const from = rec.events.length;

  const { orderId: makerId } = ok(await restClient(maker).submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', side: 'sell', orderType: 'limit', qty: '1', price: '3000',
  }));
  const { orderId } = ok(await restClient(USER).submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', side: 'buy', orderType: 'market', qty: '0.4', clientOid: 'js-ws-1',
  }));
  const filled = await rec.waitFor((e) => onTopic('order')(e)
    && e.data.some((o) => o.orderId === orderId && o.orderStatus === 'filled'), { from, what: 'the filled push' });
  assert.equal(filled.action, 'snapshot');
  assert.deepEqual(filled.arg, { instType: 'UTA', topic: 'order' });
  const order = filled.data.find((o) => o.orderId === orderId);
  assert.deepEqual([order.clientOid, order.symbol, order.category, order.cumExecQty, order.timeInForce],
    ['js-ws-1', 'ETHUSDT', 'usdt-futures', '0.4', 'ioc']);
  assert.deepEqual([order.tradeSide, order.leverage], ['buy_single', '10']);
  assert.ok('totalProfit' in order && 'takeprofit' in order && 'stoploss' in order);
  const fill = await rec.waitFor((e) => onTopic('fill')(e) && e.data.some((f) => f.orderId === orderId),
    { from, what: 'the fill push' });
  const item = fill.data.find((f) => f.orderId === orderId);
  assert.deepEqual([item.execPrice, item.execQty, item.holdSide], ['3000', '0.4', 'long']);
  assert.ok(item.execLinkId);
  const position = await rec.waitFor((e) => onTopic('position')(e)
    && e.data.some((p) => p.symbol === 'ETHUSDT' && p.size === '0.4'), { from, what: 'the position push' });
  assert.equal(position.action, 'update');
  assert.equal(position.data.find((p) => p.symbol === 'ETHUSDT').posSide, 'long');
  const balances = await rec.waitFor((e) => onTopic('account')(e), { from, what: 'an account push after the fill' });
  assert.equal(balances.action, 'update');
  const usdt = balances.data[0].coin.find((c) => c.coin === 'USDT');
  assert.equal(usdt.balance, '999999.28'); // absolute: 1000000 less the taker fee 0.4 * 3000 * 0.0006
  assert.ok(makerId);

  // closing: first the size moves to frozen, then the position ends (sizes zero)
  ok(await restClient(maker).submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', side: 'buy', orderType: 'limit', qty: '1', price: '2990',
  }));
  const closing = rec.events.length;
  ok(await restClient(USER).submitNewOrder({
    category: 'USDT-FUTURES', symbol: 'ETHUSDT', side: 'sell', orderType: 'market', qty: '0.4', reduceOnly: 'yes',
  }));
  await rec.waitFor((e) => onTopic('position')(e) && e.data.some((p) => p.positionStatus === 'ended'),
    { from: closing, what: 'the ended position' });
  const steps = rec.pushes('position', closing).filter((p) => p.symbol === 'ETHUSDT');
  assert.deepEqual(steps.map((p) => [p.positionStatus, p.size, p.available, p.frozen]),
    [['opening', '0.4', '0', '0.4'], ['ended', '0', '0', '0']]);
  assert.equal(steps[1].curRealisedPnl, '-4');
});

test('WS trading API: place, cancel, batch place, batch cancel', { timeout: 20000 }, async () => {
  const api = wsApiClient(USER);
  clients.push(api.getWSClient());
  const placed = await api.submitNewOrder('spot', {
    symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', qty: '0.01', price: '20000', clientOid: 'js-wsapi-1',
  });
  assert.equal(placed.event, 'trade');
  assert.equal(placed.topic, 'place-order');
  const [one] = placed.args;
  assert.equal(one.clientOid, 'js-wsapi-1');
  assert.equal(one.symbol, 'BTCUSDT');
  const rest = restClient(USER);
  assert.equal(ok(await rest.getOrderInfo({ orderId: one.orderId })).orderStatus, 'live');

  const cancelled = await api.cancelOrder('spot', { orderId: one.orderId });
  assert.equal(cancelled.topic, 'cancel-order');
  assert.equal(cancelled.args[0].orderId, one.orderId);
  assert.equal(ok(await rest.getOrderInfo({ orderId: one.orderId })).orderStatus, 'cancelled');

  const batch = await api.placeBatchOrders('spot', [
    { symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', qty: '0.01', price: '20001' },
    { symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', qty: '0.01', price: '20002' },
  ]);
  assert.equal(batch.topic, 'batch-place');
  assert.equal(batch.args.length, 2);
  const ids = batch.args.map((o) => o.orderId);
  assert.ok(ids.every(Boolean));
  const open = ok(await rest.getUnfilledOrders({ category: 'SPOT', symbol: 'BTCUSDT' }));
  assert.deepEqual(open.list.map((o) => o.orderId).sort(), [...ids].sort());

  const gone = await api.cancelBatchOrders('spot', ids.map((orderId) => ({ orderId })));
  assert.equal(gone.topic, 'batch-cancel');
  assert.deepEqual(gone.args.map((o) => o.orderId), ids);
  assert.deepEqual(ok(await rest.getUnfilledOrders({ category: 'SPOT', symbol: 'BTCUSDT' })).list, []);

  // a rejected request rejects the promise with Bitget's code
  await assert.rejects(api.cancelOrder('spot', { orderId: '1234567' }), (err) => {
    assert.equal(String(err.code), '25204');
    return true;
  });
});

test('a rejected login is an error event (30015) and the socket stays open', { timeout: 20000 }, async () => {
  const ws = open(WS_PRIVATE, { ...USER, secretKey: 'not-the-secret' });
  const rec = new Recorder(ws, ['response', 'exception', 'authenticated', 'reconnect', 'close']);
  ws.subscribe([{ topic: 'account', payload: { instType: 'UTA' } }], 'v3Private');
  const refused = await rec.waitFor((e, name) => name === 'exception', { what: 'the login error' });
  assert.deepEqual([refused.event, refused.code, refused.msg], ['error', 30015, 'Invalid sign']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(ws.getWs('v3Private').readyState, 1); // OPEN: the venue did not close it
  assert.deepEqual(rec.events.filter(({ name }) => ['authenticated', 'reconnect', 'close'].includes(name)), []);
});

test('keep-alive: the text ping is answered by a text pong; unsubscribe is acknowledged', { timeout: 20000 }, async () => {
  const traces = [];
  const logger = { ...quietLogger(), trace: (...params) => traces.push(params) };
  const ws = new WebsocketClientV3({ wsUrl: WS_PUBLIC, pingInterval: 100, pongTimeout: 1000 }, logger);
  clients.push(ws);
  const rec = new Recorder(ws, ['response', 'reconnect', 'close']);
  const topic = { topic: 'ticker', payload: { instType: 'usdt-futures', symbol: 'BTCUSDT' } };
  ws.subscribe([topic], 'v3Public');
  await rec.waitFor((e) => e.event === 'subscribe', { what: 'the subscribe ack' });
  const pongs = () => traces.filter(([msg]) => String(msg).startsWith('Received pong')).length;
  const deadline = Date.now() + 5000;
  while (pongs() < 3) {
    assert.ok(Date.now() < deadline, `only ${pongs()} pongs`);
    await sleep(50);
  }
  ws.unsubscribe([topic], 'v3Public');
  const ack = await rec.waitFor((e) => e.event === 'unsubscribe', { what: 'the unsubscribe ack' });
  assert.deepEqual(ack.arg, { topic: 'ticker', instType: 'usdt-futures', symbol: 'BTCUSDT' });
  assert.deepEqual(rec.events.filter(({ name }) => name !== 'response'), []); // never reconnected
});
