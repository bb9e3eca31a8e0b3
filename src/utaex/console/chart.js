// A small candle chart on a canvas: candles, volume bars, a price axis and a time axis.
// Prices arrive as exact strings; numbers are used here only to place pixels.

const UP = "#2ebd85";
const DOWN = "#f0516a";
const GRID = "#262d37";
const TEXT = "#8d97a5";

export class CandleChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.candles = [];
    this.volume = true;
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** Draw these candles; `volume` false for price candles without volume (mark, index). */
  set(candles, volume = true) {
    this.candles = candles;
    this.volume = volume;
    this.draw();
  }

  draw() {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (!w || !h) return;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const axisW = 70;
    const timeH = 18;
    const plotW = w - axisW;
    const volH = this.volume ? Math.round((h - timeH) * 0.2) : 0;
    const priceH = h - timeH - volH - 6;
    // 9 px a candle, wider (up to 24 px) while there are few of them
    const slot = Math.max(9, Math.min(24, Math.floor(plotW / Math.max(1, this.candles.length))));
    const n = Math.max(1, Math.floor(plotW / slot));
    const shown = this.candles.slice(-n);
    g.font = "11px system-ui, sans-serif";
    g.strokeStyle = GRID;
    g.lineWidth = 1;
    g.strokeRect(0.5, 0.5, plotW - 1, priceH);
    if (!shown.length) return;
    let lo = Infinity;
    let hi = -Infinity;
    let vmax = 0;
    for (const k of shown) {
      lo = Math.min(lo, +k.low);
      hi = Math.max(hi, +k.high);
      vmax = Math.max(vmax, +k.volume);
    }
    if (hi === lo) {
      hi += Math.abs(hi) * 0.001 || 1;
      lo -= Math.abs(lo) * 0.001 || 1;
    }
    const pad = (hi - lo) * 0.06;
    hi += pad;
    lo -= pad;
    const y = (p) => 24 + ((hi - p) / (hi - lo)) * (priceH - 28); // the legend sits above
    // price grid and labels
    const step = niceStep((hi - lo) / 6);
    const decimals = Math.max(0, -Math.floor(Math.log10(step)));
    g.fillStyle = TEXT;
    g.textBaseline = "middle";
    for (let p = Math.ceil(lo / step) * step; p <= hi; p += step) {
      const yy = Math.round(y(p)) + 0.5;
      g.strokeStyle = GRID;
      g.beginPath();
      g.moveTo(0, yy);
      g.lineTo(plotW, yy);
      g.stroke();
      g.fillText(p.toFixed(decimals), plotW + 6, yy);
    }
    const x0 = plotW - shown.length * slot;
    const body = slot - Math.max(3, Math.round(slot / 3));
    g.textBaseline = "top";
    let lastLabel = -Infinity;
    shown.forEach((k, i) => {
      const o = +k.open;
      const cl = +k.close;
      const color = cl >= o ? UP : DOWN;
      const cx = x0 + i * slot + slot / 2;
      g.strokeStyle = color;
      g.fillStyle = color;
      g.beginPath();
      g.moveTo(Math.round(cx) + 0.5, y(+k.high));
      g.lineTo(Math.round(cx) + 0.5, y(+k.low));
      g.stroke();
      const top = y(Math.max(o, cl));
      g.fillRect(Math.round(cx - body / 2), top, body, Math.max(1, y(Math.min(o, cl)) - top));
      if (this.volume && vmax > 0) {
        const vh = (+k.volume / vmax) * volH;
        g.globalAlpha = 0.45;
        g.fillRect(Math.round(cx - body / 2), priceH + 6 + volH - vh, body, vh);
        g.globalAlpha = 1;
      }
      if (cx - lastLabel > 80) {
        lastLabel = cx;
        const d = new Date(Number(k.start));
        const label = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
        g.fillStyle = TEXT;
        g.fillText(label, Math.max(0, cx - 14), h - timeH + 4);
      }
    });
    const last = shown[shown.length - 1];
    const d = new Date(Number(last.start));
    const when = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")} ` +
      `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    g.textBaseline = "top";
    g.fillStyle = TEXT;
    const vol = this.volume ? `   V ${last.volume}` : "";
    g.fillText(`${when}   O ${last.open}   H ${last.high}   L ${last.low}   C ${last.close}${vol}`, 8, 8);
    const ly = Math.round(y(+last.close)) + 0.5;
    g.fillStyle = +last.close >= +last.open ? UP : DOWN;
    g.fillRect(plotW, ly - 8, axisW, 16);
    g.fillStyle = "#0f1318";
    g.textBaseline = "middle";
    g.fillText(last.close, plotW + 6, ly);
  }
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}
