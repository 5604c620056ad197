/**
 * The input features of TensorFlow Playground: the network sees chosen functions of the two
 * coordinates instead of the coordinates themselves. With x₁² and x₂² as inputs the circles
 * separate with no hidden layer, since x₁² + x₂² = r² is linear in them. Pure: no DOM.
 */

export const featureNames = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
export type FeatureName = (typeof featureNames)[number];

export const DEFAULT_FEATURES: readonly FeatureName[] = ['x1', 'x2'];

/**
 * The data here span about [−1.5, 1.5] where TF Playground's span [−6, 6], so sin takes π·x:
 * about one and a half periods across the picture instead of an almost straight line.
 */
const compute: Record<FeatureName, (a: number, b: number) => number> = {
  x1: (a) => a,
  x2: (_a, b) => b,
  x1sq: (a) => a * a,
  x2sq: (_a, b) => b * b,
  x1x2: (a, b) => a * b,
  sinx1: (a) => Math.sin(Math.PI * a),
  sinx2: (_a, b) => Math.sin(Math.PI * b),
};

/** A feature's label, from the names of the two coordinates (x₁, x₂ or an uploaded file's columns). */
export function featureLabel(f: FeatureName, names: readonly [string, string] = ['x₁', 'x₂']): string {
  const [a, b] = names;
  const sq = (n: string) => (n.length === 2 || /^\w$/u.test(n) ? `${n}²` : `(${n})²`);
  switch (f) {
    case 'x1': return a;
    case 'x2': return b;
    case 'x1sq': return sq(a);
    case 'x2sq': return sq(b);
    case 'x1x2': return `${a}·${b}`;
    case 'sinx1': return `sin π${a}`;
    case 'sinx2': return `sin π${b}`;
  }
}

/** Features in their canonical order, without repeats (the order of the input column and the hash). */
export function canonicalFeatures(fs: readonly FeatureName[]): FeatureName[] {
  return featureNames.filter((f) => fs.includes(f));
}

/** Each 2-D point as its feature vector, in the order of `features`. 1-D data have no features: rows are returned as they are. */
export function expandFeatures(rows: readonly (readonly number[])[], features: readonly FeatureName[]): number[][] {
  return rows.map((r) => (r.length === 1 ? [r[0]!] : features.map((f) => compute[f](r[0]!, r[1]!))));
}

/** The same into a flat row-major buffer (the grids of the drawings). */
export function expandFeaturesFlat(points: ArrayLike<number>, rows: number, features: readonly FeatureName[]): Float64Array {
  const k = features.length;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const a = points[2 * i]!;
    const b = points[2 * i + 1]!;
    for (let j = 0; j < k; j++) out[i * k + j] = compute[features[j]!](a, b);
  }
  return out;
}

/** The features the network gets for data of this dimension: 1-D data have x only. */
export function effectiveFeatures(inputDim: 1 | 2, features: readonly FeatureName[]): FeatureName[] {
  return inputDim === 1 ? ['x1'] : canonicalFeatures(features);
}
