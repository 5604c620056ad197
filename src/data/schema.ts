import type { Label } from '../core/labels.js';
import { dateFeatureSuffixes, type DateFormat } from './dates.js';

/** A numeric input column, used as one feature. */
export interface NumericColumn {
  readonly name: string;
  readonly kind: 'numeric';
}

/** A categorical input column, one-hot encoded into one feature per category (in this order). */
export interface CategoricalColumn {
  readonly name: string;
  readonly kind: 'categorical';
  readonly categories: readonly string[];
}

/** A date column, read in one format and turned into the year and cyclical month/day/weekday (and time) features. */
export interface DateColumn {
  readonly name: string;
  readonly kind: 'date';
  readonly format: DateFormat;
  /** The training values had a time of day: time_sin/time_cos features too. */
  readonly time: boolean;
}

/** An input column of a table: numeric, categorical (one-hot encoded) or a date (cyclical features). */
export type InputColumn = NumericColumn | CategoricalColumn | DateColumn;

/** The target: one column of class labels, or one or more numeric columns (regression). */
export type TargetSpec =
  | { readonly kind: 'classes'; readonly names: readonly string[]; readonly classes: readonly Label[] }
  | { readonly kind: 'numeric'; readonly names: readonly string[] };

/**
 * How a table's columns become model inputs and targets. Found when reading training data and
 * saved with the model, so that evaluate/predict read new files the same way (columns by name,
 * the same categories and date format, class names decoded back).
 */
export interface TableSchema {
  readonly inputs: readonly InputColumn[];
  readonly target: TargetSpec | undefined;
}

/** How many features a column becomes. */
export function columnWidth(c: InputColumn): number {
  return c.kind === 'numeric' ? 1 : c.kind === 'categorical' ? c.categories.length : dateFeatureSuffixes(c.time).length;
}

/** Feature names after encoding: `age`, `colour=red`, `colour=blue`, `date:year`, `date:month_sin`, ... */
export function featureNames(schema: TableSchema): string[] {
  const out: string[] = [];
  for (const c of schema.inputs) {
    if (c.kind === 'numeric') out.push(c.name);
    else if (c.kind === 'categorical') for (const cat of c.categories) out.push(`${c.name}=${cat}`);
    else for (const s of dateFeatureSuffixes(c.time)) out.push(`${c.name}:${s}`);
  }
  return out;
}

/** Indices of the features that are numeric columns (not one-hot categories or date parts), in feature order. */
export function numericFeatureIndices(schema: TableSchema): number[] {
  const out: number[] = [];
  let at = 0;
  for (const c of schema.inputs) {
    if (c.kind === 'numeric') out.push(at);
    at += columnWidth(c);
  }
  return out;
}

/** Labels in a stable order: numbers ascending, then strings in code-point order (as model targets). */
export function sortLabels<T extends Label>(labels: T[]): T[] {
  return labels.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/**
 * The longest column name, category or class label, in characters. The CSV reader refuses longer
 * ones with the line, and the model-file reader accepts up to this, so whatever trains also loads
 * (RELIABILITY R4).
 */
export const MAX_NAME_CHARS = 1000;
