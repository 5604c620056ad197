// R3: a CSV record past the record-size cap is refused with its line number, in bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/index.js';
import { MAX_RECORD_CHARS, readCsvTable } from '../../cli/csv.js';
import { assertRejectsWith } from '../helpers/assert.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-r3-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// The cap is configurable; the test uses 1 MiB so its files stay small (the default is 16 MiB).
const CAP = 2 ** 20;
const over = CAP + 10;
const head = 'a,b,y\n1,2,0\n3,4,1\n';

test('R3: one huge field with no delimiter, 1e7+ empty fields, and a huge quoted multi-line field', async () => {
  const before = process.memoryUsage().rss;
  await assertRejectsWith(() => readCsvTable(file('field.csv', `${head}${'7'.repeat(over)},1,0\n`), {}, CAP), InputError,
    new RegExp(`field\\.csv line 4: a record longer than ${CAP} characters`));
  await assertRejectsWith(() => readCsvTable(file('commas.csv', `${head}${','.repeat(over)}\n`), {}, CAP), InputError,
    /commas\.csv line 4: a record longer than/);
  await assertRejectsWith(() => readCsvTable(file('quoted.csv', `${head}"${'x\n'.repeat(over / 2)}",1,0\n`), {}, CAP), InputError,
    /quoted\.csv line \d+: a record longer than \d+ characters/);
  // Bounded: a record is cut at the cap, never held whole (1 M empty fields alone would take ~40 MB).
  const grown = (process.memoryUsage().rss - before) / 2 ** 20;
  assert.ok(grown < 100, `RSS grew by ${grown.toFixed(0)} MiB`);
  assert.equal(MAX_RECORD_CHARS, 2 ** 24);
});

test('R3: records under the cap are read as before', async () => {
  const t = await readCsvTable(file('ok.csv', `${head}5,0.${'6'.repeat(3000)},0\n`), { target: 'y' }, CAP);
  assert.equal(t.rows, 3);
});
