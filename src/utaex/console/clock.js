// Admin page: the venue's virtual clock (GET/POST /admin/v1/clock, POST /admin/v1/clock/advance) and the
// market simulator's reference prices (POST /admin/v1/prices), shown where the venue serves them.
import { $, CATEGORIES, el, errorText, fmtTime, publicGet } from "./common.js";

const STEPS = [[1000, "+1 s"], [60_000, "+1 min"], [600_000, "+10 min"], [3_600_000, "+1 h"], [8 * 3_600_000, "+8 h"]];

function alertBox(text) {
  return el("div", { class: "alert", role: "alert" }, text);
}

export class ClockPanel {
  /** admin(method, path, body) -> envelope; onMoved() after the clock moved (the audit is read again). */
  constructor(admin, onMoved = () => {}) {
    this.admin = admin;
    this.onMoved = onMoved;
    this.clock = null;
    $("#clock-panel").hidden = false;
    $("#clock-steps").replaceChildren(...STEPS.map(([ms, label]) => el("button", {
      type: "button", class: "step", id: `advance-${ms}`, dataset: { ms }, onclick: () => this.advance(ms) }, label)));
    $("#clock-step").addEventListener("click", () => this.set({ mode: "step" }));
    $("#clock-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.set({ mode: "realtime", speed: Number($("#clock-speed").value) });
    });
    $("#advance-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.advance(Number($("#advance-ms").value));
    });
    this.load();
  }

  async load() {
    const res = await this.admin("GET", "/admin/v1/clock");
    if (res.ok) this.render(res.data);
    else $("#clock-result").replaceChildren(alertBox(`Clock: ${errorText(res)}`));
  }

  render(c) {
    this.clock = c;
    const step = c.mode === "step";
    $("#clock-mode").textContent = step ? "step" : `realtime × ${c.speed}`;
    $("#clock-now").textContent = fmtTime(c.now);
    $("#clock-now").dataset.ms = c.now;
    $("#clock-timers").textContent = c.pendingTimers;
    $("#clock-step").disabled = step;
    for (const b of document.querySelectorAll("#clock-steps button, #advance-submit")) b.disabled = !step;
    $("#advance-note").hidden = step;
  }

  async set(body) {
    const res = await this.admin("POST", "/admin/v1/clock", body);
    $("#clock-result").replaceChildren(res.ok ? "" : alertBox(`Refused: ${errorText(res)}`));
    if (res.ok) this.render(res.data);
  }

  async advance(ms) {
    const buttons = [...document.querySelectorAll("#clock-steps button, #advance-submit")];
    for (const b of buttons) b.disabled = true;
    $("#clock-result").replaceChildren(el("div", { class: "note" }, `Advancing ${ms} ms…`));
    const res = await this.admin("POST", "/admin/v1/clock/advance", { ms });
    $("#clock-result").replaceChildren(res.ok
      ? el("div", { class: "note" }, el("span", { class: "ok" }, "Advanced "), `${ms} ms: the venue's time is ${fmtTime(res.data.now)}`)
      : alertBox(`Refused: ${errorText(res)}`));
    if (res.ok) {
      this.render(res.data);
      this.onMoved();
    } else this.load();
  }
}

export class PricePanel {
  constructor(admin) {
    this.admin = admin;
    this.symbols = new Map(); // category -> [symbol]
    $("#price-panel").hidden = false;
    $("#p-category").addEventListener("change", () => this.fillSymbols());
    $("#price-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
    this.loadInstruments();
  }

  async loadInstruments() {
    await Promise.all(CATEGORIES.map(async (category) => {
      const res = await publicGet("/api/v3/market/instruments", { category });
      if (res.ok) this.symbols.set(category, res.data.map((i) => i.symbol));
    }));
    const cats = CATEGORIES.filter((c) => this.symbols.has(c));
    $("#p-category").replaceChildren(...cats.map((c) => el("option", { value: c }, c)));
    $("#p-category").value = cats.includes("USDT-FUTURES") ? "USDT-FUTURES" : cats[0];
    this.fillSymbols();
  }

  fillSymbols() {
    const list = this.symbols.get($("#p-category").value) || [];
    $("#p-symbol").replaceChildren(...list.map((s) => el("option", { value: s }, s)));
    this.showCurrent();
  }

  /** The instrument's last and (futures) index price, to start from. */
  async showCurrent() {
    const category = $("#p-category").value;
    const symbol = $("#p-symbol").value;
    if (!symbol) return;
    const res = await publicGet("/api/v3/market/tickers", { category, symbol });
    const t = res.ok && res.data.length ? res.data[0] : null;
    $("#p-current").textContent = t
      ? `now: last ${t.lastPrice || "–"}${t.indexPrice ? `, index ${t.indexPrice}, mark ${t.markPrice}` : ""}` : "";
  }

  async send() {
    const body = { category: $("#p-category").value, symbol: $("#p-symbol").value, price: $("#p-price").value.trim() };
    const res = await this.admin("POST", "/admin/v1/prices", body);
    $("#price-result").replaceChildren(res.ok
      ? el("div", { class: "note" }, el("span", { class: "ok" }, "Moved "),
        `${res.data.symbol} ${res.data.category} to ${res.data.price} at ${fmtTime(res.data.ts)}: the makers re-quote around it`)
      : alertBox(`Refused: ${errorText(res)}`));
    if (res.ok) this.showCurrent();
  }
}
