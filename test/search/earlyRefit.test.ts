// The winner's refit begun before a search ends (cli/search/earlyRefit.ts): it starts only when
// this thread is free with no trial left for it, a better trial aborts it and begins its own, the
// search takes it only for the trial that won, and the refit it gives is bit for bit the one
// refitSpec gives after the search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, refitSpec, tableFromRecords, trainingSpec, type TrialRecord } from '../../src/index.js';
import { EarlyRefit, type HereJob } from '../../cli/search/earlyRefit.js';

const turn = () => new Promise<void>((r) => setImmediate(r));

/** This thread as a flag: free or not, and taken or not. */
class FakeHere implements HereJob {
  free = false;
  taken = false;
  takeHere(): boolean {
    if (!this.free || this.taken) return false;
    this.taken = true;
    return true;
  }
  releaseHere(): void {
    this.taken = false;
  }
}

const record = (number: number, value: number): TrialRecord => ({ number, state: 'complete', params: {}, seed: number, value, startedAt: '', finishedAt: '' } as unknown as TrialRecord);

/** A refit that ends when told to, or rejects on abort. */
function controlledRefit() {
  const started: { number: number; signal: AbortSignal; end: () => void }[] = [];
  const refit = (trial: TrialRecord, signal: AbortSignal) => new Promise<string>((resolve, reject) => {
    started.push({ number: trial.number, signal, end: () => resolve(`model of trial ${trial.number}`) });
    signal.addEventListener('abort', () => reject(signal.reason));
  });
  return { started, refit };
}

test('the refit begins only when this thread is free, and the search takes it for the trial that won', async () => {
  const here = new FakeHere();
  const { started, refit } = controlledRefit();
  const early = new EarlyRefit(here, refit);
  early.trialEnded(record(3, 0.5));
  await turn();
  assert.equal(started.length, 0, 'this thread is running a trial: nothing begins');
  here.free = true;
  early.trialEnded(record(3, 0.5));
  await turn();
  assert.deepEqual(started.map((s) => s.number), [3]);
  assert.equal(here.taken, true, 'this thread is out of the jobs while it refits');
  started[0]!.end();
  assert.equal(await early.take(3), 'model of trial 3');
  assert.equal(here.taken, false, 'given back once done');
  assert.deepEqual(early.begun, [3]);
});

test('a better trial aborts the refit in progress and begins its own; another winner gets none', async () => {
  const here = new FakeHere();
  here.free = true;
  const { started, refit } = controlledRefit();
  const early = new EarlyRefit(here, refit);
  early.trialEnded(record(2, 0.5));
  await turn();
  early.trialEnded(record(7, 0.4));
  assert.equal(started[0]!.signal.aborted, true, "trial 2's refit is aborted at once");
  await turn();
  await turn();
  assert.deepEqual(started.map((s) => s.number), [2, 7], "trial 7's refit begins once this thread is back");
  // The search ends with trial 9 best (it ran elsewhere): trial 7's refit is aborted and not used.
  assert.equal(await early.take(9), undefined);
  assert.equal(started[1]!.signal.aborted, true);
  await turn();
  assert.equal(started.length, 2, 'nothing begins after the search took its answer');
});

test('a failed early refit leaves the refit to the search; close aborts the one in progress', async () => {
  const here = new FakeHere();
  here.free = true;
  const early = new EarlyRefit(here, () => Promise.reject(new Error('diverged')));
  early.trialEnded(record(1, 0.5));
  await turn();
  assert.equal(await early.take(1), undefined);
  const { started, refit } = controlledRefit();
  const other = new EarlyRefit(here, refit);
  other.trialEnded(record(4, 0.5));
  await turn();
  other.close();
  assert.equal(started[0]!.signal.aborted, true);
  assert.equal(await other.take(4), undefined);
});

test('refitSpec with a signal gives the same weights as without; an abort rejects within an epoch', async () => {
  const d = datasets.load('iris');
  const table = tableFromRecords([[...d.featureNames, 'species'], ...d.x.map((r, i) => [...r.map(String), String(d.y[i])])]);
  const spec = trainingSpec({ architecture: { hidden: [8] }, fit: { epochs: 12, batchSize: 16, seed: 5 } });
  const plain = await refitSpec(spec, table);
  const signalled = await refitSpec(spec, table, { signal: new AbortController().signal });
  assert.deepEqual(signalled.model.getWeights(), plain.model.getWeights());
  assert.equal(signalled.history.epoch.length, 12);
  const controller = new AbortController();
  controller.abort(new Error('a better trial ended'));
  await assert.rejects(refitSpec(spec, table, { signal: controller.signal }), /a better trial ended/);
});
