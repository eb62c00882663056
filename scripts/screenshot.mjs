// The browser check of the built website (`make site-check`): every chapter
// page in headless Chromium, as a reader on a phone or a desktop sees it.
//
//   node scripts/screenshot.mjs _build/html _build/screenshots
//
// It serves the folder from a small local HTTP server (gzip like any static
// host: "bytes" are the compressed bytes transferred, "raw" the uncompressed
// ones) and blocks every request that is not to that server. For each page:
//   1. Fast 3G (Chrome DevTools' preset: 562.5 ms latency, 1.6 Mbit/s * 0.9
//      down, 750 kbit/s * 0.9 up; cold cache, 390 px wide): bytes transferred
//      until the network is idle, and first contentful paint.
//   2. Unthrottled, at 1300 px and at 390 px: every formula typeset by MathJax,
//      every demo redraws when its first slider moves (no kernel), no console
//      error, no failed request (status >= 400 or network error), the page does
//      not scroll sideways on the phone, and navigation works: at 390 px the
//      chapter list (primary toggle) and the in-page contents (secondary
//      toggle) open when clicked and close when the dimmed page is clicked; at
//      1300 px the primary toggle hides the chapter list and shows it again,
//      and the in-page contents are shown without a toggle.
//   3. The search page finds "sigmoid" offline, with snippets free of raw TeX.
// It prints one table and exits non-zero on any violation:
// bytes > 3 MB, first paint > 5 s, or any failed check above.
// Screenshots of the phone and desktop views go to the second argument.
import { chromium } from "playwright-core";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";

const [root = "_build/html", shots = "_build/screenshots"] = process.argv.slice(2);
const MAX_BYTES = 3e6, MAX_PAINT_MS = 5000;
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 1.6e6 / 8 * 0.9,
                  uploadThroughput: 750e3 / 8 * 0.9 };
const PHONE = { width: 390, height: 844 }, DESKTOP = { width: 1300, height: 1000 };
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
                ".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp", ".jpg": "image/jpeg",
                ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".txt": "text/plain",
                ".ico": "image/x-icon", ".gif": "image/gif" };
const COMPRESS = /^(text\/|application\/json|image\/svg|font\/ttf)/;

// ------------------------------------------------------------ static server
const base = path.resolve(root);
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let file = path.join(base, decodeURIComponent(url.pathname));
  if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (!fs.existsSync(file)) { res.writeHead(404).end("not found"); return; }
  const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
  let body = fs.readFileSync(file);
  const headers = { "Content-Type": type, "Cache-Control": "no-cache" };
  if (COMPRESS.test(type) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
    body = zlib.gzipSync(body, { level: 6 });
    headers["Content-Encoding"] = "gzip";
  }
  headers["Content-Length"] = body.length;
  res.writeHead(200, headers).end(body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;

const pages = fs.readdirSync(path.join(base, "chapters")).filter((f) => /^\d.*\.html$/.test(f)).sort()
  .map((f) => `chapters/${f}`);
fs.mkdirSync(shots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// A context whose pages may only talk to the local server; records the rest.
async function newContext(viewport, report) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + "/") || url.startsWith("data:")) return route.continue();
    report.external.push(url);
    return route.abort();
  });
  return context;
}

// Watch a page for console errors and failed requests.
function watch(page, report) {
  page.on("console", (m) => { if (m.type() === "error") report.errors.push(m.text().slice(0, 200)); });
  page.on("pageerror", (e) => report.errors.push(String(e).slice(0, 200)));
  page.on("requestfailed", (r) => {
    if (r.url().startsWith(origin)) report.failed.push(`${r.url().slice(origin.length)} (${r.failure()?.errorText})`);
  });
  page.on("response", (r) => { if (r.status() >= 400) report.failed.push(`${r.url().slice(origin.length)} (${r.status()})`); });
}

// 1. Page weight and first paint on Fast 3G, cold cache, phone width.
async function measure(url, report) {
  const context = await newContext(PHONE, report);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  let bytes = 0, raw = 0, inflight = 0, last = Date.now();
  cdp.on("Network.requestWillBeSent", () => { inflight++; last = Date.now(); });
  cdp.on("Network.dataReceived", (e) => { raw += e.dataLength; last = Date.now(); });
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; inflight--; last = Date.now(); });
  cdp.on("Network.loadingFailed", () => { inflight--; last = Date.now(); });
  await page.goto(url, { waitUntil: "load", timeout: 180000 });
  const t0 = Date.now();
  while ((inflight > 0 || Date.now() - last < 1500) && Date.now() - t0 < 60000) await page.waitForTimeout(250);
  const paint = await page.evaluate(() =>
    (performance.getEntriesByName("first-contentful-paint")[0] || { startTime: NaN }).startTime);
  await context.close();
  Object.assign(report, { bytes, raw, paint });
}

// Is an element on screen (not moved out of the viewport, not hidden)?
function shown(page, selector) {
  return page.evaluate((s) => {
    const e = document.querySelector(s);
    if (!e) return false;
    const b = e.getBoundingClientRect(), st = getComputedStyle(e);
    return st.visibility !== "hidden" && st.display !== "none" && b.width > 50 &&
      b.right > 20 && b.left < window.innerWidth - 20;
  }, selector);
}

async function settle(page) { await page.waitForTimeout(450); }  // sidebars slide in 0.3 s

async function navigation(page, width, report) {
  const P = ".bd-sidebar-primary", S = ".bd-sidebar-secondary";
  const fail = (m) => report.nav.push(`${width}px: ${m}`);
  const click = async (sel) => {
    const b = page.locator(`${sel}:visible`);
    if (!(await b.count())) { fail(`no visible ${sel}`); return false; }
    await b.first().click();
    await settle(page);
    return true;
  };
  if (width < 992) {
    for (const [toggle, bar] of [[".primary-toggle", P], [".secondary-toggle", S]]) {
      if (await shown(page, bar)) fail(`${bar} shown before ${toggle} was clicked`);
      if (!(await click(toggle))) continue;
      if (!(await shown(page, bar))) { fail(`${toggle} did not open ${bar}`); continue; }
      // close it as a reader does: tap the dimmed page beside the sidebar
      const b = await page.locator(bar).boundingBox();
      const x = bar === P ? Math.min(b.x + b.width + 40, width - 5) : Math.max(b.x - 40, 5);
      await page.mouse.click(x, 400);
      await settle(page);
      if (await shown(page, bar)) fail(`${bar} did not close when the page was tapped`);
    }
  } else {
    if (!(await shown(page, P))) fail("chapter list not shown on desktop");
    if (!(await shown(page, S))) fail("in-page contents not shown on desktop");
    if (await click(".primary-toggle")) {
      if (await shown(page, P)) fail(".primary-toggle did not hide the chapter list");
      if (await click(".primary-toggle")) {
        if (!(await shown(page, P))) fail(".primary-toggle did not show the chapter list again");
      }
    }
  }
}

// 2. Math, demos, console, requests, navigation at one width.
async function inspect(url, viewport, shot, report) {
  const context = await newContext(viewport, report);
  const page = await context.newPage();
  watch(page, report);
  await page.goto(url, { waitUntil: "load", timeout: 60000 });
  const expected = await page.locator(".math").count();
  if (expected > 0) {
    await page.waitForFunction(() => window.MathJax && MathJax.startup && MathJax.startup.promise, null,
                               { timeout: 30000 }).catch(() => {});
    await page.evaluate(() => window.MathJax && MathJax.startup && MathJax.startup.promise).catch(() => {});
  }
  report.math = [await page.locator("mjx-container").count(), expected];
  const demos = await page.locator(".dlx").count();
  let responded = 0;
  for (let i = 0; i < demos; i++) {
    const demo = page.locator(".dlx").nth(i);
    const state = () => demo.evaluate((d) => (d.querySelector("img")?.src || "") + "|" + d.innerText + "|" +
      (d.querySelector(".dlx-line")?.getAttribute("x1") || "") + (d.querySelector(".dlx-half")?.getAttribute("points") || ""));
    const before = await state();
    await demo.locator("input[type=range]").first().evaluate((s) => {
      s.value = String(+s.max - (+s.max - +s.min) * 0.15);
      s.dispatchEvent(new Event("input", { bubbles: true }));
    });
    if ((await state()) !== before) responded++;
    else report.nav.push(`demo ${i} did not respond to its slider`);
    const img = demo.locator("img");
    if (await img.count()) {  // the new frame must load (it is a separate file)
      await img.scrollIntoViewIfNeeded();
      const ok = await img.evaluate((im) => new Promise((done) => {
        if (im.complete) return done(im.naturalWidth > 0);
        im.onload = () => done(true); im.onerror = () => done(false);
        setTimeout(() => done(false), 10000);
      }));
      if (!ok) report.nav.push(`demo ${i}: frame did not load`);
    }
  }
  report.demos = [responded, demos];
  await page.evaluate(() => window.scrollTo(0, 0));
  if (viewport.width < 992) {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (wide > 1) report.nav.push(`${viewport.width}px: the page scrolls sideways by ${wide}px`);
  }
  await navigation(page, viewport.width, report);
  await page.evaluate(() => { window.scrollTo(0, 0); document.activeElement?.blur(); });
  await page.mouse.move(viewport.width / 2, viewport.height - 5);  // no tooltip in the picture
  await page.waitForTimeout(200);
  const first = page.locator(".dlx").first();
  if (demos) await first.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot });
  await context.close();
}

// The throttled measurements run first, two pages at a time (the throttling
// is per page, so they do not share the simulated bandwidth; nothing else
// competes for the CPU), then the checks, three pages at a time.
async function pool(n, items, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}
const results = pages.map((p) => ({ page: path.basename(p, ".html"), url: `${origin}/${p}`,
                                     errors: [], failed: [], external: [], nav: [] }));
const guard = async (r, f) => { try { await f(); } catch (e) { r.nav.push(`check crashed: ${String(e).slice(0, 200)}`); } };
await pool(2, results, (r) => guard(r, () => measure(r.url, r)));
await pool(3, results, (r) => guard(r, async () => {
  await inspect(r.url, DESKTOP, path.join(shots, `${r.page}-desktop.png`), r);
  await inspect(r.url, PHONE, path.join(shots, `${r.page}-phone.png`), r);
}));
// Everything a page's report says is wrong; `weighed`: it had the Fast-3G measurement.
function problemsOf(r, weighed) {
  return [
    ...(weighed && r.bytes > MAX_BYTES ? [`${(r.bytes / 1e6).toFixed(2)} MB transferred > 3 MB`] : []),
    ...(weighed && !(r.paint <= MAX_PAINT_MS) ? [`first paint ${r.paint} ms > 5 s on Fast 3G`] : []),
    ...(r.math && r.math[0] < r.math[1] ? [`math: ${r.math[0]} of ${r.math[1]} rendered`] : []),
    ...[...new Set(r.errors)].map((e) => `console error: ${e}`),
    ...[...new Set(r.failed)].map((e) => `failed request: ${e}`),
    ...[...new Set(r.external)].map((e) => `external request blocked: ${e}`),
    ...r.nav,
  ];
}
for (const r of results) r.problems = problemsOf(r, true);

// 3. Search (offline, from the local index): results, and snippets that are
// article text, not the sidebar or raw TeX.
async function search(report) {
  const context = await newContext(DESKTOP, report);
  const page = await context.newPage();
  watch(page, report);
  await page.goto(`${origin}/search.html?q=sigmoid`, { waitUntil: "load" });
  await page.waitForFunction(() => document.querySelectorAll("ul.search li p.context").length > 0, null,
                             { timeout: 30000 }).catch(() => {});
  const snippets = await page.$$eval("ul.search li p.context", (els) => els.map((e) => e.textContent));
  if (!snippets.length) report.nav.push("search for 'sigmoid' found nothing");
  for (const t of snippets) {
    if (/\\\(|\\\)|\\\[/.test(t)) report.nav.push(`raw TeX in a search snippet: ${t.slice(0, 80)}`);
  }
  await context.close();
}
const sr = { page: "search", errors: [], failed: [], external: [], nav: [] };
await search(sr);
results.push({ ...sr, problems: problemsOf(sr, false) });

let bad = 0;
for (const r of results) {
  bad += r.problems.length;
  for (const m of r.problems) console.log(`  ${r.page}: ${m}`);
}
server.close();
await browser.close();

const mb = (b) => (b === undefined ? "-" : (b / 1e6).toFixed(2));
console.log("\npage               bytes MB  raw MB  first paint s  math       demos  console errors");
for (const { page: name, bytes, raw, paint, math, demos, errors } of results) {
  console.log(`${name.padEnd(18)} ${mb(bytes).padStart(8)}  ${mb(raw).padStart(6)}  ` +
    `${(paint === undefined || isNaN(paint) ? "-" : (paint / 1000).toFixed(1)).padStart(13)}  ` +
    `${(math ? `${math[0]}/${math[1]}` : "-").padEnd(9)}  ${(demos ? `${demos[0]}/${demos[1]}` : "-").padEnd(5)}  ` +
    `${new Set(errors).size}`);
}
console.log(`\nFast 3G = 562.5 ms latency, 1.44 Mbit/s down; bytes = gzip-compressed transfer; ` +
  `limits ${MAX_BYTES / 1e6} MB, ${MAX_PAINT_MS / 1000} s. ${bad} problem(s).`);
process.exit(bad ? 1 : 0);
