import type { Matrix, MatrixLike } from '../core/matrix.js';
import { InputError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { checkKeys, integerAtLeast, positiveNumber } from '../core/validate.js';
import { prepareData } from '../model/train.js';
import type { Sequential } from '../model/sequential.js';
import type { TargetsLike } from '../core/labels.js';
import { scratchModel } from './scratch.js';

/** Options of gradcheck: the step h and the tolerances. */
export interface GradcheckArgs {
  /** Step h of the central difference (E(θ+h) − E(θ−h))/2h; default 1e-6 (float64). */
  epsilon?: number;
  /** Absolute tolerance: an entry passes when |analytic − numeric| ≤ atol + rtol·|numeric|. Default 1e-5. */
  atol?: number;
  /** Relative tolerance; default 1e-3 (PyTorch's gradcheck defaults, RELIABILITY G1). */
  rtol?: number;
  /** Check at most this many entries per tensor, chosen at random (seeded); default all. */
  maxEntriesPerTensor?: number;
  /** Seed for choosing entries when `maxEntriesPerTensor` applies; default 0. */
  seed?: number;
}

/** The worst entry of a tensor: where backprop and central differences disagree most. */
export interface GradcheckEntry {
  /** Flat index into the tensor. */
  index: number;
  /** [row, column] for a kernel ([inputs][units]), [i] for a vector. */
  position: number[];
  analytic: number;
  numeric: number;
  absoluteError: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|). */
  relativeError: number;
}

/** The check of one parameter tensor. */
export interface GradcheckTensor {
  /** 'dense_1/kernel', ... */
  name: string;
  shape: number[];
  /** Entries compared (all of them unless maxEntriesPerTensor). */
  checked: number;
  maxAbsoluteError: number;
  /** Largest relative error over the entries whose gradient is not negligible (> atol). */
  maxRelativeError: number;
  /** The entry furthest outside the tolerance (largest |a − n| / (atol + rtol·|n|)). */
  worst: GradcheckEntry | undefined;
  passed: boolean;
}

/** What gradcheck found: the verdict and one entry per trainable tensor. */
export interface GradcheckResult {
  passed: boolean;
  /** E at the unperturbed parameters (batch mean plus regularisation). */
  loss: number;
  epsilon: number;
  atol: number;
  rtol: number;
  tensors: GradcheckTensor[];
  /** The model's own dtype. The check always runs in float64 (on a copy for a float32 model). */
  modelDtype: 'float32' | 'float64';
}

/**
 * What a check of a float32 model proves (RELIABILITY G3): it runs on a float64 copy, so it
 * checks the backprop formulas, not float32 rounding. Central differences in float32 itself can
 * only promise agreement to about rtol 1e-2 with a step of 1e-3, since E is known to ~1e-7.
 */
export const FLOAT32_NOTE =
  'The float32 model was checked on a float64 copy: this proves the gradient formulas, not float32 rounding ' +
  '(a check in float32 itself can only promise about rtol 1e-2 with a step of 1e-3).';

const NON_DIFFERENTIABLE = new Set(['step', 'sign']);

/**
 * Central differences against backprop, per trainable tensor, in float64:
 * numeric ∂E/∂θ_i = (E(θ + h·e_i) − E(θ − h·e_i)) / 2h, compared with the analytic gradient of
 * one forward/backward pass. E is the loss the model trains on (batch mean plus penalties), in
 * training mode with dropout masks frozen. A float32 model is checked on a float64 copy; a
 * float64 model in place, restored afterwards.
 *
 * Throws NotFittedError when not compiled, ShapeError when x's width does not match, and
 * InputError for step/sign activations (their derivative is zero almost everywhere).
 */
export function gradcheck(model: Sequential, x: MatrixLike, y: TargetsLike, args: GradcheckArgs = {}): GradcheckResult {
  checkKeys('gradcheck', args, ['epsilon', 'atol', 'rtol', 'maxEntriesPerTensor', 'seed']);
  const epsilon = positiveNumber('gradcheck', 'epsilon', args.epsilon ?? 1e-6);
  const atol = positiveNumber('gradcheck', 'atol', args.atol ?? 1e-5, true);
  const rtol = positiveNumber('gradcheck', 'rtol', args.rtol ?? 1e-3, true);
  const maxEntries = args.maxEntriesPerTensor === undefined ? Infinity : integerAtLeast('gradcheck', 'maxEntriesPerTensor', args.maxEntriesPerTensor, 1);
  const rng = new Rng(args.seed ?? 0);
  model.requireCompiled('gradcheck');
  for (const layer of model.layers) {
    const act = layer.outputActivation()?.name;
    if (act !== undefined && NON_DIFFERENTIABLE.has(act)) {
      throw new InputError(
        `gradcheck: layer ${layer.name || '(unnamed)'} uses the '${act}' activation, whose derivative is zero almost everywhere ` +
          '(and undefined at 0): backprop passes no gradient through it, so there is nothing to check. ' +
          "Use 'sigmoid' or 'tanh' (or the perceptron rule for a single step unit).",
      );
    }
  }
  if (!model.built) model.prepareInput(x, 'gradcheck x');
  const scratch = scratchModel(model, 'gradcheck');
  try {
    return { ...check(scratch.model, x, y, epsilon, atol, rtol, maxEntries, rng), modelDtype: model.dtype };
  } finally {
    scratch.restore();
  }
}

function check(model: Sequential, x: MatrixLike, y: TargetsLike, epsilon: number, atol: number, rtol: number, maxEntries: number, rng: Rng): Omit<GradcheckResult, 'modelDtype'> {
  const { x: X, y: Y } = prepareData(model, x, y, 'gradcheck');
  const engine = model.backprop();
  engine.zeroGrads();
  engine.forward(X, true);
  const loss = engine.backward(Y);
  // Later passes must see the same dropout masks as the analytic one.
  for (const l of model.layers) l.freezeRandomness(true);
  const objective = (): number => lossAt(model, X, Y);

  const tensors: GradcheckTensor[] = [];
  for (const p of model.trainableParams()) {
    const analytic = p.grad.slice();
    const indices = chooseEntries(p.size, maxEntries, rng);
    let maxAbs = 0;
    let maxRel = 0;
    let worstRatio = -1;
    let worst: GradcheckEntry | undefined;
    let passed = true;
    for (const i of indices) {
      const old = p.value[i]!;
      p.value[i] = old + epsilon;
      const plus = objective();
      p.value[i] = old - epsilon;
      const minus = objective();
      p.value[i] = old;
      const numeric = (plus - minus) / (2 * epsilon);
      const a = analytic[i]!;
      const abs = Math.abs(a - numeric);
      const scale = Math.max(Math.abs(a), Math.abs(numeric));
      const rel = scale > atol ? abs / scale : 0;
      const ratio = abs / (atol + rtol * Math.abs(numeric));
      if (!(ratio <= 1)) passed = false; // NaN fails too
      maxAbs = Math.max(maxAbs, abs);
      maxRel = Math.max(maxRel, rel);
      if (ratio > worstRatio || Number.isNaN(ratio)) {
        worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
        worst = { index: i, position: positionOf(i, p.shape), analytic: a, numeric, absoluteError: abs, relativeError: scale > 0 ? abs / scale : 0 };
      }
    }
    tensors.push({ name: p.name, shape: [...p.shape], checked: indices.length, maxAbsoluteError: maxAbs, maxRelativeError: maxRel, worst, passed });
  }
  return { passed: tensors.every((t) => t.passed), loss, epsilon, atol, rtol, tensors };
}

/** E(θ) as training computes it: forward in training mode, batch loss plus penalties. */
function lossAt(model: Sequential, X: Matrix, Y: Matrix): number {
  const engine = model.backprop();
  engine.forward(X, true);
  return engine.lossValue(Y) + engine.penalty();
}

function chooseEntries(size: number, max: number, rng: Rng): number[] {
  if (size <= max) return Array.from({ length: size }, (_, i) => i);
  return Array.from(rng.permutation(size).subarray(0, max)).sort((a, b) => a - b);
}

function positionOf(index: number, shape: readonly number[]): number[] {
  if (shape.length === 1) return [index];
  const cols = shape[1]!;
  return [Math.floor(index / cols), index % cols];
}

/** A table: one line per tensor, its worst entry, and the verdict. */
export function renderGradcheck(r: GradcheckResult): string {
  const e = (v: number) => v.toExponential();
  const lines = [`Gradient check (central differences, h = ${e(r.epsilon)}; pass when |a − n| ≤ ${e(r.atol)} + ${e(r.rtol)}·|n|), loss ${fmt(r.loss)}`];
  const width = Math.max(6, ...r.tensors.map((t) => t.name.length));
  lines.push(`${'tensor'.padEnd(width)}  ${'shape'.padEnd(10)}  ${'max rel err'.padStart(11)}  worst entry`);
  for (const t of r.tensors) {
    const w = t.worst;
    const where = w ? `[${w.position.join(', ')}] analytic ${fmt(w.analytic)} numeric ${fmt(w.numeric)}` : '-';
    lines.push(`${t.name.padEnd(width)}  ${`[${t.shape.join(', ')}]`.padEnd(10)}  ${t.maxRelativeError.toExponential(2).padStart(11)}  ${where}  ${t.passed ? 'ok' : 'FAIL'}`);
  }
  const failed = r.tensors.filter((t) => !t.passed).map((t) => t.name);
  lines.push(r.passed ? 'PASSED: backprop agrees with central differences.' : `FAILED: ${failed.join(', ')} disagree with central differences.`);
  if (r.modelDtype === 'float32') lines.push(FLOAT32_NOTE);
  return lines.join('\n') + '\n';
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}
