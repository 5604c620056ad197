import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, search, readJournal, type Params, type Space, Study } from '../../src/index.js';
import { assertRejectsWith } from '../helpers/assert.js';

const space: Space = { x: search.float(-3, 3), k: search.int(1, 5) };
const f = (p: Params): number => ((p.x as number) - 1) ** 2 + (p.k as number);

function tempJournal(): string {
  return join(mkdtempSync(join(tmpdir(), 'bp-search-')), 'search.jsonl');
}

test('the journal is JSONL: a study line, then running and complete events with number, params, value', async () => {
  const path = tempJournal();
  const r = await search.minimize(f, space, { method: 'random', trials: 4, seed: 2, journal: path });
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines[0]!.type, 'study');
  const complete = lines.filter((l) => l.state === 'complete');
  assert.equal(complete.length, 4);
  assert.deepEqual(complete.map((l) => l.value), r.trials.map((t) => t.value));
  for (const l of complete) assert.ok(typeof l.number === 'number' && typeof l.params === 'object');
  assert.equal(lines.filter((l) => l.state === 'running').length, 4);
});

test('resume: complete trials are not rerun, a running trial is rerun, the search stops at the total, results as uninterrupted', async () => {
  for (const method of ['random', 'tpe'] as const) {
    const whole = await search.minimize(f, space, { method, trials: 14, seed: 7 });
    const path = tempJournal();
    await search.minimize(f, space, { method, trials: 12, seed: 7, journal: path });
    // A crash while trial 12 ran: its start is in the journal, its end is not (and a line was cut short).
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const header = JSON.parse(lines[0]!) as { seed: number };
    appendFileSync(path, `${JSON.stringify({ type: 'trial', number: 12, state: 'running', params: whole.trials[12]!.params, seed: 0, startedAt: new Date().toISOString() })}\n{"type":"trial","numb`);
    const calls: number[] = [];
    const resumed = await search.minimize((p, t) => {
      calls.push(t.number);
      return f(p);
    }, space, { method, trials: 14, seed: header.seed, journal: path });
    assert.deepEqual(calls, [12, 13], method);
    assert.deepEqual(resumed.trials.map((t) => [t.number, t.value]), whole.trials.map((t) => [t.number, t.value]), method);
    const again = await search.minimize(() => assert.fail('nothing left to run'), space, { method, trials: 14, seed: 7, journal: path });
    assert.equal(again.trials.length, 14);
    assert.equal(readJournal(path).trials.size, 14);
  }
});

test('a journal of another search or one that is not JSONL is refused with a message', async () => {
  const path = tempJournal();
  await search.minimize(f, space, { method: 'random', trials: 2, seed: 1, journal: path, fingerprint: { data: 'abc' } });
  await assertRejectsWith(() => search.minimize(f, { x: search.float(-3, 4), k: search.int(1, 5) }, { method: 'random', trials: 3, seed: 1, journal: path, fingerprint: { data: 'abc' } }), InputError, /belongs to another search: space\.x\.high: was 3, now 4; give another journal file/);
  await assertRejectsWith(() => search.minimize(f, space, { method: 'random', trials: 3, seed: 1, journal: path, fingerprint: { data: 'xyz' } }), InputError, /belongs to another search: data: was "abc", now "xyz";/);
  await assertRejectsWith(() => search.minimize(f, space, { method: 'gp', trials: 3, seed: 1, journal: path, fingerprint: { data: 'abc' } }), InputError, /belongs to another search: method: was "random", now "gp";/);
  // Fewer trials than the journal holds is another command, not a silent reuse.
  await assertRejectsWith(() => search.minimize(f, space, { method: 'random', trials: 1, seed: 1, journal: path, fingerprint: { data: 'abc' } }), InputError, /already holds 2 trials, more than the 1 asked for/);
  const csv = tempJournal();
  writeFileSync(csv, 'a,b\n1,2\n');
  await assertRejectsWith(() => search.minimize(f, space, { journal: csv }), InputError, /line 1 is not a JSONL search event: a,b/);
});

test('a throwing or non-finite trial is recorded as failed with its reason; all failing is one clear error', async () => {
  const r = await search.minimize((p) => {
    if ((p.k as number) === 2) throw new Error('diverged at epoch 3');
    if ((p.k as number) === 3) return NaN;
    return f(p);
  }, space, { method: 'random', trials: 20, seed: 3 });
  const failed = r.trials.filter((t) => t.state === 'fail');
  assert.ok(failed.length >= 4);
  for (const t of failed) assert.match(t.error!, t.params.k === 2 ? /diverged at epoch 3/ : /returned NaN/);
  assert.notEqual(r.best.params.k, 2);
  await assertRejectsWith(() => search.minimize(() => {
    throw new Error('no memory');
  }, space, { trials: 3 }), InputError, /all 3 trials failed/, /trial 0 failed: no memory/);
});

test('the median pruner stops trials worse than the median at the same step; successive halving keeps the best third', async () => {
  // Trial i's curve is i + 10/step: later trials are worse at every step.
  const curve = (i: number, step: number): number => i + 10 / step;
  const run = async (pruner: 'median' | 'halving'): Promise<{ state: string; steps: number }[]> => {
    const steps = new Map<number, number>();
    const r = await search.minimize((_, t) => {
      let last = Infinity;
      for (let s = 1; s <= 9; s++) {
        last = curve(t.number, s);
        steps.set(t.number, s);
        if (t.report(s, last)) break;
      }
      return last;
    }, { u: search.float(0, 1) }, { method: 'random', trials: 10, seed: 1, pruner });
    return r.trials.map((t) => ({ state: t.state, steps: steps.get(t.number)! }));
  };
  const median = await run('median');
  assert.deepEqual(median.slice(0, 5).map((t) => t.state), ['complete', 'complete', 'complete', 'complete', 'complete']);
  for (const t of median.slice(5)) assert.deepEqual(t, { state: 'pruned', steps: 1 });
  const halving = await run('halving');
  assert.deepEqual(halving[0], { state: 'complete', steps: 9 });
  // Every later trial is worse than trial 0 at rung 1 (step 1), so it stops there.
  for (const t of halving.slice(1)) assert.deepEqual(t, { state: 'pruned', steps: 1 });
});

test('ask/tell: enqueued parameters are trial 0 with the study seed, the sampler starts after them, and the state resumes from the journal', async () => {
  const path = tempJournal();
  const study = new Study(space, { method: 'random', trials: 4, seed: 5, journal: path, enqueue: [{ x: 10, k: 1 }] });
  const first = study.ask()!;
  assert.deepEqual([first.number, first.params, first.seed, first.enqueued], [0, { x: 10, k: 1 }, 5, true]);
  // The sampler's first proposal is what a study without the enqueued trial proposes first.
  const plain = new Study(space, { method: 'random', trials: 4, seed: 5 }).ask()!;
  const second = study.ask()!;
  assert.deepEqual([second.number, second.params, second.enqueued], [1, plain.params, false]);
  assert.equal(study.tell(first, 100).state, 'complete');
  assert.equal(study.tell(second, new Error('diverged')).state, 'fail');
  assert.throws(() => study.tell(second, 1), /not running/);
  assert.equal(study.best()!.number, 0);
  // One study per journal at a time: a second one is refused until the first is closed.
  assert.throws(() => new Study(space, { method: 'random', trials: 4, seed: 5, journal: path, enqueue: [{ x: 10, k: 1 }] }), /is in use by another Study in this process/);
  study.close();
  // A new Study on the same journal resumes: 2 of 4 finished, the next is trial 2, and trial 0 is not asked again.
  const again = new Study(space, { method: 'random', trials: 4, seed: 5, journal: path, enqueue: [{ x: 10, k: 1 }] });
  assert.deepEqual(again.resumed, { path, finished: 2, complete: 1, total: 4 });
  const third = again.ask()!;
  assert.equal(third.number, 2);
  assert.equal(third.enqueued, false);
  again.tell(third, 1);
  assert.equal(again.best()!.number, 2);
  again.close();
  // A larger trial count extends the same journal.
  const more = new Study(space, { method: 'random', trials: 6, seed: 5, journal: path, enqueue: [{ x: 10, k: 1 }] });
  assert.equal(more.resumed!.finished, 3);
  assert.equal(more.ask()!.number, 3);
  more.close();
});

test('a journal written before enqueued trials (no default trial 0) resumes as it was begun: no trial 0 is inserted, the sampler carries on', async () => {
  const path = tempJournal();
  // What the search wrote before trial 0 was the default configuration: a header without `enqueued`.
  await search.minimize(f, space, { method: 'random', trials: 3, seed: 8, journal: path });
  const header = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as Record<string, unknown>;
  assert.equal(header.enqueued, undefined);
  // Resumed by today's caller, which enqueues a default configuration: extended to 5 trials without it.
  const r = await search.minimize(f, space, { method: 'random', trials: 5, seed: 8, journal: path, enqueue: [{ x: 10, k: 1 }] });
  const straight = await search.minimize(f, space, { method: 'random', trials: 5, seed: 8 });
  assert.deepEqual(r.trials.map((t) => [t.number, t.params, t.seed]), straight.trials.map((t) => [t.number, t.params, t.seed]));
  assert.ok(r.trials.every((t) => t.params.x !== 10), 'the enqueued point was not inserted');
});
