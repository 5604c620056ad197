// R43: a journal of 200,000 trials resumes (Math.max over a spread of its trial numbers overflowed
// the stack): the next trial is number 200,000 and the best of the old trials is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { search, Study } from '../../src/index.js';
import { tempDir } from '../cli/harness.js';

const N = 200_000;

test('R43: a journal of 200,000 trials resumes with the right numbering and best', async () => {
  const path = join(tempDir('r43'), 'long.jsonl');
  const space = { x: search.float(-5, 5) };
  const first = new Study(space, { method: 'random', trials: 1, seed: 3, journal: path });
  const t0 = first.ask()!;
  first.tell(t0, 100);
  first.close();
  const lines: string[] = [];
  for (let n = 1; n < N; n++) lines.push(JSON.stringify({ type: 'trial', number: n, state: 'complete', params: { x: (n % 1000) / 100 - 5 }, value: n === 123_456 ? -7 : n, seed: n, startedAt: '2026-01-01T00:00:00.000Z' }));
  appendFileSync(path, `${lines.join('\n')}\n`);

  const study = new Study(space, { method: 'random', trials: N + 1, seed: 3, journal: path });
  assert.deepEqual(study.resumed, { path, finished: N, complete: N, total: N + 1 });
  assert.equal(study.best()!.number, 123_456);
  const next = study.ask()!;
  assert.equal(next.number, N);
  study.tell(next, 1e9);
  assert.equal(study.ask(), undefined);
  study.close();
  // The same through search.minimize (gp sees the long history's worst value through a loop too).
  const r = await search.minimize(() => -1, space, { method: 'random', trials: N + 2, seed: 3, journal: path });
  assert.equal(r.trials.length, N + 2);
  assert.deepEqual([r.best.number, r.best.value], [123_456, -7]);
  assert.deepEqual([r.trials[N + 1]!.number, r.trials[N + 1]!.value], [N + 1, -1]);
});
