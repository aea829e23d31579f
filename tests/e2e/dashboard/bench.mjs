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

// From the navigation's start until `selector` is in the page, in ms (best of `n`).
async function timeTo(path, selector, n = 5) {
  const times = [];
  for (let i = 0; i < n; i++) {
    await page.goto("about:blank");
    bytes = 0;
    const t0 = Date.now();
    await page.goto(URL0 + path, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(selector, { timeout: 60_000 });
    times.push(Date.now() - t0);
  }
  await new Promise((r) => setTimeout(r, 300)); // the page's other calls land
  return { best_ms: Math.min(...times), median_ms: times.sort((a, b) => a - b)[Math.floor(n / 2)] };
}

const out = { runs_in_store: Number(process.env.BENCH_COUNT) };
out.overview = await timeTo("/", "section[aria-labelledby=recent] table tbody tr");
out.overview.first_load_bytes = bytes;
out.history = await timeTo("/history", "main table tbody tr");
const rows = await page.$$eval("main table tbody tr", (trs) => trs.length);
out.history.rows = rows;
const day = new Date(Date.now() - 30 * 86400e3);
const ymd = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
out.history_one_day_30_days_ago = await timeTo(`/history?from=${ymd}&to=${ymd}`, "main table tbody tr");
out.history_last_page = await timeTo(`/history?before=60`, "main table tbody tr");
console.log(JSON.stringify(out));
await browser.close();
