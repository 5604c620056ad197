import type { DType, FloatArray } from '../core/matrix.js';
import type { Rng } from '../core/rng.js';

/*
 * "These are the loops your backend must implement" (tinygrad's ops.py, for an MLP): every hot
 * loop of a training step, on flat row-major arrays, writing into `out`, never allocating, plus
 * the memory those arrays live in. Layers, losses and optimisers call only these. A backend is a
 * factory (`KernelBackend`) that opens one `Kernels` per model: its own memory (a WebAssembly
 * memory for the WASM backend) and the kernels bound to it.
 */

/** Activations the kernels know by name (the `ActivationName`s). */
export type ActivationKernel =
  | 'linear' | 'step' | 'sign' | 'piecewiseLinear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'softmax';

/**
 * Loss values and gradients by name; `scale` carries the 1/n or 1/m (and the base-2 factor).
 * 'bce'/'ce'/'sparseCe' read probabilities (clipped to [ε, 1 − ε]); the `Logits` forms read z.
 */
export type LossKernel =
  | 'mse' | 'sse' | 'mae' | 'bce' | 'bceLogits' | 'ce' | 'ceLogits' | 'sparseCe' | 'sparseCeLogits';

/**
 * A tensor's storage, owned by a Kernels' memory. `data` is the live view: a backend that moves
 * its memory (a WebAssembly memory outgrowing itself) points `data` at the new place, so hold
 * the Block and read `data` when needed rather than keeping the array across a build.
 */
export class Block {
  constructor(
    public data: FloatArray,
    /** The memory it lives in (undefined for arrays the caller made). */
    readonly owner: Kernels | undefined,
  ) {}
}

/** One model's kernels: its memory (alloc, reserve, owns) and every hot loop bound to it. A backend's `open(dtype)` makes one. */
export interface Kernels {
  /** The backend's name ('typescript', 'wasm'). */
  readonly name: string;
  /** A longer description for summaries (e.g. 'wasm (SIMD, relaxed)'). */
  readonly description: string;
  readonly dtype: DType;
  /** How many times the memory moved (grew); views taken before a move are stale copies. */
  readonly generation: number;

  /** A zeroed tensor of `length` elements in this memory. */
  alloc(length: number): Block;
  /** Makes sure at least `bytes` more can be allocated without moving (call before a pass). */
  reserve(bytes: number): void;
  /** True when `x` is a current view of this memory (kernels on it run without copies). */
  owns(x: FloatArray): boolean;

  /** Threads the large products and passes are cut over now (1: the calling thread only). */
  readonly threads: number;
  /**
   * Cuts the large products and passes over `setting` threads from now on: a count, or 'auto'
   * (the cores where this backend has threads, else 1). Calls too small to pay for a second
   * thread stay on the calling one whatever the setting, and every count gives the same bits.
   * A count > 1 this backend or host cannot run is an UnsupportedError naming why.
   */
  setThreads(setting: number | 'auto'): void;
  /** The last setting (what setThreads was given). */
  readonly threadSetting: number | 'auto';
  /** Why calls cannot be cut over threads here, or undefined when they can. */
  threadsBlocker(): string | undefined;
  /** Starts the threads where that cannot happen during a call (a browser's Web Workers); fit awaits it. */
  prepareThreads(): Promise<void>;
  /**
   * Work of the calling thread that touches no operand of the calls before `runDeferred` (the
   * next batch gathered into its own buffers, the weights copied aside): where calls are cut over
   * threads it runs during the next cut call, after that call's chunks are published, so the
   * other threads work meanwhile; else now. A task's own kernel calls run on the calling thread
   * alone (none is cut while a task runs); they must not touch the operands of the cut call.
   */
  defer(task: () => void): void;
  /** Runs the deferred work no cut call took (before anything that needs it). */
  runDeferred(): void;

  // Matrix products (gemm.ts). With `accumulate` the product is added to `out`.
  /** out[m×n] = a[m×k] · b[k×n]  (z = X·W). */
  gemmNN(a: FloatArray, b: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void;
  /** out[m×k] = d[m×n] · w[k×n]ᵀ  (∂E/∂X = δ·Wᵀ). */
  gemmNT(d: FloatArray, w: FloatArray, out: FloatArray, m: number, n: number, k: number, accumulate: boolean): void;
  /** out[k×n] = x[m×k]ᵀ · d[m×n]  (∂E/∂W = Xᵀ·δ). */
  gemmTN(x: FloatArray, d: FloatArray, out: FloatArray, m: number, k: number, n: number, accumulate: boolean): void;

  /**
   * A dense layer's forward: z[m×n] = x[m×k]·w[k×n] (+ bias), then a = g(z) (a may be z for
   * 'linear'). The same bits as gemmNN, addRowVector and activationForward in turn; threads apply
   * the bias and an elementwise g to the block of z each computed, while it is in their cache.
   * WebAssembly cuts a training batch over 512+ inputs by steps (wasm/split.ts forwardHalves,
   * a ≠ z): z is then the sum of the two halves' products, each as gemmNN computes it.
   */
  denseForward(x: FloatArray, w: FloatArray, bias: FloatArray | undefined, z: FloatArray, a: FloatArray, m: number, k: number, n: number, kind: ActivationKernel, alpha: number): void;
  /** out[i, j] += bias[j] for an m×n matrix. */
  addRowVector(out: FloatArray, bias: FloatArray, m: number, n: number): void;
  /** out[j] (+)= Σ_i d[i, j]. */
  columnSums(d: FloatArray, out: FloatArray, m: number, n: number, accumulate: boolean): void;
  /** out[i] = a[i]·b[i] (out may alias a or b). */
  multiply(a: FloatArray, b: FloatArray, out: FloatArray, n: number): void;

  /** a = g(z) over rows×cols (softmax row-wise); `alpha` is leaky ReLU's slope. a may alias z. */
  activationForward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, rows: number, cols: number): void;
  /** dZ = ∂E/∂z from dA = ∂E/∂a (the Jacobian product for softmax). dZ may alias dA. */
  activationBackward(kind: ActivationKernel, alpha: number, z: FloatArray, a: FloatArray, dA: FloatArray, dZ: FloatArray, rows: number, cols: number): void;
  /** Row-wise log-softmax: out = z − logΣexp(z). */
  logSoftmaxRows(z: FloatArray, out: FloatArray, m: number, n: number): void;

  /** Σ of the loss terms over an m×k batch, accumulated in float64 (the loss divides by what it averages over). */
  lossValue(kind: LossKernel, p: FloatArray, y: FloatArray, m: number, k: number): number;
  /** out = scale · ∂(Σ terms)/∂ŷ (∂/∂z for the Logits forms); 'mse' and 'sse' both give scale·(ŷ − y). */
  lossGradient(kind: LossKernel, p: FloatArray, y: FloatArray, out: FloatArray, m: number, k: number, scale: number): void;
  /** Fused output activation + loss: out = scale·(ŷ − y) (one-hot y), or with class indices y for `sparse`. */
  fusedLossGradient(sparse: boolean, p: FloatArray, y: FloatArray, out: FloatArray, m: number, k: number, scale: number): void;

  /*
   * Optimiser updates, fused loops over one tensor. Each returns Σ x·0 over every value it
   * stores (the new weights and the new state: moments, accumulators, velocities): 0 when all
   * are finite, NaN otherwise (the step's overflow probe, so no pass over the state follows).
   */
  /** w ← w − η·g. */
  sgd(w: FloatArray, g: FloatArray, n: number, lr: number): number;
  /** v ← μv − ηg; w ← w + v (nesterov: w ← w + μv − ηg). */
  sgdMomentum(w: FloatArray, g: FloatArray, v: FloatArray, n: number, lr: number, mu: number, nesterov: boolean): number;
  /** m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − α·m/(√v + ε). */
  adam(w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, n: number, alpha: number, beta1: number, beta2: number, eps: number): number;
  /** s ← ρs + (1−ρ)g²; Δ = ηg/√(s+ε); w ← w − Δ, or with momentum u ← μu + Δ; w ← w − u. */
  rmsprop(w: FloatArray, g: FloatArray, s: FloatArray, u: FloatArray, n: number, lr: number, rho: number, mu: number, eps: number): number;
  /** s ← s + g²; w ← w − ηg/√(s + ε). */
  adagrad(w: FloatArray, g: FloatArray, s: FloatArray, n: number, lr: number, eps: number): number;
  /** x ← 0 where |x| < below, NaN left as it is (the optimisers' state: see flushBelow in kernels/optimizer.ts). */
  flushBelow(x: FloatArray, n: number, below: number): void;
  /** g ← clamp(g, −c, c). */
  clipByValue(g: FloatArray, n: number, c: number): void;
  /** x ← s·x. */
  scale(x: FloatArray, n: number, s: number): void;
  /** Σ x², accumulated in float64. */
  sumOfSquares(x: FloatArray, n: number): number;
  /** l1·Σ|w| + l2·Σw². */
  penalty(w: FloatArray, n: number, l1: number, l2: number): number;
  /** grad += l1·sign(w) + 2·l2·w; returns the penalty. */
  addPenaltyGradient(w: FloatArray, grad: FloatArray, n: number, l1: number, l2: number): number;

  /** mask[i] = 1/(1 − rate) with probability 1 − rate, else 0, drawn from the seeded `rng`. */
  dropoutMask(rng: Rng, mask: FloatArray, n: number, rate: number): void;

  /**
   * Batch normalisation forward over [m, n] per feature. Training: batch mean/variance (biased),
   * moving averages updated with `momentum`; inference: the moving averages. Writes x̂, y = γx̂ + β
   * and invStd = 1/√(σ² + ε).
   */
  batchNormForward(x: FloatArray, gamma: FloatArray, beta: FloatArray, movingMean: FloatArray, movingVariance: FloatArray,
    xhat: FloatArray, out: FloatArray, invStd: FloatArray, m: number, n: number, training: boolean, momentum: number, epsilon: number): void;
  /** ∂γ, ∂β (+)= Σdy·x̂, Σdy; dX when `dX` is given (training: through the batch statistics). */
  batchNormBackward(dy: FloatArray, xhat: FloatArray, gamma: FloatArray, invStd: FloatArray, dGamma: FloatArray, dBeta: FloatArray,
    dX: FloatArray | undefined, m: number, n: number, training: boolean, accumulate: boolean): void;

  /** True when every x[i] (i < n) is finite. */
  allFinite(x: FloatArray, n: number): boolean;
  /** Copies rows `indices[start..start+count)` of src (any array, n columns) into the first `count` rows of out. */
  gatherRows(src: FloatArray, n: number, indices: Int32Array, start: number, count: number, out: FloatArray): void;
  /** out[0..count·n) = src rows [start, start+count) (staging a chunk of user data). */
  copyRows(src: FloatArray, n: number, start: number, count: number, out: FloatArray): void;
}

/** The loops of a Kernels without its memory: what `typescriptLoops` holds. */
export type KernelLoops = Omit<Kernels, 'name' | 'description' | 'dtype' | 'generation' | 'alloc' | 'reserve' | 'owns' | 'threads' | 'setThreads' | 'threadSetting' | 'threadsBlocker' | 'prepareThreads' | 'defer' | 'runDeferred'>;

/** A backend: a name, the dtypes it computes in, and a way to open memory + kernels for a model. */
export interface KernelBackend {
  readonly name: 'typescript' | 'wasm';
  readonly dtypes: readonly DType[];
  /** Fresh memory and kernels for one model. */
  open(dtype: DType): Kernels;
}
