// Fault injection on the admin page (shown when the venue serves /admin/v1/faults): the active faults,
// a form to inject one, remove one, clear all.
import { $, el, errorText, fillTable } from "./common.js";

const EFFECTS = ["429", "latency", "error", "lost_reply", "item_error", "ws_drop", "ws_delay"];
const PATHS = ["/api/v3/trade/cancel-batch", "/api/v3/trade/place-order", "/api/v3/trade/place-batch",
               "/api/v3/trade/cancel-order", "/api/v3/account/assets", "ws:batch-cancel", "ws:books"];
const INTS = ["count", "ms", "jitterMs", "status", "afterFrames"];
const SHOWN = ["uid", "count", "remaining", "probability", "ms", "jitterMs", "status", "code", "msg", "items", "afterFrames"];

export class FaultsPanel {
  constructor(admin) {
    this.admin = admin;
    const panel = $("#faults-panel");
    panel.hidden = false;
    $("#f-effect").replaceChildren(...EFFECTS.map((e) => el("option", { value: e }, e)));
    $("#f-paths").replaceChildren(...PATHS.map((p) => el("option", { value: p })));
    $("#fault-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.inject();
    });
    $("#f-clear").addEventListener("click", () => this.clear());
    this.load();
  }

  async load() {
    const res = await this.admin("GET", "/admin/v1/faults");
    if (!res.ok) {
      fillTable($("#faults tbody"), [], errorText(res));
      return;
    }
    const list = res.data.list || [];
    fillTable($("#faults tbody"), list.map((f) => el("tr", { id: `fault-${f.id}` },
      el("td", { class: "mono" }, f.id), el("td", { class: "mono" }, f.path), el("td", {}, f.effect),
      el("td", { class: "muted" }, SHOWN.filter((k) => f[k] !== undefined && f[k] !== null)
        .map((k) => `${k}=${Array.isArray(f[k]) ? f[k].join(",") : f[k]}`).join("  ")),
      el("td", { class: "num" }, f.hits),
      el("td", {}, el("button", { type: "button", "aria-label": `Remove fault ${f.id}`, onclick: () => this.remove(f.id) }, "Remove")))),
    "No faults: the venue behaves");
    $("#f-clear").disabled = !list.length;
  }

  spec() {
    const spec = { path: $("#f-path").value.trim(), effect: $("#f-effect").value };
    for (const name of ["uid", "count", "probability", "ms", "status", "code", "msg", "items"]) {
      const v = $(`#f-${name}`).value.trim();
      if (!v) continue;
      if (name === "items") spec.items = v.split(/[\s,]+/).filter(Boolean).map(Number);
      else if (INTS.includes(name)) spec[name] = Number(v);
      else if (name === "probability") spec.probability = Number(v);
      else spec[name] = v;
    }
    return spec;
  }

  async inject() {
    const res = await this.admin("POST", "/admin/v1/faults", this.spec());
    $("#fault-result").replaceChildren(res.ok
      ? el("div", { class: "note" }, el("span", { class: "ok" }, "Injected "), "fault ", el("code", {}, res.data.id))
      : el("div", { class: "alert", role: "alert" }, `Refused: ${errorText(res)}`));
    this.load();
  }

  async remove(id) {
    const res = await this.admin("DELETE", `/admin/v1/faults/${encodeURIComponent(id)}`);
    if (!res.ok) $("#fault-result").replaceChildren(el("div", { class: "alert", role: "alert" }, `Refused: ${errorText(res)}`));
    this.load();
  }

  async clear() {
    const res = await this.admin("DELETE", "/admin/v1/faults");
    $("#fault-result").replaceChildren(res.ok ? el("div", { class: "note" }, `Cleared ${res.data.removed} fault(s)`)
      : el("div", { class: "alert", role: "alert" }, `Refused: ${errorText(res)}`));
    this.load();
  }
}
