// The dashboard as a person uses it, in Debian's headless Chromium
// (run.sh starts serve and sets E2E_*). One browser, one session, the steps
// in order: each needs the one before.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

const URL0 = process.env.E2E_URL;
const TOKEN = process.env.E2E_TOKEN;
// Secrets no answer the browser gets may hold: the API token and the
// Salesforce connected app's client secret.
const CANARIES = [process.env.E2E_TOKEN, process.env.E2E_SF_SECRET, process.env.E2E_PD_SECRET];
const OUT = process.env.E2E_OUT;
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const WAIT = { timeout: 60_000 };

let browser;
let page;
const leaks = []; // answers that held the canary
const shots = [];

async function shot(name) {
  const file = `${OUT}/${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  shots.push(file);
}

// axe-core on the page as it is: no serious or critical violation.
async function accessible(name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(result, [], `axe on ${name}`);
}

async function go(path) {
  await page.goto(URL0 + path, { waitUntil: "networkidle0" });
}

// The API's answer, fetched in the page with its session (as the page does).
function apiGet(path) {
  return page.evaluate(async (p) => (await fetch(p)).json(), path);
}

async function waitForText(selector, text) {
  await page.waitForFunction(
    (s, t) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)),
    WAIT,
    selector,
    text,
  );
}

async function runEnded(id) {
  await page.waitForFunction(
    (id) => fetch(`/api/v1/runs/${id}`).then((r) => r.json()).then((r) => r.ended_at !== null),
    { ...WAIT, polling: 200 },
    id,
  );
}

async function startRun(flows, fresh = true) {
  if (fresh) await go("/start");
  for (const f of flows) await page.click(`input[name=flow][value=${f}]`);
  await Promise.all([page.waitForFunction(() => /^\/runs\/\d+$/.test(location.pathname), WAIT), page.click("button[type=submit]")]);
  return Number(page.url().split("/").pop());
}

before(async () => {
  browser = await puppeteer.launch({
    executablePath: process.env.E2E_CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  // axe is injected as a script; the page's own CSP allows only 'self'.
  await page.setBypassCSP(true);
  page.on("response", async (res) => {
    try {
      const type = res.headers()["content-type"] ?? "";
      if (!/json|html|javascript|css|text/.test(type) || res.status() === 304) return;
      const body = await res.text();
      const head = JSON.stringify(res.headers());
      if (CANARIES.some((c) => body.includes(c) || head.includes(c))) leaks.push(res.url());
    } catch {
      // an event stream still open, or a redirect: no body to read
    }
  });
});

after(async () => {
  await browser?.close();
});

test("a page without a session goes to login, and back after it", async () => {
  await go("/history?status=succeeded");
  assert.match(page.url(), /\/login\?next=%2Fhistory%3Fstatus%3Dsucceeded$/);
  await page.waitForSelector("#token");
  await accessible("login");
  await shot("login");
  await page.type("#token", "wrong-token-123456");
  await page.click("button[type=submit]");
  await waitForText("#token-error", "not this serve's API token");
  await page.$eval("#token", (e) => (e.value = ""));
  await page.type("#token", TOKEN);
  await Promise.all([page.waitForFunction(() => location.pathname === "/history", WAIT), page.click("button[type=submit]")]);
  assert.equal(new URL(page.url()).search, "?status=succeeded");
  const cookies = await page.cookies();
  const session = cookies.find((c) => c.name === "crmsync_session");
  assert.ok(session && session.httpOnly && session.sameSite === "Strict");
});

test("overview", async () => {
  await go("/");
  await waitForText("table", "warehouse");
  await accessible("overview");
  await shot("overview");
});

test("connect Salesforce through the sandbox's OAuth login page", async () => {
  await go("/connections");
  await page.waitForSelector("button[aria-label='Connect sf']");
  await accessible("connections");
  await Promise.all([page.waitForNavigation(WAIT), page.click("button[aria-label='Connect sf']")]);
  assert.match(page.url(), /\/services\/oauth2\/authorize\?/);
  assert.match(page.url(), /code_challenge_method=S256/);
  await shot("salesforce-login");
  await page.type("#username", "demo@example.com");
  await page.type("#password", "demo");
  await Promise.all([page.waitForFunction(() => location.pathname === "/connections", WAIT), page.click("#Login")]);
  await waitForText("[role=status]", "Connected sf");
  await page.waitForSelector("button[aria-label='Disconnect sf']");
  const sf = (await apiGet("/api/v1/connections")).connections.find((c) => c.name === "sf");
  assert.equal(sf.connected, true);
  assert.equal(sf.ok, true, sf.message);
  await shot("connections-connected");
});

test("an import of two Salesforce objects: the bars reach 100% with the API's counts", async () => {
  // Choosing contacts chooses accounts too (contacts' ref: needs its ids), and says why.
  await go("/start");
  await page.click("input[name=flow][value=sf_contacts]");
  assert.equal(await page.$eval("input[name=flow][value=sf_accounts]", (e) => e.checked), true);
  await waitForText("[data-hint=sf_accounts]", "sf_contacts");
  await accessible("start");
  await shot("start");
  // The dry run: plan's counts and first diffs, nothing written.
  const runsBefore = (await apiGet("/api/v1/runs?limit=500")).runs.length;
  await page.click("#dry-run");
  await page.waitForSelector("table.plan-counts tbody tr", WAIT);
  const planned = await page.$$eval("table.plan-counts tbody tr", (trs) =>
    trs.map((tr) => ({ flow: tr.querySelector("th").textContent, create: tr.querySelectorAll("td.num")[1].textContent })),
  );
  assert.deepEqual(
    planned.map((p) => p.flow),
    ["sf_accounts", "sf_contacts"],
  );
  for (const p of planned) assert.ok(Number(p.create.replace(/\D/g, "")) > 0, JSON.stringify(p));
  await waitForText("[data-plan=sf_accounts] summary", "first 5 changes");
  await waitForText("[data-plan=sf_accounts] .diffs", "create");
  assert.equal((await apiGet("/api/v1/runs?limit=500")).runs.length, runsBefore, "a dry run records no run");
  await accessible("start, dry run");
  await shot("start-dry-run");
  const id = await startRun([], false);
  await runEnded(id);
  await waitForText(".run-head .status", "succeeded");
  const run = await apiGet(`/api/v1/runs/${id}`);
  assert.ok(run.flows.sf_accounts.read > 0 && run.flows.sf_contacts.read > 0, JSON.stringify(run.flows));
  const rows = await page.$$eval("table.progress tbody tr", (trs) =>
    trs.map((tr) => ({
      flow: tr.querySelector("th").textContent,
      bar: tr.querySelector("[role=progressbar]").getAttribute("aria-valuenow"),
      read: tr.querySelectorAll("td.num")[0].textContent,
    })),
  );
  const fmt = new Intl.NumberFormat("en-US");
  for (const r of rows) {
    assert.equal(r.bar, "100", `${r.flow} bar`);
    assert.equal(r.read.replace(/\D/g, ""), String(run.flows[r.flow].read));
  }
  assert.equal(rows.length, 2);
  for (const r of rows) assert.equal(r.read, fmt.format(run.flows[r.flow].read), `${r.flow} read, formatted`);
  await accessible("run detail");
  await shot("run-detail");
  // The same page on a phone in the dark.
  await page.setViewport({ width: 375, height: 800 });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await shot("run-detail-375-dark");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(overflow, false, "the page scrolls sideways at 375 px");
  await page.setViewport({ width: 1280, height: 800 });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
});

test("another run, cancelled with confirmation", async () => {
  const id = await startRun(["events"]);
  await page.waitForSelector("button.danger");
  await page.click(".run-head button.danger");
  await page.waitForSelector("dialog[open]");
  await shot("cancel-dialog");
  await page.click("dialog[open] button.danger");
  await runEnded(id);
  await waitForText(".run-head .status", "cancelled");
  const run = await apiGet(`/api/v1/runs/${id}`);
  assert.equal(run.status, "cancelled");
});

test("the errors of a run with failed records; one retried, then all; they succeed", async () => {
  const id = await startRun(["leads"]);
  await runEnded(id);
  await waitForText(".run-head .status", "partial");
  // The overview counts the open errors and shows the API calls Salesforce said are left.
  await go("/");
  await waitForText("[data-open-errors=leads]", "2");
  const budget = (await apiGet("/api/v1/connections")).connections.find((c) => c.name === "sf").budget_remaining;
  assert.ok(budget > 0, `sf budget ${budget}`);
  // The page's number, with its thousands separators (checks may have spent a call since).
  const shown = await page.$eval("[data-budget=sf]", (e) => e.textContent);
  assert.match(shown, /^\d{1,3}(,\d{3})*$/);
  assert.ok(Math.abs(Number(shown.replace(/,/g, "")) - budget) < 100, `${shown} vs ${budget}`);
  await waitForText("[data-inbox=leads]", "–");
  await shot("overview-open-errors");

  await go(`/runs/${id}/errors`);
  await waitForText("table.errors", "L2");
  await accessible("errors");
  await shot("errors");
  // L2 is fixed at the source and retried alone: its run resolves it, L3 still fails.
  execFileSync("sqlite3", [process.env.E2E_CRM_DB, "UPDATE leads SET email = 'l2@example.com' WHERE id = 'L2'"]);
  await Promise.all([
    page.waitForFunction((old) => /^\/runs\/\d+$/.test(location.pathname) && location.pathname !== `/runs/${old}`, WAIT, id),
    page.click("button[aria-label='Retry L2']"),
  ]);
  const one = Number(page.url().split("/").pop());
  await runEnded(one);
  const oneRun = await apiGet(`/api/v1/runs/${one}`);
  assert.equal(oneRun.trigger, "retry");
  assert.deepEqual(oneRun.request.flows, ["leads"]);
  const open = (await apiGet(`/api/v1/runs/${one}/errors`)).errors.filter((e) => e.status !== "resolved").map((e) => e.source_id);
  assert.deepEqual(open, ["L3"]);

  // The rest: fixed, then every failed record of the run retried.
  execFileSync("sqlite3", [process.env.E2E_CRM_DB, "UPDATE leads SET email = id || '@example.com' WHERE email NOT LIKE '%@%'"]);
  await go(`/runs/${one}/errors`);
  await waitForText("table.errors", "L3");
  await Promise.all([
    page.waitForFunction((old) => /^\/runs\/\d+$/.test(location.pathname) && location.pathname !== `/runs/${old}`, WAIT, one),
    page.click(".run-head button"),
  ]);
  const retry = Number(page.url().split("/").pop());
  await runEnded(retry);
  await waitForText(".run-head .status", "succeeded");
  const run = await apiGet(`/api/v1/runs/${retry}`);
  assert.equal(run.status, "succeeded");
  const flows = (await apiGet("/api/v1/flows")).flows;
  assert.equal(flows.find((f) => f.name === "leads").open_errors, 0);
});

test("history, filtered by date", async () => {
  await go("/history");
  await waitForText("table", "cancelled");
  await accessible("history");
  await shot("history");
  const day = (plus) => {
    const d = new Date(Date.now() + plus * 86400e3);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  };
  const all = (await apiGet("/api/v1/runs?limit=500")).runs.length;
  await go(`/history?from=${day(0)}&to=${day(0)}`);
  await waitForText("table", "cancelled");
  assert.equal(await page.$eval("input[name=from]", (e) => e.value), day(0));
  assert.equal(await page.$$eval("table tbody tr", (trs) => trs.length), Math.min(all, 50));
  await shot("history-today");
  await go(`/history?from=${day(1)}`);
  await waitForText("main", "No runs.");
  // Picking a date in the form changes the URL (a bookmark) and the table.
  await go("/history");
  await waitForText("table", "cancelled");
  await page.$eval("input[name=to]", (e, v) => {
    e.value = v;
    e.dispatchEvent(new Event("change", { bubbles: true }));
  }, day(-1));
  await page.waitForFunction((v) => location.search.includes(`to=${v}`), WAIT, day(-1));
  await waitForText("main", "No runs.");
});

test("connections page", async () => {
  await go("/connections");
  await waitForText("table", "crm");
  const before = await apiGet("/api/v1/connections");
  const old = before.connections.find((c) => c.name === "crm").checked_at;
  await page.click("button[aria-label='Check crm']");
  await page.waitForFunction(
    (old) => fetch("/api/v1/connections").then((r) => r.json()).then((b) => b.connections.find((c) => c.name === "crm").checked_at !== old),
    WAIT,
    old,
  );
  await waitForText("tbody tr", "ok");
  await accessible("connections");
  await shot("connections");
});

test("disconnect asks, revokes and deletes the token", async () => {
  await go("/connections");
  await page.click("button[aria-label='Disconnect sf']");
  await page.waitForSelector("dialog[open]");
  await page.click("dialog[open] button.danger");
  await waitForText("[role=status]", "revoked");
  await page.waitForSelector("button[aria-label='Connect sf']");
  const sf = (await apiGet("/api/v1/connections")).connections.find((c) => c.name === "sf");
  assert.equal(sf.connected, false);
});

test("connect Pipedrive through the sandbox's consent page, then disconnect", async () => {
  await go("/connections");
  await page.waitForSelector("button[aria-label='Connect pd']");
  await Promise.all([page.waitForNavigation(WAIT), page.click("button[aria-label='Connect pd']")]);
  assert.match(page.url(), /\/oauth\/authorize\?/);
  assert.match(page.url(), /client_id=e2e-pd/);
  await shot("pipedrive-consent");
  await Promise.all([
    page.waitForFunction(() => location.pathname === "/connections", WAIT),
    page.click("button[value=allow]"),
  ]);
  await waitForText("[role=status]", "Connected pd");
  await page.waitForSelector("button[aria-label='Disconnect pd']");
  // serve checks it again with the new token: Pipedrive answers.
  await page.waitForFunction(
    () => fetch("/api/v1/connections").then((r) => r.json()).then((b) => b.connections.find((c) => c.name === "pd").ok === true),
    { ...WAIT, polling: 200 },
  );
  await shot("connections-pipedrive");
  await page.click("button[aria-label='Disconnect pd']");
  await page.waitForSelector("dialog[open]");
  await page.click("dialog[open] button.danger");
  await waitForText("[role=status]", "Disconnected pd");
  await waitForText("[role=status]", "revoked");
  await page.waitForSelector("button[aria-label='Connect pd']");
});

test("a state-changing request without the CSRF token is refused", async () => {
  const status = await page.evaluate(async () => {
    const r = await fetch("/api/v1/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return r.status;
  });
  assert.equal(status, 403);
});

test("logout ends the session", async () => {
  await go("/");
  await Promise.all([page.waitForFunction(() => location.pathname === "/login", WAIT), page.click("header button")]);
  await go("/history");
  assert.match(page.url(), /\/login\?next=%2Fhistory$/);
});

test("no answer the browser received holds the API token", () => {
  assert.deepEqual(leaks, []);
});
