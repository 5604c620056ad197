import { canTransformInPlace, pipelineInputs, rowHashes, type JsonObject, type TableArgs, scalerFromJSON, transformInPlace, type LoadedModel, type Matrix, type PreprocessingSpec, type OutputPlan, type Scaler, type Table, type Task } from '../src/index.js';
import { readCsvTable } from './csv.js';
import { UsageError } from './errors.js';
import { savedRun } from './settings.js';

/** A loaded model with what it needs to read new files the way it was trained. */
export interface Applied {
  /** The file as read; its x has become `x` when the pipeline could work in place. */
  readonly table: Table;
  /** Inputs scaled as in training, float32. */
  readonly x: Matrix;
  readonly scaler: Scaler | undefined;
  readonly targetScaler: Scaler | undefined;
  readonly plan: OutputPlan;
  /** Each row's hash as read (with ReadOptions.hashRows). */
  readonly hashes?: Float64Array;
}

/** The model's task and output from its saved schema and loss. */
export function modelPlan(loaded: LoadedModel): OutputPlan {
  const target = loaded.preprocessing.schema?.target;
  const model = loaded.network;
  let task: Task;
  if (target?.kind === 'numeric') task = 'regression';
  else if (target?.kind === 'classes') task = target.classes.length === 2 ? 'binary' : 'multiclass';
  else if (model.classes !== undefined) task = model.classes.length === 2 ? 'binary' : 'multiclass';
  else task = 'regression';
  if (model.loss === undefined) throw new UsageError('the model file has no loss (it was saved before compile)');
  return { task, units: model.outputUnits, activation: 'linear', loss: model.loss.name, metrics: task === 'regression' ? [] : ['accuracy'] };
}

export interface ReadOptions {
  /** Unseen categories: all zeros with a warning (default) or an error. */
  unknown?: 'ignore' | 'error';
  delimiter?: string;
  /** Columns to carry through as text (predict --keep). */
  carry?: readonly string[];
  /** A frequency table's count column: each record read as many times (evaluate). */
  count?: string;
  /** Leave the table as read (evaluate --report explains the model on it): the inputs are a copy. */
  keepTable?: boolean;
  /** Hash each row as read (before the pipeline scales x in place), to find rows seen in training. */
  hashRows?: boolean;
}

/**
 * How train read its file (--na-values, --decimal, --no-header, --skip-rows), from the spec it saved in the
 * model file (or an older file's settings, through savedRun), so that evaluate, predict and
 * explain read the same cells as missing, the same numbers and the same first line. A file with
 * no saved run reads the defaults.
 */
export function readingOf(metadata: JsonObject, path = 'the model file'): Pick<TableArgs, 'naValues' | 'decimal' | 'header' | 'skipRows'> {
  const { naValues, decimal, header, skipRows } = savedPreprocessing(metadata, path) ?? {};
  return { ...(naValues !== undefined ? { naValues } : {}), ...(decimal !== undefined ? { decimal } : {}), ...(header === false ? { header } : {}), ...(skipRows !== undefined ? { skipRows } : {}) };
}

/** The count column the model was trained with (train --count), if any: evaluate reads a file that has it alike. */
export function savedCount(metadata: JsonObject, path = 'the model file'): string | undefined {
  return savedPreprocessing(metadata, path)?.count;
}

/** The preprocessing of the spec train saved, or undefined for a file with no saved run. */
function savedPreprocessing(metadata: JsonObject, path: string): PreprocessingSpec | undefined {
  return metadata.spec === undefined && metadata.train === undefined ? undefined : savedRun(metadata, path).spec.preprocessing;
}

/** Reads a CSV with the model's column schema (columns by name, same categories) and applies the model's pipeline. */
export async function readForModel(loaded: LoadedModel, file: string, requireTarget: boolean, options: ReadOptions = {}): Promise<Applied> {
  const schema = loaded.preprocessing.schema;
  if (schema === undefined) throw new UsageError('the model file has no column schema (it was not written by "backprop train"), so it cannot read CSV files');
  // predict ignores a target column if the file has one (its labels may be new); evaluate needs it.
  const extra = { ...readingOf(loaded.metadata), ...(options.unknown ? { unknown: options.unknown } : {}), ...(options.carry ? { carry: options.carry } : {}), ...(options.count ? { count: options.count } : {}) };
  const table = await readCsvTable(file, requireTarget ? { schema, requireTarget, ...extra } : { schema: { inputs: schema.inputs, target: undefined }, ...extra }, undefined, options.delimiter);
  const hashes = options.hashRows ? rowHashes(table) : undefined;
  const pre = loaded.preprocessing;
  const scaler = pre.scaler ? scalerFromJSON(pre.scaler) : undefined;
  const targetScaler = pre.targetScaler ? scalerFromJSON(pre.targetScaler) : undefined;
  // The table was read for this alone: the pipeline fills in and scales its x in place (no second copy, C5).
  const x = options.keepTable !== true && canTransformInPlace(pre, table) ? transformInPlace(pre, table) : pipelineInputs(pre, table);
  return { table, x, scaler, targetScaler, plan: modelPlan(loaded), ...(hashes ? { hashes } : {}) };
}

/** A CSV field, quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The shortest decimal that reads back as the same float32 (a float32 printed as a double shows
 * digits it does not have: 0.1f is 0.10000000149011612).
 */
export function formatFloat32(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || f === 0) return String(f);
  for (let p = 6; p < 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(Number(f.toPrecision(9)));
}
