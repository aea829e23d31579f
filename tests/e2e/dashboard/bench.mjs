// bench.sh's measurements in headless Chromium (numbers, never asserted).
import puppeteer from "puppeteer-core";

const URL0 = process.env.BENCH_URL;
const browser = await puppeteer.launch({
  executablePath: process.env.BENCH_CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 800 });
await page.goto(URL0 + "/login", { waitUntil: "networkidle0" });
await page.type("#token", process.env.BENCH_TOKEN);
await Promise.all([page.waitForFunction(() => location.pathname === "/"), page.click("button[type=submit]")]);

const cdp = await page.createCDPSession();
await cdp.send("Network.enable");
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
let bytes = 0;
cdp.on("Network.loadingFinished", (e) => (bytes += e.encodedDataLength));

// From the navigation's start until `selector` is in the page, in ms, as
// the page's own clock says (performance.now() at the first animation frame
// that has it: no puppeteer round trip in it); best and median of `n`.
async function timeTo(path, selector, n = 7) {
  const times = [];
  for (let i = 0; i < n; i++) {
    await page.goto("about:blank");
    bytes = 0;
    await page.goto(URL0 + path, { waitUntil: "domcontentloaded" });
    const at = await page.waitForFunction((s) => document.querySelector(s) && performance.now(), {
      polling: "raf",
      timeout: 60_000,
    }, selector);
    times.push(Math.round(await at.jsonValue()));
  }
  await new Promise((r) => setTimeout(r, 300)); // the page's other calls land
  times.sort((a, b) => a - b);
  return { best_ms: times[0], median_ms: times[Math.floor(n / 2)] };
}

const out = { runs_in_store: Number(process.env.BENCH_COUNT) };
out.overview = await timeTo("/", "section[aria-labelledby=recent] table tbody tr");
out.overview.first_load_bytes = bytes;
out.history = await timeTo("/history", "main table tbody tr");
const rows = await page.$$eval("main table tbody tr", (trs) => trs.length);
out.history.rows = rows;
// Where the last load's time went: the page, the script, the API answers.
out.history.last_load = await page.evaluate(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const t = { html_ms: Math.round(nav.responseEnd), dom_ready_ms: Math.round(nav.domContentLoadedEventEnd) };
  for (const r of performance.getEntriesByType("resource")) {
    const name = new URL(r.name).pathname;
    t[name] = { start_ms: Math.round(r.startTime), took_ms: Math.round(r.duration) };
  }
  return t;
});
const day = new Date(Date.now() - 30 * 86400e3);
const ymd = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
out.history_one_day_30_days_ago = await timeTo(`/history?from=${ymd}&to=${ymd}`, "main table tbody tr");
out.history_last_page = await timeTo(`/history?before=60`, "main table tbody tr");
out.load_average = (await import("node:os")).loadavg()[0];
console.log(JSON.stringify(out));
await browser.close();
