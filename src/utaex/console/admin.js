// Admin page: the admin API with the bearer token: the audit (invariants, state hash, journal and
// history figures, per-coin conservation), creating users and keys, deposits.
import { $, adminRequest, el, errorText, fillTable, fmtClock, publicGet } from "./common.js";
import * as D from "./decimal.js";
import { ClockPanel, PricePanel } from "./clock.js";
import { FaultsPanel } from "./faults.js";

const STORE = "utaex.console.adminToken"; // sessionStorage: this tab only
const KNOWN = new Set(["/admin/v1/users", "/admin/v1/users/{uid}/api-keys", "/admin/v1/users/{uid}/deposits", "/admin/v1/audit",
                       "/admin/v1/faults", "/admin/v1/faults/{id}", "/admin/v1/clock", "/admin/v1/clock/advance",
                       "/admin/v1/prices"]); // these have their own panels
let token = "";
let coins = ["USDT", "USDC", "BTC", "ETH"];
let timer = 0;
let clockPanel = null;
const admin = (method, path, body) => adminRequest(token, method, path, body);

function alertBox(text) {
  return el("div", { class: "alert", role: "alert" }, text);
}

async function open(candidate) {
  token = candidate;
  const res = await loadAudit();
  if (!res.ok) {
    token = "";
    return res;
  }
  sessionStorage.setItem(STORE, candidate);
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#logout").hidden = false;
  await loadCoins();
  loadUsers();
  loadControls();
  schedule();
  return res;
}

function showForm(error) {
  $("#login").hidden = false;
  $("#app").hidden = true;
  const box = $("#token-error");
  box.hidden = !error;
  box.textContent = error ? `Refused by the venue: ${errorText(error)}` : "";
}

$("#token-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("#token-submit").disabled = true;
  const res = await open($("#admin-token").value.trim());
  $("#token-submit").disabled = false;
  if (!res.ok) showForm(res);
});
$("#logout").addEventListener("click", () => {
  sessionStorage.removeItem(STORE);
  location.reload();
});

// ---- audit ---------------------------------------------------------------------------------------------
const FIGURES = [
  ["users", "Users"], ["openOrders", "Open orders"], ["journalSeq", "Journal sequence"],
  ["journalFlushes", "Journal flushes (group commits)"], ["historyUnrecorded", "History: events not yet recorded"],
  ["historyBacklog", "History: rows waiting for the writer"], ["stateHash", "State hash"], ["replayHash", "Replay hash"],
];

async function loadAudit(replay = false) {
  const res = await admin("GET", replay ? "/admin/v1/audit?replay=1" : "/admin/v1/audit");
  if (!res.ok) {
    if (token && !$("#app").hidden) $("#problems").replaceChildren(alertBox(`Audit failed: ${errorText(res)}`));
    return res;
  }
  const a = res.data;
  const problems = a.problems || [];
  $("#problems").replaceChildren(problems.length
    ? alertBox(`${problems.length} problem${problems.length > 1 ? "s" : ""}: ${problems.join("; ")}`)
    : el("div", { class: "note" }, el("span", { class: "ok" }, "✓ "), "All invariants hold: no problems found."));
  const rows = FIGURES.filter(([k]) => a[k] !== undefined).map(([k, label]) => {
    let value = a[k];
    if (k === "replayHash") value = `${a[k]} ${a[k] === a.stateHash ? "(equals the state hash ✓)" : "(DIFFERS from the state hash)"}`;
    return el("tr", {}, el("th", {}, label), el("td", { class: k.endsWith("Hash") ? "mono" : "num", id: `audit-${k}` }, value));
  });
  $("#audit tbody").replaceChildren(...rows);
  const names = [...new Set([...Object.keys(a.deposits || {}), ...Object.keys(a.fees || {}), ...Object.keys(a.balances || {})])].sort();
  fillTable($("#coins tbody"), names.map((c) => {
    const dep = (a.deposits || {})[c] || "0";
    const fee = (a.fees || {})[c] || "0";
    const bal = (a.balances || {})[c] || "0";
    const fund = (a.insuranceFund || {})[c] || "0";
    const diff = D.sub(D.add(D.add(bal, fee), fund), dep);
    // not 0 while futures positions (their realised PnL) or margin debts are open: the audit's check counts those
    const bad = problems.some((p) => p.startsWith(`${c}:`));
    return el("tr", { id: `coin-${c}` }, el("td", {}, c), el("td", { class: "num" }, dep), el("td", { class: "num" }, fee),
      el("td", { class: "num" }, fund), el("td", { class: "num" }, bal),
      el("td", { class: `num ${bad ? "fail" : D.isZero(diff) ? "ok" : "muted"}` }, D.isZero(diff) ? "0 ✓" : diff));
  }), "No deposits yet");
  $("#audit-time").textContent = `audit at ${fmtClock(Date.now())}`;
  return res;
}

function schedule() {
  clearInterval(timer);
  if ($("#auto").checked) timer = setInterval(() => { loadAudit(); loadUsers(); if (clockPanel) clockPanel.load(); }, 5000);
}

$("#auto").addEventListener("change", schedule);
$("#refresh").addEventListener("click", () => loadAudit());
$("#replay").addEventListener("click", () => loadAudit(true));

// ---- controls of later issues (simulator, faults, clock): listed once the venue serves them -----------------
async function loadControls() {
  let paths = {};
  try {
    paths = (await (await fetch("/openapi.json")).json()).paths || {};
  } catch {
    paths = {};
  }
  if (paths["/admin/v1/faults"]) new FaultsPanel(admin);
  if (paths["/admin/v1/clock"]) {
    clockPanel = new ClockPanel(admin, () => { loadAudit(); loadUsers(); });
    $("#clock-refresh").addEventListener("click", () => clockPanel.load());
  }
  if (paths["/admin/v1/prices"]) new PricePanel(admin);
  const extra = Object.entries(paths).filter(([p]) => p.startsWith("/admin/") && !KNOWN.has(p));
  $("#controls").replaceChildren(extra.length
    ? el("table", {}, el("tbody", {}, extra.flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) =>
      el("tr", {}, el("td", { class: "mono" }, `${m.toUpperCase()} ${p}`), el("td", {}, op.summary || ""))))))
    : "This venue serves no other admin operations (simulator, clock) yet.");
}

// ---- users, keys, deposits -----------------------------------------------------------------------------------------
async function loadCoins() {
  const res = await publicGet("/api/v2/spot/public/coins");
  if (res.ok && res.data.length) coins = res.data.map((c) => c.coin);
  $("#d-coin").replaceChildren(...coins.map((c) => el("option", { value: c }, c)));
  const defaults = { USDT: "100000", USDC: "100000", BTC: "10", ETH: "100" };
  $("#user-form").replaceChildren(
    ...coins.map((c) => el("label", {}, c, el("input", { name: c, id: `u-${c}`, inputmode: "decimal", value: defaults[c] || "0" }))),
    el("label", {}, "Permissions", el("select", { name: "perm", id: "u-perm" },
      el("option", { value: "trade" }, "read & trade"), el("option", { value: "read" }, "read only"))),
    el("button", { type: "submit", class: "primary", id: "u-submit" }, "Create user"));
}

function credentials(doc) {
  return el("div", { class: "note creds" },
    el("div", {}, el("span", { class: "ok" }, "Created. "), "Keep the secret now: the venue shows it only once."),
    el("table", {}, el("tbody", {}, [["UID", doc.uid], ["API key", doc.apiKey], ["Secret key", doc.secretKey],
      ["Passphrase", doc.passphrase], ["Permissions", (doc.permissions || []).join(", ")]].map(([k, v]) =>
      el("tr", {}, el("th", {}, k), el("td", { class: "mono", dataset: { field: k } }, v))))),
    el("div", {}, "Log in with it on the ", el("a", { href: "/account" }, "Account"), " page."));
}

let usersCursor = "";

function userRow(u) {
  return el("tr", { id: `user-${u.uid}`, tabindex: 0, class: "pick", onclick: () => pick(u.uid) },
    el("td", {}, u.uid),
    el("td", { class: "mono" }, (u.apiKeys || []).map((k) => el("div", {}, `${k.apiKey} `,
      el("span", { class: "muted" }, `${k.permissions.includes("uta_trade") ? "read & trade" : "read only"}${k.signature === "rsa" ? ", RSA" : ""}`)))),
    el("td", {}, Object.entries(u.balances || {}).filter(([, v]) => !D.isZero(v)).map(([c, v]) => `${v} ${c}`).join(", ") || "–"),
    el("td", { class: "num" }, u.openOrders));
}

function pick(uid) {
  $("#d-uid").value = uid;
  $("#k-uid").value = uid;
}

async function loadUsers(more = false) {
  const res = await admin("GET", `/admin/v1/users?limit=100${more && usersCursor ? `&cursor=${usersCursor}` : ""}`);
  if (!res.ok) {
    fillTable($("#users tbody"), [], errorText(res));
    return;
  }
  const rows = res.data.list.map(userRow);
  if (more) $("#users tbody").append(...rows);
  else fillTable($("#users tbody"), rows, "No users yet");
  usersCursor = res.data.cursor || "";
  $("#users-more").hidden = !usersCursor;
  const n = $("#users tbody").querySelectorAll("tr[id]").length;
  $("#users-count").textContent = `${n}${usersCursor ? "+" : ""}`;
}

$("#users-more").addEventListener("click", () => loadUsers(true));

function remember(doc) {
  pick(doc.uid);
  loadUsers();
}

$("#user-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const balances = {};
  for (const c of coins) {
    const v = $(`#u-${c}`).value.trim();
    if (v && !D.isZero(v)) balances[c] = v;
  }
  const res = await admin("POST", "/admin/v1/users", { balances, readOnly: $("#u-perm").value === "read" });
  $("#user-result").replaceChildren(res.ok ? credentials(res.data) : alertBox(`Refused: ${errorText(res)}`));
  if (res.ok) {
    remember(res.data);
    loadAudit();
  }
});

$("#deposit-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const uid = $("#d-uid").value.trim();
  const body = { coin: $("#d-coin").value, amount: $("#d-amount").value.trim() };
  const res = await admin("POST", `/admin/v1/users/${encodeURIComponent(uid)}/deposits`, body);
  $("#deposit-result").replaceChildren(res.ok
    ? el("div", { class: "note" }, el("span", { class: "ok" }, "Deposited "), `${body.amount} ${body.coin} to uid ${uid}`)
    : alertBox(`Refused: ${errorText(res)}`));
  if (res.ok) {
    loadAudit();
    loadUsers();
  }
});

$("#key-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const uid = $("#k-uid").value.trim();
  const res = await admin("POST", `/admin/v1/users/${encodeURIComponent(uid)}/api-keys`, { readOnly: $("#k-perm").value === "read" });
  $("#key-result").replaceChildren(res.ok ? credentials(res.data) : alertBox(`Refused: ${errorText(res)}`));
  if (res.ok) remember(res.data);
});

const saved = sessionStorage.getItem(STORE);
if (saved) {
  const res = await open(saved);
  if (!res.ok) showForm(res);
} else showForm(null);
