import type { TrialRecord } from '../../src/index.js';

/** Where a refit runs: a job of the search lent out while it is free with no trial left for it. */
export interface RefitPlace<R> {
  readonly where: 'here' | 'worker';
  /** Trains the trial's spec on every row; ends, rejecting, when `signal` aborts. */
  refit(trial: TrialRecord, signal: AbortSignal): Promise<R>;
  /** Gives the job back to the search. */
  release(): void;
}

/** The jobs of a search as the early refit sees them: one that is free with no trial waiting, if any (this thread first). */
export interface IdleJobs<R> {
  takeIdle(): RefitPlace<R> | undefined;
}

/** A refit begun early, as the search takes it: its result and where it ran. */
export interface EarlyResult<R> {
  readonly value: R;
  readonly where: 'here' | 'worker';
}

interface Running<R> {
  readonly number: number;
  readonly where: 'here' | 'worker';
  readonly controller: AbortController;
  /** The refit's result, or undefined when it was aborted or failed (the search then refits as usual). */
  readonly result: Promise<R | undefined>;
}

/**
 * The refit of a search's winner, begun before the search ends: when a job (this thread, or a
 * worker thread) is free and no trial is left for it (the last trials run on the others), it
 * trains the best trial so far on every row instead of waiting. A trial that ends better aborts it (and the next free
 * moment starts the new best's); at the end the search takes it if its trial won, else refits
 * as usual. The refit is the same either way (same spec, seed and rows; the kernel threads'
 * count never changes the bits), so this changes when it runs, not what it gives.
 */
export class EarlyRefit<R> {
  private running: Running<R> | undefined;
  private best: TrialRecord | undefined;
  /** Trials whose refit was begun early (tests and the closing line read it). */
  readonly begun: number[] = [];
  private closed = false;

  constructor(private readonly jobs: IdleJobs<R>) {}

  /** After a trial ends: `best` is the study's best so far; starts or restarts the refit at the next free moment of a job. */
  trialEnded(best: TrialRecord | undefined): void {
    if (this.closed || best === undefined || best.state !== 'complete') return;
    this.best = best;
    if (this.running !== undefined && this.running.number !== best.number) this.abort();
    // After the search has handed this thread its next trial, if it has one (in this turn's promise jobs).
    setImmediate(() => this.tryStart());
  }

  /** The refit of trial `number` if it was begun early and finished; any other is aborted. */
  async take(number: number): Promise<EarlyResult<R> | undefined> {
    this.closed = true;
    const running = this.running;
    if (running === undefined) return undefined;
    if (running.number !== number) {
      this.abort();
      return undefined;
    }
    const value = await running.result;
    return value === undefined ? undefined : { value, where: running.where };
  }

  /** Aborts a refit in progress and begins no other (an interrupted or failed search). */
  close(): void {
    this.closed = true;
    this.abort();
  }

  private abort(): void {
    this.running?.controller.abort(new Error('a better trial ended'));
    this.running = undefined;
  }

  private tryStart(): void {
    const best = this.best;
    if (this.closed || best === undefined || this.running !== undefined) return;
    const place = this.jobs.takeIdle();
    if (place === undefined) return;
    const controller = new AbortController();
    this.begun.push(best.number);
    const result = place.refit(best, controller.signal).catch(() => undefined).finally(() => {
      place.release();
      // A better trial may have ended meanwhile, with the job taken: begin its refit now.
      if (this.running === undefined) this.tryStart();
    });
    this.running = { number: best.number, where: place.where, controller, result };
  }
}
