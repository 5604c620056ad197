// crossValidate's jobs: folds on worker threads that receive the table once give the scores of
// folds run one after the other (each fold is seeded), for classes and regression; bad counts
// and a failing fold are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crossValidate, prepareCrossValidationJobs, holdoutsOf, tableFromRecords, trainingSpec, InputError, type JobPlacement } from '../../src/index.js';
import { foldsOnThreads, workersAhead } from '../../src/training/foldPool.js';

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
    assert.deepEqual(two, one);
    assert.deepEqual(three, one);
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
  assert.deepEqual(there, one);
  assert.equal(placement?.here, 0, 'no fold on this thread');
  assert.equal(placement?.workers.reduce((a, b) => a + b, 0), 4, `placement ${JSON.stringify(placement)}`);
  // jobs 2 through crossValidate: this thread and one worker; every fold placed once, wherever it ran.
  let mixed: JobPlacement | undefined;
  assert.deepEqual(await crossValidate(spec, table, 4, { jobs: 2, onPlacement: (p) => { mixed = p; } }), one);
  assert.equal(mixed!.here + mixed!.workers.reduce((a, b) => a + b, 0), 4);
  assert.ok(mixed!.workers.length <= 1);
  // Workers started ahead (before the table existed) are given it and train the folds the same.
  prepareCrossValidationJobs(3);
  assert.equal(workersAhead(), 2);
  let ahead: JobPlacement | undefined;
  assert.deepEqual(await foldsOnThreads(spec, table, holdoutsOf(table, { folds: 4, seed: 3 }), 3, { jobs: 2, here: false, onPlacement: (p) => { ahead = p; } }), one);
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
});
