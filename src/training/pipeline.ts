import { Matrix } from '../core/matrix.js';
import { InputError, SchemaMismatchError } from '../core/errors.js';
import { listValues, quote } from '../core/validate.js';
import { columnWidth, featureNames, type TableSchema } from '../data/schema.js';
import { standardScaler, minMaxScaler, robustScaler, scalerFromJSON, smoothClip, type Scaler } from '../data/scalers.js';
import { medianInPlace } from '../data/orderStatistics.js';
import type { Table } from '../data/table.js';
import type { ImputerJSON, Preprocessing } from '../io/preprocessing.js';
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
  return kind === 'standard' ? standardScaler() : kind === 'minmax' ? minMaxScaler() : kind === 'robust' ? robustScaler() : undefined;
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
function median(x: Matrix, rows: readonly number[], c: number, buffer: Float32Array | Float64Array): number {
  let n = 0;
  for (const r of rows) {
    const a = x.data[r * x.cols + c]!;
    if (!Number.isNaN(a)) buffer[n++] = a;
  }
  return n === 0 ? 0 : medianInPlace(buffer.subarray(0, n));
}

/** Learns the imputation (and which columns get an indicator) from the training rows. */
function fitImputer(table: Table, rows: readonly number[], indicator: boolean): ImputerJSON {
  const values = new Array<number>(table.x.cols).fill(0);
  const modes: { column: string; category: string }[] = [];
  const pre: Preprocessing = { schema: table.schema };
  // One typed buffer (of x's own type: sorting the same values) for every column's median: a million rows make no garbage arrays.
  const buffer = table.x.data instanceof Float32Array ? new Float32Array(rows.length) : new Float64Array(rows.length);
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
 * it made on the way (scaled in place: one copy of the data, not two). With `reuse` (see
 * PrepareArgs.reuseTable) the inputs of all rows are made in the table's own x instead, its rows
 * first put in the order `reuse.order` (the training rows, then the others): trainInputs is then
 * a view of its first trainRows.length rows.
 */
export function fitPipeline(table: Table, trainRows: readonly number[], plan: Pick<PreprocessingSpec, 'scale' | 'indicator'>, task: OutputPlan['task'], reuse?: { order: (i: number) => number }): { preprocessing: Preprocessing; trainInputs: Matrix } {
  const imputer = fitImputer(table, trainRows, plan.indicator === true);
  const base: Preprocessing = { schema: table.schema, imputer, ...(table.reading ? { reading: table.reading } : {}) };
  let all: Matrix | undefined;
  let trainInputs: Matrix;
  if (reuse) {
    all = transformInPlace(base, table, reuse.order);
    trainInputs = rowsView(all, 0, trainRows.length);
  } else trainInputs = pipelineInputs(base, table, trainRows);
  const scaler = makeScaler(plan.scale);
  if (scaler) {
    scaler.fit(trainInputs);
    scaleInPlace(all ?? trainInputs, scaler.toJSON());
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

/** Rows [start, start + count) of m, sharing its buffer. */
export function rowsView(m: Matrix, start: number, count: number): Matrix {
  return new Matrix(count, m.cols, m.data.subarray(start * m.cols, (start + count) * m.cols));
}

/**
 * Whether the pipeline can work in the table's own x: float32 (the model's dtype) and no
 * missing-indicator inputs to add (they widen the matrix).
 */
export function canTransformInPlace(pre: Preprocessing, table: Table): boolean {
  return table.x.data instanceof Float32Array && (pre.imputer?.indicators.length ?? 0) === 0;
}

/**
 * Reorders the rows of table.x in place so that row i is the former row order(i) (`order` a
 * permutation of all rows), then applies the pipeline to it in place; gives table.x. One row of
 * scratch and a bit per row: no second copy of the data (RELIABILITY C5).
 */
export function transformInPlace(pre: Preprocessing, table: Table, order?: (i: number) => number): Matrix {
  const x = table.x;
  if (!canTransformInPlace(pre, table)) throw new InputError(`${table.source}: the pipeline cannot work in place (float64 inputs or missing-indicator columns)`);
  checkFeatures(pre, table);
  if (order !== undefined) permuteRows(x, order);
  applyPipeline(pre, table, x, order ?? ((i) => i));
  return x;
}

/** Row i of m becomes former row order(i) (a permutation of its rows), following the permutation's cycles. */
function permuteRows(m: Matrix, order: (i: number) => number): void {
  const n = m.rows;
  const d = m.cols;
  const data = m.data;
  const placed = new Uint8Array(n);
  const scratch = data.slice(0, d);
  for (let start = 0; start < n; start++) {
    if (placed[start] === 1) continue;
    scratch.set(data.subarray(start * d, start * d + d));
    let i = start;
    for (;;) {
      placed[i] = 1;
      const from = order(i);
      if (from === start) {
        data.set(scratch, i * d);
        break;
      }
      data.copyWithin(i * d, from * d, from * d + d);
      i = from;
    }
  }
}

function scaleInPlace(x: Matrix, s: { offset: readonly number[]; scale: readonly number[]; clip?: number }): void {
  const d = x.cols;
  if (s.offset.length !== d) throw new InputError(`inputs have ${d} features, the model's preprocessing expects ${s.offset.length}`);
  const c = s.clip;
  if (c === undefined) for (let i = 0; i < x.rows * d; i++) x.data[i] = (x.data[i]! - s.offset[i % d]!) / s.scale[i % d]!;
  else for (let i = 0; i < x.rows * d; i++) x.data[i] = smoothClip((x.data[i]! - s.offset[i % d]!) / s.scale[i % d]!, c);
}

/** The model's input names: the schema's features, then `column (missing)` indicators. */
export function inputNames(pre: Preprocessing): string[] {
  return [...featureNames(pre.schema!), ...(pre.imputer?.indicators ?? []).map((c) => `${c} (missing)`)];
}

function checkFeatures(pre: Preprocessing, table: Table): void {
  if (pre.schema === undefined) return;
  checkSchemaMatches(pre.schema, table);
  if (table.x.cols !== featureNames(pre.schema).length) {
    throw new InputError(`${table.source} has ${table.x.cols} features, the model's preprocessing expects ${featureNames(pre.schema).length}`);
  }
}

/**
 * A table's columns are encoded by position: one built with another column order or another
 * category order would be read silently wrong (R22; scikit-learn checks the feature names seen
 * in fit). Every input column must match the model's by name, kind, categories in order and date
 * format, else a SchemaMismatchError names the column and what differs.
 */
function checkSchemaMatches(schema: TableSchema, table: Table): void {
  const want = schema.inputs;
  const got = table.schema.inputs;
  if (got === want) return;
  const hint = 'read the table with the model\'s schema (tableFromRecords(records, { schema: model.preprocessing.schema })), which finds columns by name';
  const fail = (column: string, problem: string, what: string): never => {
    throw new SchemaMismatchError(`${table.source}: ${what}; ${hint}`, column, problem);
  };
  const byName = new Map(got.map((c, i) => [c.name, i]));
  want.forEach((w, i) => {
    const at = byName.get(w.name);
    if (at === undefined) fail(w.name, 'missing', `column ${quote(w.name)} of the model is not in the table (its columns: ${listValues(got.map((c) => c.name))})`);
    if (at !== i) fail(w.name, 'order', `column ${quote(w.name)} is column ${at! + 1} of the table but column ${i + 1} of the model`);
    const g = got[i]!;
    if (g.kind !== w.kind) fail(w.name, 'kind', `column ${quote(w.name)} is ${g.kind} in the table but ${w.kind} in the model`);
    if (w.kind === 'categorical' && g.kind === 'categorical' && (g.categories.length !== w.categories.length || g.categories.some((c, k) => c !== w.categories[k]))) {
      const same = g.categories.length === w.categories.length && new Set([...g.categories, ...w.categories]).size === w.categories.length;
      fail(w.name, same ? 'category order' : 'categories', `column ${quote(w.name)} has ${same ? 'its categories in another order' : 'other categories'} than the model (table: ${listValues(g.categories, true)}; model: ${listValues(w.categories, true)})`);
    }
    if (w.kind === 'date' && g.kind === 'date' && (g.format !== w.format || g.time !== w.time)) fail(w.name, 'date format', `column ${quote(w.name)} is read as dates in another format than the model's`);
  });
  if (got.length !== want.length) fail(got[want.length]!.name, 'extra', `column ${quote(got[want.length]!.name)} of the table is not an input of the model`);
}

/**
 * Inputs of the given rows (all when undefined) as the model takes them, float32: missing values
 * filled, indicators appended, scaled. A new matrix; transformInPlace works in the table's own x.
 */
export function pipelineInputs(pre: Preprocessing, table: Table, rows?: readonly number[]): Matrix {
  checkFeatures(pre, table);
  const n = rows ? rows.length : table.rows;
  const d0 = table.x.cols;
  const d = d0 + (pre.imputer?.indicators.length ?? 0);
  const out = Matrix.zeros(n, d, 'float32');
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i;
    out.data.set(table.x.data.subarray(r * d0, (r + 1) * d0), i * d);
  }
  applyPipeline(pre, table, out, rows ? (i) => rows[i]! : (i) => i);
  return out;
}

/**
 * Fills missing values, sets indicators and scales `out`, whose row i holds the features of table
 * row rowOf(i) (indicator columns, if any, after them); fails on a value still missing.
 */
function applyPipeline(pre: Preprocessing, table: Table, out: Matrix, rowOf: (i: number) => number): void {
  const imp = pre.imputer;
  const d0 = table.x.cols;
  const ind = imp?.indicators ?? [];
  const d = out.cols;
  const n = out.rows;
  if (imp !== undefined && pre.schema !== undefined) {
    const cols = layout(pre);
    const at = new Map(cols.map((c) => [c.name, c]));
    // Rows whose category is missing, by table row.
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
    // Per row, loops over plain arrays only: a million rows make no garbage (RELIABILITY C5).
    const masks = [...missingCat].map(([name, mask]) => ({ mask, code: modeCode.get(name), start: at.get(name)!.start }));
    const values = imp.values;
    for (let i = 0; i < n; i++) {
      const r = rowOf(i);
      for (let k = 0; k < ind.length; k++) out.data[i * d + d0 + k] = isMissing(ind[k]!, i, r) ? 1 : 0;
      for (let j = 0; j < d0; j++) if (Number.isNaN(out.data[i * d + j]!)) out.data[i * d + j] = values[j]!;
      for (let k = 0; k < masks.length; k++) {
        const m = masks[k]!;
        if (m.mask[r] === 1 && m.code !== undefined && m.code >= 0) out.data[i * d + m.start + m.code] = 1;
      }
    }
  }
  if (pre.scaler) scaleInPlace(out, pre.scaler);
  for (let i = 0; i < n * d; i++) {
    if (Number.isNaN(out.data[i]!)) {
      const row = rowOf(Math.floor(i / d));
      throw new InputError(`${table.source}: row ${row + 1}, feature ${JSON.stringify(inputNames(pre)[i % d] ?? String(i % d))} is missing and the model has no imputer (train with --missing impute)`);
    }
  }
}

/** Targets of the given rows (all when undefined) in the loss's layout; regression targets scaled as in training. */
export function pipelineTargets(pre: Preprocessing, table: Table, rows: readonly number[] | undefined, plan: OutputPlan): Matrix {
  const m = targetMatrix(table.y!, rows, plan);
  return pre.targetScaler ? scalerFromJSON(pre.targetScaler).transform(m, 'float32') : m;
}

/** Model outputs in the target's own units (regression targets un-scaled), float64. */
export function outputsToTargets(pre: Preprocessing, p: Matrix): Matrix {
  return pre.targetScaler ? scalerFromJSON(pre.targetScaler).inverseTransform(p, 'float64') : p.clone('float64');
}
