// R67: a playground upload of 130,000 rows (0.8 MB) is read, scaled and split without a stack
// overflow; past the row cap it is refused with the cap named. R68: the upload reads numbers as
// the library and the CLI do ("0x10" is not 16) and quotes at most ~200 characters of any value.
// (The page's side, all or nothing in Chromium: test/playground/hardening.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CSV_ROWS, parsePointsCsv } from '../../playground/src/csv.js';
import { makeData } from '../../playground/src/data.js';
import { defaultConfig } from '../../playground/src/state.js';
import { parseNumberCell } from '../../src/index.js';

function error(text: string): string {
  const r = parsePointsCsv(text);
  assert.equal(r.ok, false, 'refused');
  return (r as { error: string }).error;
}

test('R67: 130,000 rows (0.8 MB) are read, scaled to [−1, 1] and split; nothing is spread onto the stack', () => {
  const n = 130_000;
  const rows = Array.from({ length: n }, (_, i) => `${(i * 7919) % 1000},${(i * 104729) % 997},${i % 3}`);
  const text = `a,b,label\n${rows.join('\n')}\n`;
  assert.ok(text.length > 800_000);
  const r = parsePointsCsv(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const d = makeData({ ...defaultConfig(), dataset: 'csv', trainRatio: 0.5 }, r.data);
  assert.equal(d.trainX.length + d.testX.length, n);
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of [...d.trainX, ...d.testX]) for (const v of p) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  assert.deepEqual([lo, hi], [-1, 1], 'each feature spans exactly [−1, 1] after scaling');
  assert.deepEqual(d.classNames, ['0', '1', '2']);
  // A 1-D regression of the same length (the other scaling path).
  const reg = parsePointsCsv(`x,y\n${Array.from({ length: n }, (_, i) => `${i},${(i * 31) % 1000}`).join('\n')}\n`);
  assert.ok(reg.ok);
  const dr = makeData({ ...defaultConfig(), dataset: 'csv' }, reg.data);
  assert.equal(dr.trainX.length + dr.testX.length, n);
  assert.ok(dr.yDomain[0] < -1 && dr.yDomain[1] > 1, `y domain ${dr.yDomain}`);
});

test(`R67: more than ${MAX_CSV_ROWS} rows are refused with the count and the cap`, () => {
  const rows = Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) => `${i},${i},${i % 2}`);
  assert.equal(error(`a,b,label\n${rows.join('\n')}\n`), `the file has ${(MAX_CSV_ROWS + 2).toLocaleString('en-US')} rows; the playground trains on up to ${MAX_CSV_ROWS.toLocaleString('en-US')} (take a sample, or train on the whole file with the CLI: backprop train)`);
});

test('R68: "0x10", "0b11", "1_000" and "Infinity" are not numbers, exactly as the library reads cells', () => {
  for (const cell of ['0x10', '0b11', '1_000', 'Infinity', ' 0x1F ']) {
    const lib = parseNumberCell(cell);
    assert.equal(lib.ok, false, `the library refuses ${cell}`);
    const message = error(`a,b,label\n1,2,x\n3,${cell},y\n`);
    assert.equal(message, `line 3, column "b": ${(lib as { reason: string }).reason}`);
  }
  assert.equal(error('a,b,label\n1,2,x\n0x10,4,y\n'), 'line 3, column "a": "0x10" is not a number');
  // What the library reads as numbers, the page reads the same.
  const r = parsePointsCsv('a,b,label\n1e3,-.5,x\n+2,3.,y\n');
  assert.ok(r.ok);
  assert.deepEqual(r.data.x, [[1000, -0.5], [2, 3]]);
});

test('R68: a 4 MB field, a 4 MB column name and a 4 MB label are quoted to at most ~200 characters', () => {
  const huge = 'z'.repeat(4_000_000);
  const cases = [
    `a,b,label\n1,2,x\n3,${huge},y\n`, // a value
    `${huge},b,label\n1,2,x\n3,abc,y\n`, // a column name in a message about another column's value
    `a,${huge},label\n1,2,x\n3,abc,y\n`, // the column named in the message
    `a,b,${huge}\n1,2,x\n3,4,x\n`, // a single class: the label column named
    `a,b,label\n1,2,${huge}\n3,4,${huge}\n`, // a single class: the class quoted
    `${huge},y\n1,2\n3,abc\n`, // a regression's column
  ];
  for (const text of cases) {
    const message = error(text);
    assert.ok(message.length < 300, `message of ${message.length} characters: ${message.slice(0, 300)}`);
    assert.doesNotMatch(message, /z{201}/);
  }
  assert.match(error(`a,${huge},label\n1,2,x\n3,abc,y\n`), /^line 3, column "z{60}"… \(4000000 characters\): "abc" is not a number$/);
});
