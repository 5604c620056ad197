// The winner's refit begun before a search ends (cli/search/earlyRefit.ts): it starts only when
// a job (this thread, else a worker thread) is free with no trial left for it, a better trial
// aborts it and begins its own, the search takes it only for the trial that won, and the refit it
// gives is bit for bit the one refitSpec gives after the search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasets, refitSpec, tableFromRecords, trainingSpec, type TrialRecord } from '../../src/index.js';
import { EarlyRefit, type IdleJobs, type RefitPlace } from '../../cli/search/earlyRefit.js';

const turn = () => new Promise<void>((r) => setImmediate(r));

type Refit = (trial: TrialRecord, signal: AbortSignal) => Promise<string>;

/** This thread and one worker thread as flags (free or not, taken or not), each running `refit` when lent out. */
class FakeJobs implements IdleJobs<string> {
  free = false;
  taken = false;
  workerFree = false;
  workerTaken = false;
  constructor(private readonly refit: Refit) {}
  takeIdle(): RefitPlace<string> | undefined {
    if (this.free && !this.taken) {
      this.taken = true;
      return { where: 'here', refit: this.refit, release: () => { this.taken = false; } };
    }
    if (this.workerFree && !this.workerTaken) {
      this.workerTaken = true;
      return { where: 'worker', refit: this.refit, release: () => { this.workerTaken = false; } };
    }
    return undefined;
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

test('the refit begins only when a job is free, and the search takes it for the trial that won', async () => {
  const { started, refit } = controlledRefit();
  const here = new FakeJobs(refit);
  const early = new EarlyRefit(here);
  early.trialEnded(record(3, 0.5));
  await turn();
  assert.equal(started.length, 0, 'this thread is running a trial: nothing begins');
  here.free = true;
  early.trialEnded(record(3, 0.5));
  await turn();
  assert.deepEqual(started.map((s) => s.number), [3]);
  assert.equal(here.taken, true, 'this thread is out of the jobs while it refits');
  started[0]!.end();
  assert.deepEqual(await early.take(3), { value: 'model of trial 3', where: 'here' });
  assert.equal(here.taken, false, 'given back once done');
  assert.deepEqual(early.begun, [3]);
});

test('with this thread busy on the last trial, a free worker thread begins the refit', async () => {
  const { started, refit } = controlledRefit();
  const jobs = new FakeJobs(refit);
  jobs.workerFree = true;
  const early = new EarlyRefit(jobs);
  early.trialEnded(record(5, 0.3));
  await turn();
  assert.deepEqual(started.map((s) => s.number), [5]);
  assert.equal(jobs.workerTaken, true, 'the worker thread is out of the jobs while it refits');
  started[0]!.end();
  assert.deepEqual(await early.take(5), { value: 'model of trial 5', where: 'worker' });
  assert.equal(jobs.workerTaken, false);
});

test('a better trial aborts the refit in progress and begins its own; another winner gets none', async () => {
  const { started, refit } = controlledRefit();
  const here = new FakeJobs(refit);
  here.free = true;
  const early = new EarlyRefit(here);
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
  const failing = new FakeJobs(() => Promise.reject(new Error('diverged')));
  failing.free = true;
  const early = new EarlyRefit(failing);
  early.trialEnded(record(1, 0.5));
  await turn();
  assert.equal(await early.take(1), undefined);
  const { started, refit } = controlledRefit();
  const here = new FakeJobs(refit);
  here.free = true;
  const other = new EarlyRefit(here);
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
