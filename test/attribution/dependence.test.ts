import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partialDependence, sequential, layers, Rng, ExplanationInputError } from '../../src/index.js';
import { assertClose } from '../helpers/assert.js';
import { tableOf, trainedModel, withPipeline } from './fixtures.js';

/** Rows of a, b and a colour; the target is unused (the models are set by hand or trained on y). */
function table(rows: number, seed: number, y?: (a: number, b: number) => number) {
  const rng = new Rng(seed);
  const out: (string | number)[][] = [];
  for (let i = 0; i < rows; i++) {
    const a = rng.uniform(-3, 3);
    const b = rng.normal();
    out.push([a, b, ['red', 'green', 'blue'][rng.int(3)]!, y ? y(a, b) + 0.02 * rng.normal() : rng.normal()]);
  }
  return tableOf(['a', 'b', 'colour', 'y'], out);
}

test('a known function f = 2·tanh(z_a) + 0.5·tanh(z_b) + tanh(u·colour): partial dependence and ICE curves are exactly its shape', () => {
  const t = table(80, 1);
  // Hidden tanh units see z_a, z_b and colour's one-hot inputs (weights u); the output adds them with weights 2, 0.5, 1.
  const u = [0.8, -1.1, 0.4];
  const m = sequential([layers.dense({ units: 3, activation: 'tanh', inputShape: [5] }), layers.dense({ units: 1 })], { dtype: 'float64' });
  m.setWeights([[[1, 0, 0], [0, 1, 0], [0, 0, u[0]!], [0, 0, u[1]!], [0, 0, u[2]!]], [0, 0, 0], [[2], [0.5], [1]], [0]]);
  const model = withPipeline(t, m, 'regression', 'standard');
  const { scaler, targetScaler } = model.preprocessing;
  const z = (j: number, v: number): number => (v - scaler!.offset[j]!) / scaler!.scale[j]!;
  const inputs = model.inputs;
  const row = (i: number, j: number): number => inputs.data[i * 5 + j]!;
  const colourTerm = (i: number): number => Math.tanh(u[0]! * row(i, 2) + u[1]! * row(i, 3) + u[2]! * row(i, 4));
  const out = (v: number): number => targetScaler!.offset[0]! + targetScaler!.scale[0]! * v;

  const pd = partialDependence(model, t, 'a', { grid: 9, iceRows: 5 });
  assert.equal(pd.kind, 'numeric');
  assert.equal(pd.task, 'regression');
  assert.equal(pd.grid.length, 9);
  const grid = pd.grid as number[];
  for (let g = 1; g < 9; g++) {
    assert.ok(grid[g]! > grid[g - 1]!, 'the grid rises');
    assert.ok(pd.average[0]![g]! > pd.average[0]![g - 1]!, `monotone: ${pd.average[0]}`);
  }
  let rest = 0;
  for (let i = 0; i < 80; i++) rest += 0.5 * Math.tanh(row(i, 1)) + colourTerm(i);
  rest /= 80;
  grid.forEach((v, g) => assertClose(pd.average[0]![g]!, out(2 * Math.tanh(z(0, v)) + rest), 1e-5, 1e-6, `PD at a = ${v}`));
  assert.equal(pd.ice.length, 5);
  for (const curve of pd.ice) {
    grid.forEach((v, g) => assertClose(curve.values[0]![g]!, out(2 * Math.tanh(z(0, v)) + 0.5 * Math.tanh(row(curve.row, 1)) + colourTerm(curve.row)), 1e-5, 1e-6, `ICE row ${curve.row}`));
  }
  // The 5 % and 95 % quantiles of a bound the grid.
  const as = Array.from({ length: 80 }, (_, i) => t.x.data[i * t.x.cols]!).sort((p, q) => p - q);
  const at = 0.05 * 79;
  const lo = Math.floor(at);
  assertClose(grid[0]!, as[lo]! + (at - lo) * (as[lo + 1]! - as[lo]!), 1e-9, 0, '5 % quantile');

  const pc = partialDependence(model, t, 'colour');
  assert.equal(pc.kind, 'categorical');
  const schema = model.preprocessing.schema!.inputs[2]!;
  assert.deepEqual(pc.grid, schema.kind === 'categorical' ? schema.categories : []);
  let restAB = 0;
  for (let i = 0; i < 80; i++) restAB += 2 * Math.tanh(row(i, 0)) + 0.5 * Math.tanh(row(i, 1));
  restAB /= 80;
  (pc.grid as string[]).forEach((cat, g) => {
    const onehot = [0, 1, 2].map((k) => z(2 + k, k === g ? 1 : 0));
    assertClose(pc.average[0]![g]!, out(restAB + Math.tanh(u[0]! * onehot[0]! + u[1]! * onehot[1]! + u[2]! * onehot[2]!)), 1e-5, 1e-6, `PD at colour = ${cat}`);
  });
});

test('a trained model of a monotone function: its partial dependence is monotone and follows the function', async () => {
  const t = table(500, 2, (a, b) => a * a * a / 9 + 0.3 * b);
  const model = await trainedModel(t, 'regression', [16, 16], 120);
  const pd = partialDependence(model, t, 'a', { grid: 12, iceRows: 0 });
  const grid = pd.grid as number[];
  const curve = pd.average[0]!;
  for (let g = 1; g < grid.length; g++) assert.ok(curve[g]! > curve[g - 1]!, `monotone: ${curve.map((v) => v.toFixed(3))}`);
  // The shape: the curve minus its mean is a³/9 minus its mean (b averages out), to 0.1 of a range of ≈ 4.
  const f = grid.map((a) => (a * a * a) / 9);
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const [mc, mf] = [mean(curve), mean(f)];
  grid.forEach((a, g) => assertClose(curve[g]! - mc, f[g]! - mf, 0.1, 0, `PD at a = ${a.toFixed(2)}`));
  assert.equal(pd.ice.length, 0);
});

test('partial dependence: an explicit grid, a row sample, and errors naming the column or grid value', () => {
  const t = table(50, 3);
  const m = sequential([layers.dense({ units: 1, inputShape: [5] })]);
  const model = withPipeline(t, m, 'regression');
  const pd = partialDependence(model, t, 'b', { grid: [-1, 0, 1], maxRows: 20, iceRows: 3 });
  assert.deepEqual(pd.grid, [-1, 0, 1]);
  assert.equal(pd.rows, 20);
  assert.equal(pd.ice.length, 3);
  assert.deepEqual(partialDependence(model, t, 'colour', { grid: ['red'] }).grid, ['red']);
  const some = partialDependence(model, t, 'b', { grid: [0], rows: [3, 7], iceRows: 2 });
  assert.deepEqual(some.ice.map((c) => c.row), [3, 7]);
  assert.equal(some.rows, 2);
  assert.throws(() => partialDependence(model, t, 'colour', { grid: ['mauve'] }), (e: unknown) => e instanceof ExplanationInputError && e.column === 'colour' && e.field === 'grid' && /"mauve" is not a category of "colour"/.test(e.message));
  assert.throws(() => partialDependence(model, t, 'colr'), (e: unknown) => e instanceof ExplanationInputError && e.column === 'colr' && /no column "colr"; its columns are a, b, colour/.test(e.message));
  assert.throws(() => partialDependence(model, t, 'a', { grid: [1, Number.NaN] }), (e: unknown) => e instanceof ExplanationInputError && /grid\[1\] for the numeric column "a" must be a finite number/.test(e.message));
});
