import type { Label } from '../model/targets.js';

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

/** An input column of a table: numeric, or categorical (one-hot encoded). */
export type InputColumn = NumericColumn | CategoricalColumn;

/** The target: one column of class labels, or one or more numeric columns (regression). */
export type TargetSpec =
  | { readonly kind: 'classes'; readonly names: readonly string[]; readonly classes: readonly Label[] }
  | { readonly kind: 'numeric'; readonly names: readonly string[] };

/**
 * How a table's columns become model inputs and targets. Found when reading training data and
 * saved with the model, so that evaluate/predict read new files the same way (columns by name,
 * the same categories, class names decoded back).
 */
export interface TableSchema {
  readonly inputs: readonly InputColumn[];
  readonly target: TargetSpec | undefined;
}

/** Feature names after one-hot expansion: `age`, `colour=red`, `colour=blue`, ... */
export function featureNames(schema: TableSchema): string[] {
  const out: string[] = [];
  for (const c of schema.inputs) {
    if (c.kind === 'numeric') out.push(c.name);
    else for (const cat of c.categories) out.push(`${c.name}=${cat}`);
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
