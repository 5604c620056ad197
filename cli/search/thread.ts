// A worker thread of `backprop search --jobs N`: keeps the search's parsed table, says it is
// ready (once it has the table, which may come after it loaded: the search starts its threads
// while it parses), then runs one trial at a time on the kernel threads its job leaves (one when the jobs
// fill the cores), asking the main thread (which holds the pruner) after each epoch whether to go on.
// It imports the few library modules a trial needs rather than the whole library (src/index.ts)
// and the CLI's readers: that halves its start-up (about 0.15 s instead of 0.35 s of a core), the
// time before it can join the search. Only a thread sent no table loads the readers (trial.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { setDefaultThreads } from '../../src/kernels/backend.js';
import { tableFromClone } from '../../src/data/table.js';
import type { TrainingSpec, TrialOutcome } from '../../src/index.js';
import { errorToData } from '../../src/core/errors.js';
import { runJobOnTable, tableKey } from './onTable.js';
import type { Reporter, TrialJob } from './trial.js';
import type { FromThread, KeyedTable, RefitTransfer, ThreadData, ToThread } from './pool.js';

const port = parentPort!;
const given = workerData as ThreadData;
setDefaultThreads(given.threads);
let sent: KeyedTable | undefined;
const keep = (t: KeyedTable): void => { sent = { key: t.key, table: tableFromClone(t.table) }; };
if (given.table !== undefined) keep(given.table);
const waiting = new Map<number, (stop: boolean) => void>();

function send(m: FromThread): void {
  port.postMessage(m);
}

/** The trial on the sent table; another table (not the search's) is read through trial.ts, loaded then. */
async function runJob(cloned: TrialJob, report: Reporter): Promise<TrialOutcome> {
  // A validation file's table crosses as a structured clone, as the search's table does.
  const validation = cloned.scoring.validation;
  const job = validation !== undefined ? { ...cloned, scoring: { ...cloned.scoring, validation: tableFromClone(validation) } } : cloned;
  if (sent !== undefined && sent.key === tableKey(job.data)) return runJobOnTable(sent.table, job, report);
  const { runTrainingJob } = await import('./trial.js');
  return runTrainingJob(job, report);
}

/**
 * The winner's refit on this thread, begun while the search's last trials run elsewhere: the
 * model goes back as model-file bytes. Its modules load only now (the trials never need them).
 */
async function refit(spec: TrainingSpec, abort: Int32Array): Promise<RefitTransfer> {
  if (sent === undefined) throw new Error('this thread has no table to refit on');
  const [{ refitSpec }, { modelToBytes }] = await Promise.all([import('../../src/search/training.js'), import('../../src/io/modelFile.js')]);
  const signal = { get aborted() { return Atomics.load(abort, 0) === 1; }, reason: new Error('a better trial ended') };
  const r = await refitSpec(spec, sent.table, { signal });
  const h = r.history;
  return {
    bytes: modelToBytes(r.model, { preprocessing: r.preprocessing }),
    epoch: [...h.epoch], history: h.history, converged: h.converged, iterations: h.iterations,
    spec: r.spec, split: { train: [...r.split.train], validation: [...r.split.validation] },
  };
}

port.on('message', (m: ToThread) => {
  if (m.type === 'refit') {
    refit(m.spec, m.abort).then(
      (r) => port.postMessage({ type: 'refitted', id: m.id, refit: r } satisfies FromThread, [r.bytes.buffer as ArrayBuffer]),
      (e: unknown) => send({ type: 'error', id: m.id, error: errorToData(e) }),
    );
    return;
  }
  if (m.type === 'table') {
    keep(m.table);
    send({ type: 'ready' });
    return;
  }
  if (m.type === 'prune') {
    waiting.get(m.id)?.(m.stop);
    waiting.delete(m.id);
    return;
  }
  const report = (step: number, value: number): Promise<boolean> =>
    new Promise((resolve) => {
      waiting.set(m.id, resolve);
      send({ type: 'report', id: m.id, step, value });
    });
  runJob(m.job, report).then(
    (outcome) => send({ type: 'done', id: m.id, outcome }),
    (e: unknown) => send({ type: 'error', id: m.id, error: errorToData(e) }),
  );
});
// Ready now, or once the table being parsed comes.
if (given.tableToCome !== true) send({ type: 'ready' });
