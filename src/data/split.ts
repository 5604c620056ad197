import { Rng } from '../core/rng.js';
import { InputError } from '../core/errors.js';
import { integerAtLeast, numberInRange } from '../core/validate.js';

import type { Label } from '../core/labels.js';

/**
 * Row indices grouped by label (groups in label order), each group in seeded random order.
 * Built with counts and typed arrays so that a million labels make little garbage.
 */
function shuffledGroups(y: ArrayLike<Label>, rng: Rng): Int32Array[] {
  const ids = new Map<Label, number>();
  const groupOf = new Int32Array(y.length);
  const counts: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const label = y[i]!;
    let id = ids.get(label);
    if (id === undefined) {
      id = ids.size;
      ids.set(label, id);
      counts.push(0);
    }
    groupOf[i] = id;
    counts[id]!++;
  }
  const groups = counts.map((c) => new Int32Array(c));
  const fill = new Array<number>(counts.length).fill(0);
  for (let i = 0; i < y.length; i++) {
    const id = groupOf[i]!;
    groups[id]![fill[id]!++] = i;
  }
  const keys = [...ids.keys()].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return keys.map((k) => rng.shuffle(groups[ids.get(k)!]!));
}

/** Options of trainTestSplit. */
export interface SplitArgs {
  /** Fraction of rows in the test part, in (0, 1); default 0.25. */
  testSize?: number;
  /** Keep each label's share equal in both parts (needs labels); default true when y is given. */
  stratify?: boolean;
  seed?: number;
}

/**
 * Seeded train/test split of row indices. Stratified by y: each class contributes
 * round(testSize·count) rows to the test part, so class shares are preserved.
 */
export function trainTestSplitIndices(n: number, y: ArrayLike<Label> | undefined, args: SplitArgs = {}): { train: number[]; test: number[] } {
  const testSize = numberInRange('trainTestSplit', 'testSize', args.testSize ?? 0.25, 0, 1);
  if (testSize === 0) throw new InputError('trainTestSplit: testSize must be > 0');
  const rng = new Rng(args.seed ?? 0);
  const stratify = (args.stratify ?? y !== undefined) && y !== undefined;
  if (y !== undefined && y.length !== n) throw new InputError(`trainTestSplit: x has ${n} rows but y has ${y.length}`);
  const groups = stratify ? shuffledGroups(y!, rng) : [rng.shuffle(Int32Array.from({ length: n }, (_, i) => i))];
  let testCount = 0;
  for (const g of groups) testCount += Math.round(g.length * testSize);
  const train = new Array<number>(n - testCount);
  const test = new Array<number>(testCount);
  let a = 0;
  let b = 0;
  for (const g of groups) {
    const k = Math.round(g.length * testSize);
    for (let i = 0; i < g.length; i++) {
      if (i < k) test[b++] = g[i]!;
      else train[a++] = g[i]!;
    }
  }
  if (train.length === 0 || test.length === 0) {
    throw new InputError(`trainTestSplit: testSize ${testSize} of ${n} rows leaves ${train.length} training and ${test.length} test rows`);
  }
  return { train: rng.shuffle(train), test: rng.shuffle(test) };
}

/** Splits (x, y) into training and test parts; see trainTestSplitIndices. */
export function trainTestSplit<X, Y extends Label>(x: readonly X[], y: readonly Y[], args: SplitArgs = {}) {
  const { train, test } = trainTestSplitIndices(x.length, y, args);
  return {
    xTrain: train.map((i) => x[i]!),
    yTrain: train.map((i) => y[i]!),
    xTest: test.map((i) => x[i]!),
    yTest: test.map((i) => y[i]!),
  };
}

/**
 * k folds of (train, validation) row indices. With labels, stratified: each class's rows are
 * dealt round-robin to the folds, so every fold has the class balance of the whole.
 */
export function kFold(n: number, k: number, y?: ArrayLike<Label>, seed = 0): { train: number[]; validation: number[] }[] {
  integerAtLeast('kFold', 'k', k, 2);
  if (k > n) throw new InputError(`kFold: k = ${k} folds need at least ${k} rows, got ${n}`);
  const rng = new Rng(seed);
  const groups = y ? shuffledGroups(y, rng) : [rng.shuffle(Array.from({ length: n }, (_, i) => i))];
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const g of groups) for (const i of g) folds[next++ % k]!.push(i);
  return folds.map((validation, f) => ({
    validation,
    train: folds.flatMap((fold, j) => (j === f ? [] : fold)),
  }));
}
