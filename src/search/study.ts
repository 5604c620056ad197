import { InputError } from '../core/errors.js';
import { checkKeys, integerAtLeast } from '../core/validate.js';
import { derivedSeed } from './numeric.js';
import { checkHeader, JournalWriter, readJournal, type StudyHeader, type TrialRecord } from './journal.js';
import { prunerByName, type Pruner } from './pruners.js';
import { gpSampler } from './samplers/gp.js';
import { gridSampler } from './samplers/grid.js';
import { randomSampler } from './samplers/random.js';
import { PURPOSE, type Observation, type Sampler } from './samplers/sampler.js';
import { tpeSampler } from './samplers/tpe.js';
import { compileSpace, paramsKey, type Dim, type JsonValue, type Params, type Space } from './space.js';

/** The search methods: the Cartesian grid, seeded random search, TPE and Gaussian-process Bayesian optimisation. */
export type MethodName = 'grid' | 'random' | 'tpe' | 'gp';
/** Every method name, in the order the CLI lists them. */
export const methodNames: readonly MethodName[] = ['grid', 'random', 'tpe', 'gp'];

/** Trials when neither `trials` nor a finite grid says how many. */
export const DEFAULT_TRIALS = 20;

/** What an objective may return besides a plain number: the value plus extra result columns. */
export interface TrialOutcome {
  readonly value: number;
  readonly attrs?: Readonly<Record<string, JsonValue>>;
}

/** What the objective gets besides the parameters. */
export interface TrialHandle {
  readonly number: number;
  /** The trial's training seed: depends only on the search seed and the trial number. */
  readonly seed: number;
  /**
   * Reports an intermediate value (e.g. the validation loss after `step` epochs); returns true
   * when the pruner says to stop: the objective should then return its current value.
   */
  report(step: number, value: number): boolean;
}

/** The function a search scores: params in, a value (or a value with extra fields) out, sync or async; `trial` reports intermediate values to a pruner. */
export type Objective = (params: Params, trial: TrialHandle) => number | TrialOutcome | Promise<number | TrialOutcome>;

/** Options of search.minimize / search.maximize. */
export interface OptimizeArgs {
  /** grid, random, tpe (default) or gp. */
  method?: MethodName;
  /** Trials in all, counting those a journal already holds (default: the whole grid for grid, else 20). */
  trials?: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Objective calls running at once (default 1). */
  jobs?: number;
  /** Append-only JSONL file of trial events; an existing one is resumed. */
  journal?: string;
  /** Stops poor trials early from their reports: a Pruner, or 'median' / 'halving'. */
  pruner?: Pruner | 'median' | 'halving' | 'none';
  /** Anything else a journal must match to be resumed (the data's hash, fixed options). */
  fingerprint?: JsonValue;
  /** Called when a trial starts and when it ends (progress bars, tables). */
  onTrial?: (trial: TrialRecord, progress: SearchProgress) => void;
  /** Stops asking for new trials once aborted; running trials finish. */
  signal?: AbortSignal;
}

/** What a progress callback hears after each finished trial. */
export interface SearchProgress {
  readonly finished: number;
  readonly total: number;
  readonly best: TrialRecord | undefined;
}

/** The outcome of a search: the best trial and every trial in number order. */
export interface SearchResult {
  readonly best: { readonly number: number; readonly params: Params; readonly value: number };
  /** Every trial, by number. */
  readonly trials: readonly TrialRecord[];
  readonly direction: 'minimize' | 'maximize';
}

const ARG_KEYS = ['method', 'trials', 'seed', 'jobs', 'journal', 'pruner', 'fingerprint', 'onTrial', 'signal'];

export function makeSampler(method: MethodName, dims: readonly Dim[], seed: number): Sampler {
  switch (method) {
    case 'grid':
      return gridSampler(dims);
    case 'random':
      return randomSampler(dims, seed);
    case 'tpe':
      return tpeSampler(dims, seed);
    case 'gp':
      return gpSampler(dims, seed);
    default:
      throw new InputError(`search: unknown method ${JSON.stringify(method)}; known methods: ${methodNames.join(', ')}`);
  }
}

/** The training seed of trial `number` of a search seeded with `seed`. */
export function trialSeed(seed: number, number: number): number {
  return derivedSeed(seed, number, PURPOSE.training);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Minimises `objective` over `space`. Trial n's parameters depend only on the seed, n and (for
 * tpe and gp) the trials finished before n was asked for; its training seed only on the seed
 * and n. A throwing or non-finite trial is recorded as failed with its reason and the search goes
 * on; when no trial completes, one InputError says so with the first reason.
 *
 * @example
 * const r = await search.minimize(({ x }) => (x as number - 2) ** 2, { x: search.float(-5, 5) }, { method: 'gp', trials: 20 });
 * r.best.params.x; // ≈ 2
 */
export function minimize(objective: Objective, space: Space, args: OptimizeArgs = {}): Promise<SearchResult> {
  return optimize('minimize', objective, space, args);
}

/** As minimize, for objectives where larger is better (accuracy). */
export function maximize(objective: Objective, space: Space, args: OptimizeArgs = {}): Promise<SearchResult> {
  return optimize('maximize', objective, space, args);
}

async function optimize(direction: 'minimize' | 'maximize', objective: Objective, space: Space, args: OptimizeArgs): Promise<SearchResult> {
  checkKeys(`search.${direction}`, args, ARG_KEYS);
  if (typeof objective !== 'function') throw new InputError(`search.${direction}: the objective must be a function`);
  const dims = compileSpace(space);
  const method = args.method ?? 'tpe';
  if (!methodNames.includes(method)) throw new InputError(`search: unknown method ${JSON.stringify(method)}; known methods: ${methodNames.join(', ')}`);
  const seed = integerAtLeast(`search.${direction}`, 'seed', args.seed ?? 0, 0);
  const jobs = integerAtLeast(`search.${direction}`, 'jobs', args.jobs ?? 1, 1);
  const sampler = makeSampler(method, dims, seed);
  if (args.trials !== undefined) integerAtLeast(`search.${direction}`, 'trials', args.trials, 1);
  const total = Math.min(args.trials ?? sampler.size ?? DEFAULT_TRIALS, sampler.size ?? Infinity);
  const pruner = typeof args.pruner === 'string' ? prunerByName(args.pruner) : args.pruner;
  const sign = direction === 'minimize' ? 1 : -1;

  const trials = new Map<number, TrialRecord>();
  const reports = new Map<number, Map<number, number>>();
  const header: StudyHeader = { type: 'study', version: 1, direction, method, seed, space, fingerprint: args.fingerprint ?? null };
  let writer: JournalWriter | undefined;
  const rerun: TrialRecord[] = [];
  if (args.journal !== undefined) {
    const found = readJournal(args.journal);
    writer = new JournalWriter(args.journal);
    if (found.header === undefined) writer.header(header);
    else {
      checkHeader(args.journal, found.header, header);
      for (const [n, t] of found.trials) {
        if (t.state === 'running') rerun.push(t);
        else trials.set(n, t);
      }
      for (const [n, m] of found.reports) if (trials.has(n)) reports.set(n, m);
      rerun.sort((a, b) => a.number - b.number);
    }
  }
  let nextNumber = Math.max(-1, ...trials.keys(), ...rerun.map((t) => t.number)) + 1;
  const running = new Map<number, Params>();

  const isBetter = (a: TrialRecord, b: TrialRecord | undefined): boolean =>
    b === undefined || sign * a.value! < sign * b.value! || (a.value === b.value && a.number < b.number);
  const bestSoFar = (): TrialRecord | undefined => {
    let best: TrialRecord | undefined;
    for (const t of trials.values()) if (t.state === 'complete' && isBetter(t, best)) best = t;
    return best;
  };
  const progress = (): SearchProgress => ({ finished: trials.size, total, best: bestSoFar() });

  // What the samplers see, kept up to date as trials start and end.
  const tried = new Set<string>();
  const finished: Observation[] = [];
  const observe = (t: TrialRecord): void => {
    if (t.state === 'complete' || t.state === 'pruned') finished.push({ number: t.number, params: t.params, loss: sign * t.value!, state: t.state });
  };
  for (const t of trials.values()) {
    tried.add(paramsKey(t.params));
    observe(t);
  }
  for (const t of rerun) tried.add(paramsKey(t.params));

  const ask = (): { number: number; params: Params } | undefined => {
    const number = nextNumber;
    finished.sort((a, b) => a.number - b.number);
    const params = sampler.propose({ number, finished, running: [...running.values()], tried });
    if (params === undefined) return undefined;
    tried.add(paramsKey(params));
    nextNumber++;
    return { number, params };
  };

  const runTrial = async (number: number, params: Params): Promise<void> => {
    const started = new Date();
    const seedOfTrial = trialSeed(seed, number);
    const start: TrialRecord = { number, state: 'running', params, seed: seedOfTrial, startedAt: started.toISOString() };
    running.set(number, params);
    writer?.trial(start);
    args.onTrial?.(start, progress());
    const own = new Map<number, number>();
    reports.set(number, own);
    let pruned = false;
    const handle: TrialHandle = {
      number,
      seed: seedOfTrial,
      report(step, value) {
        if (typeof step !== 'number' || !Number.isFinite(step)) throw new InputError(`trial ${number}: report step must be a finite number, got ${String(step)}`);
        own.set(step, sign * value);
        writer?.report(number, step, value);
        if (pruner === undefined || pruned) return pruned;
        const others = new Map([...reports].filter(([n]) => n !== number));
        const complete = new Set([...trials.values()].filter((t) => t.state === 'complete').map((t) => t.number));
        pruned = pruner.shouldPrune({ number, step, own, others, complete });
        return pruned;
      },
    };
    let record: TrialRecord;
    try {
      const out = await objective(params, handle);
      const value = typeof out === 'number' ? out : out?.value;
      const attrs = typeof out === 'number' ? undefined : out?.attrs;
      const finished = new Date();
      const timing = { startedAt: start.startedAt, finishedAt: finished.toISOString(), durationS: (finished.getTime() - started.getTime()) / 1000 };
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        record = { number, state: 'fail', params, seed: seedOfTrial, ...timing, ...(attrs ? { attrs } : {}), error: `the objective returned ${typeof value === 'number' ? String(value) : JSON.stringify(value) ?? 'undefined'}, not a finite number` };
      } else {
        record = { number, state: pruned ? 'pruned' : 'complete', params, value, seed: seedOfTrial, ...timing, ...(attrs ? { attrs } : {}) };
      }
    } catch (e) {
      const finished = new Date();
      record = { number, state: 'fail', params, seed: seedOfTrial, startedAt: start.startedAt, finishedAt: finished.toISOString(), durationS: (finished.getTime() - started.getTime()) / 1000, error: errorMessage(e) };
    }
    running.delete(number);
    trials.set(number, record);
    observe(record);
    writer?.trial(record);
    args.onTrial?.(record, progress());
  };

  const loop = async (): Promise<void> => {
    for (;;) {
      if (args.signal?.aborted) return;
      if (trials.size + running.size >= total) return;
      const again = rerun.shift();
      const next = again ?? ask();
      if (next === undefined) return;
      await runTrial(next.number, next.params);
    }
  };
  await Promise.all(Array.from({ length: jobs }, loop));

  const all = [...trials.values()].sort((a, b) => a.number - b.number);
  const best = bestSoFar();
  if (best === undefined) {
    const failed = all.find((t) => t.state === 'fail');
    if (all.length === 0) throw new InputError('search: no trial ran');
    throw new InputError(`search: all ${all.length} trials failed or were pruned${failed ? `; trial ${failed.number} failed: ${failed.error}` : ''}`);
  }
  return { best: { number: best.number, params: best.params, value: best.value! }, trials: all, direction };
}
