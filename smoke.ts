import { startHarness, pageState } from './test/playground/harness.js';
const h = await startHarness();
const hash = process.argv[2] ?? '';
const page = await h.open(hash);
await page.setViewportSize({ width: 1400, height: 900 });
await page.waitForTimeout(500);
const info = await page.evaluate(() => {
  const vw = document.documentElement.clientWidth;
  const over: string[] = [];
  for (const e of Array.from(document.querySelectorAll('body *'))) {
    const r = e.getBoundingClientRect();
    if (r.width === 0) continue;
    const cs = getComputedStyle(e);
    if (r.right > vw + 0.5) over.push(`right ${e.tagName}#${e.id}.${e.className} ${r.right.toFixed(0)}`);
    if ((cs.overflowX === 'auto' || cs.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1) over.push(`scroll ${e.tagName}#${e.id}.${e.className} ${e.scrollWidth}>${e.clientWidth}`);
  }
  return { vw, sw: document.documentElement.scrollWidth, over: over.slice(0, 20) };
});
console.log(JSON.stringify(info, null, 1));
if (process.argv[3] === 'play') { await page.click('#play'); await page.waitForTimeout(Number(process.argv[4] ?? 5000)); }
console.log(await page.textContent('#test-accuracy'), await page.textContent('#epoch'), await page.textContent('#diagnoses'));
await page.screenshot({ path: '/tmp/i13shot.png' });
console.log(h.errors);
await h.close();
