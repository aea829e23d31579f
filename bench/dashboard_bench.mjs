// Page timings for bench/dashboard_bench.sh, in headless Chromium: the
// overview's first load with a cold cache, and the history page (100,000
// runs in the store: the first page, one day in the middle, an old page),
// from navigation to the first table row on screen by the page's own clock
// (performance.now() at the first animation frame that has it: no
// puppeteer round trip in it). Then where the last history load's time
// went, and the machine's load average (the numbers are the machine's too).
import { createRequire } from "node:module";
import { loadavg } from "node:os";
const require = createRequire(process.env.NODE_PATH + "/");
const puppeteer = require("puppeteer-core");

const url = process.env.E2E_URL;
const browser = await puppeteer.launch({
  executablePath: process.env.E2E_CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(url + "/login");
  await page.type("#token", process.env.E2E_TOKEN);
  await Promise.all([page.waitForNavigation().catch(() => {}), page.click("button[type=submit]")]);
  await page.waitForFunction(() => location.pathname === "/");
  const client = await page.createCDPSession();
  await client.send("Network.enable");
  await client.send("Network.setCacheDisabled", { cacheDisabled: true });

  async function timed(path, selector) {
    await page.goto("about:blank");
    await page.goto(url + path, { waitUntil: "domcontentloaded" });
    const at = await page.waitForFunction((s) => document.querySelector(s) && performance.now(), { polling: "raf", timeout: 30_000 }, selector);
    return Math.round(await at.jsonValue());
  }
  const report = (what, xs) => {
    xs.sort((a, b) => a - b);
    console.log(`${what}: best ${xs[0]} ms, median ${xs[Math.floor(xs.length / 2)]} ms of ${xs.length}`);
  };
  const pages = {
    "overview, cold cache, to the first table row": ["/", "main table tbody tr"],
    "history with 100,000 runs, cold cache, to the first row": ["/history", "main table tbody tr"],
    "history, one day (2026-01-10) of 100,000 runs": ["/history?from=2026-01-10&to=2026-01-10", "main table tbody tr"],
    "history, an old page (runs before #60)": ["/history?before=60", "main table tbody tr"],
  };
  for (const [what, [path, selector]] of Object.entries(pages)) {
    const xs = [];
    for (let i = 0; i < 7; i++) xs.push(await timed(path, selector));
    report(what, xs);
  }
  await timed("/history", "main table tbody tr");
  const parts = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const out = [`html ${Math.round(nav.responseEnd)} ms`, `DOM ready ${Math.round(nav.domContentLoadedEventEnd)} ms`];
    for (const r of performance.getEntriesByType("resource"))
      out.push(`${new URL(r.name).pathname} from ${Math.round(r.startTime)} ms, took ${Math.round(r.duration)} ms`);
    return out;
  });
  console.log(`the last history load: ${parts.join("; ")}`);
  console.log(`load average: ${loadavg().map((x) => x.toFixed(1)).join(" ")} on ${require("node:os").cpus().length} CPUs`);
} finally {
  await browser.close();
}
