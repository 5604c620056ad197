import { InputError, SpecError, trainingSpec, type Json, type JsonObject, type TrainingSpec, type TrainingSpecParts } from '../src/index.js';
import { UsageError } from './errors.js';
import { optionOfField, specPartsOfFlags, type Flags } from './sharedOptions.js';

/**
 * Where a run's rows come from: a CSV file or a named set (with a synthetic set's size and noise),
 * read with this separator, validated on this file. Not part of the TrainingSpec (one spec trains
 * on any table), but saved beside it so that `--resume` reads the same rows again.
 */
export interface DataFlags {
  readonly data?: string;
  readonly dataset?: string;
  readonly samples?: number;
  readonly noise?: number;
  readonly delimiter?: string;
  readonly validationData?: string;
}

/** The type of each DataFlags field, for reading them from parsed options or a model file. */
const DATA_FIELDS: Readonly<Record<keyof DataFlags, 'string' | 'number'>> = {
  data: 'string', dataset: 'string', samples: 'number', noise: 'number', delimiter: 'string', validationData: 'string',
};

/** The data fields of `o` that are set; a value of the wrong type is refused (from a file: `where` names it). */
export function dataFlags(o: Flags, where = 'options'): DataFlags {
  const out: Record<string, unknown> = {};
  for (const [k, type] of Object.entries(DATA_FIELDS)) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== type || (type === 'number' && !Number.isFinite(v))) throw new UsageError(`${where}.${k}: expected a ${type}, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out as DataFlags;
}

/** What a model file records of the run that made it: the spec, the rows, the command. */
export interface SavedRun {
  readonly spec: TrainingSpec;
  readonly data: DataFlags;
}

/** The metadata `train` and `search` save with a model: `--resume` rebuilds the run from it (savedRun). */
export function runMetadata(spec: TrainingSpec, data: DataFlags, producer: string): JsonObject {
  return JSON.parse(JSON.stringify({ spec, data, producer })) as JsonObject;
}

/**
 * The run saved in a model file's metadata: `spec` checked by the spec's own validation, or the
 * flat settings of a file written before the spec was saved (legacyRun).
 */
export function savedRun(metadata: JsonObject, path: string): SavedRun {
  if (metadata.spec !== undefined) {
    const data = metadata.data ?? {};
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`${path}: metadata.data: expected an object, got ${JSON.stringify(data)}`);
    return { spec: checkedSpec(path, 'metadata.spec', () => trainingSpec(metadata.spec as TrainingSpecParts)), data: dataFlags(data, `${path}: metadata.data`) };
  }
  if (metadata.train !== undefined) return legacyRun(metadata.train, path);
  throw new UsageError(`${path} has no training spec in its metadata; it was not written by "backprop train"`);
}

/**
 * A file written before the spec was saved keeps `metadata.train`: the CLI's flat settings, keyed
 * by option name ({ layers, lr, batchSize, ..., data, delimiter }). Read once, here, as the
 * options they were: the spec's own validation checks them.
 */
export function legacyRun(train: Json, path: string): SavedRun {
  if (train === null || typeof train !== 'object' || Array.isArray(train)) {
    throw new UsageError(`${path} has no usable training settings (metadata.train); it was not written by "backprop train"`);
  }
  return { spec: checkedSpec(path, 'metadata.train', () => trainingSpec(specPartsOfFlags(train))), data: dataFlags(train, `${path}: metadata.train`) };
}

/** The spec `make` builds from a file, its errors as usage errors naming the file and the field. */
function checkedSpec(path: string, where: string, make: () => TrainingSpec): TrainingSpec {
  try {
    return make();
  } catch (e) {
    if (e instanceof SpecError) {
      // An old file's settings were options: name the option; a spec names its field.
      const name = where === 'metadata.train' ? `: ${optionOfField(e.field) ?? e.field}` : `.${e.field}`;
      throw new UsageError(`${path}: ${where}${name}: ${e.problem}`);
    }
    if (e instanceof InputError) throw new UsageError(`${path}: ${where}: ${e.message}`);
    throw e;
  }
}
