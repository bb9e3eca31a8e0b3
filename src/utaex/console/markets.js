// Markets page: every instrument with its ticker; for the chosen one the order book (WS books15),
// recent trades (WS publicTrade), candles (REST candles when served, then WS kline; mark and index
// candles from REST) and the ticker; for futures the mark, index, funding rate with its countdown and the
// funding history; the liquidations of every futures contract (WS liquidation).
import { renderBook } from "./book.js";
import { CandleChart } from "./chart.js";
import { $, CATEGORIES, FUTURES, Feed, el, fillTable, fmtClock, fmtTime, publicGet, serves, statusBadge } from "./common.js";
import * as D from "./decimal.js";
import { FundingHistory, Liquidations, VenueTime, countdown } from "./funding.js";

const DEPTH = 15; // books15: each push is the whole top 15 levels a side
const INTERVALS = ["1m", "5m", "15m", "1H", "4H", "1D"];
const TYPES = [["market", "Trades"], ["mark", "Mark"], ["index", "Index"]]; // candle types (REST `type`)
const instruments = new Map(); // "CAT:SYMBOL" -> {category, symbol, ticker}
let current = null; // {category, symbol}
let interval = "1m";
let candleType = "market";
let candles = new Map(); // start -> candle
let trades = [];
const fundings = new Map(); // "CAT:SYMBOL" -> current-fund-rate row (REST, where served)
const chart = new CandleChart($("#chart"));
const feed = new Feed("/v3/ws/public", { onStatus: statusBadge($("#ws-status")) });
const venueTime = new VenueTime();
const fundingHistory = new FundingHistory();
const timers = {};

function later(name, fn, ms) {
  if (timers[name]) return;
  timers[name] = setTimeout(() => {
    timers[name] = 0;
    fn();
  }, ms);
}

const instType = (category) => category.toLowerCase();
const keyOf = (category, symbol) => `${category}:${symbol}`;

function pickFromHash() {
  const [cat, sym] = decodeURIComponent(location.hash.slice(1)).split(":");
  if (cat && sym && instruments.has(keyOf(cat, sym))) return { category: cat, symbol: sym };
  if (instruments.has("SPOT:BTCUSDT")) return { category: "SPOT", symbol: "BTCUSDT" };
  const first = instruments.values().next().value;
  return first ? { category: first.category, symbol: first.symbol } : null;
}

async function loadInstruments() {
  const answers = await Promise.all(CATEGORIES.map(async (category) => {
    const [inst, tick] = await Promise.all([publicGet("/api/v3/market/instruments", { category }),
                                             publicGet("/api/v3/market/tickers", { category })]);
    return { category, inst, tick };
  }));
  for (const { category, inst, tick } of answers) {
    if (!inst.ok) continue;
    const tickers = new Map((tick.ok ? tick.data : []).map((t) => [t.symbol, t]));
    for (const i of inst.data) {
      instruments.set(keyOf(category, i.symbol), { category, symbol: i.symbol, spec: i, ticker: tickers.get(i.symbol) || {} });
    }
  }
  renderInstruments();
  for (const item of instruments.values()) {
    feed.subscribe({ instType: instType(item.category), topic: "ticker", symbol: item.symbol }, (_a, data) => {
      if (!data.length) return;
      const before = item.ticker.nextFundingTime;
      item.ticker = { ...item.ticker, ...data[0] };
      updateInstrumentRow(item);
      if (current && current.category === item.category && current.symbol === item.symbol) {
        renderStats();
        // a funding time passed: it was settled, the history has a new row
        if (before && item.ticker.nextFundingTime && before !== item.ticker.nextFundingTime) fundingHistory.show(item.category, item.symbol);
        if (candleType !== "market") later("typed-candles", () => loadRestCandles(current.category, current.symbol, interval), 1000);
      }
    });
  }
}

function changeCell(ticker) {
  const p = ticker.price24hPcnt;
  if (!p || !ticker.lastPrice) return el("td", { class: "num muted" }, "–");
  const cls = D.cmp(p, "0") > 0 ? "num buy" : D.cmp(p, "0") < 0 ? "num sell" : "num";
  return el("td", { class: cls }, D.percent(p));
}

function instrumentRow(item) {
  const selected = current && current.category === item.category && current.symbol === item.symbol;
  return el("tr", { id: `inst-${item.category}-${item.symbol}`, "aria-selected": selected ? "true" : "false", tabindex: 0,
                    onclick: () => choose(item.category, item.symbol),
                    onkeydown: (e) => e.key === "Enter" && choose(item.category, item.symbol) },
    el("td", {}, item.symbol), el("td", { class: "cat" }, item.category),
    el("td", { class: "num" }, item.ticker.lastPrice || "–"), changeCell(item.ticker));
}

function renderInstruments() {
  fillTable($("#instruments tbody"), [...instruments.values()].map(instrumentRow), "No instruments");
}

function updateInstrumentRow(item) {
  const old = document.getElementById(`inst-${item.category}-${item.symbol}`);
  if (old) old.replaceWith(instrumentRow(item));
}

function stat(k, v, cls = "") {
  return el("div", {}, el("span", { class: "k" }, k), el("span", { class: `v ${cls}` }, v || "–"));
}

function renderStats() {
  const item = instruments.get(keyOf(current.category, current.symbol));
  if (!item) return;
  const t = item.ticker;
  const parts = [
    stat("Last price", t.lastPrice, "big"),
    stat("24h change", t.price24hPcnt && t.lastPrice ? D.percent(t.price24hPcnt) : "",
         t.price24hPcnt && D.cmp(t.price24hPcnt, "0") < 0 ? "sell" : "buy"),
    stat("24h high", t.highPrice24h), stat("24h low", t.lowPrice24h),
    stat(`24h volume (${item.spec.baseCoin})`, t.volume24h), stat(`24h turnover (${item.spec.quoteCoin})`, t.turnover24h),
    stat("Best bid", t.bid1Price, "buy"), stat("Best ask", t.ask1Price, "sell"),
  ];
  if (item.category !== "SPOT") {
    parts.push(stat("Mark price", t.markPrice), stat("Index price", t.indexPrice),
               stat("Funding rate", t.fundingRate ? D.percent(t.fundingRate, 4) : "",
                    t.fundingRate && D.cmp(t.fundingRate, "0") < 0 ? "sell" : ""),
               stat("Open interest", t.openInterest));
    const f = fundings.get(keyOf(item.category, item.symbol));
    const next = t.nextFundingTime || (f && f.nextUpdate);
    if (next) {
      const every = f ? ` (every ${f.fundingRateInterval} h)` : "";
      parts.push(el("div", {}, el("span", { class: "k" }, `Next funding${every}`),
        el("span", { class: "v", id: "next-funding", dataset: { ts: next } }, fmtTime(next), " ",
          el("span", { class: "muted", id: "countdown" }, countdown(Number(next) - venueTime.now())))));
    }
  }
  $("#stats").replaceChildren(...parts);
}

function tickCountdown() {
  const node = $("#next-funding");
  if (node) $("#countdown").textContent = countdown(Number(node.dataset.ts) - venueTime.now());
  $("#clock").textContent = fmtClock(venueTime.now());
}

// ---- trades --------------------------------------------------------------------------------------------
function renderTrades() {
  fillTable($("#trades tbody"), trades.slice(0, 40).map((t) => el("tr", {},
    el("td", { class: t.S === "buy" ? "buy" : "sell" }, t.p), el("td", { class: "num" }, t.v),
    el("td", { class: "num muted" }, fmtClock(t.T)))), "No trades yet");
}

// ---- candles -------------------------------------------------------------------------------------------
function candleOf(k) {
  if (Array.isArray(k)) return { start: k[0], open: k[1], high: k[2], low: k[3], close: k[4], volume: k[5] };
  return { start: k.start, open: k.open, high: k.high, low: k.low, close: k.close, volume: k.volume };
}

function renderCandles() {
  const list = [...candles.values()].sort((x, y) => Number(x.start) - Number(y.start));
  chart.set(list, candleType === "market");
  const what = candleType === "market" ? "No trades yet" : `No ${candleType} prices yet`;
  $("#chart-empty").textContent = list.length ? "" : `${what}: no ${interval} candles`;
}

async function loadRestCandles(category, symbol, iv) {
  if (!(await serves("/api/v3/market/candles"))) return;
  const type = candleType;
  const params = { category, symbol, interval: iv, limit: 200 };
  if (type !== "market") params.type = type;
  const res = await publicGet("/api/v3/market/candles", params);
  if (!res.ok || !Array.isArray(res.data) || !current || current.symbol !== symbol || current.category !== category ||
      interval !== iv || candleType !== type) return;
  for (const k of res.data) {
    const c = candleOf(k);
    // WS kline pushes are newer than a REST answer for the trade candles; typed candles come from REST only
    if (type !== "market" || !candles.has(c.start)) candles.set(c.start, c);
  }
  renderCandles();
}

function renderTypes() {
  const futures = current && FUTURES.includes(current.category);
  $("#ctypes").hidden = !futures;
  $("#ctypes").replaceChildren(...TYPES.map(([t, label]) => el("button", {
    type: "button", id: `ctype-${t}`, "aria-pressed": t === candleType ? "true" : "false",
    title: t === "market" ? "candles of the trades" : `candles of the ${t} price`, onclick: () => pickType(t) }, label)));
}

function pickType(t) {
  if (t === candleType) return;
  if (candleType === "market") feed.unsubscribe(klineArg());
  candleType = t;
  renderTypes();
  subscribeKline();
}

function renderIntervals() {
  $("#intervals").replaceChildren(...INTERVALS.map((iv) => el("button", {
    type: "button", "aria-pressed": iv === interval ? "true" : "false",
    onclick: () => pickInterval(iv) }, iv)));
}

function klineArg() {
  return { instType: instType(current.category), topic: "kline", symbol: current.symbol, interval };
}

function subscribeKline() {
  candles = new Map();
  renderCandles();
  const iv = interval;
  if (candleType !== "market") { // the kline channel carries the trade candles only
    loadRestCandles(current.category, current.symbol, iv);
    return;
  }
  feed.subscribe(klineArg(), (action, data) => {
    if (action === "snapshot") candles = new Map();
    for (const k of data) {
      const c = candleOf(k);
      candles.set(c.start, c);
    }
    renderCandles();
  });
  loadRestCandles(current.category, current.symbol, iv);
}

function pickInterval(iv) {
  if (iv === interval) return;
  if (candleType === "market") feed.unsubscribe(klineArg());
  interval = iv;
  renderIntervals();
  subscribeKline();
}

// ---- choosing an instrument ----------------------------------------------------------------------------
function unsubscribeCurrent() {
  if (!current) return;
  const t = instType(current.category);
  feed.unsubscribe({ instType: t, topic: `books${DEPTH}`, symbol: current.symbol });
  feed.unsubscribe({ instType: t, topic: "publicTrade", symbol: current.symbol });
  if (candleType === "market") feed.unsubscribe(klineArg());
}

function choose(category, symbol) {
  unsubscribeCurrent();
  const prev = current;
  current = { category, symbol };
  history.replaceState(null, "", `#${category}:${symbol}`);
  for (const it of [prev, current]) {
    const item = it && instruments.get(keyOf(it.category, it.symbol));
    if (item) updateInstrumentRow(item);
  }
  document.title = `${symbol} ${category} · utaex console`;
  $("#symbol-title").textContent = symbol;
  $("#symbol-cat").textContent = category;
  renderStats();
  renderBook({}, DEPTH);
  trades = [];
  renderTrades();
  const t = instType(category);
  feed.subscribe({ instType: t, topic: `books${DEPTH}`, symbol }, (_a, data) => data.length && renderBook(data[0], DEPTH));
  feed.subscribe({ instType: t, topic: "publicTrade", symbol }, (action, data) => {
    trades = action === "snapshot" ? [...data] : [...data, ...trades].slice(0, 100);
    for (const d of data) venueTime.see(d.T);
    renderTrades();
  });
  if (!FUTURES.includes(category)) candleType = "market";
  renderTypes();
  subscribeKline();
  fundingHistory.show(category, symbol);
  if (category !== "SPOT") loadFunding(category, symbol);
}

async function loadFunding(category, symbol) {
  if (!(await serves("/api/v3/market/current-fund-rate"))) return;
  const res = await publicGet("/api/v3/market/current-fund-rate", { symbol });
  if (!res.ok || !res.data.length) return;
  fundings.set(keyOf(category, symbol), res.data[0]);
  if (current && current.category === category && current.symbol === symbol) renderStats();
}

setInterval(tickCountdown, 1000);
$("#clock").textContent = fmtClock(Date.now());
renderIntervals();
new Liquidations(feed, venueTime);
// watch the instrument of the address (or BTCUSDT spot) at once; the list and its tickers follow
const [hashCat, hashSym] = decodeURIComponent(location.hash.slice(1)).split(":");
choose(hashCat && hashSym ? hashCat : "SPOT", hashCat && hashSym ? hashSym : "BTCUSDT");
await loadInstruments();
const first = pickFromHash();
if (first && (first.category !== current.category || first.symbol !== current.symbol)) choose(first.category, first.symbol);
else renderStats();
window.addEventListener("hashchange", () => {
  const next = pickFromHash();
  if (next && (!current || next.symbol !== current.symbol || next.category !== current.category)) choose(next.category, next.symbol);
});
