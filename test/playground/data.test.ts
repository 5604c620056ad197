// The playground's data: every data set, the split, the CSV reader's messages, and what the
// page says when training diverges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeData } from '../../playground/src/data.js';
import { parsePointsCsv, MAX_CSV_CLASSES } from '../../playground/src/csv.js';
import { divergenceReason } from '../../playground/src/divergence.js';
import { defaultConfig, datasetNames } from '../../playground/src/state.js';

test('every data set: task, classes, sizes, split ratio, points inside the drawn square; seeded', () => {
  const expect = {
    circles: ['binary', 2], moons: ['binary', 2], xor: ['binary', 2], quadrants: ['binary', 2],
    spirals: ['multiclass', 3], blobs: ['multiclass', 3], regression: ['regression', 1],
  } as const;
  for (const name of datasetNames) {
    if (name === 'csv') continue;
    const c = { ...defaultConfig(), dataset: name, points: 300, trainRatio: 0.7 };
    const d = makeData(c);
    assert.equal(d.task, expect[name][0], name);
    assert.equal(d.classes, expect[name][1], name);
    assert.equal(d.inputDim, name === 'regression' ? 1 : 2);
    const n = d.trainX.length + d.testX.length;
    assert.ok(n >= 297 && n <= 300, `${name}: ${n} points`);
    assert.ok(Math.abs(d.trainX.length / n - 0.7) < 0.02, `${name}: ${d.trainX.length} of ${n} for training`);
    for (const p of [...d.trainX, ...d.testX]) {
      assert.equal(p.length, d.inputDim);
      assert.ok(p[0]! > d.xDomain[0] && p[0]! < d.xDomain[1], `${name}: x ${p[0]} in ${d.xDomain}`);
      if (d.inputDim === 2) assert.ok(p[1]! > d.yDomain[0] && p[1]! < d.yDomain[1], `${name}: y in domain`);
    }
    if (d.task !== 'regression') {
      const labels = new Set([...d.trainY, ...d.testY]);
      assert.deepEqual([...labels].sort(), Array.from({ length: d.classes }, (_, k) => k), `${name}: every class present`);
      // Stratified: each class has about the same share in both parts.
      for (let k = 0; k < d.classes; k++) {
        const tr = d.trainY.filter((y) => y === k).length / d.trainY.length;
        const te = d.testY.filter((y) => y === k).length / d.testY.length;
        assert.ok(Math.abs(tr - te) < 0.05, `${name}: class ${k} share ${tr} vs ${te}`);
      }
    } else {
      assert.ok(d.yDomain[0] < Math.min(...d.trainY) && d.yDomain[1] > Math.max(...d.trainY));
    }
    assert.deepEqual(makeData(c), d, `${name}: same seed, same data`);
    assert.notDeepEqual(makeData({ ...c, dataSeed: 2 }).trainX, d.trainX, `${name}: another seed, other data`);
  }
  assert.equal(makeData({ ...defaultConfig(), dataset: 'spirals', spiralClasses: 5 }).classes, 5);
  assert.equal(makeData({ ...defaultConfig(), dataset: 'spirals', spiralClasses: 2 }).task, 'binary');
});

test('gaussian quadrants: four clusters, diagonal pairs share a class; the 1-D function with its noise', () => {
  const q = makeData({ ...defaultConfig(), dataset: 'quadrants', noise: 0, points: 400 });
  [...q.trainX, ...q.testX].forEach((p, i) => {
    const label = [...q.trainY, ...q.testY][i];
    assert.equal(label, Math.sign(p[0]!) === Math.sign(p[1]!) ? 0 : 1, `point ${p} (clusters are 5 sd from the axes)`);
  });
  const target = (x: number) => Math.sin(Math.PI * x);
  const clean = makeData({ ...defaultConfig(), dataset: 'regression', noise: 0, points: 50 });
  clean.trainX.forEach((p, i) => assert.ok(Math.abs(clean.trainY[i]! - target(p[0]!)) < 1e-12));
  const noisy = makeData({ ...defaultConfig(), dataset: 'regression', noise: 0.2, points: 4000 });
  const residuals = noisy.trainX.map((p, i) => noisy.trainY[i]! - target(p[0]!));
  const sd = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
  assert.ok(Math.abs(sd - 0.2) < 0.01, `noise sd ${sd}`);
});

test('CSV: header or not, BOM, CRLF, quotes, class names in a stable order', () => {
  const r = parsePointsCsv('\uFEFFx,y,"kind"\r\n1,2,b\r\n3,4,"a"\r\n\r\n5,6,b\r\n');
  assert.ok(r.ok);
  assert.deepEqual(r.data, { task: 'classification', columns: ['x', 'y', 'kind'], x: [[1, 2], [3, 4], [5, 6]], y: [1, 0, 1], classNames: ['a', 'b'] });
  const bare = parsePointsCsv('0.5,-1,10\n1e-3,2,2\n');
  assert.ok(bare.ok);
  assert.deepEqual(bare.data.columns, ['x1', 'x2', 'label']);
  assert.deepEqual(bare.data.classNames, ['2', '10'], 'numeric labels sort as numbers');
  assert.deepEqual(bare.data.y, [1, 0]);
});

test('CSV: each problem is named with its line and column', () => {
  const error = (text: string) => {
    const r = parsePointsCsv(text);
    assert.equal(r.ok, false, text);
    return (r as { error: string }).error;
  };
  assert.equal(error(''), 'the file is empty: expected rows of x1, x2, label (or x, y)');
  assert.equal(error('\n\n'), 'the file is empty: expected rows of x1, x2, label (or x, y)');
  assert.equal(error('x1,x2,label\n'), 'no data rows: the file has a header only');
  assert.equal(error('a,b,c,d\n1,2,3,4\n'), 'expected 3 columns (2 numeric features and a label) or 2 (x, y), but line 1 has 4: the playground draws 2-D data only');
  assert.equal(error('x,label\n1,a\n'), 'line 2, column "label": "a" is not a number (two columns are read as a 1-D regression of y on x)');
  assert.equal(error('a\n1\n'), 'expected 3 columns (2 numeric features and a label) or 2 (x, y), but line 1 has 1');
  assert.equal(error('x1,x2,y\n1,2,a\n3,4\n'), 'line 3: expected 3 fields (x1, x2, label), got 2');
  assert.equal(error('x1,x2,y\n1,2,a\n3,NaN,b\n'), 'line 3, column "x2": is "NaN" (a missing value)');
  assert.equal(error('x1,x2,y\n1,2,a\n1e999,2,b\n'), 'line 3, column "x1": "1e999" overflows to Infinity');
  assert.equal(error('x1,x2,y\n1,,a\n'), 'line 2, column "x2": is blank');
  assert.equal(error('x1,x2,y\n1,2,\n'), 'line 2, column "y": the label is empty');
  assert.equal(error('x1,x2,y\n1,2,a\n3,4,a\n'), 'column "y" has a single class ("a"); need at least 2');
  const many = Array.from({ length: MAX_CSV_CLASSES + 1 }, (_, i) => `${i},${i},c${i}`).join('\n');
  assert.equal(error(many), `column "label" has ${MAX_CSV_CLASSES + 1} distinct labels; the playground classifies 2 to ${MAX_CSV_CLASSES} classes`);
});

test('uploaded points are scaled to [−1, 1] and keep their class names', () => {
  const r = parsePointsCsv('w,h,pet\n10,100,cat\n20,300,dog\n15,200,cat\n30,100,dog\n');
  assert.ok(r.ok);
  const d = makeData({ ...defaultConfig(), dataset: 'csv', trainRatio: 0.5 }, r.data);
  const all = [...d.trainX, ...d.testX];
  assert.equal(all.length, 4);
  assert.deepEqual([Math.min(...all.map((p) => p[0]!)), Math.max(...all.map((p) => p[0]!))], [-1, 1]);
  assert.deepEqual([Math.min(...all.map((p) => p[1]!)), Math.max(...all.map((p) => p[1]!))], [-1, 1]);
  assert.deepEqual(d.classNames, ['cat', 'dog']);
  assert.equal(d.task, 'binary');
  assert.match(d.note, /4 uploaded points; "w" and "h" scaled to \[−1, 1\]; label "pet"/);
});

test('the divergence message names what went wrong', () => {
  const at = { epoch: 0, batch: 7, layer: 'dense_2', param: undefined };
  assert.equal(divergenceReason({ ...at, kind: 'loss', loss: NaN }), 'loss is NaN');
  assert.equal(divergenceReason({ ...at, kind: 'loss', loss: Infinity }), 'loss is Infinity');
  assert.equal(divergenceReason({ ...at, kind: 'gradient', loss: 9.32723621017353e+76, param: 'dense_3/bias' }), 'gradient of dense_3/bias is not finite; loss 9.33e+76');
  assert.equal(divergenceReason({ ...at, kind: 'weight', loss: 2, param: 'dense_1/kernel' }), 'the update made dense_1/kernel non-finite');
  assert.equal(divergenceReason({ ...at, kind: 'exploding', loss: 3.2e9 }), 'loss 3.20e+9 is exploding');
  assert.equal(divergenceReason(undefined), 'loss is not finite');
});

test('two numeric columns are a 1-D regression, named by the header; the axes keep the names', () => {
  const r = parsePointsCsv('hours,score\n1,10\n2,20\n3,25\n4,50\n5,60\n');
  assert.ok(r.ok);
  assert.deepEqual(r.data, { task: 'regression', columns: ['hours', 'score'], x: [[1], [2], [3], [4], [5]], y: [10, 20, 25, 50, 60], classNames: [] });
  const bare = parsePointsCsv('1,2\n2,3\n3,5\n4,4\n');
  assert.ok(bare.ok);
  assert.deepEqual(bare.data.columns, ['x', 'y']);
  const few = parsePointsCsv('x,y\n1,2\n');
  assert.deepEqual(few, { ok: false, error: 'a regression needs at least 4 rows, the file has 1' });
  const d = makeData({ ...defaultConfig(), dataset: 'csv', trainRatio: 0.6 }, r.data);
  assert.equal(d.task, 'regression');
  assert.equal(d.inputDim, 1);
  assert.deepEqual(d.axisNames, ['hours', 'score']);
  assert.deepEqual(d.classNames, ['score']);
  assert.equal(d.trainX.length + d.testX.length, 5);
  const xs = [...d.trainX, ...d.testX].map((p) => p[0]!).sort((a, b) => a - b);
  assert.deepEqual(xs, [-1, -0.5, 0, 0.5, 1], 'x scaled to [−1, 1]');
  const ys = [...d.trainY, ...d.testY].sort((a, b) => a - b);
  assert.deepEqual(ys.map((v) => Number(v.toFixed(6))), [-1, -0.6, -0.4, 0.6, 1], 'y scaled to [−1, 1]');
  assert.match(d.note, /5 uploaded points: "score" as a function of "hours", both scaled to \[−1, 1\]/);
  const c = parsePointsCsv('weight,age,pet\n1,2,cat\n3,4,dog\n5,1,cat\n2,2,dog\n');
  assert.ok(c.ok);
  assert.deepEqual(makeData({ ...defaultConfig(), dataset: 'csv' }, c.data).axisNames, ['weight', 'age']);
});
