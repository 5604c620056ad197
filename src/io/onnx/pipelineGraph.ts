import { NonFiniteWeightError, UnsupportedError } from '../../core/errors.js';
import { CellRules, MISSING_TOKENS } from '../../data/cells.js';
import { MONTH_SPELLINGS, namesMonth } from '../../data/dates.js';
import { columnWidth, featureNames, type CategoricalColumn, type DateColumn, type InputColumn } from '../../data/schema.js';
import type { Preprocessing } from '../preprocessing.js';
import type { OnnxAttribute, OnnxElementType, OnnxNode, OnnxTensor, OnnxValueInfo } from './schema.js';

/**
 * The model's pipeline as ONNX nodes, so an exported graph takes the raw columns as
 * `backprop predict` does: one input per column, named as the column, shape [N, 1] — float32 for a
 * numeric column (NaN, or a number given to --na-values, = missing), a string for a categorical or date column (the cell as the CSV
 * holds it, trimmed; an empty string or another missing spelling = missing). In the graph, as in
 * src/training/pipeline.ts: missing numbers become the training median, a missing category the
 * most frequent one, an unseen category all zeros, dates their year and cyclical features
 * (computed in double), missing-indicator inputs 1 where the cell is missing, then the scaler
 * (x − offset) / scale. Only standard operators: ai.onnx (string ops from opset 20, for dates)
 * and ai.onnx.ml LabelEncoder, all of which ONNX Runtime (≥ 1.17) runs.
 */

/** The ai.onnx.ml opset the pipeline uses (LabelEncoder with string keys). */
export const ONNX_ML_OPSET = 2;
/** The ai.onnx opset a graph with date columns needs (StringSplit, StringConcat). */
export const ONNX_STRING_OPSET = 20;

const DOUBLE = 11;
const FLOAT = 1;
const INT64 = 7;

/** Nodes and constants as they are added; every name starts with the prefix, so none is a column's. */
export class OpBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private count = 0;
  constructor(private readonly prefix: string) {}

  private fresh(hint: string): string {
    return `${this.prefix}/${hint}_${this.count++}`;
  }

  /** A node with `outputs` results (their names). */
  ops(opType: string, inputs: readonly string[], attributes: OnnxAttribute[] = [], outputs = 1, domain = ''): string[] {
    const name = this.fresh(opType);
    const names = Array.from({ length: outputs }, (_, i) => `${name}:${i}`);
    this.nodes.push({ opType, name, inputs, outputs: names, attributes, domain });
    return names;
  }

  op(opType: string, inputs: readonly string[], attributes: OnnxAttribute[] = [], domain = ''): string {
    return this.ops(opType, inputs, attributes, 1, domain)[0]!;
  }

  tensor(type: Exclude<OnnxElementType, 'string'>, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.fresh(`const_${type}`);
    this.initializers.push({ name, dims, data: Float64Array.from(values), type });
    return name;
  }

  /** A 1-D string constant (a Constant node: the tensor writer stores numbers only). */
  strings(values: readonly string[]): string {
    return this.op('Constant', [], [{ name: 'value_strings', kind: 'strings', value: values }]);
  }

  cast(x: string, to: number): string {
    return this.op('Cast', [x], [{ name: 'to', kind: 'int', value: to }]);
  }
}

/** Every upper/lower-case spelling of the missing tokens (the reader compares them case-blind). */
export function missingSpellings(tokens: readonly string[] = MISSING_TOKENS): string[] {
  const out = new Set<string>();
  for (const token of tokens) {
    let forms = [''];
    for (const ch of token) {
      const cases = new Set([ch.toLowerCase(), ch.toUpperCase()]);
      forms = forms.flatMap((f) => [...cases].map((c) => f + c));
    }
    for (const f of forms) out.add(f);
  }
  return [...out];
}

/** The graph inputs a model with this pipeline takes: one per schema column. */
export function rawInputs(pre: Preprocessing): OnnxValueInfo[] {
  return pre.schema!.inputs.map((c) => ({ name: c.name, shape: ['N', 1], type: c.kind === 'numeric' ? 'float' : 'string' }));
}

/** Whether the pipeline needs the opset-20 string operators (it has a date column). */
export function needsStringOps(pre: Preprocessing): boolean {
  return pre.schema?.inputs.some((c) => c.kind === 'date') ?? false;
}

interface ColumnNodes {
  /** float [N, width] features of the column, filled in. */
  readonly features: string;
  /** bool [N, 1]: the cell is missing. */
  readonly missing: string;
}

/**
 * Adds the nodes from the raw column inputs to the network's input (float [N, features +
 * indicators], scaled) and gives that tensor's name.
 */
export function pipelineNodes(g: OpBuilder, pre: Preprocessing): string {
  const schema = pre.schema;
  if (schema === undefined) throw new UnsupportedError('export: the model has no column schema, so its graph cannot take raw columns');
  const values = pre.imputer?.values;
  // Tokens given with --na-values are matched exactly, as the reader does; the defaults in any case.
  const missingKeys = pre.reading?.naValues ? [...pre.reading.naValues] : missingSpellings();
  // Tokens that are numbers (a -999 sentinel) are missing in a numeric input too, as the reader reads them.
  const missingNumbers = new CellRules(pre.reading ?? {}).missingNumbers();
  const byName = new Map<string, ColumnNodes>();
  const parts: string[] = [];
  let start = 0;
  for (const c of schema.inputs) {
    const width = columnWidth(c);
    const fill = values?.slice(start, start + width);
    const nodes = c.kind === 'numeric' ? numericNodes(g, c, fill, missingNumbers) : c.kind === 'categorical' ? categoricalNodes(g, c, pre, missingKeys) : dateNodes(g, c, fill, missingKeys);
    byName.set(c.name, nodes);
    parts.push(nodes.features);
    start += width;
  }
  for (const name of pre.imputer?.indicators ?? []) parts.push(g.cast(byName.get(name)!.missing, FLOAT));
  let x = parts.length === 1 ? parts[0]! : g.op('Concat', parts, [{ name: 'axis', kind: 'int', value: 1 }]);
  if (pre.scaler !== undefined) {
    // The graph computes in float32: a scale that rounds to 0 or an offset beyond float32 would
    // give Infinity or NaN for every row (R23); refused naming the feature.
    const names = featureNames(schema);
    pre.scaler.scale.forEach((s, i) => {
      const o = pre.scaler!.offset[i]!;
      if (Math.fround(s) === 0 || !Number.isFinite(Math.fround(s)) || !Number.isFinite(Math.fround(o))) {
        const column = names[i] ?? `feature ${i}`;
        throw new NonFiniteWeightError(`ONNX export: the scaling of column ${JSON.stringify(column.slice(0, 100))} (offset ${o.toPrecision(3)}, scale ${s.toPrecision(3)}) is not representable in float32, the graph's dtype; rescale that column's values`, 'pipeline', 'pipeline/scaler', column);
      }
    });
    // In double, as predict scales (float32 inputs, float64 arithmetic, float32 result): in float32
    // a column of 135,000 ± 3,000 lost a part in 10⁴ of the prediction to the rounded offset.
    x = g.op('Sub', [g.cast(x, DOUBLE), g.tensor('double', pre.scaler.offset)]);
    x = g.op('Div', [x, g.tensor('double', pre.scaler.scale)]);
    const c = pre.scaler.clip;
    if (c !== undefined) {
      // The robust scaler's smooth clip z / √(1 + (z/c)²).
      const u = g.op('Div', [x, g.tensor('double', [c], [])]);
      const root = g.op('Sqrt', [g.op('Add', [g.op('Mul', [u, u]), g.tensor('double', [1], [])])]);
      x = g.op('Div', [x, root]);
    }
    x = g.cast(x, FLOAT);
  }
  return x;
}

/** NaN or a number of --na-values → the training median (when the model has an imputer; else NaN stays, as predict refuses it). */
function numericNodes(g: OpBuilder, c: InputColumn, fill: readonly number[] | undefined, missingNumbers: readonly number[]): ColumnNodes {
  let missing = g.op('IsNaN', [c.name]);
  for (const v of missingNumbers) missing = g.op('Or', [missing, g.op('Equal', [c.name, g.tensor('float', [v], [])])]);
  const features = fill === undefined ? c.name : g.op('Where', [missing, g.tensor('float', fill, []), c.name]);
  return { features, missing };
}

/**
 * Category → its index (missing → the mode, unseen → none), then one-hot by comparing with 0..k−1.
 * An integer category also answers to its spelling with a zero fraction ("1.0" for "1", as the
 * reader merges them); other spellings ("1.00", "+1") are unseen here, a string map having no rule.
 */
function categoricalNodes(g: OpBuilder, c: CategoricalColumn, pre: Preprocessing, missingKeys: readonly string[]): ColumnNodes {
  const k = c.categories.length;
  const known = new Set(c.categories);
  const missingOnly = missingKeys.filter((s) => !known.has(s));
  const zero = pre.reading?.decimal === ',' ? ',0' : '.0';
  const respelled = c.categories.flatMap((cat, i) => (/^-?\d+$/.test(cat) && !known.has(cat + zero) && !missingKeys.includes(cat + zero) ? [[cat + zero, i] as const] : []));
  const MISSING = -1;
  const code = g.op('LabelEncoder', [c.name], [
    { name: 'keys_strings', kind: 'strings', value: [...c.categories, ...respelled.map(([s]) => s), ...missingOnly] },
    { name: 'values_int64s', kind: 'ints', value: [...c.categories.map((_, i) => i), ...respelled.map(([, i]) => i), ...missingOnly.map(() => MISSING)] },
    { name: 'default_int64', kind: 'int', value: k },
  ], 'ai.onnx.ml');
  const missing = g.op('Equal', [code, g.tensor('int64', [MISSING], [])]);
  const mode = pre.imputer?.modes.find((m) => m.column === c.name);
  const modeIndex = mode === undefined ? k : c.categories.indexOf(mode.category);
  const index = g.op('Where', [missing, g.tensor('int64', [modeIndex], []), code]);
  const hot = g.op('Equal', [index, g.tensor('int64', c.categories.map((_, i) => i), [1, k])]);
  return { features: g.cast(hot, FLOAT), missing };
}

/** Missing spellings → true, anything else false. */
function missingString(g: OpBuilder, input: string, missingKeys: readonly string[]): string {
  const flag = g.op('LabelEncoder', [input], [
    { name: 'keys_strings', kind: 'strings', value: missingKeys },
    { name: 'values_int64s', kind: 'ints', value: missingKeys.map(() => 1) },
    { name: 'default_int64', kind: 'int', value: 0 },
  ], 'ai.onnx.ml');
  return g.cast(flag, 9 /* BOOL */);
}

/** A month's name (N×1 strings, as MONTH_SPELLINGS spell it) → its number 1-12 as double, 0 for another word. */
function monthOf(g: OpBuilder, words: string): string {
  const number = g.op('LabelEncoder', [words], [
    { name: 'keys_strings', kind: 'strings', value: MONTH_SPELLINGS.map(([w]) => w) },
    { name: 'values_int64s', kind: 'ints', value: MONTH_SPELLINGS.map(([, m]) => m) },
    { name: 'default_int64', kind: 'int', value: 0 },
  ], 'ai.onnx.ml');
  return g.cast(number, DOUBLE);
}

/** Days before each month in a common year. */
const MONTH_STARTS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
/** Leap days counted up to 1969 (see leapDays): days since 1970 start from there. */
const LEAP_DAYS_1969 = 477;

/**
 * A date cell → its features as dateFeatures (src/data/dates.ts) computes them, in double:
 * the cell split at T / space into date and time, the date at its separator into year, month,
 * day (each read as a number after a leading "0", so an empty part is 0; a month's name looked
 * up among its spellings), day of the year from
 * the month starts and the leap rule, days since 1970 for the weekday.
 */
function dateNodes(g: OpBuilder, c: DateColumn, fill: readonly number[] | undefined, missingKeys: readonly string[]): ColumnNodes {
  const separator = c.format === 'iso' ? '-' : c.format === 'ymd-slash' ? '/' : '.';
  const gatherPart = (parts: string, i: number): string => g.op('Gather', [parts, g.tensor('int64', [i], [])], [{ name: 'axis', kind: 'int', value: 2 }]);
  // Appending the delimiter first guarantees every part asked for exists (as "" when absent).
  const split = (x: string, delimiter: string, extra: string): string => g.ops('StringSplit', [g.op('StringConcat', [x, g.strings([extra])])], [{ name: 'delimiter', kind: 'string', value: delimiter }], 2)[0]!;
  const zero = g.strings(['0']);
  const number = (part: string): string => g.cast(g.op('StringConcat', [zero, part]), DOUBLE);
  const d = (v: number): string => g.tensor('double', [v], []);
  const bin = (op: string, a: string, b: string): string => g.op(op, [a, b]);

  // A numeric date's date and time parts (split at T, then at a space); month-name dates have no time.
  const numeric = !namesMonth(c.format);
  const byT = numeric ? split(c.name, 'T', 'T') : '';
  const bySpace = numeric ? split(gatherPart(byT, 0), ' ', ' ') : '';
  let year: string, month: string, day: string;
  if (!numeric) {
    // "January 31, 2012" without its comma, "31-Jan-2012" with spaces: then split at the spaces.
    const [from, to] = c.format === 'mon-d-y' ? [',', ''] : ['-', ' '];
    const pieces = split(c.name, from, from + from + from);
    const joined = [g.strings([to]), gatherPart(pieces, 1), g.strings([to]), gatherPart(pieces, 2)].reduce((a, b) => g.op('StringConcat', [a, b]), gatherPart(pieces, 0));
    const words = split(joined, ' ', '   ');
    const [monthAt, dayAt] = c.format === 'mon-d-y' ? [0, 1] : [1, 0];
    [year, month, day] = [number(gatherPart(words, 2)), monthOf(g, gatherPart(words, monthAt)), number(gatherPart(words, dayAt))];
  } else {
    const dateParts = split(gatherPart(bySpace, 0), separator, separator + separator);
    const p = [0, 1, 2].map((i) => number(gatherPart(dateParts, i)));
    [year, month, day] = c.format === 'dmy-dot' ? [p[2]!, p[1]!, p[0]!] : [p[0]!, p[1]!, p[2]!];
  }

  const floorDiv = (x: string, k: number): string => g.op('Floor', [bin('Div', x, d(k))]);
  // Leap years up to and including x: ⌊x/4⌋ − ⌊x/100⌋ + ⌊x/400⌋.
  const leapDays = (x: string): string => bin('Add', bin('Sub', floorDiv(x, 4), floorDiv(x, 100)), floorDiv(x, 400));
  const before = bin('Sub', year, d(1));
  const leap = bin('Sub', leapDays(year), leapDays(before));
  const monthIndex = bin('Sub', month, d(1));
  const clamped = g.op('Max', [g.op('Min', [monthIndex, d(11)]), d(0)]);
  const starts = g.op('Gather', [g.tensor('double', MONTH_STARTS), g.cast(clamped, INT64)]);
  const afterFebruary = g.cast(bin('Greater', month, d(2)), DOUBLE);
  const dayOfYear = bin('Add', bin('Add', starts, bin('Sub', day, d(1))), bin('Mul', leap, afterFebruary));
  const yearday = bin('Div', dayOfYear, bin('Add', leap, d(365)));
  const days = bin('Add', bin('Add', bin('Mul', bin('Sub', year, d(1970)), d(365)), bin('Sub', leapDays(before), d(LEAP_DAYS_1969))), dayOfYear);
  // 1970-01-01 was a Thursday (weekday 4); x − 7⌊x/7⌋ is the modulo for negative days too.
  const shifted = bin('Add', days, d(4));
  const weekday = bin('Div', bin('Sub', shifted, bin('Mul', floorDiv(shifted, 7), d(7))), d(7));
  const cycles = [bin('Div', monthIndex, d(12)), yearday, weekday];
  if (c.time && numeric) {
    const time = g.op('StringConcat', [gatherPart(byT, 1), gatherPart(bySpace, 1)]);
    const tp = split(time, ':', '::');
    const [h, m, s] = [0, 1, 2].map((i) => number(gatherPart(tp, i)));
    const seconds = bin('Add', bin('Add', bin('Mul', h!, d(3600)), bin('Mul', m!, d(60))), g.op('Floor', [s!]));
    cycles.push(bin('Div', seconds, d(86_400)));
  }
  const columns = [year];
  for (const v of cycles) {
    const angle = bin('Mul', v, d(2 * Math.PI));
    // ONNX Runtime has Sin but no Cos for double: cos a = sin(a + π/2).
    columns.push(g.op('Sin', [angle]), g.op('Sin', [bin('Add', angle, d(Math.PI / 2))]));
  }
  let features = g.cast(g.op('Concat', columns, [{ name: 'axis', kind: 'int', value: 1 }]), FLOAT);
  const missing = missingString(g, c.name, missingKeys);
  const nan = Array.from({ length: columns.length }, () => NaN);
  features = g.op('Where', [missing, g.tensor('float', fill ?? nan, [1, columns.length]), features]);
  return { features, missing };
}
