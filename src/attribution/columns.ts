import { columnWidth, type InputColumn } from '../data/schema.js';
import type { ModelWithPipeline } from '../training/apply.js';
import { listValues, quote } from '../core/validate.js';
import { ExplanationInputError } from './errors.js';

/**
 * A raw column of the training table and the model inputs it becomes: one for a number, one per
 * category (one-hot), several for a date, plus its missing-indicator input if the pipeline added
 * one. An attribution or a permutation treats these inputs as one.
 */
export interface RawColumn {
  readonly name: string;
  readonly kind: InputColumn['kind'];
  /** The column as the schema describes it. */
  readonly column: InputColumn;
  /** Where its features start in a table's x (the pipeline keeps that order). */
  readonly start: number;
  /** How many features it has in a table's x. */
  readonly width: number;
  /** Every model input that comes from it: its features, then its missing indicator, if any. */
  readonly inputs: readonly number[];
}

/** The raw columns of a model's pipeline, in schema order. Needs a model trained from a table. */
export function rawColumns(m: ModelWithPipeline, where: string): RawColumn[] {
  const schema = m.preprocessing.schema;
  if (schema === undefined) {
    throw new ExplanationInputError(`${where}: the model has no column schema (it was not trained from a table), so there are no raw columns to explain`, { field: 'model' });
  }
  const features = schema.inputs.reduce((a, c) => a + columnWidth(c), 0);
  const indicators = m.preprocessing.imputer?.indicators ?? [];
  let start = 0;
  return schema.inputs.map((c) => {
    const width = columnWidth(c);
    const inputs = Array.from({ length: width }, (_, k) => start + k);
    const ind = indicators.indexOf(c.name);
    if (ind >= 0) inputs.push(features + ind);
    const out: RawColumn = { name: c.name, kind: c.kind, column: c, start, width, inputs };
    start += width;
    return out;
  });
}

/** The raw column called `name`, or an error listing the model's columns. */
export function findRawColumn(columns: readonly RawColumn[], name: string, where: string): RawColumn {
  const c = columns.find((k) => k.name === name);
  if (c === undefined) {
    throw new ExplanationInputError(`${where}: the model has no column ${quote(name)}; its columns are ${listValues(columns.map((k) => k.name))}`, { column: name, field: 'column' });
  }
  return c;
}
