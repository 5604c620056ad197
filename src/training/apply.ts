import { countOf } from '../core/format.js';
import { InputError, RecordError } from '../core/errors.js';
import { overflowReason } from '../core/matrix.js';
import { checkKeys, describe } from '../core/validate.js';
import type { Matrix } from '../core/matrix.js';
import { tableFromRecords, type Table, type UnknownPolicy } from '../data/table.js';
import { UNKNOWN_EXAMPLES } from '../data/columns.js';
import type { Preprocessing } from '../io/preprocessing.js';
import type { Sequential } from '../model/sequential.js';
import type { Label } from '../core/labels.js';
import { classCodes } from './output.js';
import { outputsToTargets, pipelineInputs } from './pipeline.js';

/** A raw row by column name, as a user or a JSON API has it; null, undefined, NaN and the missing spellings are missing. */
export type RawRecord = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A network with the preprocessing it was trained with (what loadModel gives). */
export interface ModelWithPipeline {
  readonly network: Sequential;
  readonly preprocessing: Preprocessing;
}

/** Predictions on raw records through a model's own pipeline, with what the pipeline met on the way (unseen categories, missing cells). */
export interface Predictions {
  /** Class labels (classification) or, for regression, one number per row (one target) or a row of numbers (several). */
  readonly values: readonly Label[] | readonly number[] | readonly (readonly number[])[];
  /** Per-class probabilities (classification), in model.classes order. */
  readonly probabilities: readonly (readonly number[])[] | undefined;
  /** Unseen categories and the like, counted ("colour: 3 values not seen in training (mauve, teal)"). */
  readonly warnings: readonly string[];
}

/**
 * Model outputs → predictions in the user's terms: class labels (one output: p > 0.5; several:
 * argmax) with probabilities, or regression values in the target's units.
 */
export function decodeOutputs(m: ModelWithPipeline, p: Matrix): Omit<Predictions, 'warnings'> {
  const target = m.preprocessing.schema?.target;
  const classes = m.network.classes ?? (target?.kind === 'classes' ? target.classes : undefined);
  if (classes !== undefined && target?.kind !== 'numeric') {
    const codes = classCodes(p);
    const probabilities: number[][] = [];
    for (let i = 0; i < p.rows; i++) {
      if (p.cols === 1) probabilities.push([1 - p.data[i]!, p.data[i]!]);
      else probabilities.push(Array.from(p.data.subarray(i * p.cols, (i + 1) * p.cols)));
    }
    return { values: Array.from(codes, (k) => classes[k]!), probabilities };
  }
  const v = outputsToTargets(m.preprocessing, p);
  const rows: number[][] = [];
  for (let i = 0; i < v.rows; i++) rows.push(Array.from(v.data.subarray(i * v.cols, (i + 1) * v.cols)));
  return { values: v.cols === 1 ? rows.map((r) => r[0]!) : rows, probabilities: undefined };
}

/** Warnings a table read with a model's schema carries (unseen categories). */
export function readingWarnings(table: Table): string[] {
  // The examples are the first ten distinct values: "..." only when there may be more of them (14 cells of one "Taxi" are not).
  return table.report.unknown.map((u) => `${u.column}: ${countOf(u.count, 'value')} not seen in training (${u.examples.map((e) => JSON.stringify(e)).join(', ')}${u.count > u.examples.length && u.examples.length >= UNKNOWN_EXAMPLES ? ', ...' : ''}) encoded as all zeros`);
}

/** Predictions for a table read with the model's schema (what `backprop predict` does with a CSV file). */
export function predictTable(m: ModelWithPipeline, table: Table): Predictions {
  const x = pipelineInputs(m.preprocessing, table);
  return { ...decodeOutputs(m, m.network.predictMatrix(x)), warnings: readingWarnings(table) };
}

/** The options of RecordReading: any other key is refused (a misspelt `unknwn` is never ignored, R31). */
export const RECORD_READING_KEYS = ['unknown', 'naValues'] as const;

/** How records' cells are read: unseen categories, and which text cells mean missing (the tokens the model was trained with). */
export interface RecordReading {
  /** A category not seen in training: all zeros with a warning (default 'ignore') or an error. */
  unknown?: UnknownPolicy;
  /** Exactly the text cells that mean missing (default: blank, NA, N/A, ?, NaN, null, None in any case). */
  naValues?: readonly string[];
}

/**
 * Predicts raw rows with the model's own preprocessing (columns by name; missing values filled,
 * categories encoded, dates expanded, scaled) — what a loaded model needs to serve a form or an
 * API. Columns the model does not use are ignored.
 *
 * @example
 * const loaded = loadModel('penguins.bpm');
 * predictRecords(loaded, [{ island: 'Biscoe', bill_length_mm: 45.1, sex: null }]).values; // ['Gentoo']
 */
export function predictRecords(m: ModelWithPipeline, records: readonly RawRecord[], args: RecordReading = {}): Predictions {
  checkKeys('predictRecords', args, RECORD_READING_KEYS);
  if (Array.isArray(records) && records.length === 0) return { values: [], probabilities: undefined, warnings: [] };
  const { x, warnings } = recordsToInputs(m.preprocessing, records, args, 'predictRecords');
  return { ...decodeOutputs(m, m.network.predictMatrix(x)), warnings };
}

/**
 * Raw records → the network's inputs through the pipeline (missing values filled, categories
 * encoded, dates expanded, indicators, scaled), float32, with what the pipeline met on the way.
 * The one path for predictRecords, LoadedModel.predict and the TF.js applier.
 */
export function recordsToInputs(pre: Preprocessing, records: readonly RawRecord[], args: RecordReading = {}, caller = 'predict'): { x: Matrix; warnings: string[] } {
  const schema = pre.schema;
  if (schema === undefined) throw new InputError(`${caller}: the model has no column schema (it was not trained from a table); give numeric rows to predict`);
  if (!Array.isArray(records)) throw new InputError(`${caller}: expected an array of objects keyed by column name`);
  const header = schema.inputs.map((c) => c.name);
  // Records are not lines of a file: every message names records[i] and the key (R28).
  const at = (i: number, key: string): string => `${caller}: records[${i}].${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key.slice(0, 100))}]`}`;
  const rows = records.map((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new RecordError(`${caller}: records[${i}] is not an object keyed by column name`, i, undefined);
    return schema.inputs.map((column) => {
      const name = column.name;
      if (!Object.prototype.hasOwnProperty.call(r, name)) throw new RecordError(`${caller}: records[${i}] has no ${JSON.stringify(name)}; the model uses ${header.slice(0, 10).join(', ')}${header.length > 10 ? ` and ${header.length - 10} more` : ''}`, i, name);
      const v: unknown = r[name];
      if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
      // An array or object is not a cell: String([42]) would read as 42 (R29).
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new RecordError(`${at(i, name)} is ${Array.isArray(v) ? describe(v) : `a${typeof v === 'object' ? 'n' : ''} ${typeof v}`}; a cell is a number, a string, a boolean or null`, i, name);
      // Checked here, by name: past the table, 1e39 is a feature index of the float32 matrix (R30).
      const overflow = column.kind === 'numeric' && typeof v === 'number' ? overflowReason(v, 'float32') : undefined;
      if (overflow !== undefined) throw new RecordError(`${at(i, name)} is ${overflow}`, i, name);
      return String(v);
    });
  });
  // Text cells are read as the training file was (its --na-values and --decimal), unless the caller says otherwise.
  const naValues = args.naValues ?? pre.reading?.naValues;
  const decimal = pre.reading?.decimal;
  const table = tableFromRecords([header, ...rows], {
    schema: { inputs: schema.inputs, target: undefined }, source: 'records', ...(args.unknown ? { unknown: args.unknown } : {}), ...(naValues ? { naValues } : {}), ...(decimal ? { decimal } : {}),
    cellError: (i, name, reason) => new RecordError(`${at(i, name)}: ${reason.replace(/; the column is numeric \(list it with --categorical if it holds categories\)$/, '')}`, i, name),
  });
  return { x: pipelineInputs(pre, table), warnings: readingWarnings(table) };
}
