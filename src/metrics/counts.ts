/**
 * Per-class counts and the precision / recall / F1 averages computed from them, shared by the
 * streaming metrics (compile) and the plain functions (labels in, number out).
 *   precision_k = tp/(tp + fp),  recall_k = tp/(tp + fn),  F1_k = 2tp/(2tp + fp + fn)
 * A 0/0 is 0 (scikit-learn's zero_division default).
 * - 'binary': class `positive` only;
 * - 'macro': the unweighted mean over the classes that occur (in targets or predictions);
 * - 'micro': from the pooled counts Σtp, Σfp, Σfn (equal to accuracy for single-label data).
 */
export type Average = 'binary' | 'macro' | 'micro';
export type ScoreKind = 'precision' | 'recall' | 'f1';

/** Per-class counts of true positives, false positives and false negatives. */
export interface ClassCounts {
  readonly tp: ArrayLike<number>;
  readonly fp: ArrayLike<number>;
  readonly fn: ArrayLike<number>;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function score(kind: ScoreKind, tp: number, fp: number, fn: number): number {
  if (kind === 'precision') return ratio(tp, tp + fp);
  if (kind === 'recall') return ratio(tp, tp + fn);
  return ratio(2 * tp, 2 * tp + fp + fn);
}

export function averagedScore(kind: ScoreKind, counts: ClassCounts, average: Average, positive: number): number {
  const { tp, fp, fn } = counts;
  if (average === 'binary') return score(kind, tp[positive] ?? 0, fp[positive] ?? 0, fn[positive] ?? 0);
  if (average === 'micro') {
    let t = 0;
    let p = 0;
    let n = 0;
    for (let k = 0; k < tp.length; k++) {
      t += tp[k]!;
      p += fp[k]!;
      n += fn[k]!;
    }
    return score(kind, t, p, n);
  }
  let sum = 0;
  let classes = 0;
  for (let k = 0; k < tp.length; k++) {
    if (tp[k]! + fp[k]! + fn[k]! === 0) continue;
    sum += score(kind, tp[k]!, fp[k]!, fn[k]!);
    classes++;
  }
  return classes === 0 ? 0 : sum / classes;
}

/** tp, fp, fn per class from a confusion matrix (rows: true class, columns: predicted). */
export function countsFromConfusion(matrix: readonly (readonly number[])[] | Float64Array, k: number): ClassCounts {
  const at = (i: number, j: number) => (matrix instanceof Float64Array ? matrix[i * k + j]! : matrix[i]![j]!);
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = at(i, j);
      if (i === j) tp[i]! += c;
      else {
        fn[i]! += c;
        fp[j]! += c;
      }
    }
  }
  return { tp, fp, fn };
}

/**
 * Adds class codes to a confusion matrix (rows: true class, columns: predicted) and returns it: the
 * one count behind the scorer's, evaluate's (in memory, block by block when streamed) and the
 * report's matrices. `into` is a k×k matrix of zeros for a fresh count (`confusionCounts(k)`).
 */
export function addToConfusion(into: number[][], truth: ArrayLike<number>, predicted: ArrayLike<number>): number[][] {
  for (let i = 0; i < truth.length; i++) into[truth[i]!]![predicted[i]!]!++;
  return into;
}

/** A k×k confusion matrix of zeros, for addToConfusion. */
export function confusionCounts(k: number): number[][] {
  return Array.from({ length: k }, () => new Array<number>(k).fill(0));
}
