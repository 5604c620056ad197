import { Matrix, throwNonFinite, toMatrix, toMatrixCheckedLater, type DType } from '../core/matrix.js';
import { Rng, checkSeed } from '../core/rng.js';
import { InputError, NotFittedError, ShapeError } from '../core/errors.js';
import { checkKeys, describe } from '../core/validate.js';
import { Layer } from '../layers/layer.js';
import { wellFormedName } from '../core/names.js';
import { defaultNameOf, layerFromConfig } from '../layers/registry.js';
import { tensorToNested, type Param, type WeightArray } from '../layers/param.js';
import type { Loss } from '../losses/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { classDecisions, type Label, type TargetsLike } from '../core/labels.js';
import { TrainingSession, type CompileArgs } from './session.js';
import { Backprop } from './step.js';
import type { Kernels } from '../kernels/kernels.js';
import { openKernels } from '../kernels/backend.js';
import { Workspace } from '../layers/workspace.js';
import { summaryTable } from './summary.js';
import { fit, evaluate, trainOnBatch, computeGradients, predictMatrix, type FitArgs, type EvaluateArgs, type Gradients } from './train.js';
import type { History } from './history.js';
import type { Logs } from './callback.js';
import { mcDropoutPredict, type McPrediction } from './mcDropout.js';
import { isDataset, type BatchDataset } from './dataset.js';
import type { Model, SequentialConfig } from './types.js';

/** Options of sequential: seed, dtype and name. */
export interface SequentialArgs {
  /** Seed of every random choice (initial weights, shuffling, dropout masks). Default 0. */
  seed?: number;
  /** Element type of weights and buffers; 'float64' for gradient checks. Default 'float32'. */
  dtype?: DType;
  name?: string;
}

export type { CompileArgs } from './session.js';

export type { WeightArray } from '../layers/param.js';

/**
 * A stack of layers, each feeding the next. Keras-like:
 * @example
 * const model = sequential([layers.dense({ units: 4, inputShape: [2], activation: 'tanh' }),
 *                           layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 42 });
 * model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
 * await model.fit(x, y, { epochs: 100 });
 */
export class Sequential implements Model {
  readonly layers: Layer[] = [];
  /** The layers and their names, for constant-time checks in add. */
  private readonly members = new Set<Layer>();
  private readonly layerNames = new Set<string>();
  readonly dtype: DType;
  readonly seed: number;
  readonly name: string;
  /**
   * What training knows (compiled loss, optimiser and metrics, classes, shuffling, the current
   * run): the model itself is structure only.
   */
  readonly session: TrainingSession;
  private readonly initRng: Rng;
  private engine: Backprop | undefined;
  private memory: Kernels | undefined;
  private staging: Workspace | undefined;
  private readonly counters = new Map<string, number>();

  constructor(layerList: readonly Layer[] = [], args: SequentialArgs = {}) {
    checkKeys('sequential', args, ['seed', 'dtype', 'name']);
    if (args.seed !== undefined) checkSeed('sequential', args.seed);
    if (args.dtype !== undefined && args.dtype !== 'float32' && args.dtype !== 'float64') {
      throw new InputError(`sequential: dtype must be 'float32' or 'float64', got ${describe(args.dtype)}`);
    }
    this.seed = args.seed ?? 0;
    this.dtype = args.dtype ?? 'float32';
    this.name = wellFormedName('sequential', 'model name', args.name ?? 'sequential');
    const root = new Rng(this.seed);
    this.initRng = root.fork();
    // Shuffling forks from the seed after the weights' generator (its state is part of a checkpoint).
    this.session = new TrainingSession(this, root.fork());
    for (const layer of layerList) this.add(layer);
  }

  /** Architecture as plain JSON; `sequentialFromConfig` rebuilds it. */
  getConfig(): SequentialConfig {
    return {
      name: this.name,
      seed: this.seed,
      dtype: this.dtype,
      inputUnits: this.built ? this.inputUnits : undefined,
      layers: this.layers.map((l) => l.getConfig()),
    };
  }

  /** Appends a layer; built at once when the model already knows its input size. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new InputError(`sequential.add: expected a layer (from layers.dense(...) etc.), got ${describe(layer)}`);
    if (this.members.has(layer)) throw new InputError(`sequential.add: layer "${layer.name}" is already in the model`);
    const base = defaultNameOf(layer);
    const count = (this.counters.get(base) ?? 0) + 1;
    this.counters.set(base, count);
    if (layer.name === '') layer.name = `${base}_${count}`;
    wellFormedName('sequential.add', 'layer name', layer.name);
    if (this.layerNames.has(layer.name)) throw new InputError(`sequential.add: duplicate layer name "${layer.name}"`);
    if (this.layers.length > 0 && layer.declaredInputUnits() !== undefined) {
      const prev = this.layers[this.layers.length - 1]!;
      if (prev.outputUnits > 0 && prev.outputUnits !== layer.declaredInputUnits()) {
        throw new ShapeError(`${layer.name}: inputShape [${layer.declaredInputUnits()}] does not match the previous layer's ${prev.outputUnits} units`);
      }
    }
    if (layer.isBuilt) throw new InputError(`sequential.add: layer "${layer.name}" is already built in another model`);
    const wasBuilt = this.built;
    const prevUnits = this.outputUnits;
    this.layers.push(layer);
    this.members.add(layer);
    this.layerNames.add(layer.name);
    // Keras: a model that knows its input size builds each layer as it is added (only the new
    // one: adding n layers stays linear, RELIABILITY R11).
    if (wasBuilt) {
      layer.build(prevUnits, this.memory!, this.initRng);
      this.engine = undefined;
      this.staging = undefined;
    } else if (this.layers.length === 1 && layer.declaredInputUnits() !== undefined) this.build(layer.declaredInputUnits()!);
  }

  /** True once every layer knows its input width. */
  get built(): boolean {
    // Layers are built in order (build, or add on a built model), so the last tells for all.
    return this.layers.length > 0 && this.layers[this.layers.length - 1]!.isBuilt;
  }

  /** Number of input features; 0 before build. */
  get inputUnits(): number {
    return this.layers[0]?.inputUnits ?? 0;
  }

  /** Width of the last layer's output. */
  get outputUnits(): number {
    return this.layers[this.layers.length - 1]?.outputUnits ?? 0;
  }

  /** Creates every layer's parameters for `inputUnits` features (done by fit/predict when needed). */
  build(inputUnits: number): void {
    if (this.layers.length === 0) throw new InputError('sequential: the model has no layers');
    // A model of 0 inputs ([N, 0], say from an imported file) computes nothing and cannot be saved (R16).
    if (!Number.isInteger(inputUnits) || inputUnits < 1) throw new InputError(`sequential: the model needs at least 1 input feature (shape=(n, ${inputUnits}))`);
    if (this.layers[0]!.isBuilt && inputUnits !== this.inputUnits) {
      throw new ShapeError(`X has ${inputUnits} features, model expects ${this.inputUnits}`);
    }
    if (this.built) {
      if (inputUnits !== this.inputUnits) throw new ShapeError(`X has ${inputUnits} features, model expects ${this.inputUnits}`);
      return;
    }
    // The backend is chosen once, at the first build: the model's tensors live in its memory.
    this.memory ??= openKernels(this.dtype);
    let units = inputUnits;
    for (const layer of this.layers) {
      if (!layer.isBuilt) layer.build(units, this.memory, this.initRng);
      units = layer.outputUnits;
    }
    this.engine = undefined;
    this.staging = undefined;
  }

  /** The kernels and memory the model was built on (set at build). */
  get kernels(): Kernels {
    this.requireBuilt('kernels');
    return this.memory!;
  }

  /** The backend the model computes on, e.g. 'wasm (SIMD, relaxed)' or 'typescript'. */
  get backend(): string {
    return this.memory?.description ?? 'not built';
  }

  /**
   * Rows of x ready for the kernels: x itself when it is in their memory, else copied into a
   * buffer of the model's (predict on user data). Memory for a pass of that size is reserved.
   */
  stage(x: Matrix, finite?: { readonly what: string; readonly rowOffset: number }): Matrix {
    const k = this.kernels;
    let units = this.inputUnits;
    for (const l of this.layers) units += l.inputUnits + 4 * l.outputUnits;
    k.reserve(x.rows * units * (k.dtype === 'float64' ? 8 : 4) + 4096);
    let v = x;
    if (!k.owns(x.data)) {
      this.staging ??= new Workspace(k, { x: this.inputUnits });
      v = this.staging.matrix('x', x.rows);
      k.copyRows(x.data, x.cols, 0, x.rows, v.data);
    }
    // In the kernels' memory the pass runs in WebAssembly (and on the kernel threads when wide):
    // predict's JavaScript pass over its whole input took about 5 % of W2's inference time.
    if (finite !== undefined && !k.allFinite(v.data, v.rows * v.cols)) throwNonFinite(v, finite.what, finite.rowOffset);
    return v;
  }

  /**
   * Draws every weight again from the model's seed and forgets the optimiser's state and the
   * shuffling position: the model is as it was right after build, so a second
   * `reinitialize(); fit(...)` gives bit-identical results to the first fit (RELIABILITY V11).
   */
  reinitialize(): void {
    this.requireBuilt('reinitialize');
    const root = new Rng(this.seed);
    this.initRng.setState(root.fork().getState());
    this.session.shuffleRng.setState(root.fork().getState());
    let units = this.inputUnits;
    for (const layer of this.layers) {
      layer.build(units, this.memory!, this.initRng);
      units = layer.outputUnits;
    }
    if (this.session.compiled) this.session.optimizer.reset();
    this.engine = undefined;
    this.staging = undefined;
  }

  /** Sets optimiser, loss and metrics. Unknown names throw and list the known ones. */
  compile(args: CompileArgs): void {
    this.session.compile(args);
    this.engine = undefined;
  }

  /** The compiled optimiser (the session's), or undefined before compile. */
  get optimizer(): Optimizer | undefined {
    return this.session.compiled ? this.session.optimizer : undefined;
  }

  /** The compiled loss (the session's), or undefined before compile. */
  get loss(): Loss | undefined {
    return this.session.compiled ? this.session.loss : undefined;
  }

  /** Class labels in output order (the session's), when the model was trained on labels. */
  get classes(): Label[] | undefined {
    return this.session.classes;
  }

  /** Sets the class labels the model's outputs stand for (kept by its session). */
  set classes(classes: Label[] | undefined) {
    this.session.classes = classes;
  }

  /** Keras' stop_training: set true from a callback to end the run after the current batch. */
  get stopTraining(): boolean {
    return this.session.stopTraining;
  }

  /** Set true from a callback to end the run after the current batch. */
  set stopTraining(stop: boolean) {
    this.session.stopTraining = stop;
  }

  /** Every tensor in getWeights order (trainable and not). */
  params(): Param[] {
    return this.layers.flatMap((l) => (l.isBuilt ? l.weights() : []));
  }

  /** The parameters the optimiser updates. */
  trainableParams(): Param[] {
    return this.params().filter((p) => p.trainable);
  }

  /** Number of weights in all layers (trainable and not). */
  countParams(): number {
    this.requireBuilt('countParams');
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Layer table with output shapes and parameter counts; printed unless `print` is null. */
  summary(print: ((line: string) => void) | null = console.log): string {
    const text = summaryTable(this);
    if (print) print(text);
    return text;
  }

  /** [W1, b1, W2, b2, ...] as plain arrays in Keras' layout; never aliases the model's buffers. */
  getWeights(): WeightArray[] {
    this.requireBuilt('getWeights');
    return this.params().map((p) => tensorToNested(p.value, p.shape));
  }

  /** Sets every tensor from arrays in getWeights' layout; shapes are checked. */
  setWeights(weights: readonly WeightArray[]): void {
    this.requireBuilt('setWeights');
    const params = this.params();
    if (!Array.isArray(weights) || weights.length !== params.length) {
      throw new ShapeError(`setWeights: expected ${params.length} arrays (${params.map((p) => p.name).join(', ')}), got ${Array.isArray(weights) ? weights.length : describe(weights)}`);
    }
    const flat = params.map((p, i) => flatten(weights[i], p));
    params.forEach((p, i) => p.value.set(flat[i]!));
  }

  /**
   * Outputs for each row of x: number[][] of shape [n, outputUnits]. Runs in inference mode.
   * With `mcSamples`, Monte Carlo dropout: that many passes with dropout on, `{ mean, std }`.
   */
  predict(x: readonly (ArrayLike<number>)[] | Matrix, args?: { batchSize?: number; threads?: number | 'auto' }): number[][];
  predict(x: readonly (ArrayLike<number>)[] | Matrix, args: { batchSize?: number; mcSamples: number }): McPrediction;
  predict(x: readonly (ArrayLike<number>)[] | Matrix, args: { batchSize?: number; mcSamples?: number; threads?: number | 'auto' } = {}): number[][] | McPrediction {
    checkKeys('predict', args, ['batchSize', 'mcSamples', 'threads']);
    if (args.mcSamples !== undefined) return mcDropoutPredict(this, this.prepareInput(x, 'predict x'), args.mcSamples, args.batchSize);
    return this.predictMatrix(x, args).toArray();
  }

  /** As predict, returning a fresh Matrix. `threads`: as fit's (default: the model's setting, 'auto'). */
  predictMatrix(x: readonly (ArrayLike<number>)[] | Matrix, args: { batchSize?: number; threads?: number | 'auto' } = {}): Matrix {
    // Each batch is checked finite as it is staged (predictMatrix), not the whole input first in JavaScript.
    const X = this.prepareInput(x, 'predict x', true);
    return predictMatrix(this, X, args.batchSize, args.threads, 'predict x');
  }

  /**
   * The predicted label per row, in the labels the model was trained on. When the output layer
   * has more units than classes, the argmax runs over the units that have a class, so a
   * prediction is always a known label (RELIABILITY V7).
   */
  predictClasses(x: readonly (ArrayLike<number>)[] | Matrix): Label[] {
    const classes = this.classes;
    const codes = classDecisions(this.predictMatrix(x), { classes: classes?.length, threshold: this.loss?.config.fromLogits ? 0 : 0.5 });
    return Array.from(codes, (k) => (classes ? classes[k]! : k));
  }

  /**
   * Trains; see FitArgs. Async so progress shows and a page stays responsive. Takes rows in memory
   * `(x, y, args)`, or a BatchDataset of `{ x, y }` batches `(dataset, args)` read as training goes
   * (Keras' fit(dataset)): each batch is one step, an epoch ends when the dataset does (or after
   * `stepsPerEpoch` batches), `validationData` may be a dataset too. Fitting again continues from
   * the current weights, and the optimiser's state unless `optimizerState: 'reset'`.
   */
  fit(dataset: BatchDataset, args?: FitArgs): Promise<History>;
  fit(x: readonly (ArrayLike<number>)[] | Matrix, y: TargetsLike, args?: FitArgs): Promise<History>;
  fit(x: readonly (ArrayLike<number>)[] | Matrix | BatchDataset, y?: TargetsLike | FitArgs, args: FitArgs = {}): Promise<History> {
    if (isDataset(x)) return fit(this.session, x, undefined, (y as FitArgs | undefined) ?? {});
    return fit(this.session, x, y, args);
  }

  /** Loss and metrics on (x, y), in inference mode. */
  evaluate(x: readonly (ArrayLike<number>)[] | Matrix, y: TargetsLike, args: EvaluateArgs = {}): Logs {
    return evaluate(this, x, y, args);
  }

  /** One optimiser step on exactly this batch; returns its loss and metrics. */
  trainOnBatch(x: readonly (ArrayLike<number>)[] | Matrix, y: TargetsLike): Promise<Logs> {
    return trainOnBatch(this.session, x, y);
  }

  /** Loss and ∂J/∂θ in getWeights' layout for (x, y) in training mode, without updating. */
  computeGradients(x: readonly (ArrayLike<number>)[] | Matrix, y: TargetsLike): Gradients {
    return computeGradients(this, x, y);
  }

  /** The forward/backward engine for the compiled loss (internal, shared by fit and inspect tools). */
  backprop(): Backprop {
    const loss = this.session.requireCompiled('training');
    this.requireBuilt('training');
    if (this.engine === undefined || this.engine.loss !== loss) {
      this.engine = new Backprop(this.layers, this.params(), loss, this.memory!);
    }
    return this.engine;
  }

  /** Validates x against the model and converts it (building the model on first use). */
  prepareInput(x: unknown, what: string, checkedLater = false): Matrix {
    const X = checkedLater ? toMatrixCheckedLater(x, what, this.dtype) : toMatrix(x, what, this.dtype);
    if (!this.built) {
      if (this.layers.length === 0) throw new NotFittedError('the model has no layers');
      this.build(X.cols);
    }
    if (X.cols !== this.inputUnits) throw new ShapeError(`${what} has ${X.cols} features, model expects ${this.inputUnits}`);
    return X;
  }

  /** The compiled loss, or a NotFittedError saying that `what` needs compile first. */
  requireCompiled(what: string): Loss {
    return this.session.requireCompiled(what);
  }

  /** Throws a NotFittedError saying that `what` needs a built model. */
  requireBuilt(what: string): void {
    if (!this.built) {
      throw new NotFittedError(`${what}: the model is not built; give inputShape on the first layer, or call fit/predict/build first`);
    }
  }
}

export type { SequentialConfig } from './types.js';

/** Rebuilds an (untrained) model from `getConfig()`; layers are built when inputUnits is known. */
export function sequentialFromConfig(config: SequentialConfig): Sequential {
  const model = new Sequential([], { seed: config.seed, dtype: config.dtype, name: config.name });
  for (const lc of config.layers) model.add(layerFromConfig(lc));
  if (config.inputUnits !== undefined && !model.built) model.build(config.inputUnits);
  return model;
}

/** Builds a Sequential model: `sequential([layers...], { seed, dtype })`. */
export function sequential(layerList: readonly Layer[] = [], args: SequentialArgs = {}): Sequential {
  return new Sequential(layerList, args);
}

function flatten(w: unknown, p: Param): number[] {
  const label = p.name.replace('/', ' ');
  const shapeOf = (v: unknown): string => {
    if (!Array.isArray(v)) return describe(v);
    if (v.length > 0 && Array.isArray(v[0])) return `[${v.length}, ${(v[0] as unknown[]).length}]`;
    return `[${v.length}]`;
  };
  const mismatch = () => new ShapeError(`${label}: expected [${p.shape.join(', ')}], got ${shapeOf(w)}`);
  if (!Array.isArray(w)) throw mismatch();
  const out: number[] = [];
  if (p.shape.length === 1) {
    if (w.length !== p.shape[0] || w.some((v) => typeof v !== 'number')) throw mismatch();
    out.push(...(w as number[]));
  } else {
    const [rows, cols] = p.shape as [number, number];
    if (w.length !== rows) throw mismatch();
    for (const row of w) {
      if (!Array.isArray(row) || row.length !== cols) throw mismatch();
      out.push(...(row as number[]));
    }
  }
  out.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${label}: element ${i} is ${describe(v)}; weights must be finite numbers`);
  });
  return out;
}
