// Exact decimal strings for display sums (order book totals, percentages): BigInt with a scale, no floats.

export function parse(s) {
  const t = String(s || "0").trim();
  const neg = t.startsWith("-");
  const body = neg || t.startsWith("+") ? t.slice(1) : t;
  const [i, f = ""] = body.split(".");
  const v = BigInt((i || "0") + f || "0");
  return { v: neg ? -v : v, s: f.length };
}

function align(a, b) {
  const s = Math.max(a.s, b.s);
  return [a.v * 10n ** BigInt(s - a.s), b.v * 10n ** BigInt(s - b.s), s];
}

export function format({ v, s }) {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString().padStart(s + 1, "0");
  const out = s ? `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}` : digits;
  return neg ? `-${out}` : out;
}

export function add(a, b) {
  const [x, y, s] = align(parse(a), parse(b));
  return format({ v: x + y, s });
}

export function sub(a, b) {
  const [x, y, s] = align(parse(a), parse(b));
  return format({ v: x - y, s });
}

/** "0.01234" -> "1.23%" (ratio to percent, rounded half away from zero to `places`). */
export function percent(ratio, places = 2) {
  const r = parse(ratio);
  // percent with `places` decimals = ratio * 10^(2+places), rounded
  const shift = 2 + places - r.s;
  let v;
  if (shift >= 0) v = r.v * 10n ** BigInt(shift);
  else {
    const d = 10n ** BigInt(-shift);
    const half = d / 2n;
    v = (r.v >= 0n ? r.v + half : r.v - half) / d;
  }
  const text = format({ v, s: places });
  return `${v > 0n ? "+" : ""}${text}%`;
}

export function cmp(a, b) {
  const [x, y] = align(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a) {
  return parse(a).v === 0n;
}
