// RELIABILITY C5: a large file is held once. A table of numeric inputs read with a row hint has x in
// its read buffer; prepareTraining with reuseTable works in that x (the parts are views of it, not
// copies) and gives exactly what the copying path gives; readForModel's x is the table's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, TableBuilder, canTransformInPlace, pipelineInputs, prepareTraining, tableFromRecords, trainingSpec, transformInPlace, type Matrix, type Table } from '../../src/index.js';

/** Seeded rows: three numeric inputs (some missing), a label of three classes and a numeric target. */
function records(n: number, seed: number, missing: boolean): string[][] {
  const rng = new Rng(seed);
  const out = [['a', 'b', 'c', 'label', 'value']];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(0, 10);
    const cell = (v: number) => (missing && rng.uniform(0, 1) < 0.1 ? '' : v.toFixed(4));
    out.push([cell(a), cell(b), (a * b).toFixed(3), ['x', 'y', 'z'][Math.floor(rng.uniform(0, 3))]!, (2 * a + b).toFixed(5)]);
  }
  return out;
}

function read(rows: string[][], target: string, expectedRows?: number): Table {
  const builder = new TableBuilder(rows[0]!, { target, dtype: 'float32', ...(expectedRows !== undefined ? { expectedRows } : {}) });
  for (let i = 1; i < rows.length; i++) builder.add(rows[i]!, i + 1);
  return builder.finish();
}

const same = (a: Matrix, b: Matrix, what: string) => {
  assert.deepEqual([a.rows, a.cols], [b.rows, b.cols], what);
  assert.deepEqual(Array.from(a.data.subarray(0, a.rows * a.cols)), Array.from(b.data.subarray(0, b.rows * b.cols)), what);
};

test('numeric inputs read with a row hint: x is the read buffer itself, sized by the hint (no second copy)', () => {
  const rows = records(500, 1, true).map((r) => r.slice(0, 4));
  const t = read(rows, 'label', 501);
  assert.equal(t.x.cols, 3);
  assert.equal(t.x.data.buffer.byteLength, 501 * 3 * 4, 'x lives in the buffer the rows were read into');
  // Same values as a table read without a hint (buffer grown as it went, then trimmed).
  const grown = tableFromRecords(rows, { target: 'label', dtype: 'float32' });
  same(t.x, grown.x, 'x');
  assert.equal(grown.x.data.buffer.byteLength, 500 * 3 * 4);
  // A categorical input widens x: then it is assembled anew, with the same numeric values.
  const mixed = tableFromRecords(records(50, 2, false), { target: 'value', dtype: 'float32' });
  assert.deepEqual([...mixed.featureNames].sort(), ['a', 'b', 'c', 'label=x', 'label=y', 'label=z']);
  assert.equal(mixed.x.data.buffer.byteLength, 50 * 6 * 4);
  assert.equal(mixed.x.data[0], Math.fround(Number(records(50, 2, false)[1]![0])));
});

for (const [target, missing, indicator, validation] of [['label', true, false, 0.2], ['value', true, false, 0.25], ['label', false, true, 0.2], ['value', false, false, 0]] as const) {
  test(`reuseTable (target ${target}${missing ? ', missing cells' : ''}${indicator ? ', indicators' : ''}, validation ${validation}) gives exactly the copying path's data`, () => {
    const rows = records(400, 7, missing).map((r) => r.filter((_, k) => k !== (target === 'label' ? 4 : 3)));
    const spec = trainingSpec({ preprocessing: { scale: 'standard', ...(indicator ? { indicator: true } : {}) }, fit: { validationSplit: validation, seed: 3 } });
    const copied = prepareTraining(spec, read(rows, target, 401));
    const table = read(rows, target, 401);
    const reused = prepareTraining(spec, table, { reuseTable: true });
    assert.deepEqual(reused.preprocessing, copied.preprocessing);
    assert.deepEqual(reused.split, copied.split);
    same(reused.train.x, copied.train.x, 'train x');
    same(reused.train.y, copied.train.y, 'train y');
    assert.equal(reused.validation?.x.rows, copied.validation?.x.rows);
    if (copied.validation) {
      same(reused.validation!.x, copied.validation.x, 'validation x');
      same(reused.validation!.y, copied.validation.y, 'validation y');
    }
    const shared = reused.train.x.data.buffer === table.x.data.buffer;
    // Indicators widen the inputs: that case copies; otherwise the parts are views of the table's x.
    assert.equal(shared, !indicator);
    if (reused.validation) assert.equal(reused.validation.x.data.buffer === table.x.data.buffer, !indicator);
    // Resuming with the fitted pipeline reuses the table the same way.
    const again = prepareTraining(spec, read(rows, target, 401), { reuseTable: true, resume: { model: copied.network.model, preprocessing: copied.preprocessing } });
    same(again.train.x, copied.train.x, 'resumed train x');
    if (copied.validation) same(again.validation!.x, copied.validation.x, 'resumed validation x');
  });
}

test('transformInPlace applies a fitted pipeline in the table\'s x, as pipelineInputs does in a copy', () => {
  const rows = records(300, 11, true).map((r) => r.slice(0, 4));
  const p = prepareTraining(trainingSpec({ fit: { validationSplit: 0.2, seed: 1 } }), read(rows, 'label'));
  const table = read(rows, 'label');
  const expected = pipelineInputs(p.preprocessing, table);
  assert.ok(canTransformInPlace(p.preprocessing, table));
  const x = transformInPlace(p.preprocessing, table);
  assert.equal(x, table.x);
  same(x, expected, 'inputs');
  // A float64 table cannot become float32 inputs in place: refused by name, never half-done.
  const wide = tableFromRecords(rows, { target: 'label' });
  assert.equal(canTransformInPlace(p.preprocessing, wide), false);
  assert.throws(() => transformInPlace(p.preprocessing, wide), /cannot work in place/);
});
