// Markets page: every instrument with its ticker; for the chosen one the order book (WS books15),
// recent trades (WS publicTrade), candles (REST candles when served, then WS kline) and the ticker.
import { renderBook } from "./book.js";
import { CandleChart } from "./chart.js";
import { $, CATEGORIES, Feed, el, fillTable, fmtClock, fmtTime, publicGet, serves, statusBadge } from "./common.js";
import * as D from "./decimal.js";

const DEPTH = 15; // books15: each push is the whole top 15 levels a side
const INTERVALS = ["1m", "5m", "15m", "1H", "4H", "1D"];
const instruments = new Map(); // "CAT:SYMBOL" -> {category, symbol, ticker}
let current = null; // {category, symbol}
let interval = "1m";
let candles = new Map(); // start -> candle
let trades = [];
const fundings = new Map(); // "CAT:SYMBOL" -> current-fund-rate row (REST, where served)
const chart = new CandleChart($("#chart"));
const feed = new Feed("/v3/ws/public", { onStatus: statusBadge($("#ws-status")) });

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
      item.ticker = { ...item.ticker, ...data[0] };
      updateInstrumentRow(item);
      if (current && current.category === item.category && current.symbol === item.symbol) renderStats();
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
               stat("Funding rate", t.fundingRate ? D.percent(t.fundingRate, 4) : ""),
               stat("Open interest", t.openInterest));
    const f = fundings.get(keyOf(item.category, item.symbol));
    if (f) parts.push(stat(`Next funding (every ${f.fundingRateInterval} h)`, fmtTime(f.nextUpdate)));
  }
  $("#stats").replaceChildren(...parts);
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
  chart.set(list);
  $("#chart-empty").textContent = list.length ? "" : `No trades yet: no ${interval} candles`;
}

async function loadRestCandles(category, symbol, iv) {
  if (!(await serves("/api/v3/market/candles"))) return;
  const res = await publicGet("/api/v3/market/candles", { category, symbol, interval: iv, limit: 200 });
  if (!res.ok || !Array.isArray(res.data) || !current || current.symbol !== symbol || interval !== iv) return;
  for (const k of res.data) {
    const c = candleOf(k);
    if (!candles.has(c.start)) candles.set(c.start, c);
  }
  renderCandles();
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
  feed.unsubscribe(klineArg());
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
  feed.unsubscribe(klineArg());
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
    renderTrades();
  });
  subscribeKline();
  if (category !== "SPOT") loadFunding(category, symbol);
}

async function loadFunding(category, symbol) {
  if (!(await serves("/api/v3/market/current-fund-rate"))) return;
  const res = await publicGet("/api/v3/market/current-fund-rate", { symbol });
  if (!res.ok || !res.data.length) return;
  fundings.set(keyOf(category, symbol), res.data[0]);
  if (current && current.category === category && current.symbol === symbol) renderStats();
}

setInterval(() => { $("#clock").textContent = fmtClock(Date.now()); }, 1000);
$("#clock").textContent = fmtClock(Date.now());
renderIntervals();
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
