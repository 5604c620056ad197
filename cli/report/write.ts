import { classCodes, describeNetwork, gatherRows, writeFileAtomic, type Matrix, type OutputPlan, type Scaler, type Sequential, type Split, type Table } from '../../src/index.js';
import type { SetMetrics } from '../evaluation.js';
import { confusionMatrix } from '../evaluation.js';
import type { TrainSettings } from '../settings.js';
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
  readonly settings: TrainSettings;
  readonly split: Split;
  readonly history: { readonly epoch: readonly number[]; readonly history: Readonly<Record<string, readonly number[]>> };
  readonly metrics: { readonly training: SetMetrics; readonly validation: SetMetrics | undefined };
  readonly notes: readonly string[];
  readonly epochs: number;
  readonly scaler: Scaler | undefined;
  readonly targetScaler: Scaler | undefined;
  /** What the layer-statistics and trajectory callbacks recorded during the fit. */
  readonly inside: InsideRecorder | undefined;
}

/** Writes the HTML report of a training run (atomically, like the model). */
export function writeTrainingReport(path: string, o: TrainingOutcome): void {
  const html = reportHtml({
    title: `backprop report: ${o.source.label}`,
    command: o.command,
    dataLabel: o.source.label,
    table: o.table,
    task: o.plan.task,
    split: { train: o.split.train.length, validation: o.split.validation.length, stratified: o.table.y?.kind === 'classes' && o.split.validation.length > 0 },
    settings: settingRows(o.model, o.plan, o.settings, o.epochs),
    summary: o.model.summary(null),
    history: o.history,
    metrics: o.metrics,
    confusion: confusionFor(o.model, o.table, o.split, o.scaler),
    boundary: decisionBoundary(o.model, o.table, o.scaler),
    fit: regressionFit(o.model, o.table, o.scaler, o.targetScaler),
    residuals:
      o.split.validation.length > 0
        ? regressionResiduals(o.model, o.table, o.split.validation, 'validation', o.scaler, o.targetScaler)
        : regressionResiduals(o.model, o.table, o.split.train, 'training', o.scaler, o.targetScaler),
    inside: o.inside?.statistics(o.model),
    trajectory: o.inside?.trajectory(),
    insideNote: o.inside?.note,
    notes: o.notes,
  });
  writeFileAtomic(path, new TextEncoder().encode(html));
}

function settingRows(model: Sequential, plan: OutputPlan, s: TrainSettings, epochs: number): [string, string][] {
  return [
    ['architecture', describeNetwork(model)],
    ['parameters', model.countParams().toLocaleString('en-US')],
    ['loss', plan.loss],
    ['optimizer', `${model.session.optimizer.name}, learning rate ${model.session.optimizer.currentLearningRate()}`],
    ['batch size', String(s.batchSize)],
    ['epochs run', `${epochs} of ${s.epochs}`],
    ['input scaling', s.scale],
    ['seed', String(s.seed)],
  ];
}

function confusionFor(model: Sequential, table: Table, split: Split, scaler: Scaler | undefined) {
  const y = table.y;
  if (y?.kind !== 'classes') return undefined;
  const rows = split.validation.length > 0 ? split.validation : split.train;
  const x: Matrix = scaler ? scaler.transform(gatherRows(table.x, rows), 'float32') : gatherRows(table.x, rows);
  const predicted = classCodes(model.predictMatrix(x));
  const truth = rows.map((r) => y.codes[r]!);
  return { on: split.validation.length > 0 ? 'validation' : 'training', classes: y.classes.map(String), matrix: confusionMatrix(truth, predicted, y.classes.length) };
}
