import { InputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { timeSplitIndices, trainTestSplitIndices } from '../data/split.js';
import type { RowOrder, Table } from '../data/table.js';
import type { Preprocessing } from '../io/preprocessing.js';
import { numericFeatureIndices } from '../data/schema.js';
import type { Sequential } from '../model/sequential.js';
import { EarlyStopping } from '../callbacks/earlyStopping.js';
import type { Callback } from '../callbacks/callback.js';
import { buildNetwork, type Network } from './network.js';
import { planOutput, type OutputPlan } from './output.js';
import { canTransformInPlace, fitPipeline, pipelineInputs, pipelineTargets, rowsView, transformInPlace } from './pipeline.js';
import type { TrainingRun } from './run.js';
import type { TrainingSpec } from './spec.js';

/** Row indices of the training and validation parts. */
export interface Split {
  readonly train: readonly number[];
  readonly validation: readonly number[];
  /** Why there is no validation part, when there is none although one was asked for. */
  readonly note: string | undefined;
  /** A split in time (the table read with `orderBy`): the column and the first validation time (days since 1970 for dates). */
  readonly by?: { readonly column: string; readonly from: number; readonly dates: boolean };
}

/**
 * Seeded train/validation split of the table's rows, stratified by class for classification, so
 * that sorted files (iris is sorted by species) still put every class in both parts.
 */
export function splitRows(table: Table, fraction: number, seed: number): Split {
  const all = () => Array.from({ length: table.rows }, (_, i) => i);
  if (fraction === 0) return { train: all(), validation: [], note: undefined };
  if (table.order !== undefined) return timeSplit(table, table.order, fraction);
  const y = table.y;
  const labels = y?.kind === 'classes' ? y.codes : undefined;
  try {
    const { train, test } = trainTestSplitIndices(table.rows, labels, { testSize: fraction, seed, stratify: labels !== undefined });
    return { train, validation: test, note: undefined };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { train: all(), validation: [], note: `${table.rows} rows are too few for a ${fraction} validation split; training on all of them without validation` };
  }
}

/** Validation on the latest rows by the table's time column (read with `orderBy`). */
function timeSplit(table: Table, order: RowOrder, fraction: number): Split {
  try {
    const { train, validation } = timeSplitIndices(order.values, fraction);
    return { train, validation, note: undefined, by: { column: order.column, from: order.values[validation[0]!]!, dates: order.dates } };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { train: Array.from({ length: table.rows }, (_, i) => i), validation: [], note: `${table.rows} rows are too few for a ${fraction} validation split; training on all of them without validation` };
  }
}

/** Model-ready data of one part. */
export interface Part {
  readonly x: Matrix;
  readonly y: Matrix;
  /** Table rows it holds. */
  readonly rows: readonly number[];
}

/** Everything a spec turns a table into, ready to fit. */
export interface PreparedTraining {
  readonly spec: TrainingSpec;
  readonly plan: OutputPlan;
  readonly split: Split;
  /** The fitted preprocessing (plain JSON, saved with the model). */
  readonly preprocessing: Preprocessing;
  readonly network: Network;
  readonly train: Part;
  readonly validation: Part | undefined;
  /** The table the validation rows come from (the training table, or a separate validation table). */
  readonly validationTable: Table | undefined;
}

/** Options of prepareTraining. */
export interface PrepareArgs {
  /** Train on these rows and validate on those, instead of the spec's seeded split. */
  split?: Split;
  /** Validate on this table (read with the training table's schema) instead of a split. */
  validation?: Table;
  /** Continue a saved model: its network and fitted preprocessing are used instead of new ones. */
  resume?: { readonly model: Sequential; readonly preprocessing: Preprocessing };
  /**
   * Let the pipeline work in the table's own x rather than in copies (when x is float32 and no
   * missing-indicator inputs are added; otherwise copies are made as usual): its rows are put in
   * the order training rows, then validation rows, and filled in and scaled in place, and the
   * parts are views of it. For a large file read once (the CLI's train); afterwards `table.x` is
   * the scaled inputs in that order, no longer the table's rows. Default false.
   */
  reuseTable?: boolean;
}

/**
 * The one path from a spec and a table to a compiled network and its data: output plan from the
 * target, split, preprocessing fitted on the training rows only, network built and compiled.
 */
export function prepareTraining(spec: TrainingSpec, table: Table, args: PrepareArgs = {}): PreparedTraining {
  const target = table.schema.target;
  if (target === undefined || table.y === undefined) throw new InputError(`${table.source}: the data has no target column`);
  const plan = planOutput(target, spec.compile.loss);
  const all = () => Array.from({ length: table.rows }, (_, i) => i);
  const split = args.split ?? (args.validation ? { train: all(), validation: [], note: undefined } : splitRows(table, spec.fit.validationSplit, spec.fit.seed));
  // In the table's own x: rows reordered training first, so that each part is a view.
  const order = args.reuseTable ? partsOrder(table.rows, split) : undefined;
  const reuse = order !== undefined && (args.resume ? canTransformInPlace(args.resume.preprocessing, table) : table.x.data instanceof Float32Array && spec.preprocessing.indicator !== true);
  const fitted = args.resume ? undefined : fitPipeline(table, split.train, spec.preprocessing, plan.task, reuse ? { order } : undefined);
  const preprocessing = args.resume?.preprocessing ?? fitted!.preprocessing;
  const steps = spec.fit.epochs * Math.ceil(split.train.length / Math.max(1, Math.min(spec.fit.batchSize, split.train.length)));
  const network = args.resume ? { model: args.resume.model, blocks: [] } : buildNetwork(fitted ? fitted.trainInputs.cols : args.resume!.model.inputUnits, plan, spec.architecture, spec.compile, { seed: spec.fit.seed, steps, ...(preprocessing.schema ? { numericInputs: numericFeatureIndices(preprocessing.schema) } : {}) });
  if (table.y.kind === 'classes' && !args.resume) network.model.session.classes = [...table.y.classes];
  const inputs = reuse && args.resume ? transformInPlace(preprocessing, table, order) : undefined;
  const part = (rows: readonly number[], x?: Matrix): Part => ({ x: x ?? pipelineInputs(preprocessing, table, rows), y: pipelineTargets(preprocessing, table, rows, plan), rows });
  const train = part(split.train, fitted?.trainInputs ?? (inputs ? rowsView(inputs, 0, split.train.length) : undefined));
  let validation: Part | undefined;
  let validationTable: Table | undefined;
  if (args.validation) {
    const v = args.validation;
    const rows = Array.from({ length: v.rows }, (_, i) => i);
    const x = args.reuseTable && canTransformInPlace(preprocessing, v) ? transformInPlace(preprocessing, v) : pipelineInputs(preprocessing, v);
    validation = { x, y: pipelineTargets(preprocessing, v, rows, plan), rows };
    validationTable = v;
  } else if (split.validation.length > 0) {
    validation = part(split.validation, reuse ? rowsView(table.x, split.train.length, split.validation.length) : undefined);
    validationTable = table;
  }
  return { spec, plan, split, preprocessing, network, train, validation, validationTable };
}

/**
 * The training rows then the validation rows, as a function of position, when together they are
 * every row once; else undefined.
 */
function partsOrder(rows: number, split: Split): ((i: number) => number) | undefined {
  const { train, validation } = split;
  if (train.length + validation.length !== rows) return undefined;
  const seen = new Uint8Array(rows);
  for (const part of [train, validation]) {
    for (const r of part) {
      if (!Number.isInteger(r) || r < 0 || r >= rows || seen[r] === 1) return undefined;
      seen[r] = 1;
    }
  }
  const t = train.length;
  return (i) => (i < t ? train[i]! : validation[i - t]!);
}

/** Options of startRun. */
export interface StartArgs {
  /** More callbacks (progress, checkpoints); early stopping comes from the spec. */
  callbacks?: readonly Callback[];
  /** Epoch to count from when resuming; default 0. */
  initialEpoch?: number;
  /** Undo an epoch a stop request cut short (fit's option of that name). */
  discardPartialEpoch?: boolean;
  /** The optimiser's state at the start: kept (default) or reset (fit's option of that name). */
  optimizerState?: 'keep' | 'reset';
}

/**
 * The spec's early stopping (on the validation loss when there is validation data), or none;
 * keepBest without a patience watches the same way but never stops, so the best epoch's weights
 * are put back at the end.
 */
export function earlyStoppingOf(p: Pick<PreparedTraining, 'spec'> & { readonly validation: unknown }): EarlyStopping | undefined {
  const patience = p.spec.fit.earlyStopping ?? (p.spec.fit.keepBest ? p.spec.fit.epochs + 1 : undefined);
  return patience === undefined ? undefined : new EarlyStopping({ monitor: p.validation ? 'val_loss' : 'loss', patience, restoreBestWeights: true });
}

/** The model's session, started on the prepared data with the spec's fit settings. */
export function startRun(p: PreparedTraining, args: StartArgs = {}): TrainingRun {
  const early = earlyStoppingOf(p);
  const run = p.network.model.session.start(p.train.x, p.train.y, {
    epochs: p.spec.fit.epochs,
    batchSize: p.spec.fit.batchSize,
    ...(p.validation ? { validationData: [p.validation.x, p.validation.y] as const } : {}),
    callbacks: [...(args.callbacks ?? []), ...(early ? [early] : [])],
    verbose: 0,
    ...(args.initialEpoch ? { initialEpoch: args.initialEpoch } : {}),
    ...(args.discardPartialEpoch ? { discardPartialEpoch: true } : {}),
    ...(args.optimizerState ? { optimizerState: args.optimizerState } : {}),
    ...(p.spec.fit.classWeight !== undefined ? { classWeight: classWeightOf(p) } : {}),
  });
  run.earlyStopping = early;
  return run;
}

/** The spec's class weights by class index: 'balanced' is n / (k · count of the class) over the training rows. */
export function classWeightOf(p: PreparedTraining): Record<number, number> {
  const cw = p.spec.fit.classWeight;
  const classes = p.network.model.classes;
  if (cw === undefined) return {};
  if (classes === undefined || p.plan.task === 'regression') throw new InputError('classWeight needs a classification target');
  const out: Record<number, number> = {};
  if (cw === 'balanced') {
    const counts = new Array<number>(classes.length).fill(0);
    const y = p.train.y;
    for (let i = 0; i < y.rows; i++) {
      let k = 0;
      if (y.cols === 1) k = Math.round(y.data[i]!);
      else for (let c = 1; c < y.cols; c++) if (y.data[i * y.cols + c]! > y.data[i * y.cols + k]!) k = c;
      counts[k]!++;
    }
    counts.forEach((c, k) => (out[k] = c === 0 ? 1 : y.rows / (classes.length * c)));
    return out;
  }
  const index = new Map(classes.map((c, k) => [String(c), k]));
  for (const [label, w] of Object.entries(cw)) {
    const k = index.get(label);
    if (k === undefined) throw new InputError(`classWeight: ${JSON.stringify(label.slice(0, 60))} is not a class (classes: ${classes.slice(0, 10).join(', ')}${classes.length > 10 ? ` and ${classes.length - 10} more` : ''})`);
    out[k] = w;
  }
  return out;
}
