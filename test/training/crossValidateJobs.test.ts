// crossValidate's jobs: folds on worker threads that receive the table once give the scores of
// folds run one after the other (each fold is seeded), for classes and regression; bad counts
// and a failing fold are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossValidate, prepareCrossValidationJobs, holdoutsOf, tableFromRecords, trainingSpec, InputError, DivergenceError, SpecError, errorFromData, errorToData, type JobPlacement, type FoldScores } from '../../src/index.js';
import { foldsOnThreads, workersAhead } from '../../src/training/foldPool.js';

/** The scores without the times, which differ from run to run (each fold's own timing is checked once below). */
function scoresOnly(folds: readonly FoldScores[]): Omit<FoldScores, 'fit_time' | 'score_time'>[] {
  return folds.map(({ fit_time: _fit, score_time: _score, ...rest }) => rest);
}

function csv(name: string): string[][] {
  return readFileSync(join(import.meta.dirname, '..', '..', 'data', `${name}.csv`), 'utf8').trim().split('\n').map((l) => l.split(','));
}

for (const name of ['wine', 'diabetes-progression'] as const) {
  test(`${name}: 4 folds with jobs 2 and 3 score exactly as with jobs 1`, async () => {
    const table = tableFromRecords(csv(name), { dtype: 'float32' });
    const spec = trainingSpec({ architecture: { hidden: [16] }, fit: { epochs: 5, seed: 3 } });
    const one = await crossValidate(spec, table, 4);
    const seen: number[] = [];
    const two = await crossValidate(spec, table, 4, { jobs: 2, onFold: (s) => seen.push(s.fold) });
    const three = await crossValidate(spec, table, 4, { jobs: 3 });
    assert.deepEqual(scoresOnly(two), scoresOnly(one));
    assert.deepEqual(scoresOnly(three), scoresOnly(one));
    // Every fold timed on the thread that ran it: both positive and finite.
    for (const f of [...one, ...two, ...three]) assert.ok(f.fit_time > 0 && f.score_time > 0, `fold ${f.fold}: fit ${f.fit_time} s, score ${f.score_time} s`);
    assert.deepEqual(seen.sort(), [1, 2, 3, 4], 'every fold reported once');
    assert.equal(one.length, 4);
  });
}

test('folds trained on worker threads only (the path a worker that joined takes) score as on this thread', async () => {
  const table = tableFromRecords(csv('wine'), { dtype: 'float32' });
  const spec = trainingSpec({ architecture: { hidden: [16] }, fit: { epochs: 5, seed: 3 } });
  const one = await crossValidate(spec, table, 4);
  let placement: JobPlacement | undefined;
  const there = await foldsOnThreads(spec, table, holdoutsOf(table, { folds: 4, seed: 3 }), 3, { jobs: 2, here: false, onPlacement: (p) => { placement = p; } });
  assert.deepEqual(scoresOnly(there), scoresOnly(one));
  assert.equal(placement?.here, 0, 'no fold on this thread');
  assert.equal(placement?.workers.reduce((a, b) => a + b, 0), 4, `placement ${JSON.stringify(placement)}`);
  // jobs 2 through crossValidate: this thread and one worker; every fold placed once, wherever it ran.
  let mixed: JobPlacement | undefined;
  assert.deepEqual(scoresOnly(await crossValidate(spec, table, 4, { jobs: 2, onPlacement: (p) => { mixed = p; } })), scoresOnly(one));
  assert.equal(mixed!.here + mixed!.workers.reduce((a, b) => a + b, 0), 4);
  assert.ok(mixed!.workers.length <= 1);
  // Workers started ahead (before the table existed) are given it and train the folds the same.
  prepareCrossValidationJobs(3);
  assert.equal(workersAhead(), 2);
  let ahead: JobPlacement | undefined;
  assert.deepEqual(scoresOnly(await foldsOnThreads(spec, table, holdoutsOf(table, { folds: 4, seed: 3 }), 3, { jobs: 2, here: false, onPlacement: (p) => { ahead = p; } })), scoresOnly(one));
  assert.equal(ahead?.workers.reduce((a, b) => a + b, 0), 4, `placement ${JSON.stringify(ahead)}`);
  assert.equal(workersAhead(), 0, 'both taken');
});

test('jobs is validated; a fold that fails names the fold and the worker', async () => {
  const table = tableFromRecords(csv('wine'), { dtype: 'float32' });
  const spec = trainingSpec({ fit: { epochs: 1 } });
  await assert.rejects(crossValidate(spec, table, 3, { jobs: 0 }), (e: unknown) => e instanceof InputError && /jobs/.test(e.message));
  // A spec whose learning rate diverges at once: each fold's fit throws in its worker.
  const diverging = { ...spec, compile: { ...spec.compile, learningRate: 1e30 } };
  await assert.rejects(crossValidate(diverging, table, 3, { jobs: 2 }), (e: unknown) => e instanceof Error && /crossValidate: fold \d failed on (this thread|worker \d): /.test(e.message));
  // The error keeps its class and data across the thread (a DivergenceError with its event), as on this thread.
  const diverged = (where: RegExp) => (e: unknown) => e instanceof DivergenceError && where.test(e.message) && e.event !== undefined && e.event.epoch === 0 && ['loss', 'gradient', 'weight', 'optimizer state', 'exploding'].includes(e.event.kind);
  const folds = holdoutsOf(table, { folds: 3, seed: 1 });
  await assert.rejects(foldsOnThreads(diverging, table, folds, 1, { jobs: 1, here: false }), diverged(/^crossValidate: fold \d failed on worker 1: /));
  await assert.rejects(foldsOnThreads(diverging, table, folds, 1, { jobs: 1, here: true }), diverged(/^crossValidate: fold \d failed on this thread: /));
});

test('an error crosses a thread as data: the class, a SpecError\'s field and problem, a DivergenceError\'s event', () => {
  const spec = errorFromData(structuredClone(errorToData(new SpecError('fit.batchSize', 'expected an integer'))), 'fold 1: ');
  assert.ok(spec instanceof SpecError && spec.field === 'fit.batchSize' && spec.problem === 'expected an integer' && spec.message === 'fold 1: spec.fit.batchSize: expected an integer');
  const event = { epoch: 2, batch: 3, loss: Infinity, kind: 'loss' as const, layer: 'dense_1', param: undefined };
  const div = errorFromData(structuredClone(errorToData(new DivergenceError('diverged', event))));
  assert.ok(div instanceof DivergenceError);
  assert.deepEqual(div.event, event);
  assert.ok(errorFromData(errorToData(new InputError('bad'))) instanceof InputError);
  assert.equal(errorFromData(errorToData('text')).message, 'text');
});
