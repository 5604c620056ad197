// The Data block's reading lines at their limits (issue 20): more than ten stray cells are counted
// with ten quoted, a default missing token frequent in a text column is named with its count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromRecords } from '../../src/index.js';
import { dataLines } from '../../cli/describe.js';

const plan = { scale: 'robust', missing: 'impute', indicator: false } as const;

test('more than ten stray cells: one warning counting all of them, ten quoted with line and column, the rest counted', () => {
  // 13 stray cells over two columns among 400 numbers each (3 %: the columns stay numeric).
  const rows = [['x', 'z', 'y'], ...Array.from({ length: 400 }, (_, i) => [i % 40 === 3 ? `bad${i}` : String(i / 8), i === 7 || i === 9 || i === 11 ? 'n/k' : String(i % 13), String(i % 2)])];
  const t = tableFromRecords(rows, { source: 's.csv' });
  assert.deepEqual(t.schema.inputs.map((c) => c.kind), ['numeric', 'numeric']);
  const lines = dataLines('s.csv', t, plan);
  const warnings = lines.filter((l) => l.startsWith('Warning'));
  assert.equal(warnings.length, 1, lines.join('\n'));
  assert.equal(warnings[0], `Warning 13 cells in numeric columns (x 10, z 3) neither a number nor a missing token, read as missing: ${Array.from({ length: 10 }, (_, k) => `line ${5 + 40 * k} x "bad${3 + 40 * k}"`).join('; ')}; and 3 more`);
  assert.ok(lines.includes('        missing: 13 cells (x 10; z 3) filled in: median for numbers, most frequent for categories (fitted on the training rows)'), lines.join('\n'));
});

test('a default missing token that is a frequent value of a text column is named with its count and --na-values; a rare one is not', () => {
  // "None" in 30 of 300 rows of a text column (10 %), "NA" in 2 (under 1 %).
  const rows = [['coating', 'finish', 'v', 'y'], ...Array.from({ length: 300 }, (_, i) => [i % 10 === 0 ? 'None' : ['wax', 'oil'][i % 2]!, i === 5 || i === 6 ? 'NA' : ['matt', 'gloss'][i % 2]!, String(i % 7), String(i % 2)])];
  const lines = dataLines('c.csv', tableFromRecords(rows, { source: 'c.csv' }), plan);
  assert.ok(lines.includes('        coating: 30 cells "None" read as missing; --na-values to keep it as a value'), lines.join('\n'));
  assert.ok(!lines.some((l) => /"NA" read as missing/.test(l)), lines.join('\n'));
  // Read with the user's tokens, nothing is second-guessed: None is a category.
  const kept = dataLines('c.csv', tableFromRecords(rows, { source: 'c.csv', naValues: ['', 'NA'] }), plan);
  assert.ok(!kept.some((l) => /read as missing/.test(l)), kept.join('\n'));
  assert.ok(kept.includes('        categorical (one-hot): coating (3 values), finish (2 values)'), kept.join('\n'));
});
