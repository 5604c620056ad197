// R47: a folder as --journal (or a journal in a folder that does not exist) is one line naming the
// journal and what to give instead, not a raw EISDIR/ENOENT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';

async function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(args, { stdout: { write: () => true }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stderr };
}

test('R47: a folder, or a missing folder, as --journal is a one-line message', async () => {
  const dir = tempDir('r47');
  const folder = join(dir, 'runs');
  mkdirSync(folder);
  const common = ['search', '--trials', '1', '--epochs', '1', '--jobs', '1', '--out', join(dir, 'b.bpm'), '--results', join(dir, 'r.csv')];
  const a = await cli([...common, '--journal', folder]);
  assert.equal(a.code, 1);
  assert.match(a.stderr, /^backprop: journal ".*runs" is a folder; give a file path, such as ".*runs\/search\.jsonl"\n$/);
  assert.equal(existsSync(`${folder}.lock`), false);
  const b = await cli([...common, '--journal', join(dir, 'nowhere', 's.jsonl')]);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /^backprop: journal ".*nowhere\/s\.jsonl": cannot create its lock file .* \(ENOENT\)\n$/);
  for (const r of [a, b]) assert.doesNotMatch(r.stderr, /EISDIR|unexpected|at /);
});
