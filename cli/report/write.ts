import { classCodes, describeNetwork, pipelineInputs, writeFileAtomic, type OutputPlan, type Preprocessing, type Scaler, type Sequential, type Split, type Table, type TrainingSpec } from '../../src/index.js';
import { explanationData } from './explanations.js';
import type { SetMetrics } from '../evaluation.js';
import { confusionMatrix } from '../evaluation.js';
import type { DataSource } from '../source.js';
import { decisionBoundary, regressionFit, regressionResiduals } from './boundary.js';
import { reportHtml } from './html.js';
import type { InsideRecorder } from './inside.js';

/** What `train` knows at the end, for its report. */
export interface TrainingOutcome {
  readonly command: string;
  readonly source: DataSource;
  readonly table: Table;
  readonly plan: OutputPlan;
  readonly model: Sequential;
  readonly spec: TrainingSpec;
  readonly split: Split;
  /** The split's sizes when `split` lists only the rows the report draws from (a streamed run holds its validation rows, not its training rows). */
  readonly splitSizes?: { readonly train: number; readonly validation: number };
  readonly history: { readonly epoch: readonly number[]; readonly history: Readonly<Record<string, readonly number[]>> };
  readonly metrics: { readonly training: SetMetrics; readonly validation: SetMetrics | undefined };
  readonly notes: readonly string[];
  readonly epochs: number;
  /** The fitted pipeline: rows of the table become the model's inputs through it (missing values, encodings, dates, scaling). */
  readonly preprocessing: Preprocessing;
  readonly scaler: Scaler | undefined;
  readonly targetScaler: Scaler | undefined;
  /** What the layer-statistics and trajectory callbacks recorded during the fit. */
  readonly inside: InsideRecorder | undefined;
  /** The rows of a --validation-data file (read with the model's schema): the report's validation charts draw from them. */
  readonly validation?: { readonly table: Table; readonly rows: readonly number[] };
  /** The fitted pipeline and the rows to explain the model on (validation rows, else training rows), for "Which columns matter". */
  readonly explain?: { readonly preprocessing: Preprocessing; readonly table: Table; readonly rows: readonly number[]; readonly on: string };
}

/** Writes the HTML report of a training run (atomically, like the model). */
export function writeTrainingReport(path: string, o: TrainingOutcome): void {
  const scored = scoredRows(o);
  const html = reportHtml({
    title: `backprop report: ${o.source.label}`,
    command: o.command,
    dataLabel: o.source.label,
    table: o.table,
    task: o.plan.task,
    split: o.splitSizes ? { ...o.splitSizes, stratified: false } : o.validation ? { train: o.split.train.length, validation: o.validation.rows.length, stratified: false } : { train: o.split.train.length, validation: o.split.validation.length, stratified: o.table.y?.kind === 'classes' && o.split.validation.length > 0 },
    settings: settingRows(o.model, o.plan, o.spec, o.epochs),
    summary: o.model.summary(null),
    history: o.history,
    metrics: o.metrics,
    confusion: confusionFor(o.model, scored, o.preprocessing),
    boundary: decisionBoundary(o.model, o.table, o.scaler),
    fit: regressionFit(o.model, o.table, o.scaler, o.targetScaler),
    residuals: regressionResiduals(o.model, scored.table, scored.rows, scored.on, o.preprocessing, o.targetScaler),
    inside: o.inside?.statistics(o.model),
    trajectory: o.inside?.trajectory(),
    insideNote: o.inside?.note,
    notes: o.notes,
    explanations: o.explain ? explanationData({ network: o.model, preprocessing: o.explain.preprocessing }, o.explain.table, o.explain.rows, o.explain.on) : undefined,
  });
  writeFileAtomic(path, new TextEncoder().encode(html));
}

function settingRows(model: Sequential, plan: OutputPlan, spec: TrainingSpec, epochs: number): [string, string][] {
  const s = spec.fit;
  return [
    ['architecture', describeNetwork(model)],
    ['parameters', model.countParams().toLocaleString('en-US')],
    ['loss', plan.loss],
    ['optimizer', `${model.session.optimizer.name}, learning rate ${model.session.optimizer.currentLearningRate()}`],
    ['batch size', String(s.batchSize)],
    ['epochs run', `${epochs} of ${s.epochs}`],
    ['input scaling', spec.preprocessing.scale],
    ['seed', String(s.seed)],
  ];
}

/** The rows the confusion matrix and residuals are of: a --validation-data file's, the split's validation rows, else the training rows. */
function scoredRows(o: TrainingOutcome): { readonly table: Table; readonly rows: readonly number[]; readonly on: 'validation' | 'training' } {
  if (o.validation !== undefined && o.validation.rows.length > 0) return { ...o.validation, on: 'validation' };
  return o.split.validation.length > 0 ? { table: o.table, rows: o.split.validation, on: 'validation' } : { table: o.table, rows: o.split.train, on: 'training' };
}

function confusionFor(model: Sequential, scored: ReturnType<typeof scoredRows>, pre: Preprocessing) {
  const y = scored.table.y;
  if (y?.kind !== 'classes') return undefined;
  const x = pipelineInputs(pre, scored.table, scored.rows);
  const predicted = classCodes(model.predictMatrix(x));
  const truth = scored.rows.map((r) => y.codes[r]!);
  return { on: scored.on, classes: y.classes.map(String), matrix: confusionMatrix(truth, predicted, y.classes.length) };
}
