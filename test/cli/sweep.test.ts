// What a new user saw on real R tables (bench/sweep-2026-12.md), as CLI output with its numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli, tempDir } from './harness.js';

const binPromise = buildCli();

test('evaluate on a file that repeats rows (as carData::WVS does) says the matches outnumber the rows trained on, instead of calling them all training rows', async () => {
  const bin = await binPromise;
  const dir = tempDir('sweep-dupes');
  // 40 distinct rows, each written 3 times: WVS's 5 columns of few values repeat most rows the same way.
  const distinct = Array.from({ length: 40 }, (_, i) => `${i % 5},${['a', 'b', 'c', 'd'][i % 4]},${(i * 7) % 11},${i % 3 === 0 ? 'yes' : 'no'}`);
  writeFileSync(join(dir, 'dupes.csv'), ['x,g,z,label', ...distinct, ...distinct, ...distinct].join('\n') + '\n');
  const t = runCli(bin, ['train', 'dupes.csv', '--validation-split', '0.25', '--epochs', '2', '--out', 'd.bpm'], dir);
  assert.equal(t.code, 0, t.stderr);
  // Stratified by class: 89 training rows, 31 validation rows.
  assert.match(t.stdout, /Split {3}89 training \/ 31 validation rows/);
  const e = runCli(bin, ['evaluate', 'd.bpm', 'dupes.csv'], dir);
  assert.equal(e.code, 0, e.stderr);
  const m = /\n(\d+) of the 120 rows are identical to rows the model was trained on, more than the 89 it was trained on: the file repeats rows, so rows held out from training can be copies of training rows; these scores are optimistic; evaluate on rows it has not seen \(another file\)\.\n/.exec(e.stdout);
  assert.ok(m, e.stdout);
  assert.ok(Number(m[1]) > 89 && Number(m[1]) <= 120, m[1]);
  assert.doesNotMatch(e.stdout, /rows are rows the model was trained on/);
});
