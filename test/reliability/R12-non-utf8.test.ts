// R12: a CSV that is not UTF-8 (Latin-1) is refused naming the line, never read as U+FFFD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/index.js';
import { readCsvTable, readCsvTableSync } from '../../cli/csv.js';
import { assertRejectsWith, assertThrowsWith } from '../helpers/assert.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-r12-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('R12: Latin-1 bytes in a category are an InputError naming the line; UTF-8 text reads as written', async () => {
  const latin1 = join(dir, 'latin1.csv');
  // "café" in Latin-1: é is the single byte 0xE9, not valid UTF-8.
  writeFileSync(latin1, Buffer.concat([Buffer.from('town,x,y\nparis,1,0\nlyon,2,1\n'), Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(',3,0\n')]));
  await assertRejectsWith(() => readCsvTable(latin1), InputError, /latin1\.csv line 4: the file is not UTF-8 text \(Latin-1 or another encoding\?\); save it as UTF-8/);
  assertThrowsWith(() => readCsvTableSync(latin1), InputError, /latin1\.csv line 4: the file is not UTF-8 text/);
  const utf8 = join(dir, 'utf8.csv');
  writeFileSync(utf8, '\uFEFFtown,x,y\nparis,1,0\ncafé,2,1\nzürich,3,0\n');
  const t = await readCsvTable(utf8);
  assert.ok(t.featureNames.includes('town=café'), t.featureNames.join(', '));
  assert.ok(!t.featureNames.some((n) => n.includes('\uFFFD')));
});
