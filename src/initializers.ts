import type { FloatArray } from './core/matrix.js';
import type { Rng } from './core/rng.js';
import { InputError } from './core/errors.js';
import { lookupName } from './core/names.js';
import { checkKeys, positiveNumber } from './core/validate.js';

/** The initialiser names, as Keras and tfjs spell them. */
export type InitializerName =
  | 'zeros' | 'ones' | 'constant' | 'randomNormal' | 'randomUniform' | 'fanInUniform'
  | 'glorotUniform' | 'glorotNormal' | 'lecunNormal' | 'lecunUniform' | 'heNormal' | 'heUniform';

/** Fills a weight tensor of the given fans. */
export interface Initializer {
  readonly name: InitializerName;
  /** Plain-JSON options that recreate it. */
  readonly config: Readonly<Record<string, number>>;
  /** Fills `data` (a kernel of fanIn × fanOut, or a bias) from `rng`. */
  fill(data: FloatArray, fanIn: number, fanOut: number, rng: Rng): void;
}

/** An initialiser by name, or an Initializer made by one of the factories. */
export type InitializerSpec = InitializerName | Initializer;

function uniformFill(limit: (fanIn: number, fanOut: number) => number) {
  return (data: FloatArray, fanIn: number, fanOut: number, rng: Rng): void => {
    const l = limit(fanIn, fanOut);
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-l, l);
  };
}

function normalFill(stddev: (fanIn: number, fanOut: number) => number) {
  return (data: FloatArray, fanIn: number, fanOut: number, rng: Rng): void => {
    const s = stddev(fanIn, fanOut);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, s);
  };
}

function make(name: InitializerName, fill: Initializer['fill'], config: Record<string, number> = {}): Initializer {
  return { name, config, fill };
}

/** All zeros. For weights this shows the symmetry problem of seed 003: every unit stays identical. */
export function zeros(): Initializer {
  return make('zeros', (d) => d.fill(0));
}
/** All ones. */
export function ones(): Initializer {
  return make('ones', (d) => d.fill(1));
}
/** Every entry equal to `value`. */
export function constant(args: { value: number }): Initializer {
  checkKeys('constant initializer', args, ['value']);
  const v = args.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`constant initializer: value must be a finite number, got ${String(v)}`);
  return make('constant', (d) => d.fill(v), { value: v });
}
/** N(mean, stddev²); `randomNormal({stddev: 0.01})` is seed 003's randn·0.01. */
export function randomNormal(args: { mean?: number; stddev?: number } = {}): Initializer {
  checkKeys('randomNormal initializer', args, ['mean', 'stddev']);
  const mean = args.mean ?? 0;
  const stddev = positiveNumber('randomNormal initializer', 'stddev', args.stddev ?? 0.05, true);
  return make('randomNormal', (d, _i, _o, rng) => {
    for (let k = 0; k < d.length; k++) d[k] = rng.normal(mean, stddev);
  }, { mean, stddev });
}
/** U(min, max). */
export function randomUniform(args: { min?: number; max?: number } = {}): Initializer {
  checkKeys('randomUniform initializer', args, ['min', 'max']);
  const min = args.min ?? -0.05;
  const max = args.max ?? 0.05;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max)) {
    throw new InputError(`randomUniform initializer: need finite min ≤ max, got min=${min}, max=${max}`);
  }
  return make('randomUniform', (d, _i, _o, rng) => {
    for (let k = 0; k < d.length; k++) d[k] = rng.uniform(min, max);
  }, { min, max });
}
/** U(−1/√m, 1/√m) with m = fan-in, the rule of seed 003. */
export function fanInUniform(): Initializer {
  return make('fanInUniform', uniformFill((fi) => 1 / Math.sqrt(fi)));
}
/** U(−√(6/(in+out)), √(6/(in+out))), Keras' default. */
export function glorotUniform(): Initializer {
  return make('glorotUniform', uniformFill((fi, fo) => Math.sqrt(6 / (fi + fo))));
}
/** N(0, 2/(in+out)). */
export function glorotNormal(): Initializer {
  return make('glorotNormal', normalFill((fi, fo) => Math.sqrt(2 / (fi + fo))));
}
/** N(0, 1/in): randn/√fan_in, seed 000's "Xavier". */
export function lecunNormal(): Initializer {
  return make('lecunNormal', normalFill((fi) => Math.sqrt(1 / fi)));
}
/** U(−√(3/in), √(3/in)). */
export function lecunUniform(): Initializer {
  return make('lecunUniform', uniformFill((fi) => Math.sqrt(3 / fi)));
}
/** N(0, 2/in), for ReLU layers. */
export function heNormal(): Initializer {
  return make('heNormal', normalFill((fi) => Math.sqrt(2 / fi)));
}
/** U(−√(6/in), √(6/in)). */
export function heUniform(): Initializer {
  return make('heUniform', uniformFill((fi) => Math.sqrt(6 / fi)));
}

const byName = new Map<string, (config: Record<string, number>) => Initializer>([
  ['zeros', () => zeros()],
  ['ones', () => ones()],
  ['constant', (c) => constant({ value: c.value ?? 0 })],
  ['randomNormal', (c) => randomNormal(c)],
  ['randomUniform', (c) => randomUniform(c)],
  ['fanInUniform', () => fanInUniform()],
  ['glorotUniform', () => glorotUniform()],
  ['glorotNormal', () => glorotNormal()],
  ['lecunNormal', () => lecunNormal()],
  ['lecunUniform', () => lecunUniform()],
  ['heNormal', () => heNormal()],
  ['heUniform', () => heUniform()],
]);

/** Every initialiser name. */
export const initializerNames: readonly InitializerName[] = [...byName.keys()] as InitializerName[];

/** Resolves a name or returns the initializer itself. */
export function getInitializer(spec: InitializerSpec, where = 'initializer'): Initializer {
  if (typeof spec === 'object' && spec !== null && typeof spec.fill === 'function') return spec;
  try {
    return lookupName('initializer', spec, byName)({});
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${where}: ${e.message}`);
    throw e;
  }
}

/** Rebuilds an initializer from its saved name and config. */
export function initializerFromConfig(name: string, config: Record<string, number>): Initializer {
  return lookupName('initializer', name, byName)(config);
}
