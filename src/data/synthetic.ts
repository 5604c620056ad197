import { Rng } from '../core/rng.js';
import { checkKeys, integerAtLeast, positiveNumber } from '../core/validate.js';
import { InputError } from '../core/errors.js';

/** A labelled data set: rows of features and one label per row. */
export interface Dataset {
  x: number[][];
  y: number[];
}

/** Options every synthetic generator takes. */
export interface CommonArgs {
  /** Number of samples; default 200. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise?: number;
  /** Seed of the generator; default 0. */
  seed?: number;
}

function common(where: string, args: CommonArgs, defaultNoise: number): { n: number; noise: number; rng: Rng } {
  return {
    n: integerAtLeast(where, 'n', args.n ?? 200, 1),
    noise: positiveNumber(where, 'noise', args.noise ?? defaultNoise, true),
    rng: new Rng(args.seed ?? 0),
  };
}

/** Shuffles rows and labels together so classes are interleaved (and validation splits see both). */
function shuffled(data: Dataset, rng: Rng): Dataset {
  const order = rng.permutation(data.y.length);
  return { x: Array.from(order, (i) => data.x[i]!), y: Array.from(order, (i) => data.y[i]!) };
}

/** Two interleaving half circles (scikit-learn's make_moons): class 0 the upper, class 1 the lower. */
export function moons(args: CommonArgs = {}): Dataset {
  checkKeys('moons', args, ['n', 'noise', 'seed']);
  const { n, noise, rng } = common('moons', args, 0.1);
  const nOuter = Math.floor(n / 2);
  const nInner = n - nOuter;
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < nOuter; i++) {
    const t = nOuter === 1 ? 0 : (Math.PI * i) / (nOuter - 1);
    x.push([Math.cos(t) + rng.normal(0, noise), Math.sin(t) + rng.normal(0, noise)]);
    y.push(0);
  }
  for (let i = 0; i < nInner; i++) {
    const t = nInner === 1 ? 0 : (Math.PI * i) / (nInner - 1);
    x.push([1 - Math.cos(t) + rng.normal(0, noise), 1 - Math.sin(t) - 0.5 + rng.normal(0, noise)]);
    y.push(1);
  }
  return shuffled({ x, y }, rng);
}

/** A circle inside another (make_circles): class 0 the outer (radius 1), class 1 the inner (radius `factor`). */
export function circles(args: CommonArgs & { factor?: number } = {}): Dataset {
  checkKeys('circles', args, ['n', 'noise', 'seed', 'factor']);
  const { n, noise, rng } = common('circles', args, 0.05);
  const factor = positiveNumber('circles', 'factor', args.factor ?? 0.5);
  const nOuter = Math.floor(n / 2);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const outer = i < nOuter;
    const count = outer ? nOuter : n - nOuter;
    const t = (2 * Math.PI * (outer ? i : i - nOuter)) / count;
    const r = outer ? 1 : factor;
    x.push([r * Math.cos(t) + rng.normal(0, noise), r * Math.sin(t) + rng.normal(0, noise)]);
    y.push(outer ? 0 : 1);
  }
  return shuffled({ x, y }, rng);
}

/** k interleaved spiral arms, one class each (the CS231n spiral): radius 0→1 over 4 radians per arm. */
export function spirals(args: CommonArgs & { classes?: number } = {}): Dataset {
  checkKeys('spirals', args, ['n', 'noise', 'seed', 'classes']);
  const { n, noise, rng } = common('spirals', args, 0.2);
  const k = integerAtLeast('spirals', 'classes', args.classes ?? 3, 2);
  const perClass = Math.max(1, Math.floor(n / k));
  const x: number[][] = [];
  const y: number[] = [];
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < perClass; i++) {
      const frac = perClass === 1 ? 0 : i / (perClass - 1);
      const r = frac;
      const t = (c * 2 * Math.PI) / k + frac * 4 + rng.normal(0, noise);
      x.push([r * Math.sin(t), r * Math.cos(t)]);
      y.push(c);
    }
  }
  return shuffled({ x, y }, rng);
}

/** Points uniform in [−1, 1]², labelled 1 where exactly one coordinate is positive (XOR of the signs). */
export function xor(args: CommonArgs = {}): Dataset {
  checkKeys('xor', args, ['n', 'noise', 'seed']);
  const { n, noise, rng } = common('xor', args, 0);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniform(-1, 1);
    const b = rng.uniform(-1, 1);
    x.push([a + rng.normal(0, noise), b + rng.normal(0, noise)]);
    y.push(a > 0 !== b > 0 ? 1 : 0);
  }
  return { x, y };
}

/** Isotropic Gaussian blobs around `classes` centres placed on a circle of radius `spread`. */
export function blobs(args: CommonArgs & { classes?: number; spread?: number } = {}): Dataset {
  checkKeys('blobs', args, ['n', 'noise', 'seed', 'classes', 'spread']);
  const { n, noise, rng } = common('blobs', args, 0.5);
  const k = integerAtLeast('blobs', 'classes', args.classes ?? 3, 1);
  const spread = positiveNumber('blobs', 'spread', args.spread ?? 2);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % k;
    const angle = (2 * Math.PI * c) / k;
    x.push([spread * Math.cos(angle) + rng.normal(0, noise), spread * Math.sin(angle) + rng.normal(0, noise)]);
    y.push(c);
  }
  return shuffled({ x, y }, rng);
}

/**
 * Four Gaussian clusters centred at (±c, ±c). With `classes: 2` (default) diagonal quadrants share
 * a class (the XOR pattern: class 1 where x·y < 0, as TensorFlow Playground's "exclusive or");
 * with `classes: 4` each quadrant is its own class (0: x>0,y>0; 1: x<0,y>0; 2: x<0,y<0; 3: x>0,y<0).
 */
export function gaussianQuadrants(args: CommonArgs & { classes?: 2 | 4; centre?: number } = {}): Dataset {
  checkKeys('gaussianQuadrants', args, ['n', 'noise', 'seed', 'classes', 'centre']);
  const { n, noise, rng } = common('gaussianQuadrants', args, 0.5);
  const classes = args.classes ?? 2;
  if (classes !== 2 && classes !== 4) throw new InputError(`gaussianQuadrants: classes must be 2 or 4, got ${String(classes)}`);
  const c = positiveNumber('gaussianQuadrants', 'centre', args.centre ?? 1.5);
  const signs: [number, number][] = [[1, 1], [-1, 1], [-1, -1], [1, -1]];
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const q = i % 4;
    const [sx, sy] = signs[q]!;
    x.push([sx * c + rng.normal(0, noise), sy * c + rng.normal(0, noise)]);
    y.push(classes === 4 ? q : q % 2);
  }
  return shuffled({ x, y }, rng);
}

/** The gates datasets.truthTable knows. */
export type TruthTableName = 'and' | 'or' | 'not' | 'xor' | 'nand' | 'nor';

const TRUTH: Record<TruthTableName, (a: number, b: number) => number> = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
  nand: (a, b) => 1 - (a & b),
  nor: (a, b) => 1 - (a | b),
  not: (a) => 1 - a,
};

/**
 * The truth table of a logic gate, the perceptron's classic data (seed 003): rows [0,0], [0,1],
 * [1,0], [1,1] (NOT: [0], [1]) with the gate's output as label. `repeat` stacks copies.
 */
export function truthTable(gate: TruthTableName, args: { repeat?: number } = {}): Dataset {
  checkKeys('truthTable', args, ['repeat']);
  const f = TRUTH[gate as TruthTableName];
  if (typeof gate !== 'string' || !Object.hasOwn(TRUTH, gate) || f === undefined) {
    throw new InputError(`truthTable: unknown gate ${JSON.stringify(gate)}; known: ${Object.keys(TRUTH).join(', ')}`);
  }
  const repeat = integerAtLeast('truthTable', 'repeat', args.repeat ?? 1, 1);
  const inputs = gate === 'not' ? [[0], [1]] : [[0, 0], [0, 1], [1, 0], [1, 1]];
  const x: number[][] = [];
  const y: number[] = [];
  for (let r = 0; r < repeat; r++) {
    for (const row of inputs) {
      x.push([...row]);
      y.push(f(row[0]!, row[1] ?? 0));
    }
  }
  return { x, y };
}

/** The functions datasets.regression1d can sample. */
export type RegressionFunctionName = 'linear' | 'quadratic' | 'cubic' | 'sine' | 'abs' | 'step';

const FUNCTIONS: Record<RegressionFunctionName, (x: number) => number> = {
  linear: (x) => 2 * x + 1,
  quadratic: (x) => x * x,
  cubic: (x) => x * x * x - x,
  sine: (x) => Math.sin(Math.PI * x),
  abs: (x) => Math.abs(x),
  step: (x) => (x >= 0 ? 1 : 0),
};

/** Every RegressionFunctionName. */
export const regressionFunctionNames = Object.keys(FUNCTIONS) as RegressionFunctionName[];

/**
 * A 1-D regression set: x uniform in [min, max] (default [−1, 1]), y = f(x) + N(0, noise²),
 * for f one of linear (2x+1), quadratic (x²), cubic (x³−x), sine (sin πx), abs (|x|), step.
 */
export function regression1d(args: CommonArgs & { fn?: RegressionFunctionName; min?: number; max?: number } = {}): { x: number[][]; y: number[] } {
  checkKeys('regression1d', args, ['n', 'noise', 'seed', 'fn', 'min', 'max']);
  const { n, noise, rng } = common('regression1d', args, 0.05);
  const name = args.fn ?? 'sine';
  if (typeof name !== 'string' || !Object.hasOwn(FUNCTIONS, name)) {
    throw new InputError(`regression1d: unknown function ${JSON.stringify(name)}; known: ${regressionFunctionNames.join(', ')}`);
  }
  const f = FUNCTIONS[name];
  const min = args.min ?? -1;
  const max = args.max ?? 1;
  if (!Number.isFinite(min) || !Number.isFinite(max) || !(max > min)) throw new InputError(`regression1d: need finite min < max, got [${min}, ${max}]`);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = rng.uniform(min, max);
    x.push([v]);
    y.push(f(v) + rng.normal(0, noise));
  }
  return { x, y };
}
