// The search's jobs (cli/search/pool.ts): worker threads start once and keep the table the
// search's own thread parsed (a worker never reads the data again: here its file does not exist);
// this thread runs trials from the start and a worker joins once loaded; a trial scores the same
// wherever it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { refitSpec, trainingSpec } from '../../src/index.js';
import { TrialPool } from '../../cli/search/pool.js';
import { keepTable, loadTable, runTrainingJob, tableKey, type DataRef, type TrialJob } from '../../cli/search/trial.js';
import { tempDir } from '../cli/harness.js';

const iris = () => loadTable({ dataset: 'iris', hash: 'iris', tableArgs: {}, synthetic: {} });

function jobsOn(data: DataRef, seeds: number[], prune: boolean): TrialJob[] {
  return seeds.map((seed) => ({
    data, spec: trainingSpec({ architecture: { hidden: [16] }, fit: { epochs: 60, seed } }), scoring: { validationSplit: 0.25, seed: 1 }, metric: 'accuracy', prune,
  }));
}

test('a pool thread trains on the table it was sent, never reading the data; same score as this thread', async () => {
  const table = await iris();
  // A reference whose file is gone: only a thread that kept the sent table can run its trials.
  const data: DataRef = { file: join(tempDir('pool'), 'gone.csv'), hash: 'sent-table-test', tableArgs: {}, synthetic: {} };
  const jobs = jobsOn(data, [1, 2, 3], false);
  const pool = new TrialPool({ workers: 1, here: false, table: { key: tableKey(data), table } });
  pool.start();
  try {
    const there = await Promise.all(jobs.map((j) => pool.run(j)));
    assert.deepEqual(pool.placement(), { here: 0, workers: [3], loading: 0 });
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
  const bare = new TrialPool({ workers: 1, here: false });
  try {
    // It comes back as data, under the class name it had on the worker (the CLI's UsageError).
    await assert.rejects(bare.run(jobs[0]!), (e: unknown) => e instanceof Error && e.name === 'UsageError' && /gone\.csv/.test(e.message));
  } finally {
    await bare.close();
  }
});

test('this thread and a worker that joins run trials side by side; every score is the one-job score', async () => {
  const table = await iris();
  const data: DataRef = { dataset: 'iris', hash: 'iris', tableArgs: {}, synthetic: {} };
  keepTable(tableKey(data), table);
  // Each trial reports every epoch (prune: true, never pruned). Trial 0 starts here at once and
  // holds at its first report until another trial has reported: that one can only be running on
  // the worker thread, which therefore joined while this thread was busy.
  const jobs = jobsOn(data, [1, 2, 3, 4], true);
  let otherReported!: () => void;
  const other = new Promise<void>((r) => { otherReported = r; });
  const pool = new TrialPool({ workers: 1, here: true, table: { key: tableKey(data), table } });
  pool.start();
  let both: Awaited<ReturnType<TrialPool['run']>>[];
  try {
    both = await Promise.all(jobs.map((j, i) => pool.run(j, async () => {
      if (i === 0) await other;
      else otherReported();
      return false;
    })));
    const p = pool.placement();
    assert.equal(p.workers.length, 1, 'the worker joined');
    assert.ok(p.here >= 1 && p.workers[0]! >= 1, `trials on both: ${JSON.stringify(p)}`);
    assert.equal(p.here + p.workers[0]!, 4);
  } finally {
    await pool.close();
  }
  for (const [i, j] of jobs.entries()) {
    const alone = await runTrainingJob(j, () => false);
    assert.equal(both[i]!.value, alone.value, `trial ${i}`);
    assert.deepEqual(both[i]!.attrs, alone.attrs, `trial ${i}'s attributes`);
  }
});

test('threads started before the table is parsed join once it is sent, and train on it', async () => {
  const table = await iris();
  const data: DataRef = { file: join(tempDir('pool-later'), 'gone.csv'), hash: 'later-table-test', tableArgs: {}, synthetic: {} };
  const [job] = jobsOn(data, [5], false);
  const pool = new TrialPool({ workers: 1, here: false, table: 'later' });
  pool.start();
  try {
    const pending = pool.run(job!);
    assert.deepEqual(pool.placement(), { here: 0, workers: [], loading: 1 }, 'not joined before the table comes');
    pool.setTable({ key: tableKey(data), table });
    const there = await pending;
    keepTable(tableKey(data), table);
    assert.equal(there.value, (await runTrainingJob(job!)).value);
    assert.deepEqual(pool.placement(), { here: 0, workers: [1], loading: 0 });
  } finally {
    await pool.close();
  }
});

test('this thread can be lent out only while it is free with no trial waiting; a trial asked meanwhile waits for it', async () => {
  const table = await iris();
  const data: DataRef = { dataset: 'iris', hash: 'iris', tableArgs: {}, synthetic: {} };
  keepTable(tableKey(data), table);
  const pool = new TrialPool({ workers: 0, here: true, table: { key: tableKey(data), table } });
  try {
    const [job] = jobsOn(data, [1], true);
    // Busy: a trial holds this thread at its first report.
    let hold!: () => void;
    const held = new Promise<void>((r) => { hold = r; });
    let reported!: () => void;
    const atReport = new Promise<void>((r) => { reported = r; });
    const first = pool.run(job!, async () => { reported(); await held; return false; });
    await atReport;
    assert.equal(pool.takeIdle(), undefined, 'running a trial');
    hold();
    await first;
    const lent = pool.takeIdle();
    assert.equal(lent?.where, 'here', 'free, nothing waiting');
    assert.equal(pool.takeIdle(), undefined, 'already lent');
    // A trial asked while it is lent waits, and runs once it is given back.
    let ran = false;
    const second = pool.run(job!, () => { ran = true; return false; });
    await new Promise((r) => setImmediate(r));
    assert.equal(ran, false);
    lent!.release();
    const outcome = await second;
    assert.equal(ran, true);
    assert.equal(outcome.value, (await first).value, 'the same trial, the same score');
    assert.deepEqual(pool.placement(), { here: 2, workers: [], loading: 0 });
  } finally {
    await pool.close();
  }
});

/** A pool of one worker thread on iris that has run one trial: the worker has joined, and is free with nothing waiting. */
async function poolWithFreeWorker(hash: string, seed: number) {
  const table = await iris();
  const data: DataRef = { dataset: 'iris', hash, tableArgs: {}, synthetic: {} };
  const pool = new TrialPool({ workers: 1, here: false, table: { key: tableKey(data), table } });
  pool.start();
  const [job] = jobsOn(data, [seed], false);
  await pool.run(job!);
  return { table, pool, job: job! };
}

test('a free worker thread is lent for the refit: the model it sends back is bit for bit refitSpec on this thread; an abort rejects it, and it rejoins', async () => {
  const { table, pool, job } = await poolWithFreeWorker('iris-refit', 4);
  try {
    const lent = pool.takeIdle();
    assert.equal(lent?.where, 'worker');
    assert.equal(pool.takeIdle(), undefined, 'no other job is free');
    const spec = trainingSpec({ architecture: { hidden: [12] }, fit: { epochs: 15, batchSize: 16, validationSplit: 0.2, earlyStopping: 4, seed: 9 } });
    const there = await lent!.refit(spec, new AbortController().signal);
    const here = await refitSpec(spec, table);
    assert.deepEqual(there.model.getWeights(), here.model.getWeights(), 'the same weights, bit for bit');
    assert.deepEqual(there.history.epoch, here.history.epoch);
    assert.deepEqual(there.history.history, here.history.history);
    assert.deepEqual(there.split, { train: [...here.split.train], validation: [...here.split.validation] });
    assert.deepEqual(there.spec, here.spec);
    assert.deepEqual(there.preprocessing, here.preprocessing);
    // An abort (a better trial ended) ends it within an epoch, rejecting with the reason.
    const controller = new AbortController();
    controller.abort(new Error('a better trial ended'));
    await assert.rejects(lent!.refit(spec, controller.signal), /a better trial ended/);
    lent!.release();
    const again = await pool.run(job);
    assert.deepEqual(pool.placement(), { here: 0, workers: [2], loading: 0 }, 'given back, the worker takes trials again');
    assert.ok(again.value >= 0.7);
  } finally {
    await pool.close();
  }
});

test('closing the pool settles a refit still running on a worker thread (no one waits for a terminated thread)', async () => {
  const { pool } = await poolWithFreeWorker('iris-close', 2);
  const lent = pool.takeIdle();
  assert.equal(lent?.where, 'worker');
  const long = trainingSpec({ architecture: { hidden: [64, 64] }, fit: { epochs: 100_000, batchSize: 8, seed: 1 } });
  const settled = assert.rejects(lent!.refit(long, new AbortController().signal), /the search has ended/);
  await pool.close();
  await settled;
});

test('a trial\'s CSV text (a queue job\'s data) skips its lines before the header as the file readers do: a blank one among them counts', async () => {
  const csv = 'a title\n\nA,B,Y\n1,2,3\n4,5,6\n7,8,9\n';
  const t = await loadTable({ csv, hash: 'skip-rows-blank', tableArgs: { skipRows: 2 }, synthetic: {} });
  assert.deepEqual(t.schema.inputs.map((c) => c.name), ['A', 'B']);
  assert.equal(t.rows, 3);
});

test("a queue job's JSON text (a JSON data file) reads as the file does, not as CSV", async () => {
  const records = [{ A: 1, B: 2, Y: 'a' }, { A: 4, B: 5, Y: 'b' }, { A: 7, B: 8, Y: 'a' }, { A: 2, B: 1, Y: 'b' }];
  const fromCsv = await loadTable({ csv: 'A,B,Y\n1,2,a\n4,5,b\n7,8,a\n2,1,b\n', hash: 'json-as-csv', tableArgs: { source: 'r.csv' }, synthetic: {} });
  for (const [csv, source] of [[JSON.stringify(records, null, 1), 'r.json'], [records.map((r) => JSON.stringify(r)).join('\n'), 'r.jsonl']] as const) {
    const t = await loadTable({ csv, json: true, hash: `json-${source}`, tableArgs: { source }, synthetic: {} });
    assert.deepEqual(t.schema, fromCsv.schema, source);
    assert.deepEqual(Array.from(t.x.data), Array.from(fromCsv.x.data), source);
    assert.deepEqual(t.y, fromCsv.y, source);
  }
});
