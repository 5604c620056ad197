import { InputError } from '../core/errors.js';
import { checkKeys } from '../core/validate.js';
import type { Rng } from '../core/rng.js';

/** A JSON value: what a categorical choice may be (a name, a number, a list of layer sizes, ...). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * When a parameter exists: every listed categorical parameter (defined earlier in the space) has
 * one of the listed values. `{ optimizer: ['sgd'] }` makes momentum a parameter of sgd trials only.
 * A single value stands for a list of one (wrap it when the choice is itself a list).
 */
export type Condition = Readonly<Record<string, JsonValue>>;

/** A real parameter in [low, high]. `log` samples log(x) uniformly (bounds stay real values, low > 0); `step` quantises. */
export interface FloatParam {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
  readonly step?: number;
  readonly when?: Condition;
}

/** An integer parameter in [low, high] (both included), optionally on a log scale or a step grid. */
export interface IntParam {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log?: boolean;
  readonly step?: number;
  readonly when?: Condition;
}

/** One of a list of JSON values. */
export interface CategoricalParam {
  readonly type: 'categorical';
  readonly choices: readonly JsonValue[];
  readonly when?: Condition;
}

/** One dimension of a search space: a float, an int or a categorical parameter (plain JSON). */
export type SearchParam = FloatParam | IntParam | CategoricalParam;

/** A search space: parameter name → spec. Plain JSON, so it crosses worker and machine boundaries. */
export type Space = Readonly<Record<string, SearchParam>>;

/** One trial's parameters (conditional parameters that are not active are absent). */
export type Params = Record<string, JsonValue>;

/** Points a float without a step contributes to a grid. */
export const GRID_POINTS_PER_FLOAT = 5;

/** A parameter compiled for the samplers: bounds in the sampling scale, parents resolved. */
export interface Dim {
  readonly name: string;
  readonly spec: SearchParam;
  readonly kind: 'float' | 'int' | 'categorical';
  /** Sampling-scale bounds (log applied, widened by half a step for quantised parameters). */
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  /** The quantum of a numeric parameter (1 for ints without a step), undefined for a continuous float. */
  readonly step: number | undefined;
  readonly choices: readonly JsonValue[];
  readonly choiceKeys: readonly string[];
  readonly when: readonly { readonly parent: number; readonly allowed: ReadonlySet<string> }[];
}

/** A JSON text with object keys sorted: equal values give equal keys. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

const FLOAT_KEYS = ['type', 'low', 'high', 'log', 'step', 'when'];
const CAT_KEYS = ['type', 'choices', 'when'];

/** How a parameter is named in errors: within a space, or by the function that made it alone (search.float). */
type Where = (name: string) => string;
const inSpace: Where = (name) => `search space: parameter "${name}"`;

function fail(where: string, message: string): never {
  throw new InputError(`${where}: ${message}`);
}

function quote(values: readonly unknown[]): string {
  const shown = values.slice(0, 10).map((v) => canonical(v)).join(', ');
  return values.length > 10 ? `${shown}, … (${values.length} in all)` : shown;
}

/** Validates a space and compiles it for the samplers. Throws an InputError naming the parameter. */
export function compileSpace(space: Space): Dim[] {
  return compileDims(space, inSpace);
}

/** compileSpace, with errors naming each parameter as `where` says. */
function compileDims(space: Space, where: Where): Dim[] {
  if (typeof space !== 'object' || space === null || Array.isArray(space)) throw new InputError('search space: expected an object mapping parameter names to specs');
  const names = Object.keys(space);
  if (names.length === 0) throw new InputError('search space: no parameters');
  const dims: Dim[] = [];
  for (const name of names) {
    const at = where(name);
    const spec = space[name] as SearchParam | undefined;
    if (typeof spec !== 'object' || spec === null) fail(at, `expected a spec object, got ${canonical(spec)}`);
    const type = (spec as { type?: unknown }).type;
    if (type !== 'float' && type !== 'int' && type !== 'categorical') fail(at, `type must be "float", "int" or "categorical", got ${canonical(type)}`);
    checkKeys(at, spec, type === 'categorical' ? CAT_KEYS : FLOAT_KEYS);
    const when = compileWhen(at, spec.when, names, dims);
    if (spec.type === 'categorical') {
      if (!Array.isArray(spec.choices) || spec.choices.length === 0) fail(at, 'choices must be a non-empty list');
      const choiceKeys = spec.choices.map(canonical);
      if (new Set(choiceKeys).size !== choiceKeys.length) fail(at, `choices repeat a value: ${quote(spec.choices)}`);
      dims.push({ name, spec, kind: 'categorical', lo: 0, hi: spec.choices.length, log: false, step: undefined, choices: spec.choices, choiceKeys, when });
      continue;
    }
    const { low, high } = spec;
    if (typeof low !== 'number' || !Number.isFinite(low) || typeof high !== 'number' || !Number.isFinite(high)) {
      fail(at, `low and high must be finite numbers, got low=${canonical(low)}, high=${canonical(high)}`);
    }
    if (!(low < high)) fail(at, `low must be < high, got low=${low}, high=${high}`);
    const log = spec.log ?? false;
    if (typeof log !== 'boolean') fail(at, `log must be true or false, got ${canonical(log)}`);
    if (log && low <= 0) fail(at, `log scale needs low > 0 (bounds are real values, not logarithms), got low=${low}`);
    if (spec.type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) fail(at, `int bounds must be integers, got low=${low}, high=${high}`);
    let step = spec.step;
    if (step !== undefined) {
      if (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step)) fail(at, `step must be a number > 0, got ${canonical(step)}`);
      if (spec.type === 'int' && !Number.isInteger(step)) fail(at, `int step must be an integer, got ${step}`);
      if (step > high - low) fail(at, `step ${step} is larger than high − low = ${high - low}`);
      // Past 2^53 steps the values low + k·step are no longer distinct numbers.
      if ((high - low) / step > Number.MAX_SAFE_INTEGER) fail(at, `step ${step} divides ${low}..${high} into ${((high - low) / step).toPrecision(3)} values, more than 2^53 (the values could not be told apart); use a larger step, or none for a continuous range`);
      if (log && !(spec.type === 'int' && step === 1)) fail(at, 'log and step cannot be combined (except step 1 for ints)');
    }
    if (spec.type === 'int' && step === undefined) step = 1;
    const half = step === undefined ? 0 : step / 2;
    // Quantised parameters sample a widened range and round, so every value gets an equal share (Optuna's rule).
    const lo = log ? Math.log(Math.max(low - half, low / 2)) : low - half;
    const hi = log ? Math.log(high + half) : high + half;
    dims.push({ name, spec, kind: spec.type, lo, hi, log, step, choices: [], choiceKeys: [], when });
  }
  return dims;
}

function compileWhen(at: string, when: Condition | undefined, names: readonly string[], earlier: readonly Dim[]): Dim['when'] {
  if (when === undefined) return [];
  if (typeof when !== 'object' || when === null || Array.isArray(when)) fail(at, `"when" must map parameter names to allowed values, got ${canonical(when)}`);
  const out: { parent: number; allowed: Set<string> }[] = [];
  for (const [parentName, values] of Object.entries(when)) {
    const parent = earlier.findIndex((d) => d.name === parentName);
    if (parent < 0) {
      const known = names.slice(0, earlier.length);
      fail(at, `"when" refers to "${parentName}", which is not a categorical parameter defined before it${known.length ? ` (earlier: ${known.join(', ')})` : ''}`);
    }
    const p = earlier[parent]!;
    if (p.kind !== 'categorical') fail(at, `"when" refers to "${parentName}", which is ${p.kind}; conditions need a categorical parameter`);
    const list = Array.isArray(values) ? values : [values];
    const allowed = new Set<string>();
    for (const v of list) {
      const key = canonical(v);
      if (!p.choiceKeys.includes(key)) fail(at, `"when": ${key} is not a choice of "${parentName}" (choices: ${quote(p.choices)})`);
      allowed.add(key);
    }
    if (allowed.size === 0) fail(at, `"when": no values listed for "${parentName}"`);
    out.push({ parent, allowed });
  }
  return out;
}

/** Whether a parameter is active given the values chosen so far (parents come earlier). */
export function isActive(dim: Dim, dims: readonly Dim[], params: Params): boolean {
  for (const c of dim.when) {
    const parent = dims[c.parent]!;
    if (!(parent.name in params)) return false;
    if (!c.allowed.has(canonical(params[parent.name]))) return false;
  }
  return true;
}

/** A numeric dimension's value from its sampling-scale position t ∈ [lo, hi]: back from log, onto the step grid, clamped. */
export function fromScale(dim: Dim, t: number): number {
  const spec = dim.spec as FloatParam | IntParam;
  let x = dim.log ? Math.exp(t) : t;
  if (dim.step !== undefined) {
    const k = Math.round((x - spec.low) / dim.step);
    x = spec.low + Math.max(0, Math.min(Math.floor((spec.high - spec.low) / dim.step + 1e-9), k)) * dim.step;
    if (dim.kind === 'int') x = Math.round(x);
    else x = Number(x.toPrecision(12)); // 0.1 + 3·0.1 prints as 0.4, not 0.30000000000000004
  }
  return Math.min(spec.high, Math.max(spec.low, x));
}

/** A numeric value's position on the sampling scale. */
export function toScale(dim: Dim, x: number): number {
  return dim.log ? Math.log(x) : x;
}

/** A numeric value mapped to [0, 1] (log first), the GP's input space. */
export function toUnit(dim: Dim, x: number): number {
  return (toScale(dim, x) - dim.lo) / (dim.hi - dim.lo);
}

export function fromUnit(dim: Dim, u: number): number {
  return fromScale(dim, dim.lo + Math.min(1, Math.max(0, u)) * (dim.hi - dim.lo));
}

/** One uniform draw of every active parameter, in space order. */
export function sampleUniform(dims: readonly Dim[], rng: Rng): Params {
  const params: Params = {};
  for (const d of dims) {
    if (!isActive(d, dims, params)) continue;
    params[d.name] = d.kind === 'categorical' ? d.choices[rng.int(d.choices.length)]! : fromScale(d, rng.uniform(d.lo, d.hi));
  }
  return params;
}

/** How many values a parameter takes on a grid (counted, not listed: an int 1..1e9 has 1e9). */
export function gridSize(dim: Dim): number {
  if (dim.kind === 'categorical') return dim.choices.length;
  const spec = dim.spec as FloatParam | IntParam;
  return dim.step !== undefined ? Math.floor((spec.high - spec.low) / dim.step + 1e-9) + 1 : GRID_POINTS_PER_FLOAT;
}

/** The values a parameter takes on a grid: every choice, every step, or evenly spaced points for a continuous float. */
export function gridValues(dim: Dim): JsonValue[] {
  if (dim.kind === 'categorical') return [...dim.choices];
  const spec = dim.spec as FloatParam | IntParam;
  const n = gridSize(dim);
  if (dim.step !== undefined) return Array.from({ length: n }, (_, k) => fromScale(dim, toScale(dim, spec.low + k * dim.step!)));
  const a = toScale(dim, spec.low);
  const b = toScale(dim, spec.high);
  return Array.from({ length: n }, (_, k) => {
    const x = dim.log ? Math.exp(a + ((b - a) * k) / (n - 1)) : a + ((b - a) * k) / (n - 1);
    return Number(x.toPrecision(12));
  });
}

/** Whether every parameter takes finitely many values (no continuous float). */
export function isDiscrete(dims: readonly Dim[]): boolean {
  return dims.every((d) => d.kind !== 'float' || d.step !== undefined);
}

/**
 * The number of grid points, counted without listing any: a parameter no other one depends on
 * multiplies, only the choices of a `when` parent are walked. Infinity once the count passes
 * `limit` (so the walk stops early: each branch walked holds at least one point).
 */
export function countGrid(dims: readonly Dim[], limit = Infinity): number {
  const parents = new Set(dims.flatMap((d) => d.when.map((c) => c.parent)));
  const walk = (i: number, params: Params): number => {
    if (i === dims.length) return 1;
    const d = dims[i]!;
    if (!isActive(d, dims, params)) return walk(i + 1, params);
    if (!parents.has(i)) {
      const n = gridSize(d) * walk(i + 1, params);
      return n > limit ? Infinity : n;
    }
    let total = 0;
    for (const v of d.choices) {
      params[d.name] = v;
      total += walk(i + 1, params);
      if (total > limit) break;
    }
    delete params[d.name];
    return total > limit ? Infinity : total;
  };
  return walk(0, {});
}

/**
 * Every grid point in order (the first parameter varies slowest), conditional parameters only
 * where active. Throws an InputError, before listing any, when there are more than `limit` points.
 */
export function enumerateGrid(dims: readonly Dim[], limit: number): Params[] {
  const count = countGrid(dims, limit);
  if (count > limit) {
    const widest = dims.reduce((a, d) => (gridSize(d) > gridSize(a) ? d : a), dims[0]!);
    throw new InputError(`search space: the grid has more than ${limit} points ("${widest.name}" alone has ${gridSize(widest)} values); give fewer choices or larger steps, or use random, tpe or gp, which sample the space`);
  }
  const values = dims.map(gridValues);
  const out: Params[] = [];
  const walk = (i: number, params: Params): void => {
    if (i === dims.length) {
      out.push({ ...params });
      return;
    }
    const d = dims[i]!;
    if (!isActive(d, dims, params)) {
      walk(i + 1, params);
      return;
    }
    for (const v of values[i]!) {
      params[d.name] = v;
      walk(i + 1, params);
    }
    delete params[d.name];
  };
  walk(0, {});
  return out;
}

/** The identity of a point, for "never the same configuration twice". */
export function paramsKey(params: Params): string {
  return canonical(params);
}

/** Validates one parameter on its own (its "when" is checked with the whole space). */
function checked<P extends SearchParam>(where: string, spec: P): P {
  compileDims({ p: { ...spec, when: undefined } }, () => where);
  return spec;
}

/** search.float(low, high, { log, step, when }) */
export function float(low: number, high: number, args: { log?: boolean; step?: number; when?: Condition } = {}): FloatParam {
  checkKeys('search.float', args, ['log', 'step', 'when']);
  return checked('search.float', { type: 'float', low, high, ...args });
}

/** search.int(low, high, { log, step, when }) */
export function int(low: number, high: number, args: { log?: boolean; step?: number; when?: Condition } = {}): IntParam {
  checkKeys('search.int', args, ['log', 'step', 'when']);
  return checked('search.int', { type: 'int', low, high, ...args });
}

/** search.categorical(choices, { when }) */
export function categorical(choices: readonly JsonValue[], args: { when?: Condition } = {}): CategoricalParam {
  checkKeys('search.categorical', args, ['when']);
  return checked('search.categorical', { type: 'categorical', choices, ...args });
}
