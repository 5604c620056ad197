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
  /** Parameters tried first (see StudyArgs.enqueue). */
  enqueue?: readonly Params[];
  /** Called once with the study before the first trial (to say how a journal was resumed). */
  onStudy?: (study: Study) => void;
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

const ARG_KEYS = ['method', 'trials', 'seed', 'jobs', 'journal', 'pruner', 'fingerprint', 'onTrial', 'signal', 'enqueue', 'onStudy'];

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

/** Options of a Study: how it samples, how many trials, where it keeps its journal. */
export interface StudyArgs {
  /** minimize (default) or maximize. */
  direction?: 'minimize' | 'maximize';
  /** grid, random, tpe (default) or gp. */
  method?: MethodName;
  /** Trials in all, counting those a journal already holds and the enqueued ones (default: the whole grid plus the enqueued trials for grid, else 20). */
  trials?: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Append-only JSONL file of trial events; an existing one is resumed. */
  journal?: string;
  /** Stops poor trials early from their reports: a Pruner, or 'median' / 'halving'. */
  pruner?: Pruner | 'median' | 'halving' | 'none';
  /** Anything else a journal must match to be resumed (the data's hash, fixed options). */
  fingerprint?: JsonValue;
  /**
   * Parameters tried first, before the sampler's, in order (Optuna's enqueue_trial): a training
   * search puts its default configuration here, so every search reports how the winner compares
   * with it. Their seed is the study's seed; the samplers do not learn from them (their values
   * may lie outside the space).
   */
  enqueue?: readonly Params[];
}

/** A trial the study handed out: its number, parameters and seed; report intermediate values to the pruner through it. */
export interface Trial extends TrialHandle {
  readonly params: Params;
  /** It came from `enqueue` (the default configuration of a training search), not from the sampler. */
  readonly enqueued: boolean;
  readonly startedAt: string;
}

/** How a journal was resumed: trials it held, complete among them, and the total now asked for. */
export interface Resumed {
  readonly path: string;
  readonly finished: number;
  readonly complete: number;
  readonly total: number;
}

/**
 * A search's state as one object, driven by ask and tell: `ask()` hands out the next trial (a
 * trial a crash left running, then the enqueued ones, then the sampler's), `tell(trial, outcome)`
 * records how it ended. search.minimize, the CLI, worker threads and the queue are loops over it.
 *
 * @example
 * const study = new Study({ x: search.float(-5, 5) }, { method: 'random', trials: 10 });
 * for (let t = study.ask(); t !== undefined; t = study.ask()) study.tell(t, (t.params.x as number) ** 2);
 * study.best()!.params.x; // near 0
 */
export class Study {
  readonly direction: 'minimize' | 'maximize';
  readonly method: MethodName;
  readonly seed: number;
  /** Trials in all when the study is done. */
  readonly total: number;
  /** Set when an existing journal was read. */
  readonly resumed: Resumed | undefined;
  private readonly sampler: Sampler;
  private readonly pruner: Pruner | undefined;
  private readonly sign: number;
  private readonly writer: JournalWriter | undefined;
  private readonly records = new Map<number, TrialRecord>();
  private readonly reports = new Map<number, Map<number, number>>();
  private readonly rerun: TrialRecord[] = [];
  private readonly queued: Params[] = [];
  private readonly enqueuedNumbers = new Set<number>();
  private readonly running = new Map<number, Params>();
  private readonly pruned = new Set<number>();
  private readonly tried = new Set<string>();
  private readonly observations: Observation[] = [];
  private nextNumber: number;
  /** Trials numbered before the sampler's first (the enqueued ones), so the sampler's own count starts at 0. */
  private readonly offset: number;

  constructor(readonly space: Space, args: StudyArgs = {}) {
    const where = 'search.Study';
    checkKeys(where, args, ['direction', 'method', 'trials', 'seed', 'journal', 'pruner', 'fingerprint', 'enqueue']);
    const dims = compileSpace(space);
    this.direction = args.direction ?? 'minimize';
    if (this.direction !== 'minimize' && this.direction !== 'maximize') throw new InputError(`${where}: direction must be minimize or maximize, got ${JSON.stringify(this.direction)}`);
    this.method = args.method ?? 'tpe';
    if (!methodNames.includes(this.method)) throw new InputError(`search: unknown method ${JSON.stringify(this.method)}; known methods: ${methodNames.join(', ')}`);
    this.seed = integerAtLeast(where, 'seed', args.seed ?? 0, 0);
    this.sampler = makeSampler(this.method, dims, this.seed);
    if (args.trials !== undefined) integerAtLeast(where, 'trials', args.trials, 1);
    this.pruner = typeof args.pruner === 'string' ? prunerByName(args.pruner) : args.pruner;
    this.sign = this.direction === 'minimize' ? 1 : -1;
    let enqueue = [...(args.enqueue ?? [])];
    const header: StudyHeader = { type: 'study', version: 1, direction: this.direction, method: this.method, seed: this.seed, space, fingerprint: args.fingerprint ?? null, ...(enqueue.length > 0 ? { enqueued: enqueue } : {}) };
    let resumed: Resumed | undefined;
    if (args.journal !== undefined) {
      const found = readJournal(args.journal);
      this.writer = new JournalWriter(args.journal);
      if (found.header === undefined) this.writer.header(header);
      else {
        checkHeader(args.journal, found.header, header);
        // A journal written before enqueued trials existed resumes as it was begun.
        enqueue = [...(found.header.enqueued ?? [])];
        for (const [n, t] of found.trials) {
          if (t.state === 'running') this.rerun.push(t);
          else this.records.set(n, t);
        }
        for (const [n, m] of found.reports) if (this.records.has(n)) this.reports.set(n, m);
        this.rerun.sort((a, b) => a.number - b.number);
        resumed = { path: args.journal, finished: this.records.size, complete: [...this.records.values()].filter((t) => t.state === 'complete').length, total: 0 };
      }
    }
    this.offset = enqueue.length;
    enqueue.forEach((_, i) => this.enqueuedNumbers.add(i));
    // A finite sampler's points plus the enqueued trials that are not among them.
    const size = this.sampler.size !== undefined ? this.sampler.size + enqueue.filter((p) => this.sampler.has?.(p) !== true).length : undefined;
    this.total = Math.min(args.trials ?? size ?? DEFAULT_TRIALS, size ?? Infinity);
    if (resumed !== undefined) {
      const held = resumed.finished + this.rerun.length;
      if (held > this.total) throw new InputError(`journal ${JSON.stringify(args.journal)} already holds ${held} trials, more than the ${this.total} asked for; ask for at least ${held} trials, or give another journal file`);
      this.resumed = { ...resumed, total: this.total };
    }
    for (const t of this.records.values()) {
      this.tried.add(paramsKey(t.params));
      this.observe(t);
    }
    for (const t of this.rerun) this.tried.add(paramsKey(t.params));
    const taken = new Set([...this.records.keys(), ...this.rerun.map((t) => t.number)]);
    enqueue.forEach((p, i) => {
      if (!taken.has(i)) this.queued[i] = p;
    });
    this.nextNumber = Math.max(-1, ...taken) + 1;
  }

  /** Trials finished (complete, pruned or failed). */
  get finished(): number {
    return this.records.size;
  }

  /** Every finished trial, by number. */
  trials(): TrialRecord[] {
    return [...this.records.values()].sort((a, b) => a.number - b.number);
  }

  /** The best complete trial so far (ties: the earlier). */
  best(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    for (const t of this.records.values()) if (t.state === 'complete' && this.isBetter(t, best)) best = t;
    return best;
  }

  /** The next trial to run, or undefined when the study has all it asked for (or the sampler has no more). */
  ask(): Trial | undefined {
    if (this.records.size + this.running.size >= this.total) return undefined;
    const again = this.rerun.shift();
    if (again !== undefined) return this.start(again.number, again.params);
    const firstQueued = this.queued.findIndex((p) => p !== undefined);
    if (firstQueued >= 0) {
      const params = this.queued[firstQueued]!;
      delete this.queued[firstQueued];
      this.tried.add(paramsKey(params));
      this.nextNumber = Math.max(this.nextNumber, firstQueued + 1);
      return this.start(firstQueued, params);
    }
    const number = this.nextNumber;
    this.observations.sort((a, b) => a.number - b.number);
    const params = this.sampler.propose({ number: number - this.offset, finished: this.observations, running: [...this.running.values()], tried: this.tried });
    if (params === undefined) return undefined;
    this.tried.add(paramsKey(params));
    this.nextNumber++;
    return this.start(number, params);
  }

  /**
   * Records how a trial ended: a value, a value with extra columns, or an Error (the trial
   * failed). A non-finite value is a failure; a trial the pruner stopped is recorded as pruned.
   */
  tell(trial: Trial, outcome: number | TrialOutcome | Error): TrialRecord {
    if (!this.running.has(trial.number)) throw new InputError(`search.Study: trial ${trial.number} is not running (asked once, told once)`);
    const finished = new Date();
    const timing = { startedAt: trial.startedAt, finishedAt: finished.toISOString(), durationS: (finished.getTime() - Date.parse(trial.startedAt)) / 1000 };
    const base = { number: trial.number, params: trial.params, seed: trial.seed, ...timing };
    let record: TrialRecord;
    if (outcome instanceof Error) record = { ...base, state: 'fail', error: outcome.message };
    else {
      const value = typeof outcome === 'number' ? outcome : outcome?.value;
      const attrs = typeof outcome === 'number' ? undefined : outcome?.attrs;
      const extra = { ...(attrs ? { attrs } : {}) };
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        record = { ...base, state: 'fail', ...extra, error: `the objective returned ${typeof value === 'number' ? String(value) : JSON.stringify(value) ?? 'undefined'}, not a finite number` };
      } else record = { ...base, state: this.pruned.has(trial.number) ? 'pruned' : 'complete', value, ...extra };
    }
    this.running.delete(trial.number);
    this.records.set(trial.number, record);
    this.observe(record);
    this.writer?.trial(record);
    return record;
  }

  /** What a progress display shows. */
  progress(): SearchProgress {
    return { finished: this.records.size, total: this.total, best: this.best() };
  }

  /** The outcome so far; an InputError when no trial completed. */
  result(): SearchResult {
    const all = this.trials();
    const best = this.best();
    if (best === undefined) {
      const failed = all.find((t) => t.state === 'fail');
      if (all.length === 0) throw new InputError('search: no trial ran');
      throw new InputError(`search: all ${all.length} trials failed or were pruned${failed ? `; trial ${failed.number} failed: ${failed.error}` : ''}`);
    }
    return { best: { number: best.number, params: best.params, value: best.value! }, trials: all, direction: this.direction };
  }

  private isBetter(a: TrialRecord, b: TrialRecord | undefined): boolean {
    return b === undefined || this.sign * a.value! < this.sign * b.value! || (a.value === b.value && a.number < b.number);
  }

  private observe(t: TrialRecord): void {
    if (this.enqueuedNumbers.has(t.number)) return;
    if (t.state === 'complete' || t.state === 'pruned') this.observations.push({ number: t.number, params: t.params, loss: this.sign * t.value!, state: t.state });
  }

  private start(number: number, params: Params): Trial {
    const enqueued = this.enqueuedNumbers.has(number);
    const seed = enqueued ? this.seed : trialSeed(this.seed, number);
    const startedAt = new Date().toISOString();
    this.running.set(number, params);
    this.writer?.trial({ number, state: 'running', params, seed, startedAt });
    const own = new Map<number, number>();
    this.reports.set(number, own);
    const study = this;
    return {
      number, params, seed, enqueued, startedAt,
      report(step, value) {
        if (typeof step !== 'number' || !Number.isFinite(step)) throw new InputError(`trial ${number}: report step must be a finite number, got ${String(step)}`);
        own.set(step, study.sign * value);
        study.writer?.report(number, step, value);
        if (study.pruner === undefined || study.pruned.has(number)) return study.pruned.has(number);
        const others = new Map([...study.reports].filter(([n]) => n !== number));
        const complete = new Set([...study.records.values()].filter((t) => t.state === 'complete').map((t) => t.number));
        if (study.pruner.shouldPrune({ number, step, own, others, complete })) study.pruned.add(number);
        return study.pruned.has(number);
      },
    };
  }
}

async function optimize(direction: 'minimize' | 'maximize', objective: Objective, space: Space, args: OptimizeArgs): Promise<SearchResult> {
  checkKeys(`search.${direction}`, args, ARG_KEYS);
  if (typeof objective !== 'function') throw new InputError(`search.${direction}: the objective must be a function`);
  const jobs = integerAtLeast(`search.${direction}`, 'jobs', args.jobs ?? 1, 1);
  const { jobs: _jobs, onTrial, signal, onStudy, ...studyArgs } = args;
  const study = new Study(space, { ...studyArgs, direction });
  onStudy?.(study);
  // A thin loop over ask and tell, `jobs` of them at once.
  const loop = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) return;
      const trial = study.ask();
      if (trial === undefined) return;
      onTrial?.({ number: trial.number, state: 'running', params: trial.params, seed: trial.seed, startedAt: trial.startedAt }, study.progress());
      let outcome: number | TrialOutcome | Error;
      try {
        outcome = await objective(trial.params, trial);
      } catch (e) {
        outcome = e instanceof Error ? e : new Error(errorMessage(e));
      }
      const record = study.tell(trial, outcome);
      onTrial?.(record, study.progress());
    }
  };
  await Promise.all(Array.from({ length: jobs }, loop));
  return study.result();
}
