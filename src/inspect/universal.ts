import { InputError } from '../core/errors.js';
import { checkKeys, describe, integerAtLeast, positiveNumber } from '../core/validate.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../model/sequential.js';

/** Options of towerNetwork. */
export interface TowerNetworkArgs {
  /** The interval \[a, b\] covered by the towers. */
  range: readonly [number, number];
  /** Number of towers (each two hidden sigmoid units); default 50. */
  towers?: number;
  /** w in σ(w(x − c)); default 50 / tower width, steep enough that each σ is nearly a step. */
  steepness?: number;
}

/**
 * Seed 001's constructive picture of the universal approximation theorem, built by hand:
 * a steep sigmoid σ(w(x − c)) is nearly a step at c, and two of them subtracted,
 * h·[σ(w(x − c_i)) − σ(w(x − c_{i+1}))], make a "tower" of height h over [c_i, c_{i+1}].
 * The network 1 → 2N sigmoid → 1 linear sums N towers of heights f(midpoint) over [a, b]:
 * a piecewise-constant approximation of f whose error shrinks as N grows.
 *
 * Hidden layer: kernel all w, biases −w·c_i and −w·c_{i+1}; output kernel [h_i, −h_i], bias 0.
 * Set with setWeights; nothing is trained. The model is float64 and not compiled.
 */
export function towerNetwork(f: (x: number) => number, args: TowerNetworkArgs): Sequential {
  checkKeys('towerNetwork', args, ['range', 'towers', 'steepness']);
  if (typeof f !== 'function') throw new InputError(`towerNetwork: f must be a function of one number, got ${describe(f)}`);
  const r = args.range;
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[0]! < r[1]!)) {
    throw new InputError(`towerNetwork: range must be [a, b] with finite a < b, got ${Array.isArray(r) ? JSON.stringify(r) : describe(r)}`);
  }
  const [a, b] = r as [number, number];
  const n = integerAtLeast('towerNetwork', 'towers', args.towers ?? 50, 1);
  const width = (b - a) / n;
  const w = args.steepness === undefined ? 50 / width : positiveNumber('towerNetwork', 'steepness', args.steepness);

  const model = new Sequential([
    new Dense({ units: 2 * n, activation: 'sigmoid', inputShape: [1], name: 'steps' }),
    new Dense({ units: 1, activation: 'linear', name: 'sum_of_towers' }),
  ], { dtype: 'float64', name: 'towers' });
  const kernel1: number[][] = [new Array<number>(2 * n).fill(w)];
  const bias1: number[] = [];
  const kernel2: number[][] = [];
  for (let i = 0; i < n; i++) {
    const left = a + i * width;
    const right = left + width;
    const h = f(left + width / 2);
    if (typeof h !== 'number' || !Number.isFinite(h)) throw new InputError(`towerNetwork: f(${left + width / 2}) is ${describe(h)}; f must return finite numbers on the range`);
    bias1.push(-w * left, -w * right);
    kernel2.push([h], [-h]);
  }
  model.setWeights([kernel1, bias1, kernel2, [0]]);
  return model;
}
