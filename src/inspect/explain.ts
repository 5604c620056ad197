import { Matrix, type MatrixLike } from '../core/matrix.js';
import { checkKeys, positiveNumber } from '../core/validate.js';
import type { Layer } from '../layers/layer.js';
import type { Param } from '../layers/param.js';
import { prepareData } from '../model/train.js';
import type { Sequential } from '../model/sequential.js';
import type { TargetsLike } from '../core/labels.js';
import { scratchModel } from './scratch.js';
import { tensorToNested } from '../layers/param.js';

export interface ExplainArgs {
  /** η of the plain gradient-descent step shown; default the compiled optimiser's current rate. */
  learningRate?: number;
}

/** One parameter tensor of a layer: before, its gradient, and after the step. */
export interface ExplainParam {
  name: string;
  shape: number[];
  trainable: boolean;
  value: number[] | number[][];
  grad: number[] | number[][];
  after: number[] | number[][];
}

/**
 * How δ = ∂E/∂z was formed: `chain` ∂E/∂a ⊙ g'(z); `fused` ŷ − y (sigmoid/softmax with
 * cross-entropy, divided by the batch size); `jacobian` the softmax Jacobian times ∂E/∂a;
 * `layer` the layer's own backward (dropout: ∂E/∂a ⊙ mask; batch norm).
 */
export type DeltaRule = 'chain' | 'fused' | 'jacobian' | 'layer';

/**
 * Every number of one layer in one step. Rows are samples: [batch][units].
 * For Dense, z = a(l−1)·W + b and a = g(z); for an activation, dropout or batch-norm layer,
 * z is the layer's input and a its output, and kernel/bias are empty.
 */
export interface ExplainLayer {
  /** e.g. 'dense_1'. */
  name: string;
  /** 'Dense', 'Activation', 'Dropout', 'BatchNormalization'. */
  className: string;
  /** g's name ('sigmoid', ...); 'dropout' / 'batchNormalization' for those layers. */
  activation: string;
  /** a(l−1), the layer's input: [batch][in]. */
  input: number[][];
  /** [batch][units]. */
  z: number[][];
  /** g(z): [batch][units]. */
  a: number[][];
  /** ∂E/∂a: [batch][units]. For the output layer, the loss gradient (with its 1/batch). */
  dA: number[][];
  /** g'(z), or the dropout mask; null when δ comes from a fused loss (δ = ŷ − y) or a Jacobian. */
  gPrime: number[][] | null;
  /** δ = ∂E/∂z: [batch][units]. */
  delta: number[][];
  /** ∂E/∂a(l−1) = δ·Wᵀ, what is passed down to the previous layer: [batch][in]. */
  dInput: number[][];
  deltaRule: DeltaRule;
  /** W as [in][units] (Keras layout) before the step; [] for layers without a kernel. */
  kernel: number[][];
  bias: number[] | null;
  /** ∂E/∂W = a(l−1)ᵀ·δ (plus the regulariser's gradient, if any). */
  dKernel: number[][];
  /** ∂E/∂b = Σ_rows δ. */
  dBias: number[] | null;
  /** W − η·∂E/∂W. */
  kernelAfter: number[][];
  biasAfter: number[] | null;
  /** Every tensor of the layer (batch norm's γ, β and moving statistics too). */
  params: ExplainParam[];
}

/** One training step laid out as the lecture notes write it. JSON-serialisable. */
export interface Explanation {
  lossName: string;
  /** E: the loss of the batch (mean over rows) plus the regularisation penalty. */
  loss: number;
  /** The regularisation penalty included in `loss` (0 without regularisers). */
  penalty: number;
  learningRate: number;
  batchSize: number;
  /** [batch][features]. */
  x: number[][];
  /** The encoded targets: [batch][outputs] (one class index per row for sparse cross-entropy). */
  target: number[][];
  /** ŷ: [batch][outputs]. */
  output: number[][];
  layers: ExplainLayer[];
}

/**
 * One step of backpropagation on (x, y), every intermediate number recorded:
 * forward z(l) = a(l−1)·W(l) + b(l), a(l) = g(z(l)); the loss E; backward
 * δ(L) = ∂E/∂a(L) ⊙ g'(z(L)) (or ŷ − y for sigmoid/softmax with cross-entropy),
 * δ(l) = (δ(l+1)·W(l+1)ᵀ) ⊙ g'(z(l)); ∂E/∂W(l) = a(l−1)ᵀ·δ(l), ∂E/∂b(l) = Σ_rows δ(l); and the
 * update θ ← θ − η·∂E/∂θ.
 *
 * The update shown is always plain gradient descent with `learningRate`, whatever optimiser
 * the model is compiled with (Adam's step is not the notes' step). The loss is the batch mean,
 * so with m rows every gradient carries a 1/m. Runs in float64 in training mode (dropout draws
 * a mask, batch norm uses batch statistics) and leaves the model's weights, optimiser state and
 * classes exactly as they were.
 *
 * @example seed 003's 2-2-2 network: E = 0.298371109, ∂E/∂w5 = 0.082167041, w5 → 0.35891648.
 */
export function explain(model: Sequential, x: MatrixLike, y: TargetsLike, args: ExplainArgs = {}): Explanation {
  checkKeys('explain', args, ['learningRate']);
  model.requireCompiled('explain');
  const learningRate = args.learningRate === undefined
    ? model.session.optimizer.currentLearningRate()
    : positiveNumber('explain', 'learningRate', args.learningRate);
  if (!model.built) model.prepareInput(x, 'explain x');
  const scratch = scratchModel(model, 'explain');
  try {
    return explainOn(scratch.model, x, y, learningRate);
  } finally {
    scratch.restore();
  }
}

interface ForwardRecord {
  input: Matrix;
  z: Matrix;
  a: Matrix;
}

function explainOn(model: Sequential, x: MatrixLike, y: TargetsLike, learningRate: number): Explanation {
  const { x: X, y: Y } = prepareData(model, x, y, 'explain');
  const engine = model.backprop();
  const loss = engine.loss;
  const layers = model.layers;
  engine.zeroGrads();

  // One recorded step of the engine the training loop runs: nothing re-derived here.
  const L = layers.length;
  const forward: ForwardRecord[] = new Array(L);
  const backward: { dA: Matrix; gPrime: Matrix | null; delta: Matrix; dInput: Matrix; rule: DeltaRule }[] = new Array(L);
  const output = engine.forward(X, true, {
    forward(i, layer, input, a) {
      forward[i] = { input: input.clone(), z: layer.lastPreactivation()?.clone() ?? input.clone(), a: a.clone() };
    },
  }).clone();
  const dataLoss = engine.lossValue(Y);
  const lossGrad = Matrix.zeros(output.rows, output.cols, 'float64');
  loss.gradient(output, Y, lossGrad);
  const given: { dOutput: Matrix; dInput: Matrix; fused: boolean }[] = new Array(L);
  engine.backward(Y, true, {
    backward(i, _layer, dOutput, dInput, fused) {
      given[i] = { dOutput: dOutput.clone(), dInput: dInput.clone(), fused };
    },
  });
  // Factored after the pass: deltaOf may run a layer again (dropout's mask is its backward of ones).
  given.forEach((g, i) => {
    backward[i] = g.fused
      ? { dA: lossGrad, gPrime: null, delta: g.dOutput, dInput: g.dInput, rule: 'fused' }
      : { dA: g.dOutput, ...deltaOf(layers[i]!, forward[i]!, g.dOutput, g.dInput), dInput: g.dInput };
  });
  const penalty = engine.penalty();

  const explained: ExplainLayer[] = layers.map((layer, i) => {
    const rec = forward[i]!;
    const back = backward[i]!;
    const params = layer.weights().map((p) => explainParam(p, learningRate));
    const kernel = params.find((p) => p.name.endsWith('/kernel'));
    const bias = params.find((p) => p.name.endsWith('/bias'));
    return {
      name: layer.name,
      className: layer.className,
      activation: activationLabel(layer),
      input: rec.input.toArray(),
      z: rec.z.toArray(),
      a: rec.a.toArray(),
      dA: back.dA.toArray(),
      gPrime: back.gPrime ? back.gPrime.toArray() : null,
      delta: back.delta.toArray(),
      dInput: back.dInput.toArray(),
      deltaRule: back.rule,
      kernel: kernel ? (kernel.value as number[][]) : [],
      bias: bias ? (bias.value as number[]) : null,
      dKernel: kernel ? (kernel.grad as number[][]) : [],
      dBias: bias ? (bias.grad as number[]) : null,
      kernelAfter: kernel ? (kernel.after as number[][]) : [],
      biasAfter: bias ? (bias.after as number[]) : null,
      params,
    };
  });

  return {
    lossName: loss.name,
    loss: dataLoss + penalty,
    penalty,
    learningRate,
    batchSize: X.rows,
    x: X.toArray(),
    target: Y.toArray(),
    output: output.toArray(),
    layers: explained,
  };
}

/** δ and its factors for a layer that was given ∂E/∂a (not the fused output). */
function deltaOf(layer: Layer, rec: ForwardRecord, dA: Matrix, dInput: Matrix): { gPrime: Matrix | null; delta: Matrix; rule: DeltaRule } {
  const rows = dA.rows;
  const cols = dA.cols;
  const g = layer.outputActivation();
  if (g !== undefined) {
    const delta = Matrix.zeros(rows, cols, 'float64');
    if (g.name === 'softmax') {
      // Not element-wise: δ_j = a_j (∂E/∂a_j − Σ_k ∂E/∂a_k a_k).
      g.backward(rec.z.data, rec.a.data, dA.data, delta.data, rows, cols);
      return { gPrime: null, delta, rule: 'jacobian' };
    }
    const gPrime = Matrix.zeros(rows, cols, 'float64');
    // g'(z) is the backward of a unit upstream gradient.
    g.backward(rec.z.data, rec.a.data, ones(rows, cols).data, gPrime.data, rows, cols);
    for (let k = 0; k < rows * cols; k++) delta.data[k] = dA.data[k]! * gPrime.data[k]!;
    return { gPrime, delta, rule: 'chain' };
  }
  if (layer.className === 'Dropout') {
    // The layer's input plays z; δ = ∂E/∂a ⊙ mask, and the mask is the backward of ones.
    const mask = layer.backward(ones(rows, cols), true).clone();
    return { gPrime: mask, delta: dInput, rule: 'layer' };
  }
  return { gPrime: null, delta: dInput, rule: 'layer' };
}

function ones(rows: number, cols: number): Matrix {
  const m = Matrix.zeros(rows, cols, 'float64');
  m.data.fill(1);
  return m;
}

function explainParam(p: Param, learningRate: number): ExplainParam {
  const grad = p.trainable ? p.grad : new Float64Array(p.size);
  const after = new Float64Array(p.size);
  for (let k = 0; k < p.size; k++) after[k] = p.value[k]! - (p.trainable ? learningRate * grad[k]! : 0);
  return {
    name: p.name,
    shape: [...p.shape],
    trainable: p.trainable,
    value: tensorToNested(p.value, p.shape),
    grad: tensorToNested(grad, p.shape),
    after: tensorToNested(after, p.shape),
  };
}

function activationLabel(layer: Layer): string {
  const g = layer.outputActivation();
  if (g !== undefined) return g.name;
  return layer.className.charAt(0).toLowerCase() + layer.className.slice(1);
}
