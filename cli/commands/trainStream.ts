import {
  Rng, ShuffleBuffer, beatsBaseline, scoreBaseline, buildNetwork, describeNetwork, earlyStoppingOf, numericFeatureIndices, saveModel, measure, scalerFromJSON, trainingVerdict,
  type BatchDataset, type Callback, type History, type LoadedModel, type PresetName, type Sequential, type Table, type TableArgs, type TrainingSpec,
} from '../../src/index.js';
import { baselineCell, baselineLossOf, baselineNote, lossRowName, trainingMetadata } from '../baseline.js';
import { epochCheckpoints, mergeHistory, savedHistory } from '../checkpoints.js';
import { specWithPreset } from '../preset.js';
import { verdictFacts } from '../verdictFacts.js';
import { writeTrainingReport } from '../report/write.js';
import { openRowCache, rowWidth, type CacheChoice, type RowCache } from '../streamCache.js';
import type { Flags } from '../sharedOptions.js';
import { dataLines, discardedEpochText, planOptionsOf, stoppingText, taskName } from '../describe.js';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../errors.js';
import { boxTable, formatMetric, regressionLossNote, type SetMetrics } from '../evaluation.js';
import type { Printer, Io } from '../io.js';
import { Progress } from '../progress.js';
import { Interrupt } from '../interrupt.js';
import { runMetadata, type DataFlags } from '../settings.js';
import { STREAM_DEFAULTS, encodedBlocks, scanCsv, type StreamScan, type StreamSettings } from '../streamTable.js';

/** What the streaming path needs of train's run. */
export interface StreamRun {
  readonly out: string;
  readonly json: boolean;
  readonly dryRun: boolean;
  /** Start from this saved model's weights and pipeline (--init or --resume). */
  readonly from?: { readonly loaded: LoadedModel; readonly resume: boolean; readonly initialEpoch: number };
  /** Write the HTML report here, drawn from the validation rows held (`command` is its command line). */
  readonly report?: { readonly path: string; readonly command: string };
  /** Write a resumable checkpoint here at the end of every epoch. */
  readonly checkpoint?: string;
  /** Smaller blocks and buffers (tests). */
  readonly settings?: Partial<StreamSettings>;
  /** A new run: the preset, resolved as in memory once pass 1 knows the columns and the rows, under the options typed. */
  readonly preset?: { readonly name: PresetName; readonly flags: Flags; readonly given: ReadonlySet<string> };
}

/**
 * The spec of a streamed run with a preset. Pass 1 starts with the preset resolved on the prefix
 * table's task and the rows the line count promises (`scan.spec`: its scaling and validation split
 * are used from there on); once pass 1 has counted the rows, the rest (epochs, batch size, the
 * schedule's steps) is resolved again on the exact count, as the in-memory path resolves it on its table.
 */
function resolvedSpec(preset: NonNullable<StreamRun['preset']>, pass1: TrainingSpec, whole: Table): { spec: TrainingSpec; why: string } {
  const { spec, why } = specWithPreset(preset.name, preset.flags, preset.given, whole);
  const kept = spec.fit.validationSplit !== pass1.fit.validationSplit || spec.preprocessing.scale !== pass1.preprocessing.scale
    ? `; pass 1 ran with ${pass1.preprocessing.scale} scaling and a ${pass1.fit.validationSplit} validation split from the line count, kept` : '';
  return { spec: { ...spec, preprocessing: pass1.preprocessing, fit: { ...spec.fit, validationSplit: pass1.fit.validationSplit } }, why: why + kept };
}

/**
 * The training rows of each epoch as batches: read from the binary cache pass 1 wrote (or the file
 * read again when there is none), blocks through the pipeline, a shuffle buffer seeded by (seed,
 * epoch), so epoch e shuffles the same after a resume, with or without the cache.
 */
export function streamDataset(scan: StreamScan, args: TableArgs, spec: TrainingSpec, settings: StreamSettings, onBytes?: (bytes: number) => void, buffers?: ShuffleBuffer[], cache?: RowCache): BatchDataset {
  const { seed, batchSize } = spec.fit;
  const d = scan.preprocessing.featureNames!.length;
  const size = scan.reader.size;
  return (epoch: number) => ({
    async *[Symbol.asyncIterator]() {
      const rng = new Rng(seed);
      for (let e = 0; e <= epoch; e++) rng.fork();
      let buffer: ShuffleBuffer | undefined;
      const blocks = cache?.complete ? cache.read(settings.blockRows, scan.preprocessing, scan.plan, (share) => onBytes?.(Math.round(share * size))) : encodedBlocks(scan, args, seed, onBytes);
      for await (const block of blocks) {
        buffer ??= new ShuffleBuffer(settings.shuffleRows, d, block.y.cols, batchSize, rng.fork());
        yield* buffer.put(block.x, block.y);
      }
      if (buffer === undefined) return;
      buffers?.push(buffer);
      yield* buffer.drain();
    },
  });
}

/** `backprop train` on a file read in bounded memory: pass 1 fits the pipeline and caches the training rows, each epoch reads them again. */
export async function trainStreamed(path: string, typed: TrainingSpec, data: DataFlags, tableArgs: TableArgs, run: StreamRun, printer: Printer, io: Io): Promise<number> {
  const cacheOf: { choice?: CacheChoice } = {};
  try {
    return await streamedRun(path, typed, data, tableArgs, run, printer, io, cacheOf);
  } finally {
    if (cacheOf.choice?.use) cacheOf.choice.cache.close();
  }
}

async function streamedRun(path: string, typed: TrainingSpec, data: DataFlags, tableArgs: TableArgs, run: StreamRun, printer: Printer, io: Io, cacheOf: { choice?: CacheChoice }): Promise<number> {
  const settings: StreamSettings = { ...STREAM_DEFAULTS, ...run.settings };
  const from = run.from;
  const preset = from ? undefined : run.preset;
  if (typed.preprocessing.count !== undefined) throw new UsageError(`--count ${typed.preprocessing.count} is not available when the file is streamed (each record would be read as many times as its count into the shuffle buffer); read the file whole with --no-stream`);
  if (typed.fit.classWeight !== undefined) throw new UsageError('--class-weight is not available when the file is streamed (the batches come from a shuffle buffer, not from rows that can be weighted); read the file whole with --no-stream');
  const schemaArgs = from ? { ...tableArgs, schema: from.loaded.preprocessing.schema!, requireTarget: true } : tableArgs;
  const scan = await scanCsv(path, typed, schemaArgs, settings, {
    ...(data.delimiter !== undefined ? { delimiter: data.delimiter } : {}),
    ...(from ? { fixed: from.loaded.preprocessing } : {}),
    ...(run.report ? { keepValidationTable: true } : {}),
    ...(settings.cache && !run.dryRun ? {
      trainingRowsTo: (first: Table, rows: number) => {
        cacheOf.choice = openRowCache(first, rows);
        const choice = cacheOf.choice;
        return choice.use ? (t: Table, r: readonly number[]) => choice.cache.write(t, r) : undefined;
      },
    } : {}),
    ...(preset ? { specFor: (prefix: Table, rows: number) => specWithPreset(preset.name, preset.flags, preset.given, { ...prefix, rows }).spec } : {}),
  });
  const { spec, why } = preset ? resolvedSpec(preset, scan.spec, scan.summary) : { spec: scan.spec, why: undefined };
  if (run.report !== undefined && scan.validationTable === undefined) throw new UsageError('--report on a streamed run draws its charts from the validation rows, and this run has none; give --validation-split above 0, or read the file whole with --no-stream');
  for (const line of dataLines(path, scan.summary, planOptionsOf(spec))) printer.line(line);
  printer.line(`Task    ${taskName(scan.plan.task)}: ${scan.plan.units} ${scan.plan.activation} output${scan.plan.units > 1 ? 's' : ''}, loss ${scan.plan.loss}`);
  const valRows = scan.validation?.x.rows ?? 0;
  const initialEpoch = from?.resume ? from.initialEpoch : 0;
  const choice = cacheOf.choice;
  const cache = choice?.use && choice.cache.failed === undefined ? choice.cache : undefined;
  if (cache) cache.complete = true;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const later = !settings.cache ? 'each epoch parses the file again (cache off)'
    : choice === undefined ? `each epoch would read the training rows from a binary temp file of ${mb(scan.trainRows * rowWidth(scan.summary) * 4)}`
      : !choice.use ? `each epoch parses the file again: no room for a cache (${choice.why})`
        : cache === undefined ? `each epoch parses the file again: ${choice.cache.failed ?? 'no cache'}`
          : `each epoch reads the training rows from a ${mb(cache.bytes)} binary cache pass 1 wrote, ${cache.path} (deleted when the run ends)`;
  printer.line(`Stream  ${(scan.reader.size / 1e6).toFixed(1)} MB read ${settings.blockRows.toLocaleString('en-US')} records at a time; shuffle buffer ${settings.shuffleRows.toLocaleString('en-US')} rows; ${later}`);
  printer.line(`Split   ${scan.trainRows} training / ${valRows} validation rows (a seeded hash of the row number, seed ${spec.fit.seed}: the same rows every epoch and on resume)`);
  for (const n of scan.notes) printer.line(`Note    ${n}`);
  if (run.dryRun) {
    printer.line(`Preset  ${why ?? 'none: the options as typed'}`);
    printer.line('Dry run: nothing trained or saved; run again without --dry-run to train.');
    return EXIT_OK;
  }
  const preprocessing = scan.preprocessing;
  const fit = spec.fit;
  // Each epoch gives ceil(rows / batch) batches (the shuffle buffer's last one short), as in memory: the schedule's steps.
  const steps = fit.epochs * Math.ceil(scan.trainRows / Math.max(1, Math.min(fit.batchSize, scan.trainRows)));
  const model: Sequential = from ? from.loaded.network : buildNetwork(preprocessing.featureNames!.length, scan.plan, spec.architecture, spec.compile, { seed: fit.seed, steps, ...(preprocessing.schema ? { numericInputs: numericFeatureIndices(preprocessing.schema) } : {}) }).model;
  if (!from && scan.summary.y?.kind === 'classes') model.session.classes = [...scan.summary.y.classes];
  const hasVal = scan.validation !== undefined;
  const early = earlyStoppingOf({ spec, validation: scan.validation });
  const watched = hasVal ? 'validation' : 'training';
  const stopping = stoppingText(fit, watched);
  printer.line(`Model   ${describeNetwork(model)}, ${model.countParams().toLocaleString('en-US')} parameters; ${model.session.optimizer.name}${spec.compile.schedule === 'warmupCosine' ? ` (warm-up + cosine schedule over ${steps.toLocaleString('en-US')} steps)` : ''}, batch size ${fit.batchSize}, ${stopping}`);
  if (why !== undefined) printer.line(`        ${why}`);
  if (from) printer.line(from.resume ? `Resume  from epoch ${initialEpoch}` : 'Init    weights and pipeline from the given model (optimiser state reset); the scores below are this run\'s only');
  printer.line();
  let bytesRead = 0;
  const progress = new Progress(run.json ? 'json' : io.stdout.isTTY ? 'tty' : 'plain', printer, { epochs: fit.epochs, batches: 1, initialEpoch, bytes: { total: scan.reader.size, read: () => bytesRead } });
  const interrupt = new Interrupt();
  const callbacks: Callback[] = [progress, interrupt];
  const metadata = { ...runMetadata(spec, data, 'backprop train'), ...trainingMetadata(scan.baseline, scan.trainingRows), streamed: true };
  const past = from?.resume ? savedHistory(from.loaded.training) : { epoch: [], history: {} };
  if (run.checkpoint !== undefined) callbacks.push(epochCheckpoints(run.checkpoint, past, { preprocessing, metadata }));
  if (early) callbacks.push(early);
  const buffers: ShuffleBuffer[] = [];
  const dataset = streamDataset(scan, schemaArgs, spec, settings, (b) => (bytesRead = b), buffers, cache);
  interrupt.listen(io);
  let history: History;
  try {
    history = await model.fit(dataset, {
      epochs: fit.epochs, verbose: 0, callbacks, discardPartialEpoch: true,
      ...(initialEpoch > 0 ? { initialEpoch } : {}),
      // --init: a new run on new data, so the optimiser starts afresh, as in memory.
      ...(from !== undefined && !from.resume ? { optimizerState: 'reset' as const } : {}),
      ...(scan.validation ? { validationData: [scan.validation.x, scan.validation.y] as const } : {}),
    });
  } finally {
    interrupt.unlisten();
    progress.stop();
  }
  const epochsDone = initialEpoch + history.epoch.length;
  const fileArgs = { preprocessing, training: { epoch: epochsDone, history: mergeHistory(past, history) }, metadata };
  saveModel(model, run.out, fileArgs);
  if (interrupt.interrupted) {
    if (history.discardedEpoch !== undefined) io.stderr.write(`${discardedEpochText(history.discardedEpoch, epochsDone, run.checkpoint !== undefined)}\n`);
    printer.event({ event: 'interrupted', epoch: epochsDone, checkpoint: run.out });
    io.stderr.write(`Interrupted at epoch ${epochsDone}/${fit.epochs}: checkpoint saved to ${run.out}. Resume with: backprop train ${path} --stream --resume ${run.out} --epochs ${fit.epochs}\n`);
    return EXIT_INTERRUPTED;
  }
  const last = history.history;
  const at = history.epoch.length - 1;
  const targetScaler = preprocessing.targetScaler ? scalerFromJSON(preprocessing.targetScaler) : undefined;
  const raw = scan.validation && targetScaler ? targetScaler.inverseTransform(scan.validation.y, 'float64') : undefined;
  const val = scan.validation ? measure(model, scan.plan.task, scan.validation.x, scan.validation.y, targetScaler, raw) : undefined;
  // The training rows' majority class or mean, scored on the same validation rows, as the in-memory run shows it.
  const lossOptions = baselineLossOf(model);
  const b = scan.baseline && scan.validationTruth ? scoreBaseline(scan.baseline, scan.validationTruth, lossOptions) : undefined;
  const rows: string[][] = [[lossRowName(lossOptions), formatMetric(last.loss?.[at]), val ? formatMetric(val.loss) : '—', baselineCell(b, 'loss')]];
  if (last.accuracy) rows.push(['accuracy', formatMetric(last.accuracy[at]), val ? formatMetric(val.accuracy) : '—', baselineCell(b, 'accuracy')]);
  // Regression scores in the target's units, as the in-memory run prints them.
  for (const [name, key, v] of [['MAE', 'mae', val?.mae], ['RMSE', 'rmse', val?.rmse], ['R²', 'r2', val?.r2]] as const) if (v !== undefined) rows.push([name, '—', formatMetric(v), baselineCell(b, key)]);
  printer.line();
  printer.line(boxTable(['metric', `training (last epoch, ${scan.trainRows})`, `validation (${valRows})`, `baseline (validation)`], rows));
  const ended: string[] = [];
  const lossNote = val ? regressionLossNote(scan.plan.loss, val, preprocessing.targetScaler, 'validation rows') : undefined;
  if (lossNote !== undefined) ended.push(lossNote);
  const compared = val ? { ...(val.accuracy !== undefined ? { accuracy: val.accuracy } : {}), ...(val.rmse !== undefined ? { rmse: val.rmse } : {}) } : undefined;
  const baselineLine = compared ? baselineNote(compared, b, 'validation rows') : undefined;
  if (baselineLine !== undefined) ended.push(baselineLine);
  if (early && early.stoppedEpoch >= 0) ended.push(`Early stopping after epoch ${early.stoppedEpoch + 1}; weights restored from epoch ${early.bestEpoch + 1}.`);
  else if (early && early.bestEpoch >= 0 && early.bestEpoch < epochsDone - 1) ended.push(`Weights from epoch ${early.bestEpoch + 1} kept (the lowest ${hasVal ? 'validation' : 'training'} loss).`);
  const verdict = trainingVerdict(fileArgs.training.history, verdictFacts(early, epochsDone, val, compared !== undefined && b !== undefined && beatsBaseline(compared, b) === false));
  if (verdict) ended.push(verdict.message);
  for (const n of ended) printer.line(n);
  printer.line(`Model saved to ${run.out}`);
  if (run.report !== undefined && scan.validationTable !== undefined) {
    // The held validation rows as read, with the whole file's reading counts for the Data section.
    const table = { ...scan.validationTable, report: scan.summary.report };
    const rows = Array.from({ length: table.rows }, (_, i) => i);
    const on = `the ${table.rows.toLocaleString('en-US')} validation rows held (a seeded hash of the row number)`;
    const training: SetMetrics = { rows: scan.trainRows, loss: last.loss?.[at] ?? NaN, ...(last.accuracy ? { accuracy: last.accuracy[at]! } : {}) };
    const notes = [`Streamed: the charts, the confusion matrix and the explanations are drawn from ${on}; the training scores are the last epoch's running averages over ${scan.trainRows.toLocaleString('en-US')} rows.`, ...ended];
    writeTrainingReport(run.report.path, {
      command: run.report.command, source: { table, label: path, note: undefined }, table, plan: scan.plan, model, spec,
      split: { train: [], validation: rows, note: undefined }, splitSizes: { train: scan.trainRows, validation: table.rows },
      history: fileArgs.training.history, metrics: { training, validation: val }, notes, epochs: epochsDone, preprocessing,
      scaler: preprocessing.scaler ? scalerFromJSON(preprocessing.scaler) : undefined, targetScaler, inside: undefined,
      explain: { preprocessing, table, rows, on },
    });
    printer.line(`Report written to ${run.report.path}; its charts use the ${table.rows.toLocaleString('en-US')} validation rows held`);
  }
  // The rows held at once, as data: the bound on memory does not depend on the file's length.
  const held = { prefixRows: scan.prefixRows, blockRows: settings.blockRows, shuffleRows: Math.max(0, ...buffers.map((b) => b.peakRows)), validationRows: valRows };
  printer.event({ event: 'done', epochs: epochsDone, streamed: true, rows: scan.rows, trainRows: scan.trainRows, validationRows: valRows, held, cache: { used: cache !== undefined, bytes: cache?.bytes ?? 0, ...(cache ? { path: cache.path } : {}) }, history: history.history, ...(val ? { metrics: { validation: val } } : {}), model: run.out });
  return EXIT_OK;
}

/** A usage error when streaming cannot do what was asked. */
export function checkStreamable(data: DataFlags): void {
  const refuse = (what: string) => {
    throw new UsageError(`${what} is not available when the file is streamed (--stream, or a file above the size train streams)`);
  };
  if (data.data === undefined) refuse('a bundled or synthetic data set');
  if (data.validationData !== undefined) refuse('--validation-data');
}
