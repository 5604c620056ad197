// train --report and evaluate --report: the "Which columns matter" section renders in Chromium
// with the library's numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadModel, partialDependence, permutationImportance } from '../../src/index.js';
import { readCsvTableSync } from '../../cli/csv.js';
import type { ExplanationData } from '../../cli/report/explanations.js';
import { colourCsv } from '../helpers/data.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../playground/harness.js';
import { buildCli, runCli, tempDir, ROOT } from './harness.js';

const dir = tempDir('report-explain');
let bin = '';
let browser: Browser | undefined;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}`);
    return;
  }
  bin = await buildCli();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  writeFileSync(join(dir, 'train.csv'), colourCsv(500, 1));
  writeFileSync(join(dir, 'test.csv'), colourCsv(300, 2));
});
after(async () => {
  await browser?.close();
});

interface Rendered {
  readonly state: string | undefined;
  readonly errors: string[];
  readonly data: ExplanationData;
  readonly rows: { column: string; mean: number; std: number; text: string[] }[];
  readonly plots: { id: string; column: string; painted: number; categories: number }[];
  readonly baseline: number;
}

async function render(file: string, shot: string): Promise<Rendered> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.body.dataset.explanations !== undefined, null, { timeout: 15_000 });
  const state = await page.evaluate(() => document.body.dataset.explanations);
  const data = JSON.parse(await page.evaluate(() => document.getElementById('explanation-data')!.textContent!)) as ExplanationData;
  const rows = await page.$$eval('table.importance tbody tr', (trs) => trs.map((tr) => ({
    column: tr.getAttribute('data-column')!, mean: Number(tr.getAttribute('data-mean')), std: Number(tr.getAttribute('data-std')),
    text: Array.from(tr.children).map((c) => c.textContent!.trim()),
  })));
  const plots = await page.$$eval('.pd-plot', (els) => els.map((el) => {
    const canvas = el.querySelector('canvas');
    let painted = 0;
    if (canvas) {
      const { data: px } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
    }
    return { id: el.id, column: el.getAttribute('data-column')!, painted, categories: el.querySelectorAll('tbody tr').length };
  }));
  const baseline = Number(await page.getAttribute('#importance-baseline', 'data-v'));
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  await (await page.$('#explanations'))!.screenshot({ path: join(ROOT, 'test-output', shot) });
  await page.close();
  return { state, errors, data, rows, plots, baseline };
}

test('evaluate --report: importance bars and partial-dependence plots, the library\'s numbers', async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${CHROMIUM}`);
  let r = runCli(bin, ['train', 'train.csv', '--out', 'm.bpm', '--epochs', '60', '--seed', '1'], dir);
  assert.equal(r.code, 0, r.stderr);
  r = runCli(bin, ['evaluate', 'm.bpm', 'test.csv', '--report', 'eval.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Report written to eval\.html/);
  const page = await render(join(dir, 'eval.html'), 'report-evaluate-explain.png');
  assert.deepEqual(page.errors, []);
  assert.equal(page.state, 'drawn');

  const loaded = loadModel(join(dir, 'm.bpm'));
  const table = readCsvTableSync(join(dir, 'test.csv'), { schema: loaded.preprocessing.schema! });
  const lib = permutationImportance(loaded, table, { repeats: 5, seed: 0, maxRows: 2000 });
  assert.equal(page.baseline, lib.baseline);
  assert.deepEqual(page.rows.map((x) => [x.column, x.mean, x.std]), lib.columns.map((c) => [c.column, c.mean, c.std]));
  assert.deepEqual(page.rows.slice(0, 2).map((x) => x.column).sort(), ['a', 'colour'], 'the two signal columns first');
  // The printed mean is the mean; the first cell is the rank.
  page.rows.forEach((x, i) => {
    assert.equal(x.text[0], String(i + 1));
    assert.ok(Math.abs(Number(x.text[2]!.replace('−', '-')) - x.mean) < 1e-3, `${x.column}: ${x.text[2]} vs ${x.mean}`);
  });

  // Partial dependence of the top three columns: a numeric one drawn by uPlot, the categorical one as a table of its categories.
  assert.deepEqual(page.plots.map((p) => p.column), lib.columns.slice(0, 3).map((c) => c.column));
  for (const p of page.plots) {
    if (p.column === 'colour') assert.equal(p.categories, 3);
    else assert.ok(p.painted > 2000, `${p.id} (${p.column}): ${p.painted} pixels painted`);
  }
  const a = page.data.dependence.find((d) => d.column === 'a')!;
  const pd = partialDependence(loaded, table, 'a', { grid: 20, maxRows: 500, iceRows: 30, seed: 0 });
  // The CLI reads the file as float32 (a large file is held once), the test as float64: equal to float32 rounding.
  const near = (p: readonly (number | string)[], q: readonly (number | string)[], what: string) => {
    assert.equal(p.length, q.length, what);
    p.forEach((v, i) => assert.ok(Math.abs((v as number) - (q[i] as number)) <= 1e-5 * (1 + Math.abs(q[i] as number)), `${what}[${i}]: ${v} vs ${q[i]}`));
  };
  near(a.grid, pd.grid, 'grid');
  assert.equal(a.curves.length, 1);
  assert.equal(a.curves[0]!.name, 'yes');
  near(a.curves[0]!.average, pd.average[1]!, 'P(yes)');
  assert.equal(a.yLabel, 'P(yes)');
  assert.equal(a.ice.length, 30);
  // P(yes) rises with a (y = [a + shift > 0]).
  assert.ok(a.curves[0]!.average.at(-1)! - a.curves[0]!.average[0]! > 0.5, `${a.curves[0]!.average}`);
});

test('train --report explains the model on its validation rows', async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${CHROMIUM}`);
  const r = runCli(bin, ['train', 'train.csv', '--out', 'r.bpm', '--epochs', '40', '--seed', '2', '--report', 'train.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const page = await render(join(dir, 'train.html'), 'report-train-explain.png');
  assert.deepEqual(page.errors, []);
  assert.equal(page.state, 'drawn');
  assert.equal(page.data.on, 'validation rows');
  assert.equal(page.data.importance.rows, 100, 'the 20 % validation split of 500 rows');
  assert.deepEqual(page.rows.slice(0, 2).map((x) => x.column).sort(), ['a', 'colour']);
  assert.equal(page.plots.length, 3);
  assert.ok(page.plots.filter((p) => p.column !== 'colour').every((p) => p.painted > 2000));
});
