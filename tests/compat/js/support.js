// Shared helpers for the Node.js compatibility suite: the venue's address and credentials come from the
// environment (tests/compat/test_js_clients.py starts the real server and sets them); every client is used
// unchanged, only pointed at the venue through its own options (bitget-api: `baseUrl`, `wsUrl`; ccxt: `urls`).
import assert from 'node:assert/strict';

import { RestClientV3, WebsocketAPIClient, WebsocketClientV3 } from 'bitget-api';

function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run this suite through tests/compat/test_js_clients.py`);
  return value;
}

export const BASE_URL = env('UTAEX_BASE_URL'); // http://127.0.0.1:PORT
export const WS_BASE = BASE_URL.replace(/^http/, 'ws');
export const WS_PUBLIC = `${WS_BASE}/v3/ws/public`;
export const WS_PRIVATE = `${WS_BASE}/v3/ws/private`;

/** The funded user the pytest driver created. */
export const USER = {
  uid: env('UTAEX_UID'),
  apiKey: env('UTAEX_API_KEY'),
  secretKey: env('UTAEX_SECRET_KEY'),
  passphrase: env('UTAEX_PASSPHRASE'),
};

export const FUNDS = { USDT: '1000000', USDC: '1000000', BTC: '100', ETH: '1000' };

/** Another funded user (a counterparty), created through the venue's admin API. */
export async function newUser(balances = FUNDS) {
  const r = await fetch(`${BASE_URL}/admin/v1/users`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env('UTAEX_ADMIN_TOKEN')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ balances }),
  });
  const body = await r.json();
  assert.equal(body.code, '00000', JSON.stringify(body));
  return body.data;
}

/** bitget-api's logger, quiet unless UTAEX_JS_VERBOSE is set; errors are kept for the failure messages. */
export function quietLogger(errors = []) {
  const verbose = Boolean(process.env.UTAEX_JS_VERBOSE);
  return {
    trace: () => {},
    info: (...params) => { if (verbose) console.info(...params); },
    error: (...params) => {
      errors.push(params);
      if (verbose) console.error(...params);
    },
  };
}

function bitgetCreds(user) {
  return { apiKey: user.apiKey, apiSecret: user.secretKey, apiPass: user.passphrase };
}

export function restClient(user = USER) {
  return new RestClientV3({ ...bitgetCreds(user), baseUrl: BASE_URL });
}

export function publicRestClient() {
  return new RestClientV3({ baseUrl: BASE_URL });
}

/** bitget-api's v3 WebSocket client; `wsUrl` names one socket, so public and private topics need one each. */
export function wsClient(url, user, logger = quietLogger()) {
  const creds = user ? bitgetCreds(user) : {};
  return new WebsocketClientV3({ ...creds, wsUrl: url }, logger);
}

export function wsApiClient(user = USER, logger = quietLogger()) {
  return new WebsocketAPIClient({ ...bitgetCreds(user), wsUrl: WS_PRIVATE, attachEventListeners: false }, logger);
}

/** Records every event of `names` an EventEmitter sends; `waitFor(pred)` finds a recorded or later one. */
export class Recorder {
  constructor(emitter, names = ['update']) {
    this.events = [];
    this.waiters = [];
    for (const name of names) {
      emitter.on(name, (event) => {
        this.events.push({ name, event });
        this.waiters = this.waiters.filter((w) => !w.offer(name, event));
      });
    }
  }

  /** The first event (recorded from `from` on) for which `pred(event, name)` holds. */
  waitFor(pred, { timeout = 5000, from = 0, what = 'event' } = {}) {
    const found = this.events.slice(from).find(({ name, event }) => pred(event, name));
    if (found) return Promise.resolve(found.event);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const seen = this.events.map(({ name, event }) => `${name} ${JSON.stringify(event)}`.slice(0, 400));
        reject(new Error(`timed out after ${timeout} ms waiting for ${what}; received:\n${seen.join('\n')}`));
      }, timeout);
      const waiter = {
        offer: (name, event) => {
          if (!pred(event, name)) return false;
          clearTimeout(timer);
          resolve(event);
          return true;
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Data items of pushes on `topic` (update events whose arg names it), from index `from` on. */
  pushes(topic, from = 0) {
    return this.events.slice(from)
      .filter(({ name, event }) => name === 'update' && event.arg?.topic === topic)
      .flatMap(({ event }) => event.data);
  }
}

/** A push (not an ack: it has data) whose arg names this topic (and, when given, symbol). */
export function onTopic(topic, symbol) {
  return (event) => Array.isArray(event.data) && event.arg?.topic === topic
    && (symbol === undefined || event.arg?.symbol === symbol);
}

/** Cancels every pending order of `users` in every category (through bitget-api's REST client). */
export async function cancelEverything(...users) {
  for (const user of users) {
    const c = restClient(user);
    for (const category of ['SPOT', 'MARGIN', 'USDT-FUTURES', 'USDC-FUTURES', 'COIN-FUTURES']) {
      await c.cancelAllOrders({ category });
    }
  }
}

/** A rejected bitget-api REST call's Bitget code (the body's), for assert.rejects. */
export function bitgetCode(code) {
  return (err) => {
    assert.equal(err?.body?.code, code, JSON.stringify(err?.body ?? err));
    return true;
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
