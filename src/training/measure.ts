import { Matrix } from '../core/matrix.js';
import type { Scaler } from '../data/scalers.js';
import { TotalSquares, r2FromSums } from '../metrics/regression.js';
import type { Sequential } from '../model/sequential.js';
import type { Task } from './output.js';

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

/** MSE, MAE and R² = 1 − SS_res/SS_tot of each output column (a constant target scores r2FromSums' 1 or 0). */
export function outputMetrics(pred: Matrix, truth: Matrix): OutputMetrics[] {
  const n = truth.rows;
  const k = truth.cols;
  const out: OutputMetrics[] = [];
  for (let c = 0; c < k; c++) {
    let abs = 0;
    let res = 0;
    const tot = new TotalSquares();
    for (let i = 0; i < n; i++) {
      const t = truth.data[i * k + c]!;
      const e = pred.data[i * k + c]! - t;
      abs += Math.abs(e);
      res += e * e;
      tot.add(t);
    }
    out.push({ mse: res / n, mae: abs / n, r2: r2FromSums(res, tot.ss) });
  }
  return out;
}
