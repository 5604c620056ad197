import { InputError } from '../../core/errors.js';
import type { UnknownPolicy } from '../../data/table.js';
import { recordsToInputs, type RawRecord } from '../../training/apply.js';
import { Reader, type Json } from '../json.js';
import { validatePreprocessing, type Preprocessing } from '../preprocessing.js';

/** What `applyPreprocessing` gives: the network's inputs, row-major, for `tf.tensor2d(data, shape)`. */
export interface PreprocessedInputs {
  /** Row-major float32 values, `shape[0]` rows of `shape[1]` features. */
  readonly data: Float32Array;
  readonly shape: [number, number];
  /** Unseen categories and the like, counted. */
  readonly warnings: readonly string[];
}

/**
 * Applies an exported model's `preprocessing.json` (the TensorFlow.js export writes it beside
 * model.json) to raw records by column name: missing values filled in, categories one-hot
 * encoded (unseen → all zeros), dates expanded, missing indicators, scaled — the very code
 * `backprop predict` runs, so `model.predict(tf.tensor2d(data, shape))` in the browser gives its
 * numbers. Pure: no tfjs, no file system; the JSON is checked as any file from outside.
 *
 * @example
 * const pre = await (await fetch('model/preprocessing.json')).json();
 * const { data, shape } = applyPreprocessing(pre, [{ island: 'Biscoe', bill_length_mm: 45.1, sex: null }]);
 * const probabilities = model.predict(tf.tensor2d(data, shape));
 */
export function applyPreprocessing(preprocessing: Json | Preprocessing, records: readonly RawRecord[], args: { unknown?: UnknownPolicy } = {}): PreprocessedInputs {
  const pre = checked(preprocessing as Json);
  const { x, warnings } = recordsToInputs(pre, records, args, 'applyPreprocessing');
  return { data: x.data as Float32Array, shape: [x.rows, x.cols], warnings };
}

/** The JSON checked as the model-file reader checks a pipeline; its featureNames give the width. */
function checked(json: Json): Preprocessing {
  const r = new Reader('preprocessing.json');
  const o = r.object(json);
  if (o.schema === undefined) throw new InputError('applyPreprocessing: preprocessing.json has no schema (the model was not trained from a table)');
  const names = r.at('featureNames').array(o.featureNames, 100_000);
  const target = o.targetScaler !== null && typeof o.targetScaler === 'object' && !Array.isArray(o.targetScaler) && Array.isArray(o.targetScaler.offset) ? o.targetScaler.offset.length : 1;
  return validatePreprocessing(r, json, names.length, target);
}
