import type { ScalerJSON } from '../data/scalers.js';
import type { CellOptions } from '../data/cells.js';
import type { InputColumn, TableSchema, TargetSpec } from '../data/schema.js';
import { MAX_NAME_CHARS, featureNames as schemaFeatureNames } from '../data/schema.js';
import { DATE_FORMATS } from '../data/dates.js';
import type { Label } from '../core/labels.js';
import type { Json, Reader } from './json.js';

/** What turns raw rows into model inputs and outputs back into labels; saved with the model. */
export interface Preprocessing {
  /** The columns of the training table: names, kinds, categories, target and classes. */
  readonly schema?: TableSchema;
  /** The fitted input scaler (applied after one-hot encoding). */
  readonly scaler?: ScalerJSON;
  /** The model's input features in order (defaults to the schema's). */
  readonly featureNames?: readonly string[];
  /** A scaler on regression targets: the model predicts scaled values, inverse-transformed for users. */
  readonly targetScaler?: ScalerJSON;
  /** How missing values are filled, fitted on the training rows (see src/training/pipeline.ts). */
  readonly imputer?: ImputerJSON;
  /** How the training file's text cells were read when not by the defaults (`--na-values`, `--decimal`): records are read alike. */
  readonly reading?: CellOptions;
}

/** Missing-value filling: a value per schema feature (medians; 0 for one-hot features), a category per categorical column, and the columns with a missing-indicator input. */
export interface ImputerJSON {
  readonly values: readonly number[];
  readonly modes: readonly { readonly column: string; readonly category: string }[];
  /** Columns whose "missing" indicator (1 when missing) is appended to the inputs, in this order. */
  readonly indicators: readonly string[];
}

const MAX_COLUMNS = 100_000;
const MAX_CATEGORIES = 100_000;

/** Checks saved preprocessing against the model's input and output sizes. */
export function validatePreprocessing(r: Reader, v: Json | undefined, inputUnits: number, outputUnits: number): Preprocessing {
  const o = r.object(v);
  r.keys(o, ['schema', 'scaler', 'featureNames', 'targetScaler', 'imputer', 'reading']);
  const out: { schema?: TableSchema; scaler?: ScalerJSON; featureNames?: string[]; targetScaler?: ScalerJSON; imputer?: ImputerJSON; reading?: CellOptions } = {};
  if (o.reading !== undefined) out.reading = validateReading(r.at('reading'), o.reading);
  if (o.schema !== undefined) {
    out.schema = validateSchema(r.at('schema'), o.schema);
    const n = schemaFeatureNames(out.schema).length;
    if (o.imputer !== undefined) out.imputer = validateImputer(r.at('imputer'), o.imputer, out.schema, n);
    const width = n + (out.imputer?.indicators.length ?? 0);
    if (width !== inputUnits) throw r.at('schema').fail(`describes ${width} inputs but the model has ${inputUnits}`);
  } else if (o.imputer !== undefined) {
    throw r.at('imputer').fail('needs a schema');
  }
  if (o.featureNames !== undefined) {
    const rf = r.at('featureNames');
    out.featureNames = rf.array(o.featureNames, MAX_COLUMNS).map((s, i) => rf.at(i).string(s, 2 * MAX_NAME_CHARS + 1)); // column=category
    if (out.featureNames.length !== inputUnits) throw rf.fail(`lists ${out.featureNames.length} names but the model has ${inputUnits} inputs`);
  }
  if (o.scaler !== undefined) out.scaler = validateScaler(r.at('scaler'), o.scaler, inputUnits, 'inputs');
  if (o.targetScaler !== undefined) out.targetScaler = validateScaler(r.at('targetScaler'), o.targetScaler, outputUnits, 'outputs');
  return out;
}

function validateReading(r: Reader, v: Json): CellOptions {
  const o = r.object(v);
  r.keys(o, ['naValues', 'decimal']);
  const rn = r.at('naValues');
  return {
    ...(o.naValues !== undefined ? { naValues: rn.array(o.naValues, 1000).map((t, i) => rn.at(i).string(t, 1000)) } : {}),
    ...(o.decimal !== undefined ? { decimal: r.at('decimal').oneOf(o.decimal, ['.', ','] as const) } : {}),
  };
}

function validateScaler(r: Reader, v: Json, columns: number, what: string): ScalerJSON {
  const o = r.object(v);
  r.keys(o, ['kind', 'offset', 'scale', 'clip']);
  const kind = r.at('kind').oneOf(o.kind, ['standard', 'minMax', 'robust'] as const);
  const clip = o.clip === undefined ? undefined : r.at('clip').number(o.clip);
  if (clip !== undefined && !(clip > 0)) throw r.at('clip').fail('must be > 0');
  const offset = r.at('offset').array(o.offset, MAX_COLUMNS).map((x, i) => r.at('offset').at(i).number(x));
  const scale = r.at('scale').array(o.scale, MAX_COLUMNS).map((x, i) => {
    const s = r.at('scale').at(i).number(x);
    if (s === 0) throw r.at('scale').at(i).fail('must not be 0');
    return s;
  });
  if (offset.length !== columns || scale.length !== columns) throw r.fail(`has ${offset.length}/${scale.length} columns but the model has ${columns} ${what}`);
  return { kind, offset, scale, ...(clip !== undefined ? { clip } : {}) };
}

function validateImputer(r: Reader, v: Json, schema: TableSchema, features: number): ImputerJSON {
  const o = r.object(v);
  r.keys(o, ['values', 'modes', 'indicators']);
  const values = r.at('values').array(o.values, MAX_COLUMNS).map((x, i) => r.at('values').at(i).number(x));
  if (values.length !== features) throw r.at('values').fail(`has ${values.length} values for ${features} features`);
  const columns = new Map(schema.inputs.map((c) => [c.name, c]));
  const modes = r.at('modes').array(o.modes, MAX_COLUMNS).map((m, i) => {
    const rm = r.at('modes').at(i);
    const mo = rm.object(m);
    rm.keys(mo, ['column', 'category']);
    const column = rm.at('column').string(mo.column);
    const category = rm.at('category').string(mo.category);
    const c = columns.get(column);
    if (c?.kind !== 'categorical' || !c.categories.includes(category)) throw rm.fail(`${JSON.stringify(column)} is not a categorical column with the category ${JSON.stringify(category)}`);
    return { column, category };
  });
  const indicators = distinctStrings(r.at('indicators'), o.indicators);
  for (const name of indicators) if (!columns.has(name)) throw r.at('indicators').fail(`${JSON.stringify(name)} is not an input column`);
  return { values, modes, indicators };
}

function validateSchema(r: Reader, v: Json): TableSchema {
  const o = r.object(v);
  r.keys(o, ['inputs', 'target']);
  const seen = new Set<string>();
  const inputs: InputColumn[] = r.at('inputs').array(o.inputs, MAX_COLUMNS).map((c, i) => {
    const rc = r.at('inputs').at(i);
    const co = rc.object(c);
    const kind = rc.at('kind').oneOf(co.kind, ['numeric', 'categorical', 'date'] as const);
    rc.keys(co, kind === 'numeric' ? ['name', 'kind'] : kind === 'date' ? ['name', 'kind', 'format', 'time'] : ['name', 'kind', 'categories']);
    const name = rc.at('name').string(co.name, MAX_NAME_CHARS);
    if (seen.has(name)) throw rc.at('name').fail(`column ${JSON.stringify(name)} appears twice`);
    seen.add(name);
    if (kind === 'numeric') return { name, kind };
    if (kind === 'date') {
      if (typeof co.time !== 'boolean') throw rc.at('time').fail('must be true or false');
      return { name, kind, format: rc.at('format').oneOf(co.format, DATE_FORMATS), time: co.time };
    }
    const categories = distinctStrings(rc.at('categories'), co.categories);
    return { name, kind, categories };
  });
  if (o.target === undefined) return { inputs, target: undefined };
  const rt = r.at('target');
  const to = rt.object(o.target);
  const kind = rt.at('kind').oneOf(to.kind, ['classes', 'numeric'] as const);
  rt.keys(to, kind === 'classes' ? ['kind', 'names', 'classes'] : ['kind', 'names']);
  const names = distinctStrings(rt.at('names'), to.names);
  if (names.length === 0 || (kind === 'classes' && names.length !== 1)) throw rt.at('names').fail(`${names.length} target columns is not valid for ${kind}`);
  let target: TargetSpec;
  if (kind === 'classes') {
    target = { kind, names, classes: validateClasses(rt.at('classes'), to.classes) };
  } else {
    target = { kind, names };
  }
  return { inputs, target };
}

function distinctStrings(r: Reader, v: Json | undefined): string[] {
  const list = r.array(v, MAX_CATEGORIES).map((s, i) => r.at(i).string(s, MAX_NAME_CHARS));
  if (new Set(list).size !== list.length) throw r.fail('values must be distinct');
  return list;
}

/** Class labels: distinct finite numbers or strings. */
export function validateClasses(r: Reader, v: Json | undefined): Label[] {
  const list = r.array(v, MAX_CATEGORIES).map((c, i) => (typeof c === 'number' ? r.at(i).number(c) : r.at(i).string(c, MAX_NAME_CHARS)));
  if (list.length === 0) throw r.fail('needs at least one class');
  if (new Set(list).size !== list.length) throw r.fail('classes must be distinct');
  return list;
}
