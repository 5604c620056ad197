import { Matrix, type Scaler, type Sequential, type Task } from '../src/index.js';

/** Final metrics of one part of the data, in the units a user reads. */
export interface SetMetrics {
  rows: number;
  loss: number;
  accuracy?: number;
  /** Regression, in the target's own units. */
  mae?: number;
  rmse?: number;
  r2?: number;
  /** Regression: MSE, MAE and R² of each output column, in target order (in the target's units). */
  outputs?: OutputMetrics[];
}

/** The metrics of one regression output. */
export interface OutputMetrics {
  mse: number;
  mae: number;
  r2: number;
}

/**
 * Loss (as the model computes it, on scaled targets for regression) and the task's metrics:
 * accuracy for classification; MAE, RMSE and R² in original units for regression.
 */
export function measure(model: Sequential, task: Task, x: Matrix, y: Matrix, targetScaler: Scaler | undefined, rawTargets: Matrix | undefined): SetMetrics {
  // In chunks, so a million rows are never copied whole again (evaluate validates a copy of its input).
  let loss = 0;
  let correct = 0;
  const preds: Matrix[] = [];
  for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, x.rows - start);
    const xs = rowsOf(x, start, n);
    const logs = model.evaluate(xs, rowsOf(y, start, n));
    loss += logs.loss! * n;
    if (task !== 'regression') correct += logs.accuracy! * n;
    else preds.push(model.predictMatrix(xs));
  }
  const out: SetMetrics = { rows: x.rows, loss: loss / x.rows };
  if (task !== 'regression') {
    out.accuracy = correct / x.rows;
    return out;
  }
  const scaled = concatRows(preds, model.outputUnits);
  const pred = targetScaler ? targetScaler.inverseTransform(scaled, 'float64') : scaled;
  Object.assign(out, regressionMetrics(pred, rawTargets ?? y));
  out.outputs = outputMetrics(pred, rawTargets ?? y);
  return out;
}

const CHUNK_ROWS = 65_536;

function rowsOf(m: Matrix, start: number, n: number): Matrix {
  return new Matrix(n, m.cols, m.data.subarray(start * m.cols, (start + n) * m.cols));
}

function concatRows(parts: readonly Matrix[], cols: number): Matrix {
  const rows = parts.reduce((a, p) => a + p.rows, 0);
  const out = Matrix.zeros(rows, cols, 'float64');
  let at = 0;
  for (const p of parts) {
    out.data.set(p.data.subarray(0, p.rows * cols), at);
    at += p.rows * cols;
  }
  return out;
}

/** MAE, RMSE and R² = 1 − SS_res/SS_tot, averaged over output columns. */
export function regressionMetrics(pred: Matrix, truth: Matrix): { mae: number; rmse: number; r2: number } {
  const per = outputMetrics(pred, truth);
  const mean = (f: (o: OutputMetrics) => number) => per.reduce((a, o) => a + f(o), 0) / per.length;
  return { mae: mean((o) => o.mae), rmse: Math.sqrt(mean((o) => o.mse)), r2: mean((o) => o.r2) };
}

/** MSE, MAE and R² = 1 − SS_res/SS_tot of each output column. */
export function outputMetrics(pred: Matrix, truth: Matrix): OutputMetrics[] {
  const n = truth.rows;
  const k = truth.cols;
  const out: OutputMetrics[] = [];
  for (let c = 0; c < k; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += truth.data[i * k + c]!;
    mean /= n;
    let abs = 0;
    let res = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) {
      const t = truth.data[i * k + c]!;
      const e = pred.data[i * k + c]! - t;
      abs += Math.abs(e);
      res += e * e;
      tot += (t - mean) ** 2;
    }
    out.push({ mse: res / n, mae: abs / n, r2: tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot });
  }
  return out;
}

/** A table of each output's metrics, named by the target columns. */
export function outputTable(names: readonly string[], sets: readonly (readonly [string, OutputMetrics[] | undefined])[]): string {
  const present = sets.filter((s): s is readonly [string, OutputMetrics[]] => s[1] !== undefined);
  const rows = names.map((name, c) => [name, ...present.flatMap(([, o]) => [formatMetric(o[c]!.mse), formatMetric(o[c]!.mae), formatMetric(o[c]!.r2)])]);
  const head = (label: string, metric: string) => (label ? `${label} ${metric}` : metric);
  return boxTable(['output', ...present.flatMap(([label]) => [head(label, 'MSE'), head(label, 'MAE'), head(label, 'R²')])], rows);
}

/** Confusion matrix: counts[true class][predicted class]. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]!]![predicted[i]!]!++;
  return m;
}

/** Per-class precision (of predictions of the class, how many right) and recall (of the class, how many found). */
export function precisionRecall(m: readonly (readonly number[])[]): { precision: number[]; recall: number[] } {
  const k = m.length;
  const precision: number[] = [];
  const recall: number[] = [];
  for (let c = 0; c < k; c++) {
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += m[j]![c]!;
      actual += m[c]![j]!;
    }
    precision.push(predicted === 0 ? NaN : m[c]![c]! / predicted);
    recall.push(actual === 0 ? NaN : m[c]![c]! / actual);
  }
  return { precision, recall };
}

/** A number for a table cell: 4 decimals, or exponent form for tiny/huge values. */
export function formatMetric(v: number | undefined): string {
  if (v === undefined) return '';
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return v.toFixed(4);
}

/** A boxed text table; numeric-looking cells are right-aligned. */
export function boxTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = (s: string) => /^[-+]?[\d.]+(e[-+]?\d+)?%?$|^NaN$/.test(s);
  const cell = (s: string, c: number) => (numeric(s) ? s.padStart(widths[c]!) : s.padEnd(widths[c]!));
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const line = (r: readonly string[]) => `│ ${r.map((s, c) => cell(s, c)).join(' │ ')} │`;
  return [rule('┌', '┬', '┐'), line(header), rule('├', '┼', '┤'), ...rows.map(line), rule('└', '┴', '┘')].join('\n');
}
