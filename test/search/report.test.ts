// The search report in a real browser (Debian's Chromium through playwright-core): every chart drawn and painted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { run } from '../../cli/program.js';
import type { SearchCharts } from '../../cli/search/report.js';
import { ROOT, tempDir } from '../cli/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
let browser: Browser | undefined;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
    return;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
});

test('the search report draws score per trial with the best-so-far line and the score against each parameter', async (t) => {
  if (browser === undefined) return t.skip('Chromium is not installed');
  const dir = tempDir('search-report');
  const file = join(dir, 'search.html');
  const quiet = { write: () => true };
  const code = await run(['search', '--dataset', 'iris', '--method', 'tpe', '--trials', '14', '--epochs', '8', '--jobs', '1', '--seed', '2',
    '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--report', file], { stdout: quiet, stderr: quiet });
  assert.equal(code, 0);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`network request: ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.body.dataset.charts !== undefined, null, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.charts), 'drawn', await page.evaluate(() => document.body.dataset.error ?? ''));
  const painted = await page.evaluate(() => Array.from(document.querySelectorAll('canvas')).map((canvas) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n / (canvas.width * canvas.height);
  }));
  const data = JSON.parse(await page.evaluate(() => document.getElementById('search-data')!.textContent!)) as SearchCharts;
  // One chart per trial plus one per parameter of the default space (lr, layers, activation, batchSize, dropout).
  assert.equal(painted.length, 6);
  for (const p of painted) assert.ok(p > 0.005, `painted fraction ${p}`);
  assert.equal(data.trials.number.length, 14);
  // The best-so-far line never goes up (loss is minimised) and ends at the best value.
  for (let i = 1; i < data.trials.best.length; i++) assert.ok(data.trials.best[i]! <= data.trials.best[i - 1]!);
  assert.equal(data.trials.best.at(-1), Math.min(...data.trials.value));
  assert.deepEqual(errors, []);
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  const png = join(ROOT, 'test-output', 'search-report.png');
  await page.screenshot({ path: png, fullPage: true });
  const doc = join(ROOT, 'docs', 'search-report.png');
  if (!existsSync(doc) || process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(png, doc);
  await page.close();
});
