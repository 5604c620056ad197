import { Matrix, type Scaler, type Sequential, type Table } from '../../src/index.js';
import type { BoundaryData, FitData } from './data.js';

const GRID = 120;
const MAX_POINTS = 2000;

/** Rows to plot: all of them, or an even sample of MAX_POINTS. */
function sampleRows(n: number): number[] {
  const step = Math.max(1, n / MAX_POINTS);
  const out: number[] = [];
  for (let i = 0; i < n && out.length < MAX_POINTS; i++) out.push(Math.floor(i * step));
  return out.filter((r) => r < n);
}

function range(values: Float64Array | number[], pad: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  return [lo - pad * span, hi + pad * span];
}

function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j]!;
  return out;
}

/**
 * For a classifier on two numeric inputs: the predicted class and its probability on a grid over
 * the data's range (in the original units, scaled the way the model was trained), and the points.
 */
export function decisionBoundary(model: Sequential, table: Table, scaler: Scaler | undefined): BoundaryData | undefined {
  const y = table.y;
  if (y?.kind !== 'classes' || table.x.cols !== 2 || table.schema.inputs.some((c) => c.kind !== 'numeric')) return undefined;
  const xs = column(table.x, 0);
  const ys = column(table.x, 1);
  const xRange = range(xs, 0.08);
  const yRange = range(ys, 0.08);
  const grid = Matrix.zeros(GRID * GRID, 2, 'float64');
  for (let r = 0; r < GRID; r++) {
    const yv = yRange[1] - ((r + 0.5) / GRID) * (yRange[1] - yRange[0]);
    for (let c = 0; c < GRID; c++) {
      const k = r * GRID + c;
      grid.data[2 * k] = xRange[0] + ((c + 0.5) / GRID) * (xRange[1] - xRange[0]);
      grid.data[2 * k + 1] = yv;
    }
  }
  const p = model.predictMatrix(scaler ? scaler.transform(grid, 'float32') : grid.clone('float32'));
  const cells: number[] = [];
  const confidence: number[] = [];
  for (let i = 0; i < p.rows; i++) {
    if (p.cols === 1) {
      const q = p.data[i]!;
      cells.push(q > 0.5 ? 1 : 0);
      confidence.push(q > 0.5 ? q : 1 - q);
    } else {
      let k = 0;
      for (let c = 1; c < p.cols; c++) if (p.data[i * p.cols + c]! > p.data[i * p.cols + k]!) k = c;
      cells.push(k);
      confidence.push(p.data[i * p.cols + k]!);
    }
  }
  const rows = sampleRows(table.rows);
  return {
    xName: table.featureNames[0]!,
    yName: table.featureNames[1]!,
    xRange,
    yRange,
    size: GRID,
    cells,
    confidence: confidence.map((v) => Math.round(v * 1000) / 1000),
    classes: y.classes.map(String),
    points: { x: rows.map((r) => xs[r]!), y: rows.map((r) => ys[r]!), cls: rows.map((r) => y.codes[r]!) },
  };
}

/** For a regressor on one numeric input: the data and the predicted curve, in original units. */
export function regressionFit(model: Sequential, table: Table, scaler: Scaler | undefined, targetScaler: Scaler | undefined): FitData | undefined {
  const y = table.y;
  if (y?.kind !== 'numeric' || y.names.length !== 1 || table.x.cols !== 1 || table.schema.inputs[0]?.kind !== 'numeric') return undefined;
  const xs = column(table.x, 0);
  const [lo, hi] = range(xs, 0.02);
  const n = 200;
  const grid = Matrix.zeros(n, 1, 'float64');
  for (let i = 0; i < n; i++) grid.data[i] = lo + (i / (n - 1)) * (hi - lo);
  const scaled = model.predictMatrix(scaler ? scaler.transform(grid, 'float32') : grid.clone('float32'));
  const pred = targetScaler ? targetScaler.inverseTransform(scaled, 'float64') : scaled;
  const rows = sampleRows(table.rows);
  return {
    xName: table.featureNames[0]!,
    yName: y.names[0]!,
    points: { x: rows.map((r) => xs[r]!), y: rows.map((r) => y.values.data[r]!) },
    curve: { x: Array.from(grid.data), y: Array.from(pred.data.subarray(0, n)) },
  };
}
