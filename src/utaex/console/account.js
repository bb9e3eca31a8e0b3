// Account page: log in with an API key (every request signed here, in the page), then balances,
// open orders with batch cancel, positions (mark, unrealised PnL on mark, liquidation price, funding),
// order history, fills and the ledger (financial records: fills, fees, funding, liquidations), an order
// ticket; live from the private WebSocket (order, fill, account and position pushes) and the public
// ticker of the contracts held (their mark moves the unrealised PnL).
import {
  $, CATEGORIES, FUTURES, Feed, el, errorText, fillTable, fmtTime, publicGet, serves, sideCell, signedRequest,
  statusBadge, wsLoginArgs,
} from "./common.js";
import { renderBook } from "./book.js";
import { OpenOrders } from "./orders.js";

const STORE = "utaex.console.credentials"; // sessionStorage: this tab only, gone when it closes
let creds = null;
let feed = null;
let market = null; // the public socket: the book of the ticket's instrument
let bookArg = null;
let orders = null;
let historyTab = "orders";
let held = new Map(); // "category|symbol" -> the public ticker arg watched for a position's mark
const timers = {};
const api = (method, path, params, body) => signedRequest(creds, method, path, params, body);

function later(name, fn, ms = 250) {
  clearTimeout(timers[name]);
  timers[name] = setTimeout(fn, ms);
}

function alertBox(text) {
  return el("div", { class: "alert", role: "alert" }, text);
}

// ---- login ----------------------------------------------------------------------------------------------
async function logIn(candidate) {
  const res = await signedRequest(candidate, "GET", "/api/v3/account/assets");
  if (!res.ok) return res;
  creds = candidate;
  sessionStorage.setItem(STORE, JSON.stringify(candidate));
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#logout").hidden = false;
  renderAssets(res.data);
  start();
  api("GET", "/api/v3/account/settings").then((settings) => {
    if (settings.ok) $("#who").textContent = `uid ${settings.data.uid} · ${candidate.apiKey.slice(0, 10)}…`;
  });
  return res;
}

function showLoginForm(error) {
  $("#login").hidden = false;
  $("#app").hidden = true;
  const box = $("#login-error");
  box.hidden = !error;
  box.textContent = error ? `Login refused by the venue: ${errorText(error)}` : "";
}

$("#login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const candidate = { apiKey: f.get("apiKey").trim(), secret: f.get("secret").trim(), passphrase: f.get("passphrase").trim() };
  $("#login-submit").disabled = true;
  const res = await logIn(candidate);
  $("#login-submit").disabled = false;
  if (!res.ok) showLoginForm(res);
});

$("#logout").addEventListener("click", () => {
  sessionStorage.removeItem(STORE);
  location.reload();
});

// ---- balances ---------------------------------------------------------------------------------------------
function renderAssets(doc) {
  const rows = (doc.assets || []).map((a) => el("tr", { id: `bal-${a.coin}` },
    el("td", {}, a.coin), el("td", { class: "num" }, a.equity), el("td", { class: "num avail" }, a.available),
    el("td", { class: "num locked" }, a.locked), el("td", { class: "num" }, a.debt), el("td", { class: "num muted" }, a.usdValue)));
  fillTable($("#balances tbody"), rows, "No assets: deposit some on the Admin page");
  $("#equity").textContent = `equity ${doc.accountEquity} USD · unrealised PnL ${doc.unrealisedPnl}`;
}

async function loadAssets() {
  const res = await api("GET", "/api/v3/account/assets");
  if (res.ok) renderAssets(res.data);
}

function accountPush(data) {
  const a = data[0];
  if (!a) return;
  renderAssets({
    accountEquity: a.totalEquity, unrealisedPnl: a.unrealisedPnL,
    assets: (a.coin || []).map((c) => ({ coin: c.coin, equity: c.equity, available: c.available, locked: c.locked,
                                         debt: c.debts, usdValue: c.usdValue })),
  });
}

// ---- positions ------------------------------------------------------------------------------------------------
async function loadPositions() {
  const answers = await Promise.all(FUTURES.map((category) => api("GET", "/api/v3/position/current-position", { category })));
  const rows = [];
  const errors = [];
  const live = new Map();
  for (const res of answers) {
    if (!res.ok) {
      errors.push(errorText(res));
      continue;
    }
    for (const p of res.data.list || []) {
      live.set(`${p.category}|${p.symbol}`, { instType: p.category.toLowerCase(), topic: "ticker", symbol: p.symbol });
      rows.push(el("tr", { id: `pos-${p.category}-${p.symbol}-${p.posSide}` }, el("td", {}, p.category), el("td", {}, p.symbol),
        el("td", { class: p.posSide === "short" ? "sell" : "buy" }, p.posSide), el("td", { class: "num" }, p.total),
        el("td", { class: "num" }, p.avgPrice), el("td", { class: "num mark" }, p.markPrice),
        el("td", { class: `num upnl ${String(p.unrealisedPnl).startsWith("-") ? "sell" : "buy"}` }, p.unrealisedPnl),
        el("td", { class: "num" }, `${p.leverage}x`), el("td", { class: "num liq" }, p.liquidationPrice && p.liquidationPrice !== "0" ? p.liquidationPrice : "–"),
        el("td", { class: "num" }, p.positionBalance), el("td", { class: "num funding" }, p.totalFunding || "0")));
    }
  }
  fillTable($("#positions tbody"), rows, errors.length ? errors.join("; ") : "No open positions");
  watchMarks(live);
}

/** Follow the public ticker of every contract held: a new mark re-reads the positions (PnL on mark). */
function watchMarks(live) {
  if (!market) market = new Feed("/v3/ws/public");
  for (const [key, arg] of held) if (!live.has(key)) market.unsubscribe(arg);
  for (const [key, arg] of live) {
    if (held.has(key)) continue;
    let mark = null;
    market.subscribe(arg, (_a, data) => {
      const next = data.length ? data[0].markPrice : null;
      if (next && mark !== null && next !== mark) {
        later("positions", loadPositions, 500);
        later("assets", loadAssets, 500); // equity and unrealised PnL move with the mark too
      }
      if (next) mark = next;
    });
  }
  held = live;
}

// ---- history and fills -------------------------------------------------------------------------------------------
const HISTORY_HEAD = ["Time", "Category", "Symbol", "Side", "Type", "Price", "Qty", "Filled", "Avg price", "Status", "Order ID"];
const FILLS_HEAD = ["Time", "Category", "Symbol", "Side", "Price", "Qty", "Value", "Fee", "Role", "Order ID"];
const LEDGER_HEAD = ["Time", "Symbol", "Coin", "Type", "Amount", "Fee", "Balance"]; // the category is the select's
const TABS = ["orders", "fills", "ledger"];
const LEDGER_TYPES = { // the Bitget record types of funding and liquidation, in words
  CONTRACT_MAIN_SETTLE_FEE_USER_OUT: "funding paid", CONTRACT_MAIN_SETTLE_FEE_USER_IN: "funding received",
  LIQ_FEE: "liquidation fee", LIQ_FUND_IN: "covered by the insurance fund",
};

function ledgerRows(list) {
  return list.map((r) => el("tr", { class: "ledger-row" }, el("td", { class: "muted" }, fmtTime(r.ts)),
    el("td", {}, r.symbol), el("td", {}, r.coin),
    el("td", { class: "mono" }, r.type, LEDGER_TYPES[r.type] || r.type.startsWith("BURST_")
      ? el("span", { class: "muted" }, ` ${LEDGER_TYPES[r.type] || "liquidation"}`) : ""),
    el("td", { class: `num ${String(r.amount).startsWith("-") ? "sell" : ""}` }, r.amount), el("td", { class: "num" }, r.fee),
    el("td", { class: "num" }, r.balance)));
}

async function loadHistory() {
  const table = $("#history");
  const category = $("#history-category").value;
  const head = { orders: HISTORY_HEAD, fills: FILLS_HEAD, ledger: LEDGER_HEAD }[historyTab];
  table.tHead.replaceChildren(el("tr", {}, head.map((h) => el("th", {}, h))));
  const tab = historyTab;
  const res = tab === "orders" ? await api("GET", "/api/v3/trade/history-orders", { category, limit: 50 })
    : tab === "fills" ? await api("GET", "/api/v3/trade/fills", { category, limit: 50 })
      : await api("GET", "/api/v3/account/financial-records", { category, limit: 100 });
  if (tab !== historyTab) return;
  if (!res.ok) {
    fillTable(table.tBodies[0], [], errorText(res));
    return;
  }
  const list = res.data.list || [];
  if (tab === "ledger") {
    fillTable(table.tBodies[0], ledgerRows(list), `No ${category} records`);
    return;
  }
  const rows = historyTab === "orders"
    ? list.map((o) => el("tr", {}, el("td", { class: "muted" }, fmtTime(o.updatedTime || o.createdTime)), el("td", {}, o.category),
      el("td", {}, o.symbol), sideCell(o.side), el("td", {}, o.orderType), el("td", {}, o.price), el("td", {}, o.qty),
      el("td", {}, o.cumExecQty), el("td", {}, o.avgPrice), el("td", {}, o.orderStatus), el("td", { class: "mono" }, o.orderId)))
    : list.map((f) => el("tr", {}, el("td", { class: "muted" }, fmtTime(f.createdTime)), el("td", {}, f.category),
      el("td", {}, f.symbol), sideCell(f.side), el("td", {}, f.execPrice), el("td", {}, f.execQty), el("td", {}, f.execValue),
      el("td", {}, (f.feeDetail || []).map((d) => `${d.fee} ${d.feeCoin}`).join(", ")), el("td", {}, f.tradeScope),
      el("td", { class: "mono" }, f.orderId)));
  fillTable(table.tBodies[0], rows, historyTab === "orders" ? "No ended orders in the last 90 days" : "No fills in the last 90 days");
}

function setTab(tab) {
  historyTab = tab;
  for (const t of TABS) $(`#tab-${t}`).setAttribute("aria-selected", String(tab === t));
  // the ledger also has the records of no product (deposits: OTHER)
  const select = $("#history-category");
  const keep = select.value;
  const cats = tab === "ledger" ? [...CATEGORIES, "OTHER"] : CATEGORIES;
  select.replaceChildren(...cats.map((c) => el("option", { value: c }, c)));
  select.value = cats.includes(keep) ? keep : CATEGORIES[0];
  loadHistory();
}

// ---- order ticket -----------------------------------------------------------------------------------------------
const instruments = new Map(); // category -> [instrument]
let side = "buy";

async function loadInstruments() {
  await Promise.all(CATEGORIES.map(async (category) => {
    const res = await publicGet("/api/v3/market/instruments", { category });
    if (res.ok) instruments.set(category, res.data);
  }));
  const cat = $("#t-category");
  cat.replaceChildren(...CATEGORIES.filter((c) => instruments.has(c)).map((c) => el("option", { value: c }, c)));
  fillSymbols();
}

function fillSymbols() {
  const list = instruments.get($("#t-category").value) || [];
  $("#t-symbol").replaceChildren(...list.map((i) => el("option", { value: i.symbol }, i.symbol)));
  watchBook();
}

function watchBook() {
  if (!market) market = new Feed("/v3/ws/public");
  if (bookArg) market.unsubscribe(bookArg);
  const category = $("#t-category").value;
  const symbol = $("#t-symbol").value;
  if (!symbol) return;
  $("#book-symbol").textContent = `${symbol} ${category}`;
  renderBook({}, 8);
  bookArg = { instType: category.toLowerCase(), topic: "books15", symbol };
  market.subscribe(bookArg, (_a, data) => data.length && renderBook(data[0], 8, (p) => { $("#t-price").value = p; }));
}

function setSide(s) {
  side = s;
  $("#t-buy").className = s === "buy" ? "buy-btn" : "";
  $("#t-sell").className = s === "sell" ? "sell-btn" : "";
  $("#t-buy").setAttribute("aria-pressed", String(s === "buy"));
  $("#t-sell").setAttribute("aria-pressed", String(s === "sell"));
  const submit = $("#t-submit");
  submit.className = s === "buy" ? "buy-btn" : "sell-btn";
  submit.textContent = `Place ${s} order`;
}

$("#t-category").addEventListener("change", fillSymbols);
$("#t-symbol").addEventListener("change", watchBook);
$("#t-buy").addEventListener("click", () => setSide("buy"));
$("#t-sell").addEventListener("click", () => setSide("sell"));
$("#t-type").addEventListener("change", () => {
  const market = $("#t-type").value === "market";
  $("#t-price").disabled = market;
  $("#t-tif").disabled = market;
});

$("#ticket").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const body = { category: f.get("category"), symbol: f.get("symbol"), side, orderType: $("#t-type").value,
                 qty: $("#t-qty").value.trim() };
  if (body.orderType === "limit") {
    body.price = $("#t-price").value.trim();
    body.timeInForce = $("#t-tif").value;
  }
  const out = $("#ticket-result");
  $("#t-submit").disabled = true;
  const res = await api("POST", "/api/v3/trade/place-order", undefined, body);
  $("#t-submit").disabled = false;
  if (res.ok) {
    out.replaceChildren(el("div", { class: "note" }, el("span", { class: "ok" }, "Placed "),
      `${body.side} ${body.qty} ${body.symbol}${body.price ? ` @ ${body.price}` : ""}: order `, el("code", {}, res.data.orderId)));
    orders.load(); // also arrives as a push; this covers a socket still connecting
  } else out.replaceChildren(alertBox(`Order refused: ${errorText(res)}`));
});

// ---- strategy orders (shown once the venue serves them) ---------------------------------------------------------------
async function loadStrategy() {
  const box = $("#strategy");
  if (!(await serves("/api/v3/trade/unfilled-strategy-orders"))) {
    box.textContent = "This venue does not serve strategy (TP/SL) orders yet.";
    return;
  }
  const answers = await Promise.all(FUTURES.map((category) => api("GET", "/api/v3/trade/unfilled-strategy-orders", { category })));
  const list = answers.filter((r) => r.ok).flatMap((r) => r.data.list || []);
  box.replaceChildren(list.length ? el("table", {}, el("thead", {}, el("tr", {}, ["Symbol", "Side", "Trigger", "Qty", "Status", "Order ID"].map((h) => el("th", {}, h)))),
    el("tbody", {}, list.map((o) => el("tr", {}, el("td", {}, o.symbol), sideCell(o.side), el("td", {}, o.triggerPrice || o.takeProfit || o.stopLoss || ""),
      el("td", {}, o.qty || o.size || ""), el("td", {}, o.status || o.orderStatus || ""), el("td", { class: "mono" }, o.orderId || ""))))) : "No strategy orders");
}

// ---- start-up and live updates ------------------------------------------------------------------------------------------
function start() {
  orders = new OpenOrders(api);
  // open orders first: the rest (and /openapi.json, which costs the venue a few ms) once they are shown
  orders.load().then(() => loadStrategy());
  loadPositions();
  $("#history-category").replaceChildren(...CATEGORIES.map((c) => el("option", { value: c }, c)));
  $("#history-category").addEventListener("change", loadHistory);
  $("#tab-orders").addEventListener("click", () => setTab("orders"));
  $("#tab-fills").addEventListener("click", () => setTab("fills"));
  $("#tab-ledger").addEventListener("click", () => setTab("ledger"));
  serves("/api/v3/account/financial-records").then((yes) => { $("#tab-ledger").hidden = !yes; });
  loadHistory();
  loadInstruments();
  feed = new Feed("/v3/ws/private", {
    login: () => wsLoginArgs(creds), onStatus: statusBadge($("#ws-status")),
    onEvent: (msg) => {
      if (msg.event === "error") $("#ws-status").textContent = `○ WebSocket: ${msg.code} ${msg.msg}`;
    },
  });
  const arg = (topic) => ({ instType: "UTA", topic });
  feed.subscribe(arg("order"), (_a, data) => {
    for (const o of data) orders.push(o);
    later("history", loadHistory, 400);
  });
  feed.subscribe(arg("account"), (_a, data) => {
    accountPush(data);
    if (historyTab === "ledger") later("history", loadHistory, 400); // funding moves a balance without a fill
  });
  feed.subscribe(arg("position"), () => {
    later("positions", loadPositions, 300);
    if (historyTab === "ledger") later("history", loadHistory, 400);
  });
  feed.subscribe(arg("fill"), () => later("history", loadHistory, 400));
}

const saved = sessionStorage.getItem(STORE);
if (saved) {
  const res = await logIn(JSON.parse(saved));
  if (!res.ok) showLoginForm(res);
} else showLoginForm(null);
