// Page timings for bench/dashboard_bench.sh, in headless Chromium: the
// overview's first load with a cold cache, and the history page (100,000
// runs in the store), from navigation to the first table row on screen.
import { createRequire } from "node:module";
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
  await page.goto(url + "/login");
  await page.type("#token", process.env.E2E_TOKEN);
  await Promise.all([page.waitForNavigation().catch(() => {}), page.click("button[type=submit]")]);
  await page.waitForFunction(() => location.pathname === "/");

  async function timed(path, selector) {
    const client = await page.createCDPSession();
    await client.send("Network.clearBrowserCache");
    const t0 = performance.now();
    await page.goto(url + path);
    await page.waitForSelector(selector, { timeout: 30_000 });
    return performance.now() - t0;
  }
  const samples = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0);
  const overview = [];
  const history = [];
  for (let i = 0; i < 5; i++) {
    overview.push(await timed("/", "main table tbody tr"));
    history.push(await timed("/history", "main table tbody tr"));
  }
  console.log(`overview, cold cache, to the first table row: median ${samples(overview)} ms of 5`);
  console.log(`history with 100,000 runs, cold cache, to the first row: median ${samples(history)} ms of 5`);
} finally {
  await browser.close();
}
