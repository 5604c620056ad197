import { countOf } from '../core/format.js';
import { toMatrix, type MatrixLike } from '../core/matrix.js';
import { InputError, NotFittedError, ShapeError } from '../core/errors.js';
import { lookupName } from '../core/names.js';
import { checkKeys, describe, integerAtLeast, positiveNumber } from '../core/validate.js';

/**
 * The binary step of the classic perceptron, as its own small unit: 1 for z ≥ 0, else 0
 * (SPEC §3's `step`; seed 004 writes 1 for z > 0, which learns the same gates).
 * Its derivative is 0 almost everywhere, which is why the perceptron has its own learning rule
 * instead of backpropagation.
 */
export class StepActivation {
  readonly name = 'step';
  /** 1 for z ≥ 0, else 0. */
  apply(z: number): 0 | 1 {
    return z >= 0 ? 1 : 0;
  }
}

/** Options of the Perceptron. */
export interface PerceptronArgs {
  /** η in w ← w + η(y − ŷ)x; default 1 (with 0/1 data any η > 0 learns the same boundary up to scale). */
  learningRate?: number;
  /** Passes over the data before giving up; default 100. */
  maxEpochs?: number;
  /** Initial weights (one per feature); default all zeros, as Rosenblatt. */
  initialWeights?: readonly number[];
  /** Initial bias; default 0. */
  initialBias?: number;
}

/** What one call to `fit` did. */
export interface PerceptronResult {
  /** True when an epoch passed with no mistake: the data are linearly separated. */
  converged: boolean;
  /** Epochs run (the last one is the error-free one when converged). */
  epochs: number;
  /** Misclassified samples in each epoch (counted while learning, before each correction). */
  errorsPerEpoch: number[];
  /** Samples the final weights misclassify. */
  finalErrors: number;
  weights: number[];
  bias: number;
  /**
   * When not converged: the first epoch whose end state (w, b) had already been seen; from there
   * the rule cycles forever, which proves that these data are not linearly separable (the
   * perceptron cycling theorem). Undefined if no repeat was seen within the epoch limit.
   */
  cycleFrom: number | undefined;
  /** One sentence for people: converged in n epochs, or "not linearly separable". */
  message: string;
}

/**
 * Rosenblatt's perceptron (seed 000, seed 004): ŷ = step(w·x + b), and for every sample in
 * turn, w ← w + η(y − ŷ)x, b ← b + η(y − ŷ). It stops after the first epoch without a mistake
 * (guaranteed to come when the data are linearly separable, by the convergence theorem) or at
 * `maxEpochs`, reporting that the data are not linearly separable (XOR).
 *
 * @example
 * const p = new Perceptron();
 * p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1]).converged; // true (AND)
 */
export class Perceptron {
  readonly learningRate: number;
  readonly maxEpochs: number;
  readonly step = new StepActivation();
  weights: number[] | undefined;
  bias = 0;
  private readonly initialWeights: readonly number[] | undefined;
  private readonly initialBias: number;

  constructor(args: PerceptronArgs = {}) {
    checkKeys('perceptron', args, ['learningRate', 'maxEpochs', 'initialWeights', 'initialBias']);
    this.learningRate = positiveNumber('perceptron', 'learningRate', args.learningRate ?? 1);
    this.maxEpochs = integerAtLeast('perceptron', 'maxEpochs', args.maxEpochs ?? 100, 1);
    if (args.initialWeights !== undefined) {
      if (!Array.isArray(args.initialWeights) || args.initialWeights.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new InputError(`perceptron: initialWeights must be an array of finite numbers, got ${describe(args.initialWeights)}`);
      }
      this.initialWeights = [...args.initialWeights];
    }
    this.initialBias = args.initialBias === undefined ? 0 : finite('initialBias', args.initialBias);
  }

  /** Learns from rows x and binary labels y (0/1 or false/true), starting from the initial weights. */
  fit(x: MatrixLike, y: readonly (number | boolean)[]): PerceptronResult {
    const X = toMatrix(x, 'perceptron x', 'float64');
    const labels = binaryLabels(y, X.rows);
    const d = X.cols;
    if (this.initialWeights && this.initialWeights.length !== d) {
      throw new ShapeError(`perceptron: initialWeights has ${this.initialWeights.length} values but x has ${d} features`);
    }
    const w = this.initialWeights ? [...this.initialWeights] : new Array<number>(d).fill(0);
    let b = this.initialBias;
    const eta = this.learningRate;
    const errorsPerEpoch: number[] = [];
    const seen = new Map<string, number>();
    let cycleFrom: number | undefined;
    let converged = false;
    for (let epoch = 1; epoch <= this.maxEpochs; epoch++) {
      let errors = 0;
      for (let i = 0; i < X.rows; i++) {
        let z = b;
        for (let j = 0; j < d; j++) z += w[j]! * X.data[i * d + j]!;
        const err = labels[i]! - this.step.apply(z);
        if (err === 0) continue;
        errors++;
        for (let j = 0; j < d; j++) w[j]! += eta * err * X.data[i * d + j]!;
        b += eta * err;
      }
      errorsPerEpoch.push(errors);
      if (errors === 0) {
        converged = true;
        break;
      }
      const key = [...w, b].join(',');
      if (cycleFrom === undefined && seen.has(key)) cycleFrom = epoch;
      seen.set(key, epoch);
    }
    this.weights = w;
    this.bias = b;
    const epochs = errorsPerEpoch.length;
    const finalErrors = this.predict(X).reduce((n, p, i) => n + (p === labels[i] ? 0 : 1), 0);
    const message = converged
      ? `converged after ${countOf(epochs, 'epoch')}: the data are linearly separable (w = [${w.join(', ')}], b = ${b})`
      : `not linearly separable: after ${countOf(epochs, 'epoch')} every epoch still made mistakes and the final line misclassifies ${finalErrors} of ${X.rows}` +
        (cycleFrom !== undefined ? ` (the weights repeat from epoch ${cycleFrom}: the rule cycles forever)` : '') +
        '; a single perceptron draws one straight line, and these classes need more (use an MLP with a hidden layer)';
    return { converged, epochs, errorsPerEpoch, finalErrors, weights: [...w], bias: b, cycleFrom, message };
  }

  /** step(w·x + b) per row. */
  predict(x: MatrixLike): number[] {
    if (this.weights === undefined) throw new NotFittedError('perceptron: call fit before predict');
    const X = toMatrix(x, 'perceptron x', 'float64');
    const w = this.weights;
    if (X.cols !== w.length) throw new ShapeError(`perceptron: x has ${X.cols} features, the perceptron expects ${w.length}`);
    const out: number[] = [];
    for (let i = 0; i < X.rows; i++) {
      let z = this.bias;
      for (let j = 0; j < w.length; j++) z += w[j]! * X.data[i * w.length + j]!;
      out.push(this.step.apply(z));
    }
    return out;
  }
}

/** A Perceptron with these options. */
export function perceptron(args: PerceptronArgs = {}): Perceptron {
  return new Perceptron(args);
}

function finite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`perceptron: ${name} must be a finite number, got ${describe(v)}`);
  return v;
}

function binaryLabels(y: unknown, rows: number): number[] {
  if (!Array.isArray(y)) throw new InputError(`perceptron: y must be an array of 0/1 labels, got ${describe(y)}`);
  if (y.length !== rows) throw new ShapeError(`perceptron: x has ${rows} rows but y has ${y.length}`);
  return y.map((v: unknown, i) => {
    if (v === 0 || v === 1) return v;
    if (v === true || v === false) return v ? 1 : 0;
    throw new InputError(`perceptron: label at row ${i} is ${JSON.stringify(v)}; the perceptron needs binary labels 0/1 (one step unit, two classes)`);
  });
}

/** The logic gates gateData knows. */
export type Gate = 'and' | 'or' | 'not' | 'xor';

const GATES = new Map<string, { x: number[][]; y: number[] }>([
  ['and', { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 0, 0, 1] }],
  ['or', { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 1] }],
  ['not', { x: [[0], [1]], y: [1, 0] }],
  ['xor', { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] }],
]);

/** The truth table of a logic gate (NOT has one input): rows x and labels y, fresh copies. */
export function gateData(gate: Gate): { x: number[][]; y: number[] } {
  const g = lookupName('gate', gate, GATES);
  return { x: g.x.map((r) => [...r]), y: [...g.y] };
}
