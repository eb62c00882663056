// Check a built page in headless Chromium, offline, as a reader would see it:
//   node scripts/screenshot.mjs _build/html/chapters/01_neuron.html out.png
// It blocks every network request (the page must not need one), waits for
// MathJax, moves the first slider of every static demo, and checks that the
// demo redrew (its image or text changed) without a Python kernel.
// Exit code 0 when all math rendered and every demo responded.
import { chromium } from "playwright-core";
import path from "node:path";

const [page_path, out = "screenshot.png"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
const external = [];
await page.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
  external.push(url);
  return route.abort();
});
await page.goto("file://" + path.resolve(page_path));
// Sphinx marks math with class "math"; a page without any loads no MathJax.
const expected = await page.locator(".math").count();
if (expected > 0) {
  await page.waitForFunction(() => window.MathJax && MathJax.startup && MathJax.startup.promise, null, { timeout: 20000 });
  await page.evaluate(() => MathJax.startup.promise);
}
const math = await page.locator("mjx-container").count();
const demos = await page.locator(".dlx").count();
let responded = 0;
for (let i = 0; i < demos; i++) {
  const demo = page.locator(".dlx").nth(i);
  const state = () => demo.evaluate((d) => (d.querySelector("img")?.src || "") + "|" + d.innerText +
    "|" + (d.querySelector(".dlx-line")?.getAttribute("x1") || "") + (d.querySelector(".dlx-half")?.getAttribute("points") || ""));
  const before = await state();
  const slider = demo.locator("input[type=range]").first();
  await slider.evaluate((s) => {
    s.value = String(+s.max - (+s.max - +s.min) * 0.15);
    s.dispatchEvent(new Event("input", { bubbles: true }));
  });
  if ((await state()) !== before) responded++;
  else console.log(`demo ${i} did not respond to its slider`);
}
const first = page.locator(".dlx").first();
if (demos) await first.scrollIntoViewIfNeeded();
await page.screenshot({ path: out, fullPage: false });
console.log(JSON.stringify({ page: page_path, math_expected: expected, math_rendered: math, demos, demos_responding: responded,
                             blocked_requests: external }));
await browser.close();
process.exit(math >= expected && responded === demos && external.length === 0 ? 0 : 1);
