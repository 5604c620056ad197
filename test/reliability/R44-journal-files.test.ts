// R44: a journal that is a device (/dev/zero reads without end), a pipe (opening it blocks) or a
// file past the read cap is refused at once, naming the journal and the reason; nothing is locked after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, MAX_JOURNAL_BYTES, search } from '../../src/index.js';
import { tempDir } from '../cli/harness.js';

const space = { x: search.float(-1, 1) };
const refuses = (journal: string, pattern: RegExp) => assert.rejects(search.minimize(() => 0, space, { trials: 1, journal }), (e: unknown) => e instanceof InputError && pattern.test(e.message));

test('R44: /dev/zero, a FIFO and a file over the cap are refused without reading them', { skip: existsSync('/dev/zero') ? false : 'no /dev/zero' }, async () => {
  const dir = tempDir('r44');
  // /dev/zero through a symlink too: the check follows links.
  spawnSync('ln', ['-s', '/dev/zero', join(dir, 'zero.jsonl')]);
  const fifo = join(dir, 'pipe.jsonl');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const big = join(dir, 'big.jsonl');
  writeFileSync(big, '');
  truncateSync(big, MAX_JOURNAL_BYTES + 1); // sparse: no disk used
  await refuses('/dev/zero', /^journal "\/dev\/zero" is not a regular file \(a device, pipe or socket\); give a file path$/);
  await refuses(join(dir, 'zero.jsonl'), /zero\.jsonl" is not a regular file/);
  await refuses(fifo, /pipe\.jsonl" is not a regular file/);
  await refuses(big, new RegExp(`big\\.jsonl" is ${MAX_JOURNAL_BYTES + 1} bytes, more than the ${MAX_JOURNAL_BYTES} bytes a search journal may hold`));
  for (const p of [fifo, big]) assert.equal(existsSync(`${p}.lock`), false, 'the lock is released when the journal is refused');
  // The cap leaves room: a real journal file of the same folder still works.
  const ok = await search.minimize(() => 0, space, { trials: 1, journal: join(dir, 'ok.jsonl') });
  assert.equal(ok.trials.length, 1);
  assert.equal(existsSync(join(dir, 'ok.jsonl.lock')), false);
});
