import { Matrix } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { columnWidth, featureNames } from '../data/schema.js';
import { standardScaler, minMaxScaler, scalerFromJSON, type Scaler } from '../data/scalers.js';
import type { Table } from '../data/table.js';
import type { ImputerJSON, Preprocessing } from '../io/modelFile.js';
import { targetMatrix, type OutputPlan } from './output.js';
import type { PreprocessingSpec, ScaleKind } from './spec.js';

/**
 * The tabular pipeline, as scikit-learn's ColumnTransformer(SimpleImputer → OneHotEncoder /
 * StandardScaler): reading (src/data) gives encoded features with NaN for missing numbers and an
 * all-zero block for a missing or unseen category; fitPipeline learns, on the training rows only,
 * the median of every numeric feature, the most frequent category of every categorical column,
 * optional missing-indicator inputs, and the scaler; pipelineInputs applies them, at training and
 * at predict time alike. The fitted pipeline is plain JSON saved in the model file.
 */

/** The given rows of m, as a new float32 matrix (the model's dtype). */
export function gatherRows(m: Matrix, rows: readonly number[]): Matrix {
  const out = Matrix.zeros(rows.length, m.cols, 'float32');
  const d = m.cols;
  rows.forEach((r, i) => out.data.set(m.data.subarray(r * d, (r + 1) * d), i * d));
  return out;
}

function makeScaler(kind: ScaleKind): Scaler | undefined {
  return kind === 'standard' ? standardScaler() : kind === 'minmax' ? minMaxScaler() : undefined;
}

/** Where each input column's features start, and how many it has. */
function layout(pre: Preprocessing): { name: string; kind: string; start: number; width: number }[] {
  let start = 0;
  return pre.schema!.inputs.map((c) => {
    const w = columnWidth(c);
    const out = { name: c.name, kind: c.kind, start, width: w };
    start += w;
    return out;
  });
}

/** Median of the non-NaN values of column c over the rows (0 when there are none); `buffer` holds rows.length values. */
function median(x: Matrix, rows: readonly number[], c: number, buffer: Float64Array): number {
  let n = 0;
  for (const r of rows) {
    const a = x.data[r * x.cols + c]!;
    if (!Number.isNaN(a)) buffer[n++] = a;
  }
  if (n === 0) return 0;
  const v = buffer.subarray(0, n).sort();
  const m = n >> 1;
  return n % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Learns the imputation (and which columns get an indicator) from the training rows. */
function fitImputer(table: Table, rows: readonly number[], indicator: boolean): ImputerJSON {
  const values = new Array<number>(table.x.cols).fill(0);
  const modes: { column: string; category: string }[] = [];
  const pre: Preprocessing = { schema: table.schema };
  // One typed buffer for every column's median: a million rows make no garbage arrays.
  const buffer = new Float64Array(rows.length);
  for (const col of layout(pre)) {
    const c = table.schema.inputs.find((i) => i.name === col.name)!;
    if (c.kind === 'categorical') {
      const counts = new Array<number>(col.width).fill(0);
      for (const r of rows) for (let k = 0; k < col.width; k++) counts[k]! += table.x.data[r * table.x.cols + col.start + k]!;
      let best = 0;
      for (let k = 1; k < col.width; k++) if (counts[k]! > counts[best]!) best = k;
      if (col.width > 0 && counts[best]! > 0) modes.push({ column: c.name, category: c.categories[best]! });
    } else {
      for (let k = 0; k < col.width; k++) values[col.start + k] = median(table.x, rows, col.start + k, buffer);
    }
  }
  const indicators = indicator ? table.report.missing.map((m) => m.column) : [];
  return { values, modes, indicators };
}

/**
 * Fits the preprocessing on the training rows only: imputation, the input scaler (on the
 * imputed inputs), and for regression (unless scaling is off) a standard scaler on the targets,
 * so the network learns targets of unit size. Gives the fitted pipeline and the training inputs
 * it made on the way (scaled in place: one copy of the data, not two).
 */
export function fitPipeline(table: Table, trainRows: readonly number[], plan: Pick<PreprocessingSpec, 'scale' | 'indicator'>, task: OutputPlan['task']): { preprocessing: Preprocessing; trainInputs: Matrix } {
  const imputer = fitImputer(table, trainRows, plan.indicator === true);
  const base: Preprocessing = { schema: table.schema, imputer };
  const trainInputs = pipelineInputs(base, table, trainRows);
  const scaler = makeScaler(plan.scale);
  if (scaler) {
    scaler.fit(trainInputs);
    scaleInPlace(trainInputs, scaler.toJSON());
  }
  const targetScaler = task === 'regression' && plan.scale !== 'none' && table.y?.kind === 'numeric' ? standardScaler().fit(gatherRows(table.y.values, trainRows)) : undefined;
  const preprocessing: Preprocessing = {
    ...base,
    featureNames: inputNames(base),
    ...(scaler ? { scaler: scaler.toJSON() } : {}),
    ...(targetScaler ? { targetScaler: targetScaler.toJSON() } : {}),
  };
  return { preprocessing, trainInputs };
}

function scaleInPlace(x: Matrix, s: { offset: readonly number[]; scale: readonly number[] }): void {
  const d = x.cols;
  if (s.offset.length !== d) throw new InputError(`inputs have ${d} features, the model's preprocessing expects ${s.offset.length}`);
  for (let i = 0; i < x.rows * d; i++) x.data[i] = (x.data[i]! - s.offset[i % d]!) / s.scale[i % d]!;
}

/** The model's input names: the schema's features, then `column (missing)` indicators. */
export function inputNames(pre: Preprocessing): string[] {
  return [...featureNames(pre.schema!), ...(pre.imputer?.indicators ?? []).map((c) => `${c} (missing)`)];
}

/**
 * Inputs of the given rows (all when undefined) as the model takes them, float32: missing values
 * filled, indicators appended, scaled.
 */
export function pipelineInputs(pre: Preprocessing, table: Table, rows?: readonly number[]): Matrix {
  const all = rows ?? Array.from({ length: table.rows }, (_, i) => i);
  const imp = pre.imputer;
  if (pre.schema !== undefined && table.x.cols !== featureNames(pre.schema).length) {
    throw new InputError(`${table.source} has ${table.x.cols} features, the model's preprocessing expects ${featureNames(pre.schema).length}`);
  }
  const d0 = table.x.cols;
  const ind = imp?.indicators ?? [];
  const d = d0 + ind.length;
  const out = Matrix.zeros(all.length, d, 'float32');
  all.forEach((r, i) => out.data.set(table.x.data.subarray(r * d0, (r + 1) * d0), i * d));
  if (imp !== undefined && pre.schema !== undefined) {
    const cols = layout(pre);
    const at = new Map(cols.map((c) => [c.name, c]));
    // Rows whose category is missing, by position in `all`.
    const missingCat = new Map<string, Uint8Array>();
    for (const [name, rowsMissing] of table.categoricalMissing) {
      const mask = new Uint8Array(table.rows);
      for (const r of rowsMissing) mask[r] = 1;
      missingCat.set(name, mask);
    }
    const modeCode = new Map(imp.modes.map((m) => {
      const c = pre.schema!.inputs.find((i) => i.name === m.column)!;
      return [m.column, c.kind === 'categorical' ? c.categories.indexOf(m.category) : -1];
    }));
    const isMissing = (name: string, i: number, r: number): boolean => {
      const c = at.get(name)!;
      if (c.kind === 'categorical') return missingCat.get(name)?.[r] === 1;
      return Number.isNaN(out.data[i * d + c.start]!);
    };
    all.forEach((r, i) => {
      ind.forEach((name, k) => (out.data[i * d + d0 + k] = isMissing(name, i, r) ? 1 : 0));
      for (let j = 0; j < d0; j++) if (Number.isNaN(out.data[i * d + j]!)) out.data[i * d + j] = imp.values[j]!;
      for (const [name, mask] of missingCat) {
        const code = modeCode.get(name);
        if (mask[r] === 1 && code !== undefined && code >= 0) out.data[i * d + at.get(name)!.start + code] = 1;
      }
    });
  }
  if (pre.scaler) scaleInPlace(out, pre.scaler);
  for (let i = 0; i < out.data.length; i++) {
    if (Number.isNaN(out.data[i]!)) {
      const row = all[Math.floor(i / d)]!;
      throw new InputError(`${table.source}: row ${row + 1}, feature ${JSON.stringify(inputNames(pre)[i % d] ?? String(i % d))} is missing and the model has no imputer (train with --missing impute)`);
    }
  }
  return out;
}

/** Targets of the given rows in the loss's layout; regression targets scaled as in training. */
export function pipelineTargets(pre: Preprocessing, table: Table, rows: readonly number[], plan: OutputPlan): Matrix {
  const m = targetMatrix(table.y!, rows, plan);
  return pre.targetScaler ? scalerFromJSON(pre.targetScaler).transform(m, 'float32') : m;
}

/** Model outputs in the target's own units (regression targets un-scaled), float64. */
export function outputsToTargets(pre: Preprocessing, p: Matrix): Matrix {
  return pre.targetScaler ? scalerFromJSON(pre.targetScaler).inverseTransform(p, 'float64') : p.clone('float64');
}
