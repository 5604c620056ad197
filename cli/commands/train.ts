import { countOf } from '../../src/core/format.js';
import {
  beatsBaseline, describeThreads,
  rowHashes, rowsFingerprint, tableBaseline, scoreBaselineOnRows, type Baseline, type BaselineScores, type ClassScores, type PreparedTraining, type TrainingSpec,
  History, loadModel, saveModel, prepareTraining, startRun, scalerFromJSON, gatherRows, describeNetwork, tableArgsOf, trainingVerdict, planOutput, InputError,
  type Callback, type LoadedModel, type Sequential, type Table, type TableSchema, type OutputPlan, type Split,
} from '../../src/index.js';
import { checkFile, readCsvTable } from '../csv.js';
import { readValidationFile } from '../validationFile.js';
import { baselineCell, baselineLossOf, baselineNote, lossRowName, imbalanceNote, imbalanceOf, modelClassScores, trainingMetadata } from '../baseline.js';
import { columnPlan, dataLines, discardedEpochText, planOptionsOf, stoppingText, taskName, validationFileLines } from '../describe.js';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../errors.js';
import { boxTable, formatMetric, measure, outputTable, regressionLossNote, type SetMetrics } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { Progress } from '../progress.js';
import { Interrupt } from '../interrupt.js';
import { InsideRecorder } from '../report/inside.js';
import { writeTrainingReport } from '../report/write.js';
import { runMetadata, savedRun, type DataFlags } from '../settings.js';
import { specFromFlags, type Flags } from '../sharedOptions.js';
import { presetOf, specWithPreset } from '../preset.js';
import { verdictFacts } from '../verdictFacts.js';
import { loadSource, type DataSource } from '../source.js';
import { isGzipped, textSize } from '../textFile.js';
import { STREAM_ABOVE_BYTES, STREAM_DEFAULTS, columnDifferences, decideColumns, streamsBySize, type StreamSettings } from '../streamTable.js';
import { checkStreamable, trainStreamed } from './trainStream.js';
import { epochCheckpoints, mergeHistory, type HistoryData } from '../checkpoints.js';

export interface TrainRun {
  /** The options as parsed: specFromFlags makes the run's spec of them (on --resume, of those given again over the saved spec). */
  readonly flags: Flags;
  readonly data: DataFlags;
  readonly out: string;
  readonly report: string | undefined;
  readonly resume: string | undefined;
  /** Print how every column is read and what would be trained, then stop. */
  readonly dryRun?: boolean;
  /** Save a resumable checkpoint here at the end of every epoch. */
  readonly checkpoint: string | undefined;
  readonly json: boolean;
  /** Options the user typed (the rest are defaults), for --resume. */
  readonly given: ReadonlySet<string>;
  /** The command line, for the report. */
  readonly command: string;
  /** Start a new run from this saved model's weights and pipeline (the new file's columns must match). */
  readonly init?: string;
  /** Read the file a block at a time (true), whole (false), or by its size (undefined: above STREAM_ABOVE_BYTES). */
  readonly stream?: boolean;
  /** Smaller blocks and buffers when streaming (tests). */
  readonly streamSettings?: Partial<StreamSettings>;
}

/** --init on a file whose columns are not the model's: each difference named (`differences`). */
export class InitColumnsError extends UsageError {
  constructor(file: string, model: string, readonly differences: readonly string[]) {
    super(`${file}: its columns differ from those ${model} was trained on: ${differences.slice(0, 10).join('; ')}${differences.length > 10 ? `; and ${differences.length - 10} more` : ''}`, 'train a new model without --init, or give a file with the same columns');
  }
}

/** `backprop train`: read data, pick a network for the target, train with progress, save, report. */
export async function trainCommand(run: TrainRun, io: Io): Promise<number> {
  const printer = new Printer(io, run.json);
  let resumed: LoadedModel | undefined;
  let initFrom: LoadedModel | undefined;
  let spec: TrainingSpec;
  let data = run.data;
  if (run.init !== undefined && run.resume !== undefined) throw new UsageError('give --init or --resume, not both', '--resume continues an interrupted run; --init starts a new run from a saved model');
  if (run.init !== undefined) {
    checkFile(run.init, 'model file');
    initFrom = loadModel(run.init);
    if (initFrom.preprocessing.schema === undefined) throw new UsageError(`${run.init} has no column schema; --init needs a model written by "backprop train"`);
    const saved = savedRun(initFrom.metadata, run.init);
    // The saved run's settings (target, architecture, ...) under the options typed now.
    spec = specFromFlags(Object.fromEntries([...run.given].filter((k) => k in run.flags).map((k) => [k, run.flags[k]])), saved.spec);
  } else if (run.resume !== undefined) {
    checkFile(run.resume, 'checkpoint');
    resumed = loadModel(run.resume);
    const saved = savedRun(resumed.metadata, run.resume);
    spec = specFromFlags(resumeFlags(run), saved.spec);
    data = { ...saved.data, ...(run.data.data !== undefined ? { data: run.data.data } : {}) };
  } else {
    spec = specFromFlags(run.flags);
  }
  const file = data.data;
  if (initFrom !== undefined) {
    if (file === undefined) throw new UsageError('--init needs a data file to continue training on');
    const fresh = await decideColumns(file, tableArgsOf(spec.preprocessing), STREAM_DEFAULTS.prefixRows, data.delimiter);
    const differences = columnDifferences(initFrom.preprocessing.schema!, fresh);
    if (differences.length > 0) throw new InitColumnsError(file, run.init!, differences);
  }
  if (file !== undefined) checkFile(file);
  const bySize = file !== undefined && run.stream !== false && streamsBySize(file);
  const streamed = run.stream === true || (resumed?.metadata.streamed === true && run.stream !== false) || bySize;
  if (streamed) {
    if (file === undefined) throw new UsageError('--stream needs a data file');
    checkStreamable(data);
    if (run.stream === undefined && bySize) printer.line(`Stream  ${file} ${isGzipped(file) ? 'holds' : 'is'} ${(textSize(file) / 1e6).toFixed(0)} MB${isGzipped(file) ? ' of text' : ''}, above ${STREAM_ABOVE_BYTES / 1e6} MB: read a block at a time in bounded memory (--no-stream reads it whole)`);
    const from = initFrom ? { loaded: initFrom, resume: false, initialEpoch: 0 } : resumed ? { loaded: resumed, resume: true, initialEpoch: resumed.training?.epoch ?? 0 } : undefined;
    if (from?.resume && spec.fit.epochs <= from.initialEpoch) throw new UsageError(`${run.resume} has already trained ${countOf(from.initialEpoch, 'epoch')}; ask for more with --epochs (e.g. --epochs ${from.initialEpoch + 10})`);
    return trainStreamed(file, spec, data, tableArgsOf(spec.preprocessing), { out: run.out, json: run.json, dryRun: run.dryRun === true, ...(from ? { from } : {}), ...(run.streamSettings ? { settings: run.streamSettings } : {}), ...(run.checkpoint !== undefined ? { checkpoint: run.checkpoint } : {}), ...(run.report !== undefined ? { report: { path: run.report, command: run.command } } : {}), preset: { name: presetOf(run.flags.preset, data), flags: run.flags, given: run.given } }, printer, io);
  }

  const source = initFrom ? await resumedSource(data, spec, initFrom) : resumed ? await resumedSource(data, spec, resumed) : await loadSource(data.data, data.dataset, tableArgsOf(spec.preprocessing), syntheticArgs(data, spec), data.delimiter);
  const table = source.table;
  if (source.note) printer.line(source.note);
  // The preset, resolved for this table under the options typed; a resumed run has its saved spec.
  let why: string | undefined;
  // (--init keeps the saved model's network: its weights are the start.)
  if (!resumed && !initFrom) ({ spec, why } = specWithPreset(presetOf(run.flags.preset, data), run.flags, run.given, table));
  const fit = spec.fit;
  if (run.dryRun) return dryRun(printer, source, table, spec, data, why);

  let initialEpoch = 0;
  let past: HistoryData = { epoch: [], history: {} };
  if (resumed) {
    initialEpoch = resumed.training?.epoch ?? 0;
    const h = resumed.training?.history;
    if (h) past = { epoch: [...h.epoch], history: Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, [...v]])) };
    if (fit.epochs <= initialEpoch) {
      throw new UsageError(`${run.resume} has already trained ${countOf(initialEpoch, 'epoch')}; ask for more with --epochs (e.g. --epochs ${initialEpoch + 10})`);
    }
  }
  const validationTable = data.validationData !== undefined
    ? await readValidationFile(data.validationData, table, spec, data.delimiter)
    : undefined;
  const validationLines = validationTable !== undefined ? validationFileLines(data.validationData!, validationTable) : undefined;
  if (!resumed && table.schema.target !== undefined) {
    // A loss that does not suit the target is a usage error (exit 2), found before anything is fitted.
    try {
      planOutput(table.schema.target, spec.compile.loss);
    } catch (e) {
      if (e instanceof InputError) throw new UsageError(e.message);
      throw e;
    }
  }
  // Hashed before prepareTraining may scale x in place: evaluate hashes the rows of its file as read.
  const hashes = table.y !== undefined ? rowHashes(table) : undefined;
  const continued = resumed ?? initFrom;
  const prepared = prepareTraining(spec, table, {
    ...(continued ? { resume: { model: continued.network, preprocessing: continued.preprocessing } } : {}),
    ...(validationTable ? { validation: validationTable } : {}),
    // The table was read for this run: its x becomes the training inputs in place (C5), unless the report needs it as read.
    reuseTable: run.report === undefined,
  });
  const { plan, split, preprocessing } = prepared;
  const model = prepared.network.model;
  const scaler = preprocessing.scaler ? scalerFromJSON(preprocessing.scaler) : undefined;
  const targetScaler = preprocessing.targetScaler ? scalerFromJSON(preprocessing.targetScaler) : undefined;
  const { x: xTrain, y: yTrain } = prepared.train;
  const hasVal = prepared.validation !== undefined;
  const batches = Math.ceil(xTrain.rows / Math.min(fit.batchSize, xTrain.rows));

  printHeader(printer, source, table, plan, split, model, spec, data, initialEpoch, prepared.validation?.x.rows ?? 0, why, run.init, validationLines);
  printer.event({ event: 'start', data: source.label, ...columnPlan(table, planOptionsOf(spec)), rows: table.rows, features: table.featureNames.length, task: plan.task, loss: plan.loss, trainRows: split.train.length, validationRows: prepared.validation?.x.rows ?? 0, ...(validationLines ? { validationWarnings: validationLines.warnings } : {}), parameters: model.countParams(), epochs: fit.epochs, initialEpoch });

  const progress = new Progress(run.json ? 'json' : io.stdout.isTTY ? 'tty' : 'plain', printer, { epochs: fit.epochs, batches, initialEpoch });
  const interrupt = new Interrupt();
  // The report's "Inside the network" charts; placed before early stopping so that the path's
  // last point is the last trained weights, not the restored best ones.
  const inside = run.report !== undefined
    ? new InsideRecorder({ parameters: model.trainableParams().reduce((n, p) => n + p.size, 0), initialEpoch, epochs: fit.epochs, batches })
    : undefined;
  const callbacks: Callback[] = [progress, interrupt, ...(inside?.callbacks ?? [])];

  const baseline = table.y !== undefined ? tableBaseline(table.y, split.train) : undefined;
  const fingerprint = hashes !== undefined ? rowsFingerprint(hashes, split.train) : undefined;
  const metadata = { ...runMetadata(spec, data, 'backprop train'), ...trainingMetadata(baseline, fingerprint), ...(run.init !== undefined ? { init: run.init } : {}) };
  if (run.checkpoint !== undefined) callbacks.push(epochCheckpoints(run.checkpoint, past, { preprocessing, metadata }));

  // --init: a new run on new data, so the optimiser starts afresh (moments, step count, schedule).
  const trainingRun = startRun(prepared, { callbacks, initialEpoch, discardPartialEpoch: true, ...(initFrom ? { optimizerState: 'reset' as const } : {}) });
  const early = trainingRun.earlyStopping;
  interrupt.listen(io);
  let history: History;
  try {
    history = await trainingRun.finish();
  } finally {
    interrupt.unlisten();
    progress.stop();
  }
  const all = mergeHistory(past, history);
  const epochsDone = initialEpoch + history.epoch.length;
  const fileArgs = { preprocessing, training: { epoch: epochsDone, history: all }, metadata };

  if (interrupt.interrupted) {
    saveModel(model, run.out, fileArgs);
    if (history.discardedEpoch !== undefined) {
      io.stderr.write(`${discardedEpochText(history.discardedEpoch, epochsDone, run.checkpoint !== undefined)}\n`);
    }
    const resumeHint = `backprop train ${data.data ?? (data.dataset ? `--dataset ${data.dataset}` : '')} --resume ${run.out} --epochs ${fit.epochs}`.replace(/\s+/g, ' ');
    printer.event({ event: 'interrupted', epoch: epochsDone, checkpoint: run.out });
    io.stderr.write(`Interrupted at epoch ${epochsDone}/${fit.epochs}: checkpoint saved to ${run.out}. Resume with: ${resumeHint}\n`);
    return EXIT_INTERRUPTED;
  }

  const rawTrain = table.y?.kind === 'numeric' ? gatherRows(table.y.values, split.train) : undefined;
  const vt = prepared.validationTable;
  const rawVal = prepared.validation && vt?.y?.kind === 'numeric' ? gatherRows(vt.y.values, prepared.validation.rows) : undefined;
  const metrics = {
    training: measure(model, plan.task, xTrain, yTrain, targetScaler, rawTrain),
    validation: prepared.validation ? measure(model, plan.task, prepared.validation.x, prepared.validation.y, targetScaler, rawVal) : undefined,
  };
  saveModel(model, run.out, fileArgs);
  const notes: string[] = [];
  const stopped = early !== undefined && early.stoppedEpoch >= 0;
  // Only earlyStopping stops a run (keepBest alone watches with a patience longer than the run).
  if (stopped) notes.push(`Early stopping after epoch ${early.stoppedEpoch + 1} (no improvement for ${countOf(fit.earlyStopping!, 'epoch')}); weights restored from epoch ${early.bestEpoch + 1}.`);
  if (split.note) notes.push(split.note);
  // A count column repeats each record on purpose (identical cases): no note that validation rows repeat training rows.
  const copies = hashes !== undefined && !validationTable && table.report.counted === undefined ? validationCopiesNote(hashes, split.train, split.validation) : undefined;
  if (copies) notes.push(copies);
  const judged = judgeAgainstBaseline(table, prepared, model, baseline, fit.classWeight !== undefined, metrics);
  const verdict = interrupt.interrupted ? undefined : trainingVerdict(all, verdictFacts(early, epochsDone, hasVal ? metrics.validation : metrics.training, judged.beats === false, hasVal ? metrics.training : undefined));
  // The verdict reads the curve (the training loss without validation rows, by the same stillFalling rule): fit's "still falling" warning would only repeat it.
  notes.push(...history.warnings.filter((w) => !(verdict !== undefined && /Maximum epochs/.test(w))));
  if (judged.sentence) notes.push(judged.sentence);
  if (judged.imbalance) notes.push(judged.imbalance);
  if (verdict) notes.push(verdict.message);
  const lossNote = regressionLossNote(plan.loss, metrics.training, preprocessing.targetScaler, 'training rows');
  if (lossNote) notes.unshift(lossNote);

  printer.line();
  printer.line(metricsTable(metrics, judged));
  // Several regression targets: each one's metrics too (the table above averages over them).
  if (table.y?.kind === 'numeric' && table.y.names.length > 1) {
    printer.line(outputTable(table.y.names, [['training', metrics.training.outputs], ['validation', metrics.validation?.outputs]]));
  }
  for (const n of notes) printer.line(n);
  printer.line(`Model saved to ${run.out}`);
  if (run.report !== undefined) {
    const explain = prepared.validation && vt
      ? { preprocessing, table: vt, rows: prepared.validation.rows, on: vt === table ? 'validation rows' : `validation rows of ${data.validationData ?? 'the validation file'}` }
      : { preprocessing, table, rows: split.train, on: 'training rows (no validation rows)' };
    const validation = prepared.validation && vt && vt !== table ? { table: vt, rows: prepared.validation.rows } : undefined;
    writeTrainingReport(run.report, { command: run.command, source, table, plan, model, spec, split, history: all, metrics, notes, epochs: epochsDone, preprocessing, scaler, targetScaler, inside, explain, ...(validation ? { validation } : {}) });
    printer.line(`Report written to ${run.report}`);
  }
  printer.event({ event: 'done', epochs: epochsDone, metrics, model: run.out, ...(run.report ? { report: run.report } : {}), notes });
  return EXIT_OK;
}

/** Options that --resume takes when typed again (the rest is the checkpoint's spec): more epochs, other early stopping. */
const RESUME_OPTIONS = ['epochs', 'earlyStopping'];

function resumeFlags(run: TrainRun): Flags {
  return Object.fromEntries(RESUME_OPTIONS.filter((k) => run.given.has(k)).map((k) => [k, run.flags[k]]));
}

/** The training table of a resumed run, read with the checkpoint's column schema. */
async function resumedSource(data: DataFlags, spec: TrainingSpec, resumed: LoadedModel): Promise<DataSource> {
  const schema: TableSchema | undefined = resumed.preprocessing.schema;
  if (schema === undefined) throw new UsageError('the checkpoint has no column schema; it was not written by "backprop train"');
  const args = { schema, requireTarget: true };
  if (data.data !== undefined) return { table: await readCsvTable(data.data, args), label: data.data, note: undefined };
  return loadSource(undefined, data.dataset, args, syntheticArgs(data, spec));
}

/** A time of the split: an ISO date (with the time when it has one) or the number. */
function timeText(t: number, dates: boolean): string {
  if (!dates) return String(t);
  const iso = new Date(Math.round(t * 86_400_000)).toISOString();
  return Number.isInteger(t) ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

/**
 * A random split of a table with a date column validates on rows dated among the training rows
 * (modeldata::Chicago's daily ridership: RMSE 2.22 on a random 20 %, 2.57 on the latest 20 %):
 * the line under Split names the column and --split time, or undefined without dates.
 */
function timeSplitHint(table: Table): string | undefined {
  const date = table.schema.inputs.find((c) => c.kind === 'date');
  if (date === undefined) return undefined;
  return `${JSON.stringify(date.name)} holds dates: a random split validates on rows dated among the training rows, optimistic for a forecast; --split time:${date.name} validates on the latest rows`;
}

/** --dry-run: the Data block, the task and the split as train would do them; nothing is trained or saved. */
function dryRun(printer: Printer, source: DataSource, table: Table, spec: TrainingSpec, data: DataFlags, why: string | undefined): number {
  const s = spec.fit;
  const orderBy = spec.preprocessing.orderBy;
  for (const line of dataLines(source.label, table, planOptionsOf(spec))) printer.line(line);
  const target = table.schema.target;
  let task: OutputPlan | undefined;
  if (target !== undefined) {
    try {
      task = planOutput(target, spec.compile.loss);
    } catch (e) {
      if (e instanceof InputError) throw new UsageError(e.message);
      throw e;
    }
    printer.line(`Task    ${taskName(task.task)}: ${task.units} ${task.activation} output${task.units > 1 ? 's' : ''}, loss ${task.loss}`);
    if (table.report.targetReason) printer.line(`        ${table.report.targetReason}`);
  }
  const validation = data.validationData !== undefined ? `validation rows from ${data.validationData}` : s.validationSplit === 0 ? `no validation rows: every row trained on${why ? ` (${why})` : ''}` : orderBy !== undefined ? `validation on the latest ${Math.round(s.validationSplit * 100)} % of the rows by ${JSON.stringify(orderBy)}` : `validation on a random ${Math.round(s.validationSplit * 100)} % of the rows (seed ${s.seed})`;
  printer.line(`Split   ${validation}`);
  const hint = data.validationData === undefined && orderBy === undefined && s.validationSplit > 0 ? timeSplitHint(table) : undefined;
  if (hint) printer.line(`        ${hint}`);
  printer.line('Dry run: nothing trained or saved; run again without --dry-run to train.');
  printer.event({ event: 'plan', data: source.label, rows: table.rows, features: table.featureNames.length, ...columnPlan(table, planOptionsOf(spec)), ...(task ? { task: task.task, loss: task.loss } : {}) });
  return EXIT_OK;
}


/** A synthetic set's size and noise; its rows are drawn with the run's seed. */
function syntheticArgs(data: DataFlags, spec: TrainingSpec) {
  return { ...(data.samples !== undefined ? { samples: data.samples } : {}), ...(data.noise !== undefined ? { noise: data.noise } : {}), seed: spec.fit.seed };
}

function printHeader(p: Printer, source: DataSource, table: Table, plan: OutputPlan, split: Split, model: Sequential, spec: TrainingSpec, data: DataFlags, initialEpoch: number, validationRows: number, why: string | undefined, init: string | undefined, validationLines?: { notes: string[]; warnings: string[] }): void {
  const { scale } = spec.preprocessing;
  const s = spec.fit;
  const how = { standard: 'standardised', minmax: 'min-max scaled', robust: 'robustly scaled (median/IQR, smooth clip at ±3)', none: '' }[scale];
  const scaled = scale === 'none' ? 'inputs not scaled' : `inputs ${how} (fitted on training rows)`;
  const opt = model.session.optimizer;
  for (const line of dataLines(source.label, table, planOptionsOf(spec))) p.line(line);
  p.line(`Task    ${taskName(plan.task)}: ${plan.units} ${plan.activation} output${plan.units > 1 ? 's' : ''}, loss ${plan.loss}${plan.metrics.length ? `, metric ${plan.metrics.join(', ')}` : ''}`);
  if (table.report.targetReason) p.line(`        ${table.report.targetReason}`);
  const stratified = split.validation.length > 0 && table.y?.kind === 'classes' ? 'stratified, ' : '';
  if (data.validationData !== undefined) {
    p.line(`Split   ${split.train.length} training rows; ${validationRows} validation rows from ${data.validationData}; ${scaled}`);
    for (const n of validationLines?.notes ?? []) p.line(`        ${n}`);
    for (const w of validationLines?.warnings ?? []) p.line(`Warning ${w}`);
  } else if (split.by !== undefined) p.line(`Split   ${split.train.length} training / ${split.validation.length} validation rows (the latest by ${JSON.stringify(split.by.column)}, from ${timeText(split.by.from, split.by.dates)}); ${scaled}`);
  else p.line(`Split   ${split.train.length} training / ${split.validation.length} validation rows (${stratified}seed ${s.seed}); ${scaled}`);
  const hint = data.validationData === undefined && split.by === undefined && split.validation.length > 0 ? timeSplitHint(table) : undefined;
  if (hint) p.line(`        ${hint}`);
  const watched = validationRows > 0 ? 'validation' : 'training';
  const stopping = stoppingText(s, watched);
  const schedule = opt.getConfig().learningRate;
  const rate = typeof schedule === 'object' && schedule !== null ? scheduleText(schedule as { name: string; config: Record<string, unknown> }) : `learning rate ${opt.currentLearningRate()}`;
  p.line(`Model   ${describeNetwork(model)}, ${model.countParams().toLocaleString('en-US')} parameters; ${opt.name} (${rate}), batch size ${s.batchSize}, ${stopping}; ${model.backend} kernels on ${describeThreads(model, s.batchSize, model.backprop().kernels.threadSetting).text}`);
  if (why !== undefined) p.line(`        ${why}`);
  if (initialEpoch > 0) p.line(`Resume  from epoch ${initialEpoch}`);
  if (init !== undefined) p.line(`Init    weights and pipeline from ${init} (optimiser state reset); the scores below are this run's only`);
  if (split.note) p.line(`Note    ${split.note}`);
  p.line();
}

/** The baseline on the validation rows (the training rows without validation), the imbalanced-class scores, and the verdict's sentence. */
interface Judged {
  readonly baseline: BaselineScores | undefined;
  /** The loss row's name (it says when the model's and the baseline's loss are taken against smoothed targets). */
  readonly lossName: string;
  readonly on: 'validation' | 'training';
  /** Balanced accuracy and macro F1 of the model, training and validation, when the classes are imbalanced. */
  readonly classScores: { readonly training: ClassScores; readonly validation: ClassScores | undefined } | undefined;
  readonly sentence: string | undefined;
  readonly imbalance: string | undefined;
  /** The model beats the baseline (undefined: no baseline to compare). */
  readonly beats: boolean | undefined;
}

function judgeAgainstBaseline(table: Table, prepared: PreparedTraining, model: Sequential, baseline: Baseline | undefined, weighted: boolean, metrics: { training: SetMetrics; validation: SetMetrics | undefined }): Judged {
  const vt = prepared.validationTable;
  const val = prepared.validation;
  const on = val !== undefined && vt !== undefined ? 'validation' : 'training';
  const rowsTable = on === 'validation' ? vt! : table;
  const rows = on === 'validation' ? val!.rows : prepared.split.train;
  const scores = baseline !== undefined && rowsTable.y !== undefined ? scoreBaselineOnRows(baseline, rowsTable.y, rows, baselineLossOf(model)) : undefined;
  let classes: Judged['classScores'];
  let imbalance: string | undefined;
  const y = table.y;
  const found = y?.kind === 'classes' ? imbalanceOf(y.classes, y.counts) : undefined;
  if (y?.kind === 'classes' && found !== undefined) {
    const k = y.classes.length;
    const codesOf = (t: Table, r: readonly number[]) => Int32Array.from(r, (i) => (t.y as { codes: Int32Array }).codes[i]!);
    classes = {
      training: modelClassScores(model, prepared.train.x, codesOf(table, prepared.split.train), k),
      validation: val && vt ? modelClassScores(model, val.x, codesOf(vt, val.rows), k) : undefined,
    };
    imbalance = imbalanceNote(found, weighted);
  }
  const m = on === 'validation' ? classes?.validation : classes?.training;
  const measured = on === 'validation' ? metrics.validation : metrics.training;
  const modelScores = { ...(m ? { balancedAccuracy: m.balancedAccuracy } : {}), ...(measured?.accuracy !== undefined ? { accuracy: measured.accuracy } : {}), ...(measured?.rmse !== undefined ? { rmse: measured.rmse } : {}) };
  const sentence = baselineNote(modelScores, scores, `${on} rows`);
  return { baseline: scores, lossName: lossRowName(baselineLossOf(model)), on, classScores: classes, sentence, imbalance, beats: scores === undefined ? undefined : beatsBaseline(modelScores, scores) };
}

function metricsTable(m: { training: SetMetrics; validation: SetMetrics | undefined }, judged: Judged): string {
  const names: [Exclude<keyof SetMetrics, 'outputs' | 'rows'>, string][] = [['loss', 'loss'], ['accuracy', 'accuracy'], ['mae', 'MAE'], ['rmse', 'RMSE'], ['r2', 'R²']];
  const b = judged.baseline;
  const rows = names
    .filter(([k]) => m.training[k] !== undefined)
    .map(([k, label]) => [k === 'loss' ? judged.lossName : label, formatMetric(m.training[k]), m.validation ? formatMetric(m.validation[k]) : '—', baselineCell(b, k)]);
  const c = judged.classScores;
  if (c !== undefined) {
    rows.push(['balanced accuracy', formatMetric(c.training.balancedAccuracy), c.validation ? formatMetric(c.validation.balancedAccuracy) : '—', baselineCell(b, 'balancedAccuracy')]);
    rows.push(['macro F1', formatMetric(c.training.macroF1), c.validation ? formatMetric(c.validation.macroF1) : '—', baselineCell(b, 'macroF1')]);
  }
  return boxTable(['metric', `training (${m.training.rows})`, `validation (${m.validation?.rows ?? 0})`, `baseline (${judged.on})`], rows);
}

/** "learning rate 0.001 peak: 64 warm-up steps, then cosine to 0.01 over 1,216" for the schedules a spec makes. */
function scheduleText(s: { name: string; config: Record<string, unknown> }): string {
  const c = s.config;
  if (s.name === 'warmupCosineDecay') return `learning rate ${String(c.initialLearningRate)} peak: ${String(c.warmupSteps)} warm-up steps, then cosine to ${String(c.alpha ?? 0)}× over ${String(c.decaySteps)}`;
  if (s.name === 'cosLogDecay') return `learning rate ${String(c.initialLearningRate)} peak on coslog${String(c.cycles)} over ${String(c.decaySteps)} steps`;
  return `learning rate schedule ${s.name}`;
}

/**
 * A file that repeats rows (carData::WVS: 5 columns of few values) puts copies of training rows
 * among the validation rows, and the validation scores are then optimistic: said when at least 1 %
 * of the validation rows are such copies. Rows are compared by their hashes (inputs and target).
 */
export function validationCopiesNote(hashes: Float64Array, train: readonly number[], validation: readonly number[]): string | undefined {
  if (validation.length === 0) return undefined;
  const seen = new Set<number>();
  for (const i of train) seen.add(hashes[i]!);
  const copies = validation.reduce((n, i) => n + (seen.has(hashes[i]!) ? 1 : 0), 0);
  if (copies === 0 || copies < 0.01 * validation.length) return undefined;
  return `${copies.toLocaleString('en-US')} of the ${validation.length.toLocaleString('en-US')} validation rows are copies of training rows (the file repeats rows): the validation scores are optimistic; remove repeated rows before training to validate on unseen rows.`;
}
