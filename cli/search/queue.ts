/**
 * Trials on many machines through BullMQ on Redis. The coordinator (`backprop search --queue`)
 * adds one job per trial and waits for its result; workers (`backprop worker --queue`) run the
 * jobs in sandboxed child processes. A job's id is a hash of the trial (deterministic: the same
 * job gives the same result), so a trial retried after a worker died, or asked again after the
 * coordinator restarted, is computed and counted once. bullmq and ioredis are optional
 * dependencies, loaded only here.
 */
import { createHash } from 'node:crypto';
import { InputError, type TrialOutcome } from '../../src/index.js';
import type { TrialJob, TrialRunner } from './trial.js';

export const QUEUE_NAME = 'backprop-trials';

/** What a worker hands back for a trial. */
export type QueueResult = { ok: true; outcome: TrialOutcome; worker: string } | { ok: false; error: string; worker: string };

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

/** The address without a password, for messages. */
export function showAddress(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Connects to Redis once to see that it answers; one line naming the address when it does not. */
export async function connect(url: string): Promise<{ bull: Bull; client: () => RedisClient; closeClients: () => Promise<void> }> {
  if (!/^rediss?:\/\//.test(url)) throw new InputError(`--queue must be a redis:// address such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}`);
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

/** The coordinator's side: each trial becomes a job; its result comes back through QueueEvents. */
export class QueueRunner implements TrialRunner {
  private constructor(
    private readonly queue: import('bullmq').Queue,
    private readonly events: import('bullmq').QueueEvents,
    private readonly closeClients: () => Promise<void>,
  ) {}

  static async connect(url: string, _jobs: number): Promise<QueueRunner> {
    const { bull, client, closeClients } = await connect(url);
    const queue = new bull.Queue(QUEUE_NAME, { connection: client() });
    const events = new bull.QueueEvents(QUEUE_NAME, { connection: client() });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueRunner(queue, events, closeClients);
  }

  async run(job: TrialJob): Promise<TrialOutcome & { worker?: string }> {
    const id = createHash('sha256').update(JSON.stringify(job)).digest('hex').slice(0, 24);
    const added = await this.queue.add('trial', job, {
      jobId: id,
      attempts: 3,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 86_400 },
    });
    const raw = (await added.waitUntilFinished(this.events)) as QueueResult | string;
    const result = (typeof raw === 'string' ? JSON.parse(raw) : raw) as QueueResult;
    if (!result.ok) throw new Error(`${result.error} (on ${result.worker})`);
    return { ...result.outcome, attrs: { ...(result.outcome.attrs ?? {}), worker: result.worker } };
  }

  async close(): Promise<void> {
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
  const fromSource = import.meta.url.endsWith('.ts');
  const processor = new URL(fromSource ? './processor.ts' : './processor.js', import.meta.url);
  const worker = new bull.Worker(QUEUE_NAME, processor, {
    connection: client(),
    concurrency: args.concurrency,
    useWorkerThreads: false,
    lockDuration: args.lockSeconds * 1000,
    stalledInterval: Math.max(500, (args.lockSeconds * 1000) / 2),
    maxStalledCount: 2,
    ...(fromSource ? { workerForkOptions: { execArgv: ['--import', import.meta.resolve('tsx')] } } : {}),
  });
  worker.on('active', (job) => args.onEvent(`started job ${job.id}`));
  worker.on('completed', (job) => args.onEvent(`finished job ${job.id}`));
  worker.on('failed', (job, e) => args.onEvent(`job ${job?.id ?? '?'} failed: ${e.message}`));
  worker.on('error', (e) => args.onEvent(`error: ${e.message}`));
  await worker.waitUntilReady();
  return {
    close: async () => {
      await worker.close();
      await closeClients();
    },
  };
}
