/**
 * `backprop search`: hyperparameter search over train options. Trials run in this process
 * (--jobs 1), on worker threads (--jobs N) or on other machines through a Redis queue (--queue);
 * every trial event goes to an append-only JSONL journal, so running the same command again
 * resumes. Trial 0 is what `train` trains with the same options (the preset resolved for the
 * table under the options typed); the best configuration is then trained as `train` trains it,
 * through the library, and the summary says how it compares with trial 0.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readTextBytes } from '../textFile.js';
import { countOf } from '../../src/core/format.js';
import {
  capAtCores, setDefaultThreads,
  bundledFile, datasets, search, InputError, planOutput, applyTrainingParams, compareWithDefault, defaultTrainingParams, holdoutsOf, refitSpec, saveModel, tableArgsOf,
  rowHashes, rowsFingerprint, tableBaseline, watchesValidation,
  CLASS_METRICS, DEFAULT_TRAINING_SPACE, checkTrainingSpace, defaultTrainingSpace,
  type JsonValue, type OutputPlan, type Table, type Params, type PresetName, type SearchResult, type Space, type TrialRecord, type MethodName, type Pruner, type TrainingSpec, type Scoring, type Refit,
} from '../../src/index.js';
import { checkFile } from '../csv.js';
import { readValidationFile } from '../validationFile.js';
import { holdoutBaselines, smoothingOf, meanOfBaselines, searchBaselineLine, trainingMetadata } from '../baseline.js';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../errors.js';
import { boxTable, formatMetric } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { SearchProgress } from '../search/progress.js';
import { resultRows, writeResults } from '../search/results.js';
import { checkOutputs, realPath, resultsJsonl } from '../search/outputs.js';
import { writeSearchReport } from '../search/report.js';
import { loadTable, MAXIMIZED, runTrainingJob, tableKey, type DataRef, type MetricName, type TrialJob, type TrialRunner } from '../search/trial.js';
import { TrialPool } from '../search/pool.js';
import { EarlyRefit } from '../search/earlyRefit.js';
import { refuseLegacyJournal } from '../search/legacyJournal.js';
import { placementLine } from '../search/placement.js';
import { runMetadata, type DataFlags } from '../settings.js';
import { specWithPreset } from '../preset.js';
import { specFromFlags, type Flags } from '../sharedOptions.js';
import { syntheticRecords } from '../source.js';

export interface SearchRun {
  /**
   * The options as parsed, by attribute name: with `preset` and `given` they make trial 0's spec
   * once the table is read (specWithPreset, as train and cv do), the base of every trial.
   */
  readonly flags: Flags;
  /** The preset trial 0 starts from (presetOf: the one asked for, else tabular for a CSV file, small for a bundled or synthetic set). */
  readonly preset: PresetName;
  /** Where the rows are. */
  readonly data: DataFlags;
  /** Train options the user typed, which must not also be in the space. */
  readonly given: ReadonlySet<string>;
  readonly space: string | undefined;
  readonly method: MethodName;
  readonly trials: number | undefined;
  readonly cv: number | undefined;
  readonly jobs: number;
  readonly journal: string;
  readonly results: string | undefined;
  readonly out: string;
  readonly report: string | undefined;
  readonly metric: MetricName;
  readonly pruner: Pruner | undefined;
  readonly queue: string | undefined;
  readonly json: boolean;
  readonly command: string;
}

/** Reads --space: a JSON object of train option → { type, low, high, log, step, choices, when }. */
export function readSpace(path: string): Space {
  checkFile(path, 'space file');
  let space: unknown;
  try {
    space = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new UsageError(`space file ${JSON.stringify(path)} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    checkTrainingSpace(space as Space);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(`${path}: ${e.message}`);
    if (e instanceof UsageError) throw new UsageError(`${path}: ${e.message}`, e.hint);
    throw e;
  }
  return space as Space;
}

/** Where the rows are, as a trial on this machine (paths) or another one (the CSV text) needs it. */
function dataRef(s: DataFlags, spec: TrainingSpec, inline: boolean): DataRef {
  const tableArgs = tableArgsOf(spec.preprocessing);
  const delimiter = s.delimiter !== undefined ? { delimiter: s.delimiter } : {};
  const synthetic = { ...(s.samples !== undefined ? { samples: s.samples } : {}), ...(s.noise !== undefined ? { noise: s.noise } : {}), seed: spec.fit.seed };
  let text: string;
  let json = {};
  if (s.data !== undefined) {
    // A JSON file's text is sent as JSON, read there as here (jsonFile.ts).
    if (checkFile(s.data) !== undefined) json = { json: true };
    text = readTextBytes(s.data).toString('utf8');
  } else {
    const name = s.dataset ?? 'iris';
    text = datasets.bundledNames.includes(name) ? readFileSync(bundledFile(name), 'utf8') : syntheticRecords(name, synthetic).map((r) => r.join(',')).join('\n');
  }
  const hash = createHash('sha256').update(text).digest('hex');
  if (inline) return { csv: text, ...json, hash, tableArgs: { ...tableArgs, source: s.data ?? s.dataset ?? 'iris' }, synthetic, ...delimiter };
  return { ...(s.data !== undefined ? { file: s.data } : { dataset: s.dataset ?? 'iris' }), hash, tableArgs, synthetic, ...delimiter };
}

/** The scoring as plain facts for the journal's fingerprint and the JSON event: a validation file by its name and the SHA-256 of its bytes, not its rows. */
function scoringFacts(scoring: Scoring, file: string | undefined): JsonValue {
  const { validation, ...rest } = scoring;
  if (validation === undefined || file === undefined) return { ...rest };
  return { ...rest, validationData: { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), rows: validation.rows } };
}

/** Held-out rows per fold or split below which a score says little: one row more or less right moves accuracy by 10%. */
const FEW_HELD_OUT_ROWS = 10;

/** The share of rows that scores each trial when the spec has no validation split of its own (the tabular preset under 500 rows trains on every row). */
const SCORING_SPLIT = 0.2;

export async function searchCommand(run: SearchRun, io: Io): Promise<number> {
  const printer = new Printer(io, run.json);
  // Jobs on this machine beyond its cores only add memory and waits (a queue's jobs run elsewhere).
  const capped = run.queue === undefined ? capAtCores('--jobs', run.jobs) : undefined;
  if (capped?.warning !== undefined) {
    printer.line(`Warning ${capped.warning}`);
    printer.event({ event: 'warning', message: capped.warning });
    run = { ...run, jobs: capped.value };
  }
  const spaceFile = run.space !== undefined ? readSpace(run.space) : undefined;
  // The default space's values follow trial 0's spec (known once the table is read); its names do not.
  for (const name of Object.keys(spaceFile ?? DEFAULT_TRAINING_SPACE)) {
    if (run.given.has(name) || (name === 'units' || name === 'depth' ? run.given.has('layers') : false)) {
      throw new UsageError(`"${name}" is both in the search space and given as a fixed option`, 'leave one out');
    }
  }
  if (run.cv !== undefined && run.given.has('validationSplit')) throw new UsageError('give either --cv or --validation-split, not both');
  const validationFile = run.data.validationData;
  if (validationFile !== undefined) {
    if (run.cv !== undefined || run.given.has('validationSplit')) throw new UsageError(`--validation-data scores every trial on ${validationFile}; give it without --cv and --validation-split`);
    if (run.queue !== undefined) throw new UsageError('--validation-data is not available with --queue: the queue\'s workers receive one table per search', 'run the search with --jobs on this machine, or hold the validation rows out with --validation-split');
  }
  const resultsPath = run.results ?? run.journal.replace(/\.jsonl$/i, '') + '-results.csv';
  checkOutputs(
    [{ option: '--journal', path: run.journal }, ...(run.data.data !== undefined ? [{ option: 'the data', path: run.data.data }] : []), ...(validationFile !== undefined ? [{ option: '--validation-data', path: validationFile }] : []), ...(run.space !== undefined ? [{ option: '--space', path: run.space }] : [])],
    [{ option: '--results', path: resultsPath }, { option: '--results (its JSONL table)', path: resultsJsonl(resultsPath) }, { option: '--out', path: run.out }, ...(run.report !== undefined ? [{ option: '--report', path: run.report }] : [])],
  );
  refuseLegacyJournal(run.journal);
  // How the table is read comes from the options alone (a preset chooses no reading); a bad typed value stops here.
  const reading = specFromFlags(run.flags);
  const data = dataRef(run.data, reading, run.queue !== undefined);
  // The worker threads of --jobs start loading now, while this thread parses the table (they get it when parsed).
  const pool = run.queue === undefined && run.jobs > 1 ? startPool(run.jobs, (text) => printer.line(text)) : undefined;
  let table: Table;
  let heldOut: number;
  let base: TrainingSpec;
  let why: string;
  let space: Space;
  let scoring: Scoring;
  try {
    table = await loadTable(data);
    pool?.setTable({ key: tableKey(data), table });
    // Trial 0: what train trains on this table with these options. A pruner or an early-stopping
    // space watches validation rows, which the tabular preset under 500 rows has none of.
    const watcher = run.pruner !== undefined ? '--pruner' : spaceFile !== undefined && 'earlyStopping' in spaceFile ? 'earlyStopping in the space' : undefined;
    ({ spec: base, why } = specWithPreset(run.preset, run.flags, run.given, table, watcher));
    space = spaceFile ?? defaultTrainingSpace(base);
    // A validation file is read as the training file (its schema, missing tokens, decimal mark) and scores every trial.
    const validation = validationFile !== undefined
      ? await readValidationFile(validationFile, table, base, data.delimiter)
      : undefined;
    scoring = validation !== undefined ? { validation, seed: base.fit.seed }
      : run.cv !== undefined ? { folds: run.cv, seed: base.fit.seed } : { validationSplit: base.fit.validationSplit > 0 ? base.fit.validationSplit : SCORING_SPLIT, seed: base.fit.seed };
    const plan = prepareTrainingPlan(table, base);
    if (plan.task === 'regression' && CLASS_METRICS.has(run.metric)) throw new UsageError(`--metric ${run.metric} needs a classification target`, 'use loss, mae, rmse or r2');
    if (plan.task !== 'regression' && ['mae', 'rmse', 'r2'].includes(run.metric)) throw new UsageError(`--metric ${run.metric} needs a numeric target`, 'use loss, accuracy, balanced_accuracy or f1');
    if (run.cv !== undefined && run.cv > table.rows) throw new UsageError(`--cv ${run.cv} needs at least ${run.cv} rows; the data has ${table.rows}`);
    heldOut = Math.min(...holdoutsOf(table, scoring).map((h) => h.test.length));
  } catch (e) {
    await pool?.close();
    throw e;
  }
  // What makes two searches the same: the preset (first, so a refusal names it first), the data, how
  // it is read, the fixed spec it resolved to (the seed is the header's), scoring and metric.
  const { seed: _seed, ...fixedFit } = base.fit;
  const facts = scoringFacts(scoring, validationFile);
  const fingerprint: JsonValue = JSON.parse(JSON.stringify({ preset: run.preset, data: data.hash, delimiter: data.delimiter, fixed: { ...base, fit: fixedFit }, scoring: facts, metric: run.metric })) as JsonValue;
  const direction = MAXIMIZED.has(run.metric) ? 'maximize' : 'minimize';
  // Trial n's spec: the fixed options with its parameters, its weights seeded by its trial seed (trial 0, the defaults, by --seed).
  const trialSpec = (params: Params, seed: number): TrainingSpec => applyTrainingParams({ ...base, fit: { ...base.fit, seed } }, params);

  const runner = pool !== undefined ? poolRunner(pool) : await makeRunner(run, (text) => printer.line(text));
  const progress = new SearchProgress(run.json ? 'json' : io.stdout.isTTY ? 'tty' : 'plain', printer, run.metric);
  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(EXIT_INTERRUPTED);
    abort.abort();
    io.stderr.write('\nInterrupted: finishing the running trials (Ctrl-C again to quit; the journal resumes either way)\n');
  };
  process.on('SIGINT', onSigint);
  const parts = scoring.validation !== undefined ? `scored on the ${scoring.validation.rows} rows of ${validationFile}` : run.cv !== undefined ? `${run.cv}-fold cross-validation${table.y?.kind === 'classes' ? ' (stratified)' : ''}` : `validation split ${scoring.validationSplit}`;
  printer.line(`Search  ${run.method}, ${run.trials ?? 'all'} trials of ${Object.keys(space).join(', ')} (trial 0: ${trialZeroText(base)}); ${parts}; ${watchText(base, space, run.pruner !== undefined)}; metric ${run.metric} (${direction === 'maximize' ? 'higher' : 'lower'} is better)`);
  printer.line(`        ${why}`);
  printer.event({ event: 'search', preset: run.preset, why, spec: base, space, scoring: facts, metric: run.metric });
  printer.line(`Runs on ${run.queue !== undefined ? `the queue ${run.queue}` : run.jobs === 1 ? 'this thread' : `${run.jobs} jobs (this thread and ${run.jobs - 1} worker thread${run.jobs === 2 ? '' : 's'})`}; journal ${run.journal}`);
  if (heldOut < FEW_HELD_OUT_ROWS) {
    const advice = run.cv !== undefined ? 'the data set is too small for these scores to rank configurations; gather more rows' : `use --cv 5, which scores every one of the ${table.rows} rows once`;
    printer.line(`Warning each trial is scored on ${countOf(heldOut, 'held-out row')}${run.cv !== undefined ? ' per fold' : ''}: its scores are mostly noise; ${advice}`);
    printer.event({ event: 'warning', kind: 'few-held-out-rows', rows: heldOut });
  }
  // On --jobs J, the winner's refit begins on the first job with no trial left (refitSpec's bits do not depend on when or where).
  const early = pool !== undefined ? new EarlyRefit<Refit>({
    takeIdle: () => {
      const job = pool.takeIdle();
      return job && { where: job.where, refit: (trial, signal) => job.refit(trialSpec(trial.params, trial.seed), signal), release: () => job.release() };
    },
  }) : undefined;
  let result: SearchResult;
  let begunEarly: Awaited<ReturnType<EarlyRefit<Refit>['take']>>;
  try {
    const objective = (params: Params, trial: { number: number; seed: number; report: (step: number, value: number) => boolean }) => {
      const job: TrialJob = { data, spec: trialSpec(params, trial.seed), scoring, metric: run.metric, prune: run.pruner !== undefined, ...(run.queue !== undefined ? { label: { trial: trial.number, params } } : {}) };
      return runner.run(job, (step, value) => trial.report(step, value));
    };
    const optimize = direction === 'maximize' ? search.maximize : search.minimize;
    result = await optimize(objective, space, {
      method: run.method,
      ...(run.trials !== undefined ? { trials: run.trials } : {}),
      seed: base.fit.seed,
      jobs: run.jobs,
      journal: run.journal,
      ...(run.pruner !== undefined ? { pruner: run.pruner } : {}),
      fingerprint,
      enqueue: [defaultTrainingParams(space, base)],
      signal: abort.signal,
      onStudy: (study) => {
        const r = study.resumed;
        if (r !== undefined) {
          printer.line(`Resuming ${r.path}: ${r.complete} of ${r.total} trials complete${r.finished > r.complete ? ` (${r.finished - r.complete} more pruned or failed)` : ''}`);
          printer.event({ event: 'resume', journal: r.path, complete: r.complete, finished: r.finished, total: r.total });
        }
      },
      onTrial: (t, p) => {
        progress.update(t, p);
        if (t.state !== 'running') early?.trialEnded(p.best);
      },
    });
    // The winner's refit, if a job began it: taken before the jobs close, since one running on a worker thread ends with it.
    if (!abort.signal.aborted) begunEarly = await early?.take(result.best.number);
  } catch (e) {
    early?.close();
    throw e;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    await runner.close();
  }

  const placement = runner.placement?.();
  if (placement !== undefined) {
    printer.line(placementLine(placement, 'trial'));
    printer.event({ event: 'jobs', here: placement.here, workers: placement.workers, loading: placement.loading });
  }
  const rows = resultRows(result);
  writeResults(resultsPath, rows);
  const comparison = compareWithDefault(result, run.metric);
  printer.line();
  printer.line(summaryTable(result, run.metric));
  printer.line(`Best    trial ${result.best.number}: ${run.metric} ${formatMetric(result.best.value)} with ${describeParams(result.best.params)}`);
  printer.line(`Default ${comparison.message}`);
  // The trivial baseline on the same held-out rows (each part's training rows give the majority class or the mean).
  const baseline = meanOfBaselines(holdoutBaselines(table, holdoutsOf(table, scoring), smoothingOf(base)));
  const baselineLine = searchBaselineLine(baseline, run.metric, result.best.value, direction === 'maximize');
  if (baselineLine !== undefined) printer.line(`Baseline ${baselineLine}`);
  printer.line(`Results ${resultsPath} and ${resultsJsonl(resultsPath)}`);
  if (abort.signal.aborted) {
    early?.close();
    printer.event({ event: 'interrupted', finished: result.trials.length, journal: run.journal });
    io.stderr.write(`Interrupted after ${result.trials.length} trials; run the same command to resume from ${run.journal}\n`);
    return EXIT_INTERRUPTED;
  }

  // The best configuration, trained by the library as train trains it, and saved with its
  // preprocessing, the spec it trained (so that `train --resume` continues it), the baseline and
  // the training rows' fingerprint (so that evaluate knows them), as train saves them.
  const bestRecord = result.trials.find((t) => t.number === result.best.number)!;
  const bestSpec = trialSpec(result.best.params, bestRecord.seed);
  const hashes = rowHashes(table);
  const refit = begunEarly?.value ?? await refitSpec(bestSpec, table);
  const trainRows = refit.split.train;
  saveModel(refit.model, run.out, {
    preprocessing: refit.preprocessing,
    training: { epoch: refit.history.epoch.length, history: { epoch: [...refit.history.epoch], history: refit.history.history } },
    metadata: { ...runMetadata(refit.spec, run.data, 'backprop search'), ...trainingMetadata(tableBaseline(table.y!, trainRows), rowsFingerprint(hashes, trainRows)) },
  });
  const which = result.best.number === 0 ? 'the default configuration' : `trial ${result.best.number}`;
  const rowsText = refit.split.validation.length === 0 ? `on all ${table.rows} rows` : `as train does: ${trainRows.length} of the ${table.rows} rows, ${refit.split.validation.length} held out for ${refit.spec.fit.keepBest === true ? 'its best epoch' : 'early stopping'}`;
  printer.line(`Model   ${which} trained ${rowsText} (${countOf(refit.history.epoch.length, 'epoch')}${begunEarly !== undefined ? `, begun on ${begunEarly.where === 'here' ? 'this thread' : 'a worker thread'} while the last trials ran` : ''}), saved to ${run.out}`);
  if (run.report !== undefined) {
    writeSearchReport(run.report, { command: run.command, result, metric: run.metric, space, rows });
    printer.line(`Report written to ${run.report}`);
  }
  printer.event({ event: 'done', best: result.best, default: { value: comparison.baseline?.value ?? null, difference: comparison.difference ?? null, withinNoise: comparison.withinNoise, message: comparison.message }, trials: result.trials.length, ...(baseline ? { baseline } : {}), model: run.out, results: resultsPath, journal: run.journal, ...(run.report ? { report: run.report } : {}) });
  return EXIT_OK;
}

/** The task and output of the fixed settings on this table (a bad loss or target is a usage error before any trial). */
function prepareTrainingPlan(table: Table, spec: TrainingSpec): OutputPlan {
  const target = table.schema.target;
  if (target === undefined) throw new UsageError('the data has no target column');
  try {
    return planOutput(target, spec.compile.loss);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
}

async function makeRunner(run: SearchRun, onEvent: (text: string) => void): Promise<TrialRunner> {
  if (run.queue !== undefined) {
    const { QueueRunner } = await import('../search/queue.js');
    // A pruned trial's result depends on the study's other trials: its job is this journal's.
    return QueueRunner.connect(run.queue, run.pruner !== undefined ? `${run.pruner.name}:${realPath(run.journal)}` : '', onEvent);
  }
  return { run: (job, report) => runTrainingJob(job, report), close: async () => {} };
}

/**
 * --jobs J on this machine: this thread is one of the jobs and starts on the first trial at once;
 * J − 1 worker threads start once the search has run WORKER_START_AFTER_MS (a search shorter
 * than that would not earn back their start-up, so it is never slower than --jobs 1), once for the
 * search, each given the parsed table (no thread reads or parses the data again); they join when
 * loaded, and a trial goes to whichever job is free first.
 */
function startPool(jobs: number, onEvent: (text: string) => void): TrialPool {
  return new TrialPool({ workers: jobs - 1, here: true, table: 'later', startAfterMs: WORKER_START_AFTER_MS, onWarning: (m) => onEvent(`Warning ${m}`) });
}

/** About a worker thread's start-up CPU (measured 0.18 s): a search that ends sooner runs on this thread alone. */
const WORKER_START_AFTER_MS = 200;

/**
 * The pool as the search's runner. Every job's products get the cores the jobs leave (one kernel
 * thread each when the jobs fill the cores); the refit after the search gets this thread's default back.
 */
function poolRunner(pool: TrialPool): TrialRunner {
  setDefaultThreads(pool.threadsPerJob);
  return {
    run: (job, report) => pool.run(job, report),
    close: async () => {
      setDefaultThreads('auto');
      await pool.close();
    },
    placement: () => pool.placement(),
  };
}

/** A parameter value for a table: integers as they are, other numbers to 4 significant places, the rest as JSON. */
export function formatParam(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v !== 'number') return typeof v === 'string' ? v : JSON.stringify(v);
  return Number.isInteger(v) ? String(v) : formatMetric(v).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function describeParams(p: Params): string {
  return Object.entries(p).map(([k, v]) => `${k}=${formatParam(v)}`).join(', ');
}

/** What trial 0 is, for the Search line: what train trains with the same options, named (the next line gives the preset's why). */
function trialZeroText(base: TrainingSpec): string {
  const layers = base.architecture.hidden.length > 0 ? base.architecture.hidden.join(',') : 'none';
  return `what train trains with these options, layers ${layers}, ${base.preprocessing.scale} scaling, ${countOf(base.fit.epochs, 'epoch')}, batch ${base.fit.batchSize}`;
}

/**
 * What a trial watches inside each held-out part (the scorer's innerSplit): early stopping on a
 * share of that part's other rows, or nothing, when every other row is trained on; a pruner
 * watches such a share of the first part's. The held-out rows are never watched.
 */
function watchText(spec: TrainingSpec, space: Space, pruning: boolean): string {
  const fit = spec.fit;
  const share = `${Math.round(fit.validationSplit * 100)} % of the other rows`;
  const who = 'earlyStopping' in space ? 'trial 0' : 'each trial';
  const pruner = pruning && fit.validationSplit > 0 ? `; the pruner watches ${share} of the first part` : '';
  if (!watchesValidation(spec) || fit.validationSplit <= 0) return `${who} trains on all the other rows, no early stopping${pruner}`;
  const stops = fit.keepBest === true
    ? `${who} keeps its epoch of lowest loss on ${share}${fit.earlyStopping !== undefined ? `, stopping ${countOf(fit.earlyStopping, 'epoch')} after it` : ''}`
    : `${who} stops early on ${share} (patience ${fit.earlyStopping})`;
  return `${stops}${pruning ? '; the pruner watches them in the first part' : ''}`;
}

/** The five best trials and how the trials ended. */
function summaryTable(result: SearchResult, metric: string): string {
  const sign = result.direction === 'maximize' ? -1 : 1;
  const complete = result.trials.filter((t): t is TrialRecord & { value: number } => t.state === 'complete').sort((a, b) => sign * (a.value - b.value) || a.number - b.number);
  const names = [...new Set(result.trials.flatMap((t) => Object.keys(t.params)))];
  // A spread needs several scores: with one validation split every std is 0, which would read as "no noise".
  const folds = (t: TrialRecord) => (typeof t.attrs?.folds === 'number' ? t.attrs.folds : 1);
  const spread = complete.some((t) => folds(t) > 1);
  const std = (t: TrialRecord) => (spread ? [folds(t) > 1 ? formatMetric(t.attrs?.value_std as number | undefined) : '—'] : []);
  const rows = complete.slice(0, 5).map((t) => [String(t.number), formatMetric(t.value), ...std(t), ...names.map((n) => formatParam(t.params[n])), `${(t.durationS ?? 0).toFixed(1)}s`]);
  const counts = ['complete', 'pruned', 'fail'].map((s) => `${result.trials.filter((t) => t.state === s).length} ${s === 'fail' ? 'failed' : s}`).join(', ');
  return `${boxTable(['trial', metric, ...(spread ? ['± std over folds'] : []), ...names, 'time'], rows)}\n${result.trials.length} trials: ${counts}`;
}
