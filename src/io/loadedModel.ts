import { InputError, UnsupportedError } from '../core/errors.js';
import { checkKeys } from '../core/validate.js';
import { Matrix } from '../core/matrix.js';
import { scalerFromJSON } from '../data/scalers.js';
import type { UnknownPolicy } from '../data/table.js';
import type { Sequential } from '../model/sequential.js';
import { decodeOutputs, predictRecords, type Predictions, type RawRecord } from '../training/apply.js';
import type { JsonObject } from './json.js';
import type { Preprocessing } from './preprocessing.js';

/** Options of `LoadedModel.predict`. */
export interface PredictRawArgs {
  /** A category not seen in training: all zeros with a warning (default 'ignore') or an error. */
  unknown?: UnknownPolicy;
}

/** Where training stands, so that `fit(..., { initialEpoch: epoch })` resumes it exactly. */
export interface TrainingState {
  /** Epochs completed. */
  readonly epoch: number;
  /** History so far: epoch indices and each log's per-epoch values (NaN kept). */
  readonly history?: { readonly epoch: readonly number[]; readonly history: Readonly<Record<string, readonly number[]>> };
}

/** True when the pipeline leaves the network's inputs and outputs as they are (nothing to apply). */
export function pipelineIsIdentity(pre: Preprocessing): boolean {
  const nonNumeric = pre.schema?.inputs.some((c) => c.kind !== 'numeric') ?? false;
  return pre.scaler === undefined && pre.imputer === undefined && pre.targetScaler === undefined && !nonNumeric;
}

/**
 * A model as `loadModel` / `modelFromBytes` give it back: the network *and* the pipeline it was
 * trained with, so `predict` takes raw inputs — records by column name, or numeric rows in the
 * original units — and applies the whole saved pipeline (imputer, encoders, date features,
 * scaler, target scaling) exactly as `backprop predict` does.
 *
 * @example
 * const loaded = loadModel('penguins.bpm');
 * loaded.predict([{ island: 'Biscoe', bill_length_mm: 45.1, sex: null }]).values; // ['Gentoo']
 */
export class LoadedModel {
  constructor(
    /** The bare network: it takes the pipeline's output (filled in, encoded, scaled features), not raw columns. */
    readonly network: Sequential,
    /** What turns raw rows into the network's inputs and its outputs back into labels or units. */
    readonly preprocessing: Preprocessing,
    /** Epoch and history for resuming (native files only). */
    readonly training: TrainingState | undefined,
    /** The file's free-form metadata (e.g. the command that trained it). */
    readonly metadata: JsonObject,
    /** The version of the file's format. */
    readonly formatVersion: number,
  ) {}

  /**
   * The bare network, only while it is safe to call its `predict` on raw rows: a model whose
   * pipeline scales, fills in or encodes throws here rather than predict silently wrong numbers.
   * @deprecated Use `predict` for raw inputs, or `network` for the bare network.
   */
  get model(): Sequential {
    if (!pipelineIsIdentity(this.preprocessing)) {
      throw new UnsupportedError('loaded.model is the bare network, which takes preprocessed features, but this model has a pipeline (scaling, missing values, encoded columns); call loaded.predict(records or rows) for raw inputs, or use loaded.network for the network itself');
    }
    return this.network;
  }

  /**
   * Predictions on raw inputs through the saved pipeline: `records` as objects by column name
   * (null, undefined, NaN and the missing spellings are missing), or numeric rows in the original
   * units, one value per input column in the schema's order (NaN = missing). Gives class labels
   * with probabilities, or regression values in the target's units, and what the pipeline met.
   */
  predict(rows: readonly RawRecord[] | readonly (readonly number[])[], args: PredictRawArgs = {}): Predictions {
    checkKeys('predict', args, ['unknown']);
    if (!Array.isArray(rows)) throw new InputError('predict: expected an array of records (objects by column name) or of numeric rows');
    if (rows.length === 0) return { values: [], probabilities: undefined, warnings: [] };
    const numeric = Array.isArray(rows[0]);
    rows.forEach((r: unknown, i) => {
      if (Array.isArray(r) !== numeric) throw new InputError(`predict: row ${i} is ${numeric ? 'not an array of numbers' : 'an array'}; give all rows as records or all as numeric rows`);
    });
    if (!numeric) return predictRecords(this, rows as readonly RawRecord[], { ...args, ...savedNaValues(this.metadata) });
    return this.predictNumbers(rows as readonly (readonly number[])[], args);
  }

  private predictNumbers(rows: readonly (readonly number[])[], args: PredictRawArgs): Predictions {
    const schema = this.preprocessing.schema;
    if (schema !== undefined) {
      const other = schema.inputs.filter((c) => c.kind !== 'numeric').map((c) => `${c.name} (${c.kind})`);
      if (other.length > 0) throw new InputError(`predict: numeric rows need numeric columns only, but the model reads ${other.join(', ')}; give records by column name`);
      const names = schema.inputs.map((c) => c.name);
      const records = rows.map((r, i) => {
        if (r.length !== names.length) throw new InputError(`predict: row ${i} has ${r.length} values, the model reads ${names.length} columns (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`);
        return Object.fromEntries(names.map((n, j) => [n, r[j]!]));
      });
      return predictRecords(this, records, { ...args, ...savedNaValues(this.metadata) });
    }
    // No schema (trained on a matrix in the library): rows are the network's features before scaling.
    const width = this.network.inputUnits;
    rows.forEach((r, i) => {
      if (r.length !== width) throw new InputError(`predict: row ${i} has ${r.length} values, the model takes ${width}`);
      r.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`predict: row ${i}, value ${j} is ${String(v)}; the model has no column schema to fill in missing values`);
      });
    });
    let x = Matrix.fromArray(rows as number[][], 'float32');
    if (this.preprocessing.scaler !== undefined) x = scalerFromJSON(this.preprocessing.scaler).transform(x, 'float32');
    return { ...decodeOutputs(this, this.network.predictMatrix(x)), warnings: [] };
  }
}

/**
 * The missing tokens of a file whose pipeline does not record its reading (written before the
 * pipeline kept `reading`), from its saved spec, so a category called 'None' stays a value.
 */
function savedNaValues(metadata: JsonObject): { naValues?: readonly string[] } {
  const spec = metadata.spec;
  const pre = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec.preprocessing : undefined;
  const na = pre !== null && typeof pre === 'object' && !Array.isArray(pre) ? pre.naValues : undefined;
  if (na === undefined) return {};
  if (!Array.isArray(na) || !na.every((t) => typeof t === 'string')) throw new InputError(`predict: the model file's metadata.spec.preprocessing.naValues is not a list of strings`);
  return { naValues: na as string[] };
}
