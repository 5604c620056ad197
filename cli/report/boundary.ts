import { Matrix, decisionBoundary as boundaryGrid, gatherRows, pipelineInputs, type Preprocessing, type Scaler, type Sequential, type Table } from '../../src/index.js';
import { outputMetrics } from '../evaluation.js';
import type { BoundaryData, FitData, ResidualData } from './data.js';

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

/** The model's input range for a column range in the file's units (the scalers are increasing affine maps). */
function scaledRange(scaler: Scaler | undefined, lo: [number, number], hi: [number, number]): { x: [number, number]; y: [number, number] } {
  if (!scaler) return { x: [lo[0], hi[0]], y: [lo[1], hi[1]] };
  const ends = scaler.transform(new Matrix(2, 2, Float64Array.of(lo[0], lo[1], hi[0], hi[1])), 'float64');
  return { x: [ends.get(0, 0), ends.get(1, 0)], y: [ends.get(0, 1), ends.get(1, 1)] };
}

/**
 * For a classifier on two numeric inputs: the predicted class and its probability on a grid over
 * the data's range (in the original units, scaled the way the model was trained), and the points.
 * The grid is the library's decisionBoundary at the centres of GRID × GRID cells, rows top first.
 */
export function decisionBoundary(model: Sequential, table: Table, scaler: Scaler | undefined): BoundaryData | undefined {
  const y = table.y;
  // The grid is drawn in the two columns' units: the network must take just those two (no indicator inputs).
  if (y?.kind !== 'classes' || table.x.cols !== 2 || model.inputUnits !== 2 || table.schema.inputs.some((c) => c.kind !== 'numeric')) return undefined;
  const xs = column(table.x, 0);
  const ys = column(table.x, 1);
  const xRange = range(xs, 0.08);
  const yRange = range(ys, 0.08);
  // Cell centres: half a cell in from each edge.
  const hx = (xRange[1] - xRange[0]) / (2 * GRID);
  const hy = (yRange[1] - yRange[0]) / (2 * GRID);
  const scaled = scaledRange(scaler, [xRange[0] + hx, yRange[0] + hy], [xRange[1] - hx, yRange[1] - hy]);
  const grid = boundaryGrid(model, { xRange: scaled.x, yRange: scaled.y, resolution: GRID });
  const cells: number[] = [];
  const confidence: number[] = [];
  for (let r = GRID - 1; r >= 0; r--) {
    for (let c = 0; c < GRID; c++) {
      const k = grid.classes[r]![c]!;
      cells.push(k);
      confidence.push(grid.probabilities[r]![c]![k]!);
    }
  }
  // Rows with a missing coordinate have no place in the plane.
  const rows = sampleRows(table.rows).filter((r) => !Number.isNaN(xs[r]!) && !Number.isNaN(ys[r]!));
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
  if (y?.kind !== 'numeric' || y.names.length !== 1 || table.x.cols !== 1 || model.inputUnits !== 1 || table.schema.inputs[0]?.kind !== 'numeric') return undefined;
  const xs = column(table.x, 0);
  const [lo, hi] = range(xs, 0.02);
  const n = 200;
  const grid = Matrix.zeros(n, 1, 'float64');
  for (let i = 0; i < n; i++) grid.data[i] = lo + (i / (n - 1)) * (hi - lo);
  const scaled = model.predictMatrix(scaler ? scaler.transform(grid, 'float32') : grid.clone('float32'));
  const pred = targetScaler ? targetScaler.inverseTransform(scaled, 'float64') : scaled;
  const rows = sampleRows(table.rows).filter((r) => !Number.isNaN(xs[r]!));
  return {
    xName: table.featureNames[0]!,
    yName: y.names[0]!,
    points: { x: rows.map((r) => xs[r]!), y: rows.map((r) => y.values.data[r]!) },
    curve: { x: Array.from(grid.data), y: Array.from(pred.data.subarray(0, n)) },
  };
}

/** For a regressor: predicted against actual and the residuals of each output on the given rows, in original units. */
export function regressionResiduals(model: Sequential, table: Table, rows: readonly number[], on: ResidualData['on'], pre: Preprocessing, targetScaler: Scaler | undefined): ResidualData | undefined {
  const y = table.y;
  if (y?.kind !== 'numeric' || rows.length === 0) return undefined;
  const scaled = model.predictMatrix(pipelineInputs(pre, table, rows));
  const pred = targetScaler ? targetScaler.inverseTransform(scaled, 'float64') : scaled;
  const truth = gatherRows(y.values, rows);
  const metrics = outputMetrics(pred, truth);
  const k = truth.cols;
  const shown = sampleRows(rows.length);
  return {
    on,
    rows: shown.map((i) => rows[i]!),
    outputs: y.names.map((name, c) => {
      const actual = shown.map((i) => truth.data[i * k + c]!);
      const predicted = shown.map((i) => pred.data[i * k + c]!);
      return { name, actual, predicted, residual: actual.map((a, i) => a - predicted[i]!), ...metrics[c]! };
    }),
  };
}
