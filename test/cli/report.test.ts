import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser } from 'playwright-core';
import { run } from '../../cli/program.js';
import { metrics } from '../../src/index.js';
import type { InsideData, ReportCharts } from '../../cli/report/data.js';
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
  /** The report's embedded chart data, read back from the page. */
  readonly data: ReportCharts;
}

const INSIDE = ['activation-chart', 'saturation-chart', 'gradient-chart', 'update-chart', 'trajectory-chart'];

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
  const data = JSON.parse(await page.evaluate(() => document.getElementById('report-data')!.textContent!)) as ReportCharts;
  mkdirSync(join(ROOT, 'test-output'), { recursive: true });
  const png = join(ROOT, 'test-output', shot);
  await page.screenshot({ path: png, fullPage: true });
  // The README's screenshots: written when missing or when asked, so a test run does not rewrite docs/.
  const doc = join(ROOT, 'docs', shot);
  if (!existsSync(doc) || process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(png, doc);
  await page.close();
  return { state, errors, charts, data };
}

/** Every statistic of every layer is a finite number for every epoch, and the fractions are fractions. */
function assertStatistics(inside: InsideData | undefined, epochs: number, layers: readonly (readonly [string, number])[]): void {
  assert.ok(inside, 'the report carries the layer statistics');
  assert.deepEqual(inside.epochs, Array.from({ length: epochs }, (_, i) => i + 1));
  assert.deepEqual(inside.layers.map((l) => [l.activation, l.units]), layers);
  for (const l of inside.layers) {
    for (const key of ['mean', 'std', 'gradientNorm', 'updateRatio'] as const) {
      assert.equal(l[key].length, epochs, `${l.name} ${key}`);
      assert.ok(l[key].every((v) => typeof v === 'number' && Number.isFinite(v)), `${l.name} ${key} finite`);
    }
    assert.ok(l.std.every((v) => v! >= 0) && l.gradientNorm.every((v) => v! > 0) && l.updateRatio.every((v) => v! > 0), `${l.name}: norms positive`);
    assert.ok(l.quartiles.every(([a, b, c]) => a! <= b! && b! <= c!), `${l.name}: quartiles ordered`);
    // A fraction for the activations that have one, and only for those.
    assert.equal(l.dead !== null, l.activation === 'relu', `${l.name} dead`);
    assert.equal(l.saturated !== null, l.activation === 'sigmoid' || l.activation === 'tanh', `${l.name} saturated`);
    for (const f of [l.dead, l.saturated]) if (f) assert.ok(f.length === epochs && f.every((v) => v !== null && v >= 0 && v <= 1), `${l.name}: fractions in [0, 1]`);
  }
}

test('the report of a 2-D classifier opens offline in Chromium with loss, accuracy and decision-boundary charts drawn (RELIABILITY U3)', async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${CHROMIUM}`);
  const r = runCli(bin, ['train', '--dataset', 'moons', '--samples', '400', '--epochs', '200', '--no-early-stopping', '--lr', '0.01', '--layers', '16,8', '--out', 'moons.bpm', '--report', 'moons.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const drawn = await open(join(dir, 'moons.html'), 'report-moons.png');
  assert.deepEqual(drawn.errors, []);
  assert.equal(drawn.state, 'drawn');
  assert.deepEqual(drawn.charts.map((c) => c.id), ['loss-chart', 'accuracy-chart', 'boundary-chart', ...INSIDE]);
  for (const c of drawn.charts) assert.ok(c.painted > 2000, `${c.id}: ${c.painted} pixels painted`);
  const boundary = drawn.charts.find((c) => c.id === 'boundary-chart')!;
  assert.ok(boundary.painted / boundary.total > 0.4, `the boundary image fills the plot (${(boundary.painted / boundary.total).toFixed(2)})`);

  // Inside the network: 200 epochs of statistics for the three Dense layers 2→16→8→1.
  const inside = drawn.data.inside;
  assertStatistics(inside, 200, [['relu', 16], ['relu', 8], ['sigmoid', 1]]);
  // Training converges: every layer's gradient norm at the end is a fraction of the first epoch's.
  for (const l of inside!.layers) assert.ok(l.gradientNorm[199]! < 0.2 * l.gradientNorm[0]!, `${l.name}: ${l.gradientNorm[0]} → ${l.gradientNorm[199]}`);
  // A sigmoid output in (0, 1): its outputs' mean and quartiles are too.
  const out = inside!.layers[2]!;
  assert.ok(out.mean.every((v) => v! > 0 && v! < 1) && out.quartiles.every((q) => q.every((v) => v! > 0 && v! < 1)));

  // The trajectory: one snapshot per epoch plus the initial weights, of all 193 parameters.
  const path = drawn.data.trajectory!;
  assert.equal(path.parameters, 2 * 16 + 16 + 16 * 8 + 8 + 8 + 1);
  assert.deepEqual(path.epoch, Array.from({ length: 201 }, (_, i) => i));
  assert.equal(path.x.length, 201);
  assert.ok(path.x.every(Number.isFinite) && path.y.every(Number.isFinite));
  assert.ok(path.explained[0] >= path.explained[1] && path.explained[1] >= 0 && path.explained[0] + path.explained[1] <= 1 + 1e-9, `${path.explained}`);
  // Centred projections: the coordinates average to 0 on each axis.
  assert.ok(Math.abs(path.x.reduce((a, b) => a + b, 0) / 201) < 1e-9 * Math.max(...path.x.map(Math.abs)));
});

test('reports written in-process (the tsx path of npm start) and for a regression draw too', async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${CHROMIUM}`);
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  // Exactly what `npm start` runs, in a scratch directory.
  const cwd = process.cwd();
  process.chdir(dir);
  let code: number;
  try {
    code = await run(['train', '--no-early-stopping', '--report', 'report.html'], { stdout: sink, stderr: process.stderr });
  } finally {
    process.chdir(cwd);
  }
  assert.equal(code, 0);
  const iris = await open(join(dir, 'report.html'), 'report-iris.png');
  assert.deepEqual(iris.errors, []);
  assert.equal(iris.state, 'drawn');
  // Iris through relu layers: dead fractions, no sigmoid or tanh, so no saturated series.
  assert.deepEqual(iris.charts.map((c) => c.id), ['loss-chart', 'accuracy-chart', ...INSIDE]);
  for (const c of iris.charts) assert.ok(c.painted > 2000, `${c.id}: ${c.painted} pixels painted`);
  assertStatistics(iris.data.inside, iris.data.loss.epochs.length, iris.data.inside!.layers.map((l) => [l.activation, l.units] as const));
  assert.ok(iris.data.inside!.layers.every((l) => l.saturated === null));

  const r = runCli(bin, ['train', '--dataset', 'sine', '--epochs', '100', '--no-early-stopping', '--lr', '0.01', '--out', 'sine.bpm', '--report', 'sine.html'], dir);
  assert.equal(r.code, 0, r.stderr);
  const sine = await open(join(dir, 'sine.html'), 'report-sine.png');
  assert.deepEqual(sine.errors, []);
  assert.deepEqual(sine.charts.map((c) => c.id), ['loss-chart', 'fit-chart', 'predicted-0-chart', 'residual-0-chart', ...INSIDE]);
  for (const c of sine.charts) assert.ok(c.painted > 2000, `${c.id}: ${c.painted} pixels painted`);
  assertStatistics(sine.data.inside, 100, sine.data.inside!.layers.map((l) => [l.activation, l.units] as const));
  // A short run is recorded every k steps instead of every epoch: more than 100 points, at most 201, ending at epoch 100.
  const path = sine.data.trajectory!;
  assert.ok(path.epoch.length > 101 && path.epoch.length <= 201, `${path.epoch.length} snapshots`);
  assert.equal(path.epoch[0], 0);
  assert.equal(path.epoch.at(-1), 100);
  assert.ok(path.epoch.every((e, i) => i === 0 || e > path.epoch[i - 1]!), 'snapshots in order');
});

/** Rows of a headed numeric CSV as numbers. */
function readNumbers(file: string): number[][] {
  return readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
}

test('a two-target regression report plots predicted against actual and the residuals per output, with per-output metrics that train and evaluate print too', async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${CHROMIUM}`);
  // y1 = 3a + b, y2 = 4ab + 10 on a seeded grid of 300 rows.
  let seed = 1;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const lines = ['a,b,y1,y2'];
  for (let i = 0; i < 300; i++) {
    const a = rnd() * 2 - 1;
    const b = rnd() * 2 - 1;
    lines.push([a, b, 3 * a + b, 4 * a * b + 10].map((v) => v.toFixed(4)).join(','));
  }
  writeFileSync(join(dir, 'two.csv'), lines.join('\n') + '\n');
  const trained = runCli(bin, ['train', 'two.csv', '--target', 'y1,y2', '--preset', 'small', '--epochs', '100', '--no-early-stopping', '--out', 'two.bpm', '--report', 'two.html'], dir);
  assert.equal(trained.code, 0, trained.stderr);
  const drawn = await open(join(dir, 'two.html'), 'report-two-targets.png');
  assert.deepEqual(drawn.errors, []);
  assert.equal(drawn.state, 'drawn');
  assert.deepEqual(drawn.charts.map((c) => c.id), ['loss-chart', 'predicted-0-chart', 'residual-0-chart', 'predicted-1-chart', 'residual-1-chart', ...INSIDE]);
  for (const c of drawn.charts) assert.ok(c.painted > 2000, `${c.id}: ${c.painted} pixels painted`);

  // The embedded values are the saved model's predictions (as `predict` writes them) on the 20% validation rows.
  const r = drawn.data.residuals!;
  assert.equal(r.on, 'validation');
  assert.equal(r.rows.length, 60);
  assert.equal(new Set(r.rows).size, 60);
  const predicted = runCli(bin, ['predict', 'two.bpm', 'two.csv', '--out', 'two-pred.csv'], dir);
  assert.equal(predicted.code, 0, predicted.stderr);
  const data = readNumbers(join(dir, 'two.csv'));
  const preds = readNumbers(join(dir, 'two-pred.csv'));
  assert.deepEqual(r.outputs.map((o) => o.name), ['y1', 'y2']);
  const printed = trained.stdout.split('\n');
  r.outputs.forEach((o, c) => {
    r.rows.forEach((row, i) => {
      // Targets are held as float32.
      assert.equal(o.actual[i], Math.fround(data[row]![2 + c]!), `${o.name} row ${row}`);
      // predict writes 7 significant digits.
      assert.ok(Math.abs(o.predicted[i]! - preds[row]![c]!) <= 1e-6 * Math.max(1, Math.abs(preds[row]![c]!)), `${o.name} row ${row}: predicted ${o.predicted[i]} vs ${preds[row]![c]}`);
      assert.equal(o.residual[i], o.actual[i]! - o.predicted[i]!);
    });
    // Per-output metrics against the library's metric functions on that column alone.
    assert.ok(Math.abs(o.r2 - metrics.r2Score(o.actual, o.predicted)) < 1e-12, `${o.name} R² ${o.r2}`);
    assert.ok(Math.abs(o.mse - metrics.meanSquaredError(o.actual, o.predicted)) < 1e-12, `${o.name} MSE ${o.mse}`);
    assert.ok(Math.abs(o.mae - metrics.meanAbsoluteError(o.actual, o.predicted)) < 1e-12, `${o.name} MAE ${o.mae}`);
    // The closing lines of train print the same validation numbers per output (last three cells of its row).
    const line = printed.find((l) => l.startsWith(`│ ${o.name} `));
    assert.ok(line, `train prints a row for ${o.name}:\n${trained.stdout}`);
    const cells = line.split('│').map((s) => s.trim()).filter((s) => s !== '');
    assert.deepEqual(cells.slice(-3).map(Number).map((v, k) => Math.abs(v - [o.mse, o.mae, o.r2][k]!) < 1e-4 + 1e-4 * Math.abs(v)), [true, true, true], `${line}`);
  });
  // A seeded linear-plus-product target: both outputs are learnt.
  assert.ok(r.outputs[0]!.r2 > 0.95 && r.outputs[1]!.r2 > 0.8, r.outputs.map((o) => o.r2).join(', '));
  const html = readFileSync(join(dir, 'two.html'), 'utf8');
  assert.match(html, /<th scope="row">y2<\/th><td>[0-9.e-]+<\/td><td>[0-9.e-]+<\/td><td>[0-9.]+<\/td>/);

  // evaluate: per-output metrics on the whole file equal the library's on each column of predict's output.
  const evaluated = runCli(bin, ['evaluate', 'two.bpm', 'two.csv', '--json'], dir);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const event = JSON.parse(evaluated.stdout.trim().split('\n').at(-1)!) as { outputs: { mse: number; mae: number; r2: number }[]; r2: number };
  assert.equal(event.outputs.length, 2);
  event.outputs.forEach((o, c) => {
    const truth = data.map((row) => row[2 + c]!);
    const guess = preds.map((row) => row[c]!);
    assert.ok(Math.abs(o.r2 - metrics.r2Score(truth, guess)) < 1e-5, `evaluate ${c}: R² ${o.r2} vs ${metrics.r2Score(truth, guess)}`);
    assert.ok(Math.abs(o.mse - metrics.meanSquaredError(truth, guess)) < 1e-5, `evaluate ${c}: MSE ${o.mse}`);
  });
  assert.ok(Math.abs(event.r2 - (event.outputs[0]!.r2 + event.outputs[1]!.r2) / 2) < 1e-12, 'the headline R² is the mean of the outputs\'');
  const text = runCli(bin, ['evaluate', 'two.bpm', 'two.csv'], dir);
  assert.match(text.stdout, /│ output │ MSE +│ MAE +│ R² +│/);
  assert.match(text.stdout, /│ y1 +│ [0-9.]+ │/);
});
