import { InputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { trainTestSplitIndices } from '../data/split.js';
import type { Table } from '../data/table.js';
import type { Preprocessing } from '../io/modelFile.js';
import type { Sequential } from '../model/sequential.js';
import { EarlyStopping } from '../callbacks/earlyStopping.js';
import type { Callback } from '../callbacks/callback.js';
import { buildNetwork, type Network } from './network.js';
import { planOutput, type OutputPlan } from './output.js';
import { fitPipeline, pipelineInputs, pipelineTargets } from './pipeline.js';
import { TrainingRun } from './run.js';
import type { TrainingSpec } from './spec.js';

export interface Split {
  readonly train: readonly number[];
  readonly validation: readonly number[];
  /** Why there is no validation part, when there is none although one was asked for. */
  readonly note: string | undefined;
}

/**
 * Seeded train/validation split of the table's rows, stratified by class for classification, so
 * that sorted files (iris is sorted by species) still put every class in both parts.
 */
export function splitRows(table: Table, fraction: number, seed: number): Split {
  const all = Array.from({ length: table.rows }, (_, i) => i);
  if (fraction === 0) return { train: all, validation: [], note: undefined };
  const y = table.y;
  const labels = y?.kind === 'classes' ? y.codes : undefined;
  try {
    const { train, test } = trainTestSplitIndices(table.rows, labels, { testSize: fraction, seed, stratify: labels !== undefined });
    return { train, validation: test, note: undefined };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { train: all, validation: [], note: `${table.rows} rows are too few for a ${fraction} validation split; training on all of them without validation` };
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

export interface PrepareArgs {
  /** Train on these rows and validate on those, instead of the spec's seeded split. */
  split?: Split;
  /** Continue a saved model: its network and fitted preprocessing are used instead of new ones. */
  resume?: { readonly model: Sequential; readonly preprocessing: Preprocessing };
}

/**
 * The one path from a spec and a table to a compiled network and its data: output plan from the
 * target, split, preprocessing fitted on the training rows only, network built and compiled.
 */
export function prepareTraining(spec: TrainingSpec, table: Table, args: PrepareArgs = {}): PreparedTraining {
  const target = table.schema.target;
  if (target === undefined || table.y === undefined) throw new InputError(`${table.source}: the data has no target column`);
  const plan = planOutput(target, spec.compile.loss);
  const split = args.split ?? splitRows(table, spec.fit.validationSplit, spec.fit.seed);
  const preprocessing = args.resume?.preprocessing ?? fitPipeline(table, split.train, spec.preprocessing.scale, plan.task);
  const network = args.resume ? { model: args.resume.model, blocks: [] } : buildNetwork(table.x.cols, plan, spec.architecture, spec.compile, { seed: spec.fit.seed });
  if (table.y.kind === 'classes' && !args.resume) network.model.classes = [...table.y.classes];
  const part = (rows: readonly number[]): Part => ({ x: pipelineInputs(preprocessing, table.x, rows), y: pipelineTargets(preprocessing, table, rows, plan), rows });
  const train = part(split.train);
  const validation = split.validation.length > 0 ? part(split.validation) : undefined;
  return { spec, plan, split, preprocessing, network, train, validation, validationTable: validation ? table : undefined };
}

export interface StartArgs {
  /** More callbacks (progress, checkpoints); early stopping comes from the spec. */
  callbacks?: readonly Callback[];
  /** Epoch to count from when resuming; default 0. */
  initialEpoch?: number;
  /** Allow advanceSteps. */
  steps?: boolean;
  /** Undo an epoch a stop request cut short (fit's option of that name). */
  discardPartialEpoch?: boolean;
}

/** The spec's early stopping (on the validation loss when there is validation data), or none. */
export function earlyStoppingOf(p: PreparedTraining): EarlyStopping | undefined {
  const patience = p.spec.fit.earlyStopping;
  return patience === undefined ? undefined : new EarlyStopping({ monitor: p.validation ? 'val_loss' : 'loss', patience, restoreBestWeights: true });
}

/** A TrainingRun of the prepared data with the spec's fit settings. */
export function startRun(p: PreparedTraining, args: StartArgs = {}): TrainingRun {
  const early = earlyStoppingOf(p);
  const run = new TrainingRun(p.network.model, p.train.x, p.train.y, {
    epochs: p.spec.fit.epochs,
    batchSize: p.spec.fit.batchSize,
    ...(p.validation ? { validationData: [p.validation.x, p.validation.y] as const } : {}),
    callbacks: [...(args.callbacks ?? []), ...(early ? [early] : [])],
    verbose: 0,
    ...(args.initialEpoch ? { initialEpoch: args.initialEpoch } : {}),
    ...(args.steps ? { steps: true } : {}),
    ...(args.discardPartialEpoch ? { discardPartialEpoch: true } : {}),
  });
  run.earlyStopping = early;
  return run;
}
