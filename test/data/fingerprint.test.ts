// The training rows' fingerprint: exact up to 8,192 distinct rows, an unbiased estimate beyond, bounded in size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FingerprintBuilder, FINGERPRINT_SIZE, fingerprintFromJson, rowHashes, rowsFingerprint, rowsSeen, tableFromRecords } from '../../src/index.js';

function rows(n: number, from = 0): string[][] {
  // Distinct rows: a counts up.
  return [['a', 'b', 'colour', 'y'], ...Array.from({ length: n }, (_, k) => {
    const i = k + from;
    return [String(i), String((i * 0.37) % 11), ['red', 'blue', 'NA'][i % 3]!, String(i % 2)];
  })];
}

test('equal rows hash alike across float32 and float64 tables read with one schema; a changed target or input does not', () => {
  const train = tableFromRecords(rows(100));
  const again = tableFromRecords(rows(100), { schema: train.schema, dtype: 'float32', requireTarget: true });
  const a = rowHashes(train);
  const b = rowHashes(again);
  assert.deepEqual(Array.from(b), Array.from(a));
  assert.ok(a.every((h) => Number.isSafeInteger(h) && h >= 0));
  const flipped = rows(100);
  flipped[5]![3] = flipped[5]![3] === '0' ? '1' : '0';
  flipped[9]![1] = '999';
  const c = rowHashes(tableFromRecords(flipped, { schema: train.schema, requireTarget: true }));
  assert.notEqual(c[4], a[4]);
  assert.notEqual(c[8], a[8]);
  assert.equal(c[0], a[0]);
  assert.equal(new Set(a).size, new Set(Array.from(a)).size);
});

test('up to 8,192 distinct training rows: the rows of a file seen in training are counted exactly', () => {
  const table = tableFromRecords(rows(300));
  const hashes = rowHashes(table);
  const train = Array.from({ length: 200 }, (_, i) => i);
  const fp = rowsFingerprint(hashes, train);
  assert.equal(fp.rows, 200);
  assert.equal(fp.threshold, null);
  assert.deepEqual(fingerprintFromJson(JSON.parse(JSON.stringify(fp))), fp);
  assert.deepEqual(rowsSeen(fp, hashes), { rows: 300, seen: 200, exact: true });
  const other = tableFromRecords(rows(100, 10_000), { schema: table.schema, requireTarget: true });
  assert.deepEqual(rowsSeen(fp, rowHashes(other)), { rows: 100, seen: 0, exact: true });
});

test('past 8,192 rows the fingerprint keeps a bounded sample and estimates the share seen', () => {
  const table = tableFromRecords(rows(40_000));
  const hashes = rowHashes(table);
  const fp = rowsFingerprint(hashes, Array.from({ length: 20_000 }, (_, i) => i * 2));
  assert.ok(fp.threshold !== null);
  assert.equal(fp.hashes.length, Math.ceil((FINGERPRINT_SIZE * 8) / 3) * 4, 'exactly 8,192 hashes kept');
  const seen = rowsSeen(fp, hashes);
  assert.equal(seen.exact, false);
  // Half the rows are training rows; the sample holds about 16,000 of the file's hashes below the threshold.
  assert.ok(Math.abs(seen.seen - 20_000) < 800, `estimated ${seen.seen} of 40,000`);
  assert.equal(fingerprintFromJson({ rows: 1, threshold: null, hashes: 'x'.repeat(200_000) }), undefined, 'an oversized fingerprint is not read');
});

test('a fingerprint built block by block equals the one built at once, sampled or not', () => {
  let s = 7;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const n of [500, 30_000]) {
    // Hashes as rowHashes makes them (53-bit integers), with repeats.
    const hashes = Float64Array.from({ length: n }, () => Math.floor(rand() * (n / 2)) * 2 ** 21 + Math.floor(rand() * 3));
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 !== 0);
    const whole = rowsFingerprint(hashes, rows);
    const builder = new FingerprintBuilder();
    for (let from = 0; from < rows.length; from += 3_001) builder.add(hashes, rows.slice(from, from + 3_001));
    assert.deepEqual(builder.finish(), whole);
    assert.equal(whole.rows, rows.length);
    assert.equal(whole.threshold === null, n === 500, `${n} rows: sampled only past ${FINGERPRINT_SIZE} distinct hashes`);
  }
});
