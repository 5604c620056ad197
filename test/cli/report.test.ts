import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
import { run } from '../../cli/program.js';
import { buildCli, runCli, tempDir, ROOT } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const dir = tempDir('report');
let bin = '';
let browser: Browser | undefined;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    // In CI a missing browser is a failure, never a silent skip.
    if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
    return;
  }
  bin = await buildCli();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
});

interface Drawn {
  readonly state: string | undefined;
  readonly errors: string[];
  readonly charts: { id: string; painted: number; total: number }[];
}

/** Opens a report, waits for its charts, measures how much of each uPlot canvas is painted, screenshots it. */
async function open(file: string, shot: string): Promise<Drawn> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) errors.push(`network request: ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.body.dataset.charts !== undefined, null, { timeout: 15_000 });
  const state = await page.evaluate(() => document.body.dataset.charts);
  const charts = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[id$="-chart"]')).flatMap((el) => {
      const canvas = el.querySelector('canvas');
      if (!canvas) return [];
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return [{ id: el.id, painted, total: canvas.width * canvas.height }];
    }),
  );
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  const png = join(ROOT, 'test-output', shot);
  await page.screenshot({ path: png, fullPage: true });
  // The README's screenshots: written when missing or when asked, so a test run does not rewrite docs/.
  const doc = join(ROOT, 'docs', shot);
  if (!existsSync(doc) || process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(png, doc);
  await page.close();
  return { state, errors, charts };
}

test('the report of a 2-D classifier opens offline in Chromium with loss, accuracy and decision-boundary charts drawn (RELIABILITY U3)', async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${CHROMIUM}`);
  const r = runCli(bin, ['train', '--dataset', 'moons', '--samples', '400', '--epochs', '200', '--lr', '0.01', '--layers', '16,8', '--out', 'moons.bpm', '--report', 'moons.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const drawn = await open(join(dir, 'moons.html'), 'report-moons.png');
  assert.deepEqual(drawn.errors, []);
  assert.equal(drawn.state, 'drawn');
  assert.deepEqual(drawn.charts.map((c) => c.id), ['loss-chart', 'accuracy-chart', 'boundary-chart']);
  for (const c of drawn.charts) assert.ok(c.painted > 2000, `${c.id}: ${c.painted} pixels painted`);
  const boundary = drawn.charts.find((c) => c.id === 'boundary-chart')!;
  assert.ok(boundary.painted / boundary.total > 0.4, `the boundary image fills the plot (${(boundary.painted / boundary.total).toFixed(2)})`);
});

test('reports written in-process (the tsx path of npm start) and for a regression draw too', async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${CHROMIUM}`);
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  // Exactly what `npm start` runs, in a scratch directory.
  const cwd = process.cwd();
  process.chdir(dir);
  let code: number;
  try {
    code = await run(['train', '--report', 'report.html'], { stdout: sink, stderr: process.stderr });
  } finally {
    process.chdir(cwd);
  }
  assert.equal(code, 0);
  const iris = await open(join(dir, 'report.html'), 'report-iris.png');
  assert.deepEqual(iris.errors, []);
  assert.equal(iris.state, 'drawn');
  assert.deepEqual(iris.charts.map((c) => c.id), ['loss-chart', 'accuracy-chart']);

  const r = runCli(bin, ['train', '--dataset', 'sine', '--epochs', '100', '--lr', '0.01', '--out', 'sine.bpm', '--report', 'sine.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sine = await open(join(dir, 'sine.html'), 'report-sine.png');
  assert.deepEqual(sine.errors, []);
  assert.deepEqual(sine.charts.map((c) => c.id), ['loss-chart', 'fit-chart']);
  for (const c of sine.charts) assert.ok(c.painted > 2000, `${c.id}: ${c.painted} pixels painted`);
});
