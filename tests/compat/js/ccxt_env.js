// ccxt for JavaScript pointed at the venue (a module of its own: importing ccxt takes seconds, which the
// bitget-api files need not pay).
import ccxt from 'ccxt';

import { BASE_URL, USER, WS_BASE, WS_PRIVATE, WS_PUBLIC } from './support.js';

/** ccxt's bitget (or ccxt.pro's) with `uta: true` and every REST and WS URL replaced, as in the README. */
export function ccxtBitget(user = USER, { pro = false } = {}) {
  const Exchange = pro ? ccxt.pro.bitget : ccxt.bitget;
  const ex = new Exchange({
    apiKey: user.apiKey, secret: user.secretKey, password: user.passphrase,
    options: { uta: true }, enableRateLimit: false,
  });
  for (const [name, url] of Object.entries(ex.urls.api)) {
    if (typeof url === 'string') ex.urls.api[name] = BASE_URL;
  }
  ex.urls.api.ws = {
    public: `${WS_BASE}/v2/ws/public`, private: `${WS_BASE}/v2/ws/private`,
    utaPublic: WS_PUBLIC, utaPrivate: WS_PRIVATE,
  };
  return ex;
}
