import {
  describeThreads,
  History, ModelCheckpoint, loadModel, saveModel, prepareTraining, startRun, scalerFromJSON, gatherRows, describeNetwork, tableArgsOf, trainingVerdict, planOutput, InputError,
  type Callback, type JsonObject, type LoadedModel, type Preprocessing, type Sequential, type Table, type TableSchema, type OutputPlan, type Split,
} from '../../src/index.js';
import { checkFile, readCsvTable } from '../csv.js';
import { describeReading, describeTable, taskName } from '../describe.js';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../errors.js';
import { boxTable, formatMetric, measure, outputTable, type SetMetrics } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { Progress } from '../progress.js';
import { Interrupt } from '../interrupt.js';
import { InsideRecorder } from '../report/inside.js';
import { writeTrainingReport } from '../report/write.js';
import { settingsFromJson, settingsToJson, specOf, type TrainSettings } from '../settings.js';
import { loadSource, type DataSource } from '../source.js';

export interface TrainRun {
  readonly settings: TrainSettings;
  readonly out: string;
  readonly report: string | undefined;
  readonly resume: string | undefined;
  /** Save a resumable checkpoint here at the end of every epoch. */
  readonly checkpoint: string | undefined;
  readonly json: boolean;
  /** Options the user typed (the rest are defaults), for --resume. */
  readonly given: ReadonlySet<string>;
  /** The command line, for the report. */
  readonly command: string;
}

type HistoryData = { epoch: number[]; history: Record<string, number[]> };

/** `backprop train`: read data, pick a network for the target, train with progress, save, report. */
export async function trainCommand(run: TrainRun, io: Io): Promise<number> {
  const printer = new Printer(io, run.json);
  let resumed: LoadedModel | undefined;
  let s = run.settings;
  if (run.resume !== undefined) {
    checkFile(run.resume, 'checkpoint');
    resumed = loadModel(run.resume);
    s = resumeSettings(settingsFromJson(resumed.metadata.train, run.resume), run);
  }

  const spec = specOf(s);
  const source = resumed ? await resumedSource(s, resumed) : await loadSource(s.data, s.dataset, tableArgsOf(spec.preprocessing), syntheticArgs(s), s.delimiter);
  const table = source.table;
  if (source.note) printer.line(source.note);

  let initialEpoch = 0;
  let past: HistoryData = { epoch: [], history: {} };
  if (resumed) {
    initialEpoch = resumed.training?.epoch ?? 0;
    const h = resumed.training?.history;
    if (h) past = { epoch: [...h.epoch], history: Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, [...v]])) };
    if (s.epochs <= initialEpoch) {
      throw new UsageError(`${run.resume} has already trained ${initialEpoch} epochs; ask for more with --epochs (e.g. --epochs ${initialEpoch + 10})`);
    }
  }
  const validationTable = s.validationData !== undefined
    ? await readCsvTable(s.validationData, { schema: table.schema, requireTarget: true, ...(spec.preprocessing.missing === 'error' ? { missing: 'error' as const } : {}) }, undefined, s.delimiter)
    : undefined;
  if (!resumed && table.schema.target !== undefined) {
    // A loss that does not suit the target is a usage error (exit 2), found before anything is fitted.
    try {
      planOutput(table.schema.target, spec.compile.loss);
    } catch (e) {
      if (e instanceof InputError) throw new UsageError(e.message);
      throw e;
    }
  }
  const prepared = prepareTraining(spec, table, {
    ...(resumed ? { resume: { model: resumed.model, preprocessing: resumed.preprocessing } } : {}),
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
  const batches = Math.ceil(xTrain.rows / Math.min(s.batchSize, xTrain.rows));

  printHeader(printer, source, table, plan, split, model, s, initialEpoch, prepared.validation?.x.rows ?? 0);
  printer.event({ event: 'start', data: source.label, rows: table.rows, features: table.featureNames.length, task: plan.task, loss: plan.loss, trainRows: split.train.length, validationRows: prepared.validation?.x.rows ?? 0, parameters: model.countParams(), epochs: s.epochs, initialEpoch });

  const progress = new Progress(run.json ? 'json' : io.stdout.isTTY ? 'tty' : 'plain', printer, { epochs: s.epochs, batches, initialEpoch });
  const interrupt = new Interrupt();
  // The report's "Inside the network" charts; placed before early stopping so that the path's
  // last point is the last trained weights, not the restored best ones.
  const inside = run.report !== undefined
    ? new InsideRecorder({ parameters: model.trainableParams().reduce((n, p) => n + p.size, 0), initialEpoch, epochs: s.epochs, batches })
    : undefined;
  const callbacks: Callback[] = [progress, interrupt, ...(inside?.callbacks ?? [])];

  const metadata = { train: settingsToJson(s), producer: 'backprop train' };
  if (run.checkpoint !== undefined) callbacks.push(epochCheckpoints(run.checkpoint, past, { preprocessing, metadata }));

  const trainingRun = startRun(prepared, { callbacks, initialEpoch, discardPartialEpoch: true });
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
      io.stderr.write(`Epoch ${history.discardedEpoch + 1} was interrupted part-way and discarded: the model${run.checkpoint !== undefined ? ' and checkpoint hold' : ' holds'} ${epochsDone} complete epoch${epochsDone === 1 ? '' : 's'}\n`);
    }
    const resumeHint = `backprop train ${s.data ?? (s.dataset ? `--dataset ${s.dataset}` : '')} --resume ${run.out} --epochs ${s.epochs}`.replace(/\s+/g, ' ');
    printer.event({ event: 'interrupted', epoch: epochsDone, checkpoint: run.out });
    io.stderr.write(`Interrupted at epoch ${epochsDone}/${s.epochs}: checkpoint saved to ${run.out}. Resume with: ${resumeHint}\n`);
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
  if (stopped) notes.push(`Early stopping after epoch ${early.stoppedEpoch + 1} (no improvement for ${s.earlyStopping} epochs); weights restored from epoch ${early.bestEpoch + 1}.`);
  if (split.note) notes.push(split.note);
  // With validation data the verdict reads the curve; fit's "still falling" warning would only repeat it (or contradict it).
  notes.push(...history.warnings.filter((w) => !(hasVal && /Maximum epochs/.test(w))));
  const verdict = interrupt.interrupted ? undefined : trainingVerdict(all, { restoredBest: early !== undefined && early.bestEpoch >= 0 && (stopped || early.bestEpoch < epochsDone - 1) });
  if (verdict) notes.push(verdict.message);

  printer.line();
  printer.line(metricsTable(metrics));
  // Several regression targets: each one's metrics too (the table above averages over them).
  if (table.y?.kind === 'numeric' && table.y.names.length > 1) {
    printer.line(outputTable(table.y.names, [['training', metrics.training.outputs], ['validation', metrics.validation?.outputs]]));
  }
  for (const n of notes) printer.line(n);
  printer.line(`Model saved to ${run.out}`);
  if (run.report !== undefined) {
    writeTrainingReport(run.report, { command: run.command, source, table, plan, model, settings: s, split, history: all, metrics, notes, epochs: epochsDone, scaler, targetScaler, inside });
    printer.line(`Report written to ${run.report}`);
  }
  printer.event({ event: 'done', epochs: epochsDone, metrics, model: run.out, ...(run.report ? { report: run.report } : {}), notes });
  return EXIT_OK;
}

/** On --resume the checkpoint's settings hold, except what the user typed again (epochs, early stopping, data path). */
function resumeSettings(saved: TrainSettings, run: TrainRun): TrainSettings {
  const s = { ...saved };
  if (run.given.has('epochs')) s.epochs = run.settings.epochs;
  if (run.given.has('earlyStopping')) s.earlyStopping = run.settings.earlyStopping;
  if (run.settings.data !== undefined) s.data = run.settings.data;
  return s;
}

/** The training table of a resumed run, read with the checkpoint's column schema. */
async function resumedSource(s: TrainSettings, resumed: LoadedModel): Promise<DataSource> {
  const schema: TableSchema | undefined = resumed.preprocessing.schema;
  if (schema === undefined) throw new UsageError('the checkpoint has no column schema; it was not written by "backprop train"');
  const args = { schema, requireTarget: true };
  if (s.data !== undefined) return { table: await readCsvTable(s.data, args), label: s.data, note: undefined };
  return loadSource(undefined, s.dataset, args, syntheticArgs(s));
}


function syntheticArgs(s: TrainSettings) {
  return { ...(s.samples !== undefined ? { samples: s.samples } : {}), ...(s.noise !== undefined ? { noise: s.noise } : {}), seed: s.seed };
}

/**
 * Writes a resumable checkpoint (atomically) after every epoch through the library's
 * ModelCheckpoint: an epoch boundary is an exact resume point, unlike a Ctrl-C mid-epoch.
 */
function epochCheckpoints(path: string, past: HistoryData, file: { preprocessing: Preprocessing; metadata: JsonObject }): ModelCheckpoint {
  const sofar: HistoryData = { epoch: [...past.epoch], history: Object.fromEntries(Object.entries(past.history).map(([k, v]) => [k, [...v]])) };
  return new ModelCheckpoint({
    monitor: 'loss',
    save: (c, model) => {
      sofar.epoch.push(c.epoch);
      for (const [k, v] of Object.entries(c.logs)) (sofar.history[k] ??= new Array<number>(sofar.epoch.length - 1).fill(NaN)).push(v);
      saveModel(model, path, { ...file, training: { epoch: c.epoch + 1, history: sofar } });
    },
  });
}

function mergeHistory(past: HistoryData, h: History): HistoryData {
  const keys = new Set([...Object.keys(past.history), ...Object.keys(h.history)]);
  const out: HistoryData = { epoch: [...past.epoch, ...h.epoch], history: {} };
  for (const k of keys) {
    const a = past.history[k] ?? new Array<number>(past.epoch.length).fill(NaN);
    const b = h.history[k] ?? new Array<number>(h.epoch.length).fill(NaN);
    out.history[k] = [...a, ...b];
  }
  return out;
}

function printHeader(p: Printer, source: DataSource, table: Table, plan: OutputPlan, split: Split, model: Sequential, s: TrainSettings, initialEpoch: number, validationRows: number): void {
  const scaled = s.scale === 'none' ? 'inputs not scaled' : `inputs ${s.scale === 'standard' ? 'standardised' : 'min-max scaled'} (fitted on training rows)`;
  const opt = model.session.optimizer;
  p.line(`Data    ${source.label}: ${describeTable(table)}`);
  for (const line of describeReading(table, s.missing ?? 'impute')) p.line(`        ${line}`);
  p.line(`Task    ${taskName(plan.task)}: ${plan.units} ${plan.activation} output${plan.units > 1 ? 's' : ''}, loss ${plan.loss}${plan.metrics.length ? `, metric ${plan.metrics.join(', ')}` : ''}`);
  if (table.report.targetReason) p.line(`        ${table.report.targetReason}`);
  const stratified = split.validation.length > 0 && table.y?.kind === 'classes' ? 'stratified, ' : '';
  if (s.validationData !== undefined) p.line(`Split   ${split.train.length} training rows; ${validationRows} validation rows from ${s.validationData}; ${scaled}`);
  else p.line(`Split   ${split.train.length} training / ${split.validation.length} validation rows (${stratified}seed ${s.seed}); ${scaled}`);
  const stopping = s.earlyStopping !== undefined ? `at most ${s.epochs} epochs (early stopping: patience ${s.earlyStopping} on the ${validationRows > 0 ? 'validation' : 'training'} loss, best weights kept)` : `${s.epochs} epochs`;
  p.line(`Model   ${describeNetwork(model)}, ${model.countParams().toLocaleString('en-US')} parameters; ${opt.name} (learning rate ${opt.currentLearningRate()}), batch size ${s.batchSize}, ${stopping}; ${model.backend} kernels on ${describeThreads(model, s.batchSize, model.backprop().kernels.threadSetting).text}`);
  if (initialEpoch > 0) p.line(`Resume  from epoch ${initialEpoch}`);
  if (split.note) p.line(`Note    ${split.note}`);
  p.line();
}

function metricsTable(m: { training: SetMetrics; validation: SetMetrics | undefined }): string {
  const names: [Exclude<keyof SetMetrics, 'outputs'>, string][] = [['loss', 'loss'], ['accuracy', 'accuracy'], ['mae', 'MAE'], ['rmse', 'RMSE'], ['r2', 'R²']];
  const rows = names
    .filter(([k]) => m.training[k] !== undefined)
    .map(([k, label]) => [label, formatMetric(m.training[k]), m.validation ? formatMetric(m.validation[k]) : '—']);
  return boxTable(['metric', `training (${m.training.rows})`, `validation (${m.validation?.rows ?? 0})`], rows);
}
