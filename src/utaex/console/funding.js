// Futures views of the markets page: the venue's time as its market data tells it, the countdown to the
// next funding, the funding-rate history (REST history-fund-rate) and the liquidations feed (public WS
// `liquidation` channel of every futures category).
import { $, FUTURES, el, fillTable, fmtClock, fmtTime, publicGet, serves } from "./common.js";
import * as D from "./decimal.js";

/**
 * The venue's (virtual) time. A venue may run its clock stepped or accelerated, so the browser's clock
 * is not the venue's: the newest timestamp the venue stamped on market data (a trade, a liquidation) is,
 * carried forward by the browser's clock until the next one arrives. Before any, the browser's clock.
 */
export class VenueTime {
  constructor() {
    this.seen = 0;
    this.at = 0;
  }

  see(ts) {
    const t = Number(ts);
    if (t && t >= this.seen) {
      this.seen = t;
      this.at = Date.now();
    }
  }

  now() {
    return this.seen ? this.seen + (Date.now() - this.at) : Date.now();
  }
}

/** "7h 05m 09s" (or "due" once passed). */
export function countdown(ms) {
  if (ms <= 0) return "due";
  const s = Math.floor(ms / 1000);
  const p = (x) => String(x).padStart(2, "0");
  const h = Math.floor(s / 3600);
  return `${h}h ${p(Math.floor((s % 3600) / 60))}m ${p(s % 60)}s`;
}

/** The funding-rate history panel of one futures instrument (newest first). */
export class FundingHistory {
  constructor() {
    this.key = "";
    this.loaded = "";
  }

  async show(category, symbol) {
    const key = `${category}:${symbol}`;
    this.key = key;
    $("#funding-panel").hidden = !FUTURES.includes(category);
    if (!FUTURES.includes(category)) return;
    $("#funding-symbol").textContent = symbol;
    if (!(await serves("/api/v3/market/history-fund-rate"))) {
      fillTable($("#funding-history tbody"), [], "This venue does not serve history-fund-rate");
      return;
    }
    const res = await publicGet("/api/v3/market/history-fund-rate", { category, symbol, limit: 100 });
    if (this.key !== key) return;
    const list = res.ok ? res.data.resultList || [] : [];
    list.sort((a, b) => Number(b.fundingRateTimestamp) - Number(a.fundingRateTimestamp));
    fillTable($("#funding-history tbody"), list.map((r) => el("tr", {},
      el("td", { class: "muted" }, fmtTime(r.fundingRateTimestamp)),
      el("td", { class: `num ${D.cmp(r.fundingRate, "0") < 0 ? "sell" : "buy"}` }, D.percent(r.fundingRate, 4)),
      el("td", { class: "num muted" }, r.fundingRate))),
    res.ok ? "No funding settled yet" : `${res.code} ${res.msg}`);
    $("#funding-count").textContent = list.length ? String(list.length) : "";
    this.loaded = key;
  }
}

/** The liquidations of every futures category, newest first, as the `liquidation` channel pushes them. */
export class Liquidations {
  constructor(feed, time) {
    this.list = [];
    for (const category of FUTURES) {
      feed.subscribe({ instType: category.toLowerCase(), topic: "liquidation" }, (_a, data) => {
        for (const d of data) {
          time.see(d.ts);
          this.list.unshift({ ...d, category });
        }
        this.list = this.list.slice(0, 50);
        this.render();
      });
    }
    this.render();
  }

  render() {
    fillTable($("#liquidations tbody"), this.list.map((d) => el("tr", {},
      el("td", { class: "muted" }, fmtClock(d.ts)), el("td", {}, d.symbol, el("span", { class: "cat" }, ` ${d.category}`)),
      // side buy: a long position was liquidated (its close sells); sell: a short one
      el("td", { class: d.side === "buy" ? "sell" : "buy" }, d.side === "buy" ? "long" : "short"),
      el("td", { class: "num" }, d.price), el("td", { class: "num" }, d.amount))), "No liquidations since the page opened");
  }
}
