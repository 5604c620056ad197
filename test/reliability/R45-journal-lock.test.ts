// R45: two searches on one journal: the second is refused naming the first (pid, host, since)
// while the first runs; when the first is killed (kill -9 leaves its lock file), the same command
// takes the stale lock over and resumes, so every trial is run once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../cli/harness.js';
import { BIN, exited, spawnLogged, waitFor } from '../helpers/redis.js';
import { JournalLockedError, search } from '../../src/index.js';
import { run } from '../../cli/program.js';

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

test('R45: a second search on a journal in use is refused naming the holder; a dead holder\'s lock is taken over', async () => {
  const dir = tempDir('r45');
  const journal = join(dir, 's.jsonl');
  const args = ['search', '--dataset', 'iris', '--method', 'random', '--trials', '6', '--epochs', '100', '--seed', '2', '--jobs', '1', '--journal', journal, '--out', join(dir, 'b.bpm'), '--json'];
  const first = spawnLogged(process.execPath, [BIN, ...args], { cwd: dir });
  try {
    // The first search holds the journal once its first trial has started.
    await waitFor(first.child, first.log, /"state":"running"/);
    const second = await cli(args);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`^backprop: journal ".*s\\.jsonl" is in use by pid ${first.child.pid} on ${hostname()} \\(since \\d{4}-[^)]*\\); two searches on one journal would run every trial twice\\.`));
    assert.equal(second.stderr.trim().split('\n').length, 1);
    // kill -9: no chance to remove the lock file.
    await waitFor(first.child, first.log, /"state":"complete"/);
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.equal(existsSync(`${journal}.lock`), true);
    const resumed = await cli(args);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /"event":"resume"/);
    assert.equal(existsSync(`${journal}.lock`), false, 'released at the end');
    const complete = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { state?: string; number?: number }).filter((l) => l.state === 'complete').map((l) => l.number);
    assert.deepEqual([...new Set(complete)].sort((a, b) => a! - b!), [0, 1, 2, 3, 4, 5]);
    assert.equal(complete.length, 6, 'every trial completed once');
  } finally {
    first.child.kill('SIGKILL');
  }
});

test('R45: the library refuses a second open study on a journal with a JournalLockedError carrying the holder', async () => {
  const journal = join(tempDir('r45lib'), 's.jsonl');
  const space = { x: search.float(-1, 1) };
  let inner: unknown;
  await search.minimize(async () => {
    inner ??= await search.minimize(() => 0, space, { trials: 1, journal }).catch((e: unknown) => e);
    return 0;
  }, space, { trials: 1, journal });
  assert.ok(inner instanceof JournalLockedError);
  assert.deepEqual([inner.holder?.pid, inner.holder?.host, inner.journal], [process.pid, hostname(), journal]);
});
