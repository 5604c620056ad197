import {
  EarlyStopping, Rng, ShuffleBuffer, buildNetwork, describeNetwork, numericFeatureIndices, saveModel, measure, scalerFromJSON,
  type BatchDataset, type Callback, type History, type LoadedModel, type Sequential, type TableArgs, type TrainingSpec,
} from '../../src/index.js';
import { dataLines, planOptionsOf, taskName } from '../describe.js';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../errors.js';
import { boxTable, formatMetric } from '../evaluation.js';
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
  /** Smaller blocks and buffers (tests). */
  readonly settings?: Partial<StreamSettings>;
}

/**
 * The training rows of each epoch as batches: the file read again, blocks through the pipeline,
 * a shuffle buffer seeded by (seed, epoch), so epoch e shuffles the same after a resume.
 */
export function streamDataset(scan: StreamScan, args: TableArgs, spec: TrainingSpec, settings: StreamSettings, onBytes?: (bytes: number) => void, buffers?: ShuffleBuffer[]): BatchDataset {
  const { seed, batchSize } = spec.fit;
  const d = scan.preprocessing.featureNames!.length;
  return (epoch: number) => ({
    async *[Symbol.asyncIterator]() {
      const rng = new Rng(seed);
      for (let e = 0; e <= epoch; e++) rng.fork();
      let buffer: ShuffleBuffer | undefined;
      for await (const block of encodedBlocks(scan, args, seed, onBytes)) {
        buffer ??= new ShuffleBuffer(settings.shuffleRows, d, block.y.cols, batchSize, rng.fork());
        yield* buffer.put(block.x, block.y);
      }
      if (buffer === undefined) return;
      buffers?.push(buffer);
      yield* buffer.drain();
    },
  });
}

/** `backprop train` on a file read in bounded memory: pass 1 fits the pipeline, each epoch re-reads the file. */
export async function trainStreamed(path: string, spec: TrainingSpec, data: DataFlags, tableArgs: TableArgs, run: StreamRun, printer: Printer, io: Io): Promise<number> {
  const settings: StreamSettings = { ...STREAM_DEFAULTS, ...run.settings };
  const from = run.from;
  const schemaArgs = from ? { ...tableArgs, schema: from.loaded.preprocessing.schema!, requireTarget: true } : tableArgs;
  const scan = await scanCsv(path, spec, schemaArgs, settings, data.delimiter, undefined, from?.loaded.preprocessing);
  for (const line of dataLines(path, scan.summary, planOptionsOf(spec))) printer.line(line);
  printer.line(`Task    ${taskName(scan.plan.task)}: ${scan.plan.units} ${scan.plan.activation} output${scan.plan.units > 1 ? 's' : ''}, loss ${scan.plan.loss}`);
  const valRows = scan.validation?.x.rows ?? 0;
  printer.line(`Stream  ${(scan.reader.size / 1e6).toFixed(1)} MB read ${settings.blockRows.toLocaleString('en-US')} records at a time, again each epoch; shuffle buffer ${settings.shuffleRows.toLocaleString('en-US')} rows`);
  printer.line(`Split   ${scan.trainRows} training / ${valRows} validation rows (a seeded hash of the row number, seed ${spec.fit.seed}: the same rows every epoch and on resume)`);
  for (const n of scan.notes) printer.line(`Note    ${n}`);
  if (run.dryRun) {
    printer.line('Dry run: nothing trained or saved; run again without --dry-run to train.');
    return EXIT_OK;
  }
  const preprocessing = scan.preprocessing;
  const model: Sequential = from ? from.loaded.network : buildNetwork(preprocessing.featureNames!.length, scan.plan, spec.architecture, spec.compile, { seed: spec.fit.seed, ...(preprocessing.schema ? { numericInputs: numericFeatureIndices(preprocessing.schema) } : {}) }).model;
  if (!from && scan.summary.y?.kind === 'classes') model.session.classes = [...scan.summary.y.classes];
  const fit = spec.fit;
  const initialEpoch = from?.resume ? from.initialEpoch : 0;
  printer.line(`Model   ${describeNetwork(model)}, ${model.countParams().toLocaleString('en-US')} parameters; ${model.session.optimizer.name}, batch size ${fit.batchSize}, ${fit.epochs} epochs`);
  if (from) printer.line(from.resume ? `Resume  from epoch ${initialEpoch}` : 'Init    weights and pipeline from the given model (optimiser state reset); the scores below are this run\'s only');
  printer.line();
  let bytesRead = 0;
  const progress = new Progress(run.json ? 'json' : io.stdout.isTTY ? 'tty' : 'plain', printer, { epochs: fit.epochs, batches: 1, initialEpoch, bytes: { total: scan.reader.size, read: () => bytesRead } });
  const interrupt = new Interrupt();
  const hasVal = scan.validation !== undefined;
  const early = fit.earlyStopping !== undefined ? new EarlyStopping({ monitor: hasVal ? 'val_loss' : 'loss', patience: fit.earlyStopping, restoreBestWeights: true }) : undefined;
  const callbacks: Callback[] = [progress, interrupt, ...(early ? [early] : [])];
  const buffers: ShuffleBuffer[] = [];
  const dataset = streamDataset(scan, schemaArgs, spec, settings, (b) => (bytesRead = b), buffers);
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
  const metadata = { ...runMetadata(spec, data, 'backprop train'), streamed: true };
  const fileArgs = { preprocessing, training: { epoch: epochsDone, history: { epoch: history.epoch, history: history.history } }, metadata };
  saveModel(model, run.out, fileArgs);
  if (interrupt.interrupted) {
    io.stderr.write(`Interrupted at epoch ${epochsDone}/${fit.epochs}: checkpoint saved to ${run.out}. Resume with: backprop train ${path} --stream --resume ${run.out} --epochs ${fit.epochs}\n`);
    return EXIT_INTERRUPTED;
  }
  const last = history.history;
  const at = history.epoch.length - 1;
  const targetScaler = preprocessing.targetScaler ? scalerFromJSON(preprocessing.targetScaler) : undefined;
  const raw = scan.validation && targetScaler ? targetScaler.inverseTransform(scan.validation.y, 'float64') : undefined;
  const val = scan.validation ? measure(model, scan.plan.task, scan.validation.x, scan.validation.y, targetScaler, raw) : undefined;
  const rows: string[][] = [['loss', formatMetric(last.loss?.[at]), val ? formatMetric(val.loss) : '—']];
  if (last.accuracy) rows.push(['accuracy', formatMetric(last.accuracy[at]), val ? formatMetric(val.accuracy) : '—']);
  if (val?.rmse !== undefined) rows.push(['RMSE', '—', formatMetric(val.rmse)]);
  printer.line();
  printer.line(boxTable(['metric', `training (last epoch, ${scan.trainRows})`, `validation (${valRows})`], rows));
  if (early && early.stoppedEpoch >= 0) printer.line(`Early stopping after epoch ${early.stoppedEpoch + 1}; weights restored from epoch ${early.bestEpoch + 1}.`);
  printer.line(`Model saved to ${run.out}`);
  // The rows held at once, as data: the bound on memory does not depend on the file's length.
  const held = { prefixRows: scan.prefixRows, blockRows: settings.blockRows, shuffleRows: Math.max(0, ...buffers.map((b) => b.peakRows)), validationRows: valRows };
  printer.event({ event: 'done', epochs: epochsDone, streamed: true, rows: scan.rows, trainRows: scan.trainRows, validationRows: valRows, held, history: history.history, model: run.out });
  return EXIT_OK;
}

/** A usage error when streaming cannot do what was asked. */
export function checkStreamable(data: DataFlags, report: string | undefined, checkpoint: string | undefined): void {
  const refuse = (what: string) => {
    throw new UsageError(`${what} is not available when the file is streamed (--stream, or a file above the size train streams)`);
  };
  if (data.data === undefined) refuse('a bundled or synthetic data set');
  if (data.validationData !== undefined) refuse('--validation-data');
  if (report !== undefined) refuse('--report');
  if (checkpoint !== undefined) refuse('--checkpoint');
}
