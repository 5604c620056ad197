/**
 * Trials on many machines through BullMQ on Redis. The coordinator (`backprop search --queue`)
 * adds one job per trial and waits for its result; workers (`backprop worker --queue`) run the
 * jobs in sandboxed child processes. A job's id is a hash of the trial (deterministic: the same
 * job gives the same result), so a trial retried after a worker died, or asked again after the
 * coordinator restarted, is computed and counted once. bullmq and ioredis are optional
 * dependencies, loaded only here.
 */
import { createHash } from 'node:crypto';
import { countOf } from '../../src/core/format.js';
import { InputError, type TrialOutcome } from '../../src/index.js';
import type { Reporter, TrialJob, TrialRunner } from './trial.js';
import { describeRemoteError, type RemoteError } from './remote.js';
import { queueAddressProblem, showAddress } from './address.js';
import { workerEntry } from '../../src/kernels/pool/workerStart.js';

export { showAddress };

export const QUEUE_NAME = 'backprop-trials';

/** What a worker hands back for a trial. */
export type QueueResult = { ok: true; outcome: TrialOutcome; worker: string; prunedAt?: number } | { ok: false; error: RemoteError; worker: string };

/** The variable that tells a worker's trial processes the Redis address (for pruning answers). */
export const WORKER_URL_ENV = 'BACKPROP_QUEUE_URL';

type Bull = typeof import('bullmq');
type RedisClient = import('ioredis').Redis;

async function load(): Promise<{ bull: Bull; Redis: typeof import('ioredis').Redis }> {
  try {
    const bull = await import('bullmq');
    const { Redis } = await import('ioredis');
    return { bull, Redis };
  } catch {
    throw new InputError('--queue needs the optional packages bullmq and ioredis: npm install bullmq ioredis');
  }
}


/** Connects to Redis once to see that it answers; one line naming the address when it does not. */
export async function connect(url: string): Promise<{ bull: Bull; client: () => RedisClient; closeClients: () => Promise<void> }> {
  const problem = queueAddressProblem(url);
  if (problem !== undefined) throw new InputError(`--queue must be a Redis address such as redis://127.0.0.1:6379/0, but ${problem}`);
  const { bull, Redis } = await load();
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than connect()'s "Connection is closed".
  let cause: string | undefined;
  probe.on('error', (e: Error) => {
    cause ??= e.message;
  });
  try {
    await probe.connect();
    await probe.ping();
    // ioredis selects the database on connecting but only emits a failure: ask again to hear it.
    const db = new URL(url).pathname.replace(/^\//, '');
    if (db !== '') await probe.select(Number(db));
  } catch (e) {
    throw new InputError(`cannot reach Redis at ${showAddress(url)}: ${cause ?? (e instanceof Error ? e.message : String(e))}`);
  } finally {
    probe.disconnect();
  }
  // BullMQ leaves connections it was given open; these are closed by closeClients.
  const made: RedisClient[] = [];
  const client = (): RedisClient => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    c.on('error', () => {});
    made.push(c);
    return c;
  };
  const closeClients = async (): Promise<void> => {
    await Promise.all(made.map((c) => c.quit().catch(() => c.disconnect())));
  };
  return { bull, client, closeClients };
}

/** A report of an epoch's value from a worker (BullMQ job progress), for the coordinator's pruner. */
export interface EpochProgress {
  readonly step: number;
  readonly value: number;
  /** The job's attempt, so an answer never reaches a later attempt. */
  readonly attempt: number;
}

/** The Redis list where the coordinator answers one attempt's reports: {"step", "stop"} per report. */
export function answerKey(jobId: string, attempt: number): string {
  return `backprop:prune:${jobId}:${attempt}`;
}

/** A day: how long finished jobs and pruning answers stay in Redis for a restarted coordinator to find. */
const KEEP_SECONDS = 86_400;

/**
 * The id of a trial's job: a hash of the job, so the same trial (retried, or asked again by a
 * restarted coordinator) is one job. `study` salts it when the result depends on more than the
 * job: a pruned trial's end depends on its study's other trials.
 */
export function jobIdOf(job: TrialJob, study = ''): string {
  return createHash('sha256').update(study).update('\0').update(JSON.stringify(job)).digest('hex').slice(0, 24);
}

interface Pending {
  readonly job: TrialJob;
  readonly report: Reporter;
  readonly resolve: (o: TrialOutcome) => void;
  readonly reject: (e: Error) => void;
}

function isProgress(d: unknown): d is EpochProgress {
  const p = d as EpochProgress;
  return typeof d === 'object' && d !== null && Number.isFinite(p.step) && (typeof p.value === 'number' || p.value === null) && Number.isInteger(p.attempt);
}

/**
 * The coordinator's side: each trial becomes a job, its result comes back through QueueEvents.
 * The journal is the truth and Redis a cache: whenever the connection comes back (Redis restarted,
 * with or without its data), every trial still waited for is looked up again, and one Redis lost
 * is added again, so it runs again; one that finished meanwhile is taken from its stored result.
 * With pruning, a worker's per-epoch reports arrive as job progress and are answered on a list
 * the worker waits on (answerKey).
 */
export class QueueRunner implements TrialRunner {
  private readonly pending = new Map<string, Pending>();
  private closing = false;

  private constructor(
    private readonly queue: import('bullmq').Queue,
    private readonly events: import('bullmq').QueueEvents,
    private readonly answers: RedisClient,
    private readonly closeClients: () => Promise<void>,
    private readonly study: string,
  ) {}

  /** `study` names the search when its trials' results depend on it (pruning: the journal and the pruner); '' otherwise. */
  static async connect(url: string, study: string, onEvent: (text: string) => void = () => {}): Promise<QueueRunner> {
    const { bull, client, closeClients } = await connect(url);
    const connection = client();
    const queue = new bull.Queue(QUEUE_NAME, { connection });
    const events = new bull.QueueEvents(QUEUE_NAME, { connection: client() });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const runner = new QueueRunner(queue, events, client(), closeClients, study);
    events.on('completed', ({ jobId, returnvalue }) => runner.finished(jobId, returnvalue));
    events.on('failed', ({ jobId }) => void runner.check(jobId, false));
    events.on('progress', ({ jobId, data }) => void runner.progress(jobId, data));
    // 'ready' again after a reconnect: look up every trial still waited for.
    let lost = false;
    connection.on('close', () => {
      if (!lost && !runner.closing) onEvent(`Queue   lost the connection to Redis at ${showAddress(url)}; reconnecting (the journal keeps every finished trial)`);
      lost = true;
    });
    connection.on('ready', () => {
      if (!lost) return;
      lost = false;
      void runner.resync().then((readded) => onEvent(`Queue   reconnected: ${runner.pending.size + readded.finished} trials in flight looked up again${readded.added > 0 ? `, ${readded.added} added again (Redis had lost them)` : ''}`));
    });
    return runner;
  }

  run(job: TrialJob, report: Reporter): Promise<TrialOutcome & { worker?: string }> {
    const id = jobIdOf(job, job.prune ? this.study : '');
    return new Promise((resolve, reject) => {
      this.pending.set(id, { job, report, resolve, reject });
      this.submit(id).catch((e: unknown) => this.settle(id, e instanceof Error ? e : new Error(String(e))));
    });
  }

  /** Adds the trial's job (a job of that id already there is kept: a restarted coordinator finds its running or finished trial). */
  private async submit(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (p === undefined) return;
    await this.queue.add('trial', p.job, {
      jobId: id,
      attempts: 3,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    });
    await this.check(id, false);
  }

  /** Looks the job up: finished → settle; gone (Redis lost its data) → add it again. Says which. */
  private async check(id: string, readd: boolean): Promise<'added' | 'finished' | 'waiting'> {
    if (!this.pending.has(id)) return 'finished';
    const job = await this.queue.getJob(id);
    if (job === undefined || job === null) {
      if (!readd) return 'waiting';
      await this.submit(id);
      return 'added';
    }
    const state = await job.getState();
    if (state === 'completed') this.finished(id, job.returnvalue);
    else if (state === 'failed') this.settle(id, new Error(`the queue gave the trial up: ${String(job.failedReason).slice(0, 200)}`));
    return this.pending.has(id) ? 'waiting' : 'finished';
  }

  private async resync(): Promise<{ added: number; finished: number }> {
    const counts = { added: 0, finished: 0 };
    for (const id of [...this.pending.keys()]) {
      const r = await this.check(id, true).catch(() => 'waiting' as const);
      if (r === 'added') counts.added++;
      if (r === 'finished') counts.finished++;
    }
    return counts;
  }

  private finished(id: string, raw: unknown): void {
    if (!this.pending.has(id)) return;
    let result: QueueResult;
    try {
      result = (typeof raw === 'string' ? JSON.parse(raw) : raw) as QueueResult;
    } catch {
      return;
    }
    if (result === null || typeof result !== 'object') return;
    if (!result.ok) this.settle(id, new Error(describeRemoteError(result.error, result.worker)));
    else this.settle(id, { ...result.outcome, attrs: { ...(result.outcome.attrs ?? {}), worker: result.worker } });
  }

  private settle(id: string, outcome: TrialOutcome | Error): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  /** A worker's epoch report: asks the study's pruner and answers on the attempt's list. */
  private async progress(id: string, data: unknown): Promise<void> {
    const p = this.pending.get(id);
    if (p === undefined || !isProgress(data)) return;
    let stop = false;
    try {
      // A non-finite value crosses as null; the pruners treat NaN as worse than anything.
      stop = await p.report(data.step, data.value ?? NaN);
    } catch {
      stop = false;
    }
    const key = answerKey(id, data.attempt);
    await this.answers.multi().rpush(key, JSON.stringify({ step: data.step, stop })).expire(key, KEEP_SECONDS).exec();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.events.close();
    await this.queue.close();
    await this.closeClients();
  }
}

export interface WorkerArgs {
  readonly concurrency: number;
  /** Seconds a job stays locked without a renewal before another worker takes it over. */
  readonly lockSeconds: number;
  readonly onEvent: (text: string) => void;
}

/** The worker's side: sandboxed processors (child processes) so CPU-bound trials never stall the lock. */
export async function startWorker(url: string, args: WorkerArgs): Promise<{ close: () => Promise<void> }> {
  const { bull, client, closeClients } = await connect(url);
  // The trial processes (children of this one) answer pruning reports through this address.
  process.env[WORKER_URL_ENV] = url;
  const processor = workerEntry(import.meta.url, 'processor');
  const fromSource = processor.pathname.endsWith('.ts');
  const worker = new bull.Worker(QUEUE_NAME, processor, {
    connection: client(),
    concurrency: args.concurrency,
    useWorkerThreads: false,
    lockDuration: args.lockSeconds * 1000,
    stalledInterval: Math.max(500, (args.lockSeconds * 1000) / 2),
    maxStalledCount: 2,
    ...(fromSource ? { workerForkOptions: { execArgv: ['--import', import.meta.resolve('tsx')] } } : {}),
  });
  worker.on('active', (job) => args.onEvent(`started job ${job.id}: ${describeJob(job.data)}`));
  worker.on('completed', (job, result: QueueResult) => args.onEvent(`finished job ${job.id}: ${describeResult(job.data, result)}`));
  worker.on('failed', (job, e) => args.onEvent(`job ${job?.id ?? '?'} failed: ${e.message.slice(0, 200)}`));
  // Redis going away repeats the same error on every reconnect attempt: say it once.
  let lastError = '';
  worker.on('error', (e) => {
    if (e.message !== lastError) args.onEvent(`error: ${e.message.slice(0, 200)}`);
    lastError = e.message;
  });
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await closeClients();
    },
  };
}

/** "trial 3 (lr=0.01, layers=[16])" from a job's label; the label comes from the queue, so it is cut short. */
function describeJob(data: unknown): string {
  const label = (data as Partial<TrialJob> | undefined)?.label;
  if (label === undefined || typeof label !== 'object' || label === null) return 'a trial';
  const params = Object.entries(label.params ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  const text = `trial ${Number(label.trial)}${params ? ` (${params})` : ''}`;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function describeResult(data: unknown, result: QueueResult | undefined): string {
  const trial = describeJob(data).replace(/ \(.*$/, '');
  if (result === undefined || result === null) return trial;
  if (!result.ok) return `${trial} failed (${describeRemoteError(result.error, result.worker)})`;
  const metric = String((data as Partial<TrialJob>).metric ?? 'value').slice(0, 20);
  const value = Number(result.outcome.value).toPrecision(4);
  const epochs = result.outcome.attrs?.epochs_run;
  if (result.prunedAt !== undefined) return `${trial} pruned at epoch ${result.prunedAt} (${metric} ${value})`;
  return `${trial}, ${metric} ${value}${typeof epochs === 'number' ? ` after ${countOf(epochs, 'epoch')}` : ''}`;
}
