import { Matrix } from '../core/matrix.js';
import { listValues } from '../core/validate.js';
import type { Table } from '../data/table.js';
import type { ModelWithPipeline } from '../training/apply.js';
import { regressionMetrics } from '../training/measure.js';
import { ExplanationInputError } from './errors.js';
import { isClassification, type ExplainedOutput } from './outputs.js';

/** How predictions are scored: accuracy and log loss for classes; R², MAE and RMSE (target units) for regression. */
export type ImportanceMetric = 'accuracy' | 'logLoss' | 'r2' | 'mae' | 'rmse';

const CLASS_METRICS: readonly ImportanceMetric[] = ['accuracy', 'logLoss'];
const REGRESSION_METRICS: readonly ImportanceMetric[] = ['r2', 'mae', 'rmse'];

/** Whether a larger value of the metric is better. */
export function higherIsBetter(metric: ImportanceMetric): boolean {
  return metric === 'accuracy' || metric === 'r2';
}

/** The model's default metric (accuracy, R²), or the given one checked against its task. */
export function chooseMetric(m: ModelWithPipeline, metric: unknown, where: string): ImportanceMetric {
  const allowed = isClassification(m) ? CLASS_METRICS : REGRESSION_METRICS;
  if (metric === undefined) return allowed[0]!;
  if (!allowed.includes(metric as ImportanceMetric)) {
    throw new ExplanationInputError(`${where}: metric ${JSON.stringify(metric)} does not fit a ${isClassification(m) ? 'classification' : 'regression'} model; use ${listValues(allowed)}`, { field: 'metric' });
  }
  return metric as ImportanceMetric;
}

/** The truth a table holds, per row, in the explained outputs' terms: a class index or the targets (rows × targets). */
export type Truth = { readonly kind: 'classes'; readonly index: Int32Array } | { readonly kind: 'numeric'; readonly values: Matrix };

/** The table's targets, mapped onto the model's outputs; the table must have its target column. */
export function truthOf(m: ModelWithPipeline, table: Table, outputs: readonly ExplainedOutput[], rows: readonly number[], where: string): Truth {
  const y = table.y;
  if (y === undefined) throw new ExplanationInputError(`${where}: ${table.source} has no target column; importance scores predictions against it`, { field: 'table' });
  if (y.kind === 'classes') {
    const index = new Int32Array(rows.length);
    const byName = new Map(outputs.map((o, k) => [o.name, k]));
    rows.forEach((r, i) => {
      const k = byName.get(String(y.classes[y.codes[r]!]));
      if (k === undefined) throw new ExplanationInputError(`${where}: ${table.source} row ${r + 1} has the class ${JSON.stringify(y.classes[y.codes[r]!])}, which the model does not predict`, { row: r });
      index[i] = k;
    });
    return { kind: 'classes', index };
  }
  if (isClassification(m)) throw new ExplanationInputError(`${where}: ${table.source} has a numeric target but the model predicts classes`, { field: 'table' });
  const c = y.values.cols;
  const values = Matrix.zeros(rows.length, c, 'float64');
  rows.forEach((r, i) => values.data.set(y.values.data.subarray(r * c, (r + 1) * c), i * c));
  return { kind: 'numeric', values };
}

/** The metric of predictions `p` (rows × outputs, the explained outputs) against the truth. */
export function score(metric: ImportanceMetric, p: Float64Array, k: number, truth: Truth): number {
  if (truth.kind === 'classes') {
    const n = truth.index.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const t = truth.index[i]!;
      if (metric === 'logLoss') {
        total -= Math.log(Math.max(p[i * k + t]!, 1e-15));
      } else {
        // The first largest probability, as classCodes decides (a binary p = 0.5 is the first class).
        let best = 0;
        for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j;
        if (best === t) total++;
      }
    }
    return total / n;
  }
  const m = regressionMetrics(new Matrix(truth.values.rows, k, p), truth.values);
  return metric === 'r2' ? m.r2 : metric === 'mae' ? m.mae : m.rmse;
}
