// The order book table shared by the markets and account pages: asks above the spread, bids below,
// running totals as exact decimals, a depth bar behind each level.
import { $, el } from "./common.js";
import * as D from "./decimal.js";

/** Render a books push ({a, b}) into #asks/#bids/#spread, `depth` levels a side; onPick(price) on click. */
export function renderBook(data, depth, onPick = null) {
  const asks = (data.a || []).slice(0, depth);
  const bids = (data.b || []).slice(0, depth);
  const cum = (levels) => {
    let total = "0";
    return levels.map(([p, s]) => {
      total = D.add(total, s);
      return [p, s, total];
    });
  };
  const a = cum(asks);
  const b = cum(bids);
  const max = Math.max(1e-18, ...[...a, ...b].map((r) => +r[2]));
  const row = (cls, [p, s, total]) => {
    const pct = `${((+total / max) * 100).toFixed(1)}%`;
    const color = cls === "ask" ? "rgba(240,81,106,.16)" : "rgba(46,189,133,.16)";
    return el("tr", { class: cls, style: { background: `linear-gradient(to left, ${color} ${pct}, transparent ${pct})`,
                                          cursor: onPick ? "pointer" : "" },
                      onclick: onPick ? () => onPick(p) : undefined },
      el("td", {}, p), el("td", { class: "num" }, s), el("td", { class: "num" }, total));
  };
  $("#asks").replaceChildren(...a.reverse().map((r) => row("ask", r)));
  $("#bids").replaceChildren(...b.map((r) => row("bid", r)));
  const spread = $("#spread");
  if (asks.length && bids.length) spread.textContent = `spread ${D.sub(asks[0][0], bids[0][0])}`;
  else spread.textContent = asks.length || bids.length ? "one-sided book" : "no orders in the book";
}
