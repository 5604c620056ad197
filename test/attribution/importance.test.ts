import { test } from 'node:test';
import assert from 'node:assert/strict';
import { permutationImportance, predictTable, pipelineInputs, rawColumns, sequential, layers, Rng, ExplanationInputError, tableFromRecords } from '../../src/index.js';
import { shuffledColumn } from '../../src/attribution/importance.js';
import { assertClose } from '../helpers/assert.js';
import { tableOf, trainedModel, twoSignalTable, withPipeline } from './fixtures.js';

test('two columns carry the signal: importance ranks them first, the four others within noise of zero', async () => {
  const train = twoSignalTable(600, 1);
  const model = await trainedModel(train, 'binary', [16], 60);
  const test2 = twoSignalTable(400, 2);
  const imp = permutationImportance(model, test2, { repeats: 8, seed: 3 });
  const y = test2.y!;
  assert.equal(y.kind, 'classes');
  const truth = y.kind === 'classes' ? Array.from(y.codes, (c) => y.classes[c]) : [];
  const accuracy = predictTable(model, test2).values.filter((v, i) => v === truth[i]).length / test2.rows;
  assertClose(imp.baseline, accuracy, 1e-12, 0, 'the baseline is the accuracy of predictTable');
  assert.ok(imp.baseline > 0.9, `the model learned the rule: accuracy ${imp.baseline}`);
  assert.deepEqual(imp.columns.slice(0, 2).map((c) => c.column).sort(), ['a', 'colour']);
  for (const c of imp.columns.slice(0, 2)) assert.ok(c.mean > 0.15 && c.mean > 10 * c.std, `${c.column}: ${c.mean} ± ${c.std}`);
  for (const c of imp.columns.slice(2)) {
    assert.ok(Math.abs(c.mean) <= 3 * c.std + 0.01, `${c.column} should be noise: ${c.mean} ± ${c.std}`);
    assert.equal(c.drops.length, 8);
  }
  assert.equal(imp.metric, 'accuracy');
  assert.equal(imp.rows, 400);
  // Log loss: the same two columns first, and losses rise (the drop is shuffled − baseline).
  const ll = permutationImportance(model, test2, { metric: 'logLoss', repeats: 3, seed: 3 });
  assert.deepEqual(ll.columns.slice(0, 2).map((c) => c.column).sort(), ['a', 'colour']);
  assert.ok(ll.columns[0]!.mean > 0.5, `log loss rises by ${ll.columns[0]!.mean}`);
});

test('the same seed gives the same importances; a row sample is seeded too', async () => {
  const table = twoSignalTable(200, 4);
  const model = await trainedModel(table, 'binary', [8], 10);
  const a = permutationImportance(model, table, { repeats: 3, seed: 9, maxRows: 150 });
  const b = permutationImportance(model, table, { repeats: 3, seed: 9, maxRows: 150 });
  const c = permutationImportance(model, table, { repeats: 3, seed: 10, maxRows: 150 });
  assert.deepEqual(a, b);
  assert.equal(a.rows, 150);
  assert.notDeepEqual(a.columns.map((k) => k.drops), c.columns.map((k) => k.drops));
  // rows: the given rows only, as if the table held nothing else.
  const first = Array.from({ length: 120 }, (_, i) => i);
  const cut = twoSignalTable(120, 4);
  assert.deepEqual(permutationImportance(model, table, { rows: first, seed: 2 }), permutationImportance(model, cut, { seed: 2 }));
  assert.throws(() => permutationImportance(model, table, { rows: [0, 200] }), (e: unknown) => e instanceof ExplanationInputError && e.field === 'rows' && e.row === 200);
});

test('shuffling a raw column moves its one-hot inputs together and re-runs the pipeline (missing cells filled after the shuffle)', () => {
  const rng = new Rng(1);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < 30; i++) rows.push([i % 7 === 0 ? NaN : rng.normal(), i % 5 === 0 ? '' : ['x', 'y', 'z'][rng.int(3)]!, rng.normal()]);
  const table = tableOf(['n', 'cat', 'target'], rows);
  const m = sequential([layers.dense({ units: 1, inputShape: [4] })]);
  const model = withPipeline(table, m, 'regression');
  const order = new Rng(2).shuffle(Int32Array.from({ length: 30 }, (_, i) => i));
  for (const c of rawColumns(model, 'test')) {
    const shuffled = pipelineInputs(model.preprocessing, shuffledColumn(table, c, order));
    // The same as reading a file whose column was shuffled.
    const text = rows.map((r, i) => r.map((v, j) => (j === (c.name === 'n' ? 0 : 1) ? rows[order[i]!]![j]! : v)));
    const reread = tableFromRecords([['n', 'cat', 'target'], ...text.map((r) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? '' : String(v))))], { schema: model.preprocessing.schema! });
    assert.deepEqual(Array.from(shuffled.data), Array.from(pipelineInputs(model.preprocessing, reread).data), c.name);
  }
});

test('regression importance in R², MAE or RMSE; bad arguments name the field or column', async () => {
  const rng = new Rng(5);
  const rows: number[][] = [];
  for (let i = 0; i < 300; i++) {
    const [u, v] = [rng.uniform(-2, 2), rng.uniform(-2, 2)];
    rows.push([u, v, 3 * u + Math.sin(2 * v) + 0.05 * rng.normal()]);
  }
  const table = tableOf(['u', 'v', 'y'], rows);
  const model = await trainedModel(table, 'regression', [16], 80);
  const r2 = permutationImportance(model, table, { repeats: 4 });
  assert.equal(r2.metric, 'r2');
  assert.ok(r2.baseline > 0.95, `R² ${r2.baseline}`);
  assert.deepEqual(r2.columns.map((c) => c.column), ['u', 'v']);
  assert.ok(r2.columns[0]!.mean > 1, `shuffling u costs ${r2.columns[0]!.mean} of R²`);
  const mae = permutationImportance(model, table, { metric: 'mae', repeats: 2 });
  assert.ok(mae.columns[0]!.mean > 1 && mae.baseline < 0.3, `MAE ${mae.baseline} rises by ${mae.columns[0]!.mean}`);
  assert.throws(() => permutationImportance(model, table, { metric: 'accuracy' }), (e: unknown) => e instanceof ExplanationInputError && e.field === 'metric' && /does not fit a regression model; use r2, mae, rmse/.test(e.message));
  assert.throws(() => permutationImportance(model, table, { columns: ['w'] }), (e: unknown) => e instanceof ExplanationInputError && e.column === 'w' && /no column "w"; its columns are u, v/.test(e.message));
  const noTarget = tableFromRecords([['u', 'v'], ['1', '2'], ['3', '4']], { schema: { inputs: model.preprocessing.schema!.inputs, target: undefined } });
  assert.throws(() => permutationImportance(model, noTarget), (e: unknown) => e instanceof ExplanationInputError && /has no target column/.test(e.message));
  assert.throws(() => permutationImportance(model, table, { repeats: 0 }), /repeats/);
});
