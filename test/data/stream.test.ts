// The pieces of streaming (issue 24): the quantile sketch, the pipeline fitted block by block
// against fitPipeline on the same training rows, the shuffle buffer, the validation hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  QuantileSketch, ShuffleBuffer, StreamPipeline, Matrix, Rng, TableBuilder, fitPipeline, isValidationRow, planOutput, tableFromRecords, InputError,
  type Table, type TableSchema,
} from '../../src/index.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

test('the quantile sketch is exact (numpy linear, even-count median = mean of the middle two) until it compacts', () => {
  const r = rng(3);
  for (const n of [1, 2, 7, 100, 1000]) {
    const s = new QuantileSketch(1024);
    const values = Array.from({ length: n }, () => Math.fround(r() * 100 - 50));
    values.forEach((v) => s.add(v));
    s.add(NaN);
    const sorted = Float32Array.from(values).sort();
    const m = n >> 1;
    assert.equal(s.quantile(0.5), n % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2, `median of ${n}`);
    assert.equal(s.quantile(0), sorted[0]);
    assert.equal(s.quantile(1), sorted[n - 1]);
    const p = 0.25 * (n - 1);
    const lo = Math.floor(p);
    assert.ok(Math.abs(s.quantile(0.25) - (sorted[lo]! + (sorted[Math.min(lo + 1, n - 1)]! - sorted[lo]!) * (p - lo))) < 1e-12);
    assert.equal(s.exact, true);
  }
  const w = new QuantileSketch(16);
  [1, 2, 3].forEach((v) => w.add(v));
  w.addWeighted(10, 4);
  assert.equal(w.quantile(0.5), 10, '1, 2, 3, 10, 10, 10, 10: the median is 10');
  assert.throws(() => w.quantile(1.5), InputError);
});

test('past its capacity the sketch keeps a rank error within its bound on 200,000 values', () => {
  const r = rng(9);
  const s = new QuantileSketch(512);
  const values = new Float64Array(200_000);
  for (let i = 0; i < values.length; i++) s.add((values[i] = r()));
  values.sort();
  assert.equal(s.exact, false);
  for (const q of [0.1, 0.25, 0.5, 0.75, 0.9]) {
    const v = s.quantile(q);
    let rank = 0;
    while (rank < values.length && values[rank]! < v) rank++;
    // log2(200000 / 512) ≈ 8.6 levels; the bound n·levels/capacity is 3.4 % of the rows.
    assert.ok(Math.abs(rank / values.length - q) < 0.02, `q ${q}: rank ${rank / values.length}`);
  }
});

/** Records of a messy table: numbers with missing cells, a category with missing cells, a target. */
function records(n: number, regression: boolean): string[][] {
  const r = rng(5);
  const cities = ['paris', 'rome', 'oslo'];
  const out = [['a', 'b', 'city', 'y']];
  for (let i = 0; i < n; i++) {
    const a = r() * 10;
    const b = r() < 0.15 ? '' : (r() * 4 - 2).toFixed(3);
    const c = r() < 0.1 ? 'NA' : cities[Math.floor(r() * 3)]!;
    out.push([a.toFixed(3), b, c, regression ? (a * 2 + r()).toFixed(3) : a + Number(b || 0) > 5 ? 'hi' : 'lo']);
  }
  return out;
}

/** The same records read with the schema in blocks of `size` rows. */
function blocks(recs: string[][], schema: TableSchema, size: number): Table[] {
  const out: Table[] = [];
  for (let i = 1; i < recs.length; i += size) {
    const b = new TableBuilder(recs[0]!, { schema, requireTarget: true, dtype: 'float32' });
    recs.slice(i, i + size).forEach((r, k) => b.add(r, i + k + 1));
    out.push(b.finish());
  }
  return out;
}

for (const [scale, indicator, regression] of [['standard', false, false], ['minmax', true, false], ['standard', true, true], ['none', false, true], ['robust', false, false], ['robust', true, true]] as const) {
  test(`the pipeline fitted block by block equals fitPipeline on the same training rows (scale ${scale}, indicator ${indicator}, ${regression ? 'regression' : 'classification'})`, () => {
    const recs = records(500, regression);
    const table = tableFromRecords(recs, { dtype: 'float32' });
    const seed = 4;
    const train = Array.from({ length: table.rows }, (_, i) => i).filter((i) => !isValidationRow(i, seed, 0.2));
    assert.ok(train.length > 350 && train.length < 450);
    const plan = planOutput(table.schema.target!, regression ? 'mse' : 'binaryCrossentropy');
    const expected = fitPipeline(table, train, { scale, indicator }, plan.task).preprocessing;
    const stream = new StreamPipeline({ schema: table.schema, plan: { scale, indicator }, task: plan.task });
    let base = 0;
    for (const t of blocks(recs, table.schema, 37)) {
      const offset = base;
      stream.add(t, (r) => !isValidationRow(offset + r, seed, 0.2));
      base += t.rows;
    }
    const got = stream.finish();
    assert.deepEqual(got.imputer, expected.imputer, 'medians, modes and indicators exactly');
    assert.deepEqual(got.featureNames, expected.featureNames);
    assert.equal(got.scaler?.kind, expected.scaler?.kind);
    assert.equal(got.scaler?.clip, expected.scaler?.clip, 'the smooth clip bound');
    const close = (a: readonly number[] | undefined, b: readonly number[] | undefined, what: string) => {
      assert.equal(a?.length, b?.length, what);
      a?.forEach((v, i) => assert.ok(Math.abs(v - b![i]!) <= 1e-9 * Math.max(1, Math.abs(b![i]!)), `${what}[${i}]: ${v} vs ${b![i]}`));
    };
    close(got.scaler?.offset, expected.scaler?.offset, 'scaler offset');
    close(got.scaler?.scale, expected.scaler?.scale, 'scaler scale');
    close(got.targetScaler?.offset, expected.targetScaler?.offset, 'target offset');
    close(got.targetScaler?.scale, expected.targetScaler?.scale, 'target scale');
  });
}

test('the shuffle buffer: every row once, at most its capacity held, the same batches for a seed and others for another', () => {
  const n = 1000;
  const x = new Matrix(n, 2, Float32Array.from({ length: 2 * n }, (_, i) => Math.floor(i / 2)));
  const y = new Matrix(n, 1, Float32Array.from({ length: n }, (_, i) => i));
  const run = (seed: number) => {
    const buffer = new ShuffleBuffer(64, 2, 1, 10, new Rng(seed));
    const seen: number[] = [];
    const sizes: number[] = [];
    for (let start = 0; start < n; start += 93) {
      const count = Math.min(93, n - start);
      const bx = new Matrix(count, 2, x.data.slice(start * 2, (start + count) * 2));
      const by = new Matrix(count, 1, y.data.slice(start, start + count));
      for (const b of buffer.put(bx, by)) {
        sizes.push(b.x.rows);
        for (let i = 0; i < b.x.rows; i++) {
          assert.equal(b.x.data[2 * i], b.y.data[i], 'x and y stay together');
          seen.push(b.y.data[i]!);
        }
      }
    }
    for (const b of buffer.drain()) {
      sizes.push(b.x.rows);
      for (let i = 0; i < b.x.rows; i++) seen.push(b.y.data[i]!);
    }
    return { seen, sizes, peak: buffer.peakRows };
  };
  const a = run(1);
  assert.deepEqual([...a.seen].sort((p, q) => p - q), Array.from({ length: n }, (_, i) => i));
  assert.equal(a.peak, 64, 'never more rows held than the buffer');
  assert.ok(a.sizes.every((s) => s === 10));
  assert.deepEqual(run(1).seen, a.seen, 'same seed, same order');
  assert.notDeepEqual(run(2).seen, a.seen);
  assert.notDeepEqual(a.seen, Array.from({ length: n }, (_, i) => i), 'shuffled');
});

test('the validation hash depends only on row and seed: a fraction of the rows, the same on every call', () => {
  let count = 0;
  for (let i = 0; i < 100_000; i++) if (isValidationRow(i, 7, 0.2)) count++;
  assert.ok(Math.abs(count / 100_000 - 0.2) < 0.005, `${count}`);
  const a = Array.from({ length: 1000 }, (_, i) => isValidationRow(i, 7, 0.2));
  assert.deepEqual(Array.from({ length: 1000 }, (_, i) => isValidationRow(i, 7, 0.2)), a);
  assert.notDeepEqual(Array.from({ length: 1000 }, (_, i) => isValidationRow(i, 8, 0.2)), a);
  assert.equal(isValidationRow(5, 7, 0), false);
});
