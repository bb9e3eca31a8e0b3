// Shared helpers of the utaex console: DOM building, REST calls (public, signed, admin), WebSocket feeds.
// The console is an ordinary Bitget UTA client: it signs its requests here, in the page, and the
// secret is never sent anywhere.
import { hmacSha256Base64 } from "./hmac.js";

export const $ = (sel, root = document) => root.querySelector(sel);

/** Build an element: el("td", {class: "num"}, "1.5"). Children are nodes or strings (never HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "style") Object.assign(node.style, v); // CSSOM: allowed by the page's CSP, a style attribute is not
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

export function fmtTime(ms) {
  const n = Number(ms);
  if (!n) return "";
  const d = new Date(n);
  const p = (x, w = 2) => String(x).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function fmtClock(ms) {
  const d = new Date(Number(ms));
  const p = (x) => String(x).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A Bitget envelope error as one line: "40009 sign signature error (HTTP 400)". */
export function errorText(res) {
  return `${res.code} ${res.msg}${res.status && res.status !== 200 ? ` (HTTP ${res.status})` : ""}`;
}

async function envelope(resp) {
  let doc;
  try {
    doc = await resp.json();
  } catch {
    doc = { code: String(resp.status), msg: resp.statusText || "not a JSON answer", data: null };
  }
  return { status: resp.status, code: doc.code, msg: doc.msg, data: doc.data, ok: doc.code === "00000" };
}

function netError(err) {
  return { status: 0, code: "network", msg: String(err && err.message ? err.message : err), data: null, ok: false };
}

function queryString(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "") continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  }
  return parts.join("&");
}

export async function publicGet(path, params) {
  const qs = queryString(params);
  try {
    return await envelope(await fetch(qs ? `${path}?${qs}` : path));
  } catch (err) {
    return netError(err);
  }
}

/** A signed Bitget request: ACCESS-SIGN = base64(HMAC-SHA256(secret, ts + METHOD + path[?query] + body)). */
export async function signedRequest(creds, method, path, params, body) {
  const qs = queryString(params);
  const text = body === undefined ? "" : JSON.stringify(body);
  const ts = String(Date.now());
  const target = qs ? `${path}?${qs}` : path;
  try {
    const sign = await hmacSha256Base64(creds.secret, ts + method + target + text);
    const headers = {
      "ACCESS-KEY": creds.apiKey, "ACCESS-SIGN": sign, "ACCESS-TIMESTAMP": ts,
      "ACCESS-PASSPHRASE": creds.passphrase, "locale": "en-US",
    };
    if (text) headers["Content-Type"] = "application/json";
    return await envelope(await fetch(target, { method, headers, body: text || undefined }));
  } catch (err) {
    return netError(err);
  }
}

export async function adminRequest(token, method, path, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  try {
    return await envelope(await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  } catch (err) {
    return netError(err);
  }
}

/** Does the venue serve this REST path? (asked once, from /openapi.json, so a missing one is never a 404) */
let served = null;
export async function serves(path) {
  if (served === null) {
    served = fetch("/openapi.json").then((r) => r.json()).then((d) => new Set(Object.keys(d.paths || {}))).catch(() => new Set());
  }
  return (await served).has(path);
}

/**
 * One WebSocket connection with automatic reconnect: subscriptions are re-sent after a reconnect
 * (and a private one logs in first). Pushes are dispatched by arg: handlers get (action, data, msg).
 */
export class Feed {
  constructor(path, { login = null, onStatus = () => {}, onEvent = () => {} } = {}) {
    this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
    this.login = login; // async () => login args, or null for the public socket
    this.onStatus = onStatus;
    this.onEvent = onEvent;
    this.subs = new Map(); // key -> {arg, handler}
    this.ready = false;
    this.closed = false;
    this.retry = 500;
    this.connect();
  }

  static key(arg) {
    return [arg.instType.toLowerCase(), arg.topic, arg.symbol || "", arg.interval || ""].join("|");
  }

  connect() {
    this.onStatus("connecting");
    const ws = (this.ws = new WebSocket(this.url));
    ws.onopen = async () => {
      this.retry = 500;
      if (this.login) ws.send(JSON.stringify({ op: "login", args: [await this.login()] }));
      else this.opened();
    };
    ws.onmessage = (ev) => this.message(ev.data);
    ws.onclose = () => {
      this.ready = false;
      clearInterval(this.pinger);
      if (this.closed) return;
      this.onStatus("reconnecting");
      setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 10000);
    };
    ws.onerror = () => {}; // onclose follows and reconnects
  }

  opened() {
    this.ready = true;
    this.onStatus("live");
    this.pinger = setInterval(() => this.ws.readyState === 1 && this.ws.send("ping"), 20000);
    const args = [...this.subs.values()].map((s) => s.arg);
    for (let i = 0; i < args.length; i += 10) this.send({ op: "subscribe", args: args.slice(i, i + 10) });
  }

  send(doc) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(doc));
  }

  message(text) {
    if (text === "pong") return;
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.event === "login") {
      if (Number(msg.code) === 0) this.opened(); // a JSON number on the wire, as on the live venue
      return;
    }
    if (msg.event === "error" || msg.event) {
      this.onEvent(msg);
      if (msg.event === "error" && this.login && !this.ready) { // bad login: the venue keeps the socket, we don't retry
        this.closed = true;
        this.ws.close();
      }
      return;
    }
    if (!msg.arg) return;
    const sub = this.subs.get(Feed.key(msg.arg));
    if (sub) sub.handler(msg.action, msg.data || [], msg);
  }

  subscribe(arg, handler) {
    this.subs.set(Feed.key(arg), { arg, handler });
    if (this.ready) this.send({ op: "subscribe", args: [arg] });
  }

  unsubscribe(arg) {
    if (this.subs.delete(Feed.key(arg)) && this.ready) this.send({ op: "unsubscribe", args: [arg] });
  }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }
}

/** The WS login args for a key: sign = base64(HMAC-SHA256(secret, ts + "GET" + "/user/verify")). */
export async function wsLoginArgs(creds) {
  const ts = String(Date.now());
  return { apiKey: creds.apiKey, passphrase: creds.passphrase, timestamp: ts,
           sign: await hmacSha256Base64(creds.secret, `${ts}GET/user/verify`) };
}

/** The connection indicator in the header. */
export function statusBadge(node) {
  return (state) => {
    node.textContent = state === "live" ? "● live" : state === "connecting" ? "○ connecting" : "○ reconnecting";
    node.className = `status status-${state}`;
  };
}

/** A table body filled from rows (arrays of cells); an empty list shows `empty` across the table. */
export function fillTable(tbody, rows, empty) {
  const cols = tbody.closest("table").querySelectorAll("thead th").length || 1;
  if (!rows.length) {
    tbody.replaceChildren(el("tr", { class: "empty" }, el("td", { colspan: cols }, empty)));
    return;
  }
  tbody.replaceChildren(...rows);
}

export function sideCell(side) {
  return el("td", { class: side === "buy" ? "buy" : side === "sell" ? "sell" : "" }, side);
}

export const CATEGORIES = ["SPOT", "USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"];
export const FUTURES = ["USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES"];
