// The search's worker threads (cli/search/pool.ts) start once and keep the table the search's own
// thread parsed: a worker never reads the data again (here its file does not exist), and its
// trial scores what the same trial scores on this thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { trainingSpec } from '../../src/index.js';
import { TrialPool } from '../../cli/search/pool.js';
import { keepTable, loadTable, runTrainingJob, tableKey, type DataRef, type TrialJob } from '../../cli/search/trial.js';
import { tempDir } from '../cli/harness.js';

test('a pool thread trains on the table it was sent, never reading the data; same score as this thread', async () => {
  const table = await loadTable({ dataset: 'iris', hash: 'iris', tableArgs: {}, synthetic: {} });
  // A reference whose file is gone: only a thread that kept the sent table can run its trials.
  const data: DataRef = { file: join(tempDir('pool'), 'gone.csv'), hash: 'sent-table-test', tableArgs: {}, synthetic: {} };
  const jobs: TrialJob[] = [1, 2, 3].map((seed) => ({
    data, spec: trainingSpec({ architecture: { hidden: [16] }, fit: { epochs: 60, seed } }), scoring: { validationSplit: 0.25, seed: 1 }, metric: 'accuracy', prune: false,
  }));
  const pool = new TrialPool(1, { key: tableKey(data), table });
  pool.start();
  try {
    const there = await Promise.all(jobs.map((j) => pool.run(j)));
    keepTable(tableKey(data), table);
    for (const [i, j] of jobs.entries()) {
      const here = await runTrainingJob(j);
      assert.equal(there[i]!.value, here.value, `trial ${i}: the thread's score is this thread's`);
    }
    assert.ok(there.every((o) => o.value >= 0.7), `accuracies ${there.map((o) => o.value)}`);
  } finally {
    await pool.close();
  }
  // Without the table the same job fails, naming the missing file: the pool really did not read it.
  const bare = new TrialPool(1);
  try {
    await assert.rejects(bare.run(jobs[0]!), /gone\.csv/);
  } finally {
    await bare.close();
  }
});
