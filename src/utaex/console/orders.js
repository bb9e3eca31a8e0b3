// Open orders with checkboxes and "Cancel selected": POST /api/v3/trade/cancel-batch, one request per
// 20 orders of one category (Bitget's limit), each item's result shown with its code and message.
import { $, el, fillTable, fmtTime, sideCell } from "./common.js";

export const BATCH = 20;
const PAGE = 100;
const GAP_MS = 220; // cancel-batch allows 5 requests/s per UID

const OPEN = new Set(["live", "partially_filled", "new", "init"]);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class OpenOrders {
  constructor(api, onChange = () => {}) {
    this.api = api;
    this.onChange = onChange;
    this.orders = new Map(); // orderId -> REST order document (category upper case)
    this.selected = new Set();
    this.cursor = "";
    this.busy = false;
    $("#select-all").addEventListener("change", (e) => this.selectAll(e.target.checked));
    $("#cancel-selected").addEventListener("click", () => this.cancelSelected());
    $("#refresh-open").addEventListener("click", () => this.load());
    $("#load-more").addEventListener("click", () => this.loadMore());
    $("#cancel-dismiss").addEventListener("click", () => { $("#cancel-panel").hidden = true; });
  }

  async load() {
    const res = await this.api("GET", "/api/v3/trade/unfilled-orders", { limit: PAGE });
    if (!res.ok) return res;
    this.orders = new Map();
    this.take(res.data);
    for (const id of [...this.selected]) if (!this.orders.has(id)) this.selected.delete(id);
    this.render();
    return res;
  }

  async loadMore() {
    if (!this.cursor) return;
    const res = await this.api("GET", "/api/v3/trade/unfilled-orders", { limit: PAGE, cursor: this.cursor });
    if (res.ok) {
      this.take(res.data);
      this.render();
    }
  }

  take(data) {
    for (const o of data.list || []) this.orders.set(o.orderId, { ...o, category: o.category.toUpperCase() });
    this.cursor = data.cursor || "";
  }

  /** An `order` push: a pending order is shown (or updated), an ended one leaves the table. */
  push(doc) {
    const o = { ...doc, category: doc.category.toUpperCase() };
    if (OPEN.has(o.orderStatus)) this.orders.set(o.orderId, { ...this.orders.get(o.orderId), ...o });
    else {
      this.orders.delete(o.orderId);
      this.selected.delete(o.orderId);
    }
    this.scheduleRender();
  }

  scheduleRender() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.render();
    });
  }

  selectAll(on) {
    this.selected = on ? new Set(this.orders.keys()) : new Set();
    this.render();
  }

  toggle(id, on) {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
    this.renderTools();
  }

  renderTools() {
    const n = this.selected.size;
    const btn = $("#cancel-selected");
    btn.disabled = n === 0 || this.busy;
    btn.textContent = n ? `Cancel selected (${n})` : "Cancel selected";
    const all = $("#select-all");
    all.checked = n > 0 && n === this.orders.size;
    all.indeterminate = n > 0 && n < this.orders.size;
    $("#open-count").textContent = `${this.orders.size}${this.cursor ? "+" : ""}`;
    $("#load-more").hidden = !this.cursor;
  }

  render() {
    const list = [...this.orders.values()].sort((a, b) => (BigInt(b.orderId) > BigInt(a.orderId) ? 1 : -1));
    fillTable($("#open-orders tbody"), list.map((o) => el("tr", { id: `o-${o.orderId}` },
      el("td", {}, el("input", { type: "checkbox", checked: this.selected.has(o.orderId), value: o.orderId,
                                 "aria-label": `Select order ${o.orderId}`,
                                 onchange: (e) => this.toggle(o.orderId, e.target.checked) })),
      el("td", { class: "muted" }, fmtTime(o.createdTime)), el("td", {}, o.category), el("td", {}, o.symbol),
      sideCell(o.side), el("td", {}, o.orderType), el("td", { class: "num" }, o.price),
      el("td", { class: "num" }, o.qty), el("td", { class: "num" }, o.cumExecQty), el("td", {}, o.orderStatus),
      el("td", { class: "mono" }, o.orderId))), "No open orders");
    this.renderTools();
    this.onChange();
  }

  /** The selected orders as cancel-batch requests: grouped by category, at most 20 items each. */
  batches() {
    const byCat = new Map();
    for (const id of this.selected) {
      const o = this.orders.get(id);
      if (!o) continue;
      if (!byCat.has(o.category)) byCat.set(o.category, []);
      byCat.get(o.category).push({ category: o.category, symbol: o.symbol, orderId: o.orderId });
    }
    const out = [];
    for (const items of byCat.values()) for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
    return out;
  }

  async cancelSelected() {
    const batches = this.batches();
    if (!batches.length || this.busy) return;
    this.busy = true;
    this.renderTools();
    const rows = [];
    let ok = 0;
    let failed = 0;
    $("#cancel-panel").hidden = false;
    $("#cancel-summary").textContent = `Sending ${batches.length} request${batches.length > 1 ? "s" : ""}…`;
    fillTable($("#cancel-results tbody"), [], "waiting for the answers");
    for (const [n, items] of batches.entries()) {
      if (n) await sleep(GAP_MS);
      const res = await this.api("POST", "/api/v3/trade/cancel-batch", undefined, items);
      items.forEach((item, i) => {
        const answer = res.ok ? (res.data || [])[i] || {} : { orderId: item.orderId, clientOid: "", code: res.code, msg: res.msg };
        const success = res.ok && !(answer.code && answer.code !== "0" && answer.code !== "00000");
        if (success) {
          ok += 1;
          this.orders.delete(item.orderId);
          this.selected.delete(item.orderId);
        } else failed += 1;
        rows.push(el("tr", { class: success ? "ok-row" : "fail-row" },
          el("td", { class: "muted" }, rows.length + 1), el("td", { class: "muted" }, `${n + 1} of ${batches.length}`),
          el("td", { class: "mono" }, answer.orderId || item.orderId), el("td", { class: "mono" }, answer.clientOid || ""),
          el("td", { class: success ? "ok" : "fail" }, success ? "cancelled" : "failed"),
          el("td", { class: "code" }, success ? "00000" : answer.code || ""), el("td", {}, success ? "success" : answer.msg || "")));
      });
    }
    const sizes = batches.map((b) => b.length).join(" + ");
    $("#cancel-summary").textContent =
      `${batches.length} cancel-batch request${batches.length > 1 ? "s" : ""} (${sizes} orders): ${ok} cancelled, ${failed} failed`;
    fillTable($("#cancel-results tbody"), rows, "no answers");
    this.busy = false;
    this.render();
  }
}
