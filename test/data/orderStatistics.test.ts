import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianInPlace, quantilesInPlace, selectInPlace } from '../../src/data/orderStatistics.js';
import { robustScaler } from '../../src/data/scalers.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';

/** The definitions by sorting, which selection must match value for value. */
function sortedQuantile(values: Float64Array | Float32Array, q: number): number {
  const s = values.slice().sort();
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}
function sortedMedian(values: Float64Array | Float32Array): number {
  const s = values.slice().sort();
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Inputs that break naive quickselects: ties, runs, sorted, reversed, organ pipes, all equal. */
function shapes(rng: Rng, n: number): [string, Float64Array][] {
  const idx = Array.from({ length: n }, (_, i) => i);
  return [
    ['random', Float64Array.from(idx, () => rng.uniform() * 200 - 100)],
    ['few values', Float64Array.from(idx, () => Math.floor(rng.uniform() * 4) - 1.5)],
    ['sorted', Float64Array.from(idx, (i) => i)],
    ['reversed', Float64Array.from(idx, (i) => n - i)],
    ['organ pipe', Float64Array.from(idx, (i) => Math.min(i, n - i))],
    ['constant', Float64Array.from(idx, () => 7)],
    ['one outlier', Float64Array.from(idx, (i) => (i === n >> 1 ? 1e30 : i % 5))],
  ];
}

test('selection gives the order statistics, quantiles and medians a sort gives, on every shape and size', () => {
  const rng = new Rng(7);
  for (const n of [1, 2, 3, 4, 5, 8, 17, 64, 101, 1000, 4096]) {
    for (const [shape, values] of shapes(rng, n)) {
      const sorted = values.slice().sort();
      for (const k of new Set([0, n - 1, n >> 1, Math.floor(n / 3), Math.floor((2 * n) / 3)])) {
        const v = values.slice();
        assert.equal(selectInPlace(v, k), sorted[k], `${shape} n=${n} k=${k}`);
        for (let i = 0; i < k; i++) assert.ok(v[i]! <= v[k]!, `${shape} n=${n}: before k`);
        for (let i = k + 1; i < n; i++) assert.ok(v[i]! >= v[k]!, `${shape} n=${n}: after k`);
        assert.deepEqual(Array.from(v.slice().sort()), Array.from(sorted), `${shape} n=${n}: a permutation`);
      }
      const qs = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
      assert.deepEqual(quantilesInPlace(values.slice(), qs), qs.map((q) => sortedQuantile(values, q)), `${shape} n=${n} quantiles`);
      assert.equal(medianInPlace(values.slice()), sortedMedian(values), `${shape} n=${n} median`);
      const f32 = Float32Array.from(values);
      assert.equal(medianInPlace(f32.slice()), sortedMedian(f32), `${shape} n=${n} float32 median`);
    }
  }
});

test('random arrays with ties: 2,000 cases, each quantile equal to the sorted one', () => {
  const rng = new Rng(11);
  for (let t = 0; t < 2000; t++) {
    const n = 1 + Math.floor(rng.uniform() * 60);
    const v = Float64Array.from({ length: n }, () => Math.floor(rng.uniform() * 7) - 3 + (rng.uniform() < 0.3 ? 0.5 : 0));
    const qs = [rng.uniform() * 0.5, 0.5, 0.5 + rng.uniform() * 0.5, rng.uniform()];
    assert.deepEqual(quantilesInPlace(v.slice(), qs), qs.map((q) => sortedQuantile(v, q)), Array.from(v).join(','));
  }
});

test('the robust scaler fitted by selection: median and IQR per column as by sorting', () => {
  const rng = new Rng(3);
  const rows = 5001;
  const x = new Matrix(rows, 3, Float32Array.from({ length: rows * 3 }, (_, i) => (i % 3 === 2 ? Math.floor(rng.uniform() * 3) : rng.normal() * (1 + (i % 3)))));
  const s = robustScaler().fit(x).toJSON();
  for (let j = 0; j < 3; j++) {
    const col = Float64Array.from({ length: rows }, (_, i) => x.data[i * 3 + j]!);
    const iqr = sortedQuantile(col, 0.75) - sortedQuantile(col, 0.25);
    const sorted = col.slice().sort();
    assert.equal(s.offset[j], sortedQuantile(col, 0.5), `column ${j} median`);
    assert.equal(s.scale[j], iqr > 0 ? iqr : 0.5 * (sorted[rows - 1]! - sorted[0]!), `column ${j} scale`);
  }
});
