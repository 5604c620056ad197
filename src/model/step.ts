import type { Matrix } from '../core/matrix.js';
import type { Layer } from '../layers/layer.js';
import type { Param } from '../layers/param.js';
import type { Loss } from '../losses/loss.js';
import type { Kernels } from '../kernels/kernels.js';
import { Workspace } from '../layers/workspace.js';

/**
 * Watches one step layer by layer (explain, layer statistics). The matrices are the layers' own
 * buffers, valid only during the call: copy what you keep. The training step passes none, so it
 * stays allocation-free.
 */
export interface StepRecorder {
  /** After layer `index`'s forward pass; its pre-activation, if any, is `layer.lastPreactivation()`. */
  forward?(index: number, layer: Layer, input: Matrix, output: Matrix): void;
  /**
   * After layer `index`'s backward pass: `dOutput` is what it was given (∂E/∂a, or ∂E/∂z when
   * `fused` with the loss) and `dInput` = ∂E/∂input (computed for the first layer too).
   */
  backward?(index: number, layer: Layer, dOutput: Matrix, dInput: Matrix, fused: boolean): void;
}

/**
 * Forward and backward through a stack of layers with a loss: the part of a training step that
 * does not update anything. Runs on the model's kernels; its buffers (the staged batch, ∂J/∂ŷ)
 * live in their memory and are reused between calls.
 */
export class Backprop {
  private readonly ws: Workspace;
  /** The training batches' two pairs of buffers (batchBuffers), apart from `ws`, where a pass stages inputs not in the kernels' memory. */
  private readonly batches: (Workspace | undefined)[] = [undefined, undefined];
  /** Columns of a batch's x and (encoded) y. */
  private readonly batchColumns: { readonly x: number; readonly y: number };
  /** Bytes per row of batch every layer's buffers take, for reserving memory before a pass. */
  private readonly bytesPerRow: number;
  /** The output of the last forward pass. */
  output!: Matrix;

  constructor(
    readonly layers: readonly Layer[],
    readonly params: readonly Param[],
    readonly loss: Loss,
    readonly kernels: Kernels,
  ) {
    const first = layers[0]!;
    const last = layers[layers.length - 1]!;
    this.batchColumns = { x: first.inputUnits, y: loss.targets === 'sparse' ? 1 : last.outputUnits };
    this.ws = new Workspace(kernels, { ...this.batchColumns, dOut: last.outputUnits });
    let units = first.inputUnits;
    for (const l of layers) units += l.inputUnits + 4 * l.outputUnits;
    this.bytesPerRow = units * (kernels.dtype === 'float64' ? 8 : 4);
  }

  /**
   * Makes room for a pass over `rows` rows, so that no buffer is allocated (and no memory moves)
   * during it. Cheap when the room is there.
   */
  reserve(rows: number): void {
    this.kernels.reserve(rows * this.bytesPerRow + 4096);
  }

  /**
   * The buffers a training batch of `rows` is gathered into (views on the kernels' memory; each
   * pair allocated on first use). Pair 1 holds the next batch, gathered while this one trains.
   * Neither is where other passes stage their inputs, so an evaluation a callback runs between
   * steps leaves the batches alone.
   */
  batchBuffers(rows: number, pair: 0 | 1 = 0): [Matrix, Matrix] {
    const ws = (this.batches[pair] ??= new Workspace(this.kernels, this.batchColumns));
    this.kernels.reserve(ws.bytesFor(rows) + 128);
    ws.matrix('x', rows);
    // Room for a pass after them; the views are taken after any move that makes.
    this.reserve(rows);
    return [ws.matrix('x', rows), ws.matrix('y', rows)];
  }

  /** `m` itself when the kernels can use it in place, else its copy in the buffer `key`. */
  private staged(m: Matrix, key: 'x' | 'y'): Matrix {
    if (this.kernels.owns(m.data)) return m;
    const v = this.ws.matrix(key, m.rows);
    this.kernels.copyRows(m.data, m.cols, 0, m.rows, v.data);
    return v;
  }

  /** Runs every layer forward and returns the output (a layer buffer: copy what you keep). */
  forward(x: Matrix, training: boolean, recorder?: StepRecorder): Matrix {
    this.reserve(x.rows);
    let a = this.staged(x, 'x');
    if (recorder?.forward === undefined) {
      for (const layer of this.layers) a = layer.forward(a, training);
    } else {
      this.layers.forEach((layer, i) => {
        const input = a;
        a = layer.forward(a, training);
        recorder.forward!(i, layer, input, a);
      });
    }
    this.output = a;
    return a;
  }

  /** Whether the output layer's activation is the one the loss fuses with (the loss says which). */
  fused(): boolean {
    const act = this.layers[this.layers.length - 1]!.outputActivation();
    return act !== undefined && act.name === this.loss.fusesWith;
  }

  /** Logits for the loss value when the output activation fuses with the loss. */
  private fusedLogits(): Matrix | undefined {
    return this.fused() ? this.layers[this.layers.length - 1]!.lastPreactivation() : undefined;
  }

  /** The loss of the last forward pass against y, without regularisation. */
  lossValue(y: Matrix): number {
    return this.loss.value(this.output, this.staged(y, 'y'), this.fusedLogits(), this.kernels);
  }

  /** Σ of kernel penalties (L1/L2) over all params. */
  penalty(): number {
    let s = 0;
    for (const p of this.params) if (p.regularizer) s += p.regularizer.penalty(p.value, p.size, p.kernels);
    return s;
  }

  /** Sets every trainable gradient to zero. */
  zeroGrads(): void {
    for (const p of this.params) if (p.trainable) p.grad.fill(0);
  }

  /**
   * Per-row weights of the next backward passes (fit's classWeight / sampleWeight), or undefined.
   * They scale each row's δ at the output, so the gradient is that of Σᵢ wᵢ·Lᵢ / m (Keras'
   * weighted loss); the logged loss stays the unweighted mean.
   */
  rowWeights: ArrayLike<number> | undefined;

  /**
   * Back-propagates the loss of the last forward pass into every trainable param's gradient:
   * added (gradients accumulate; call zeroGrads first for a fresh step), or with `accumulate =
   * false` written over (every trainable param belongs to a layer that writes it, so no zeroing
   * pass is needed), with the kernel penalties unless `penalties` is false; returns the loss
   * (with the penalties when they were added).
   */
  backward(yTrue: Matrix, accumulate = true, recorder?: StepRecorder, penalties = true): number {
    const penalty = this.backpropagate(yTrue, accumulate, recorder, penalties);
    return this.lossValue(yTrue) + penalty;
  }

  /** The loss value deferLossValue computed (NaN until its task has run). */
  deferredLoss = NaN;
  private lossTarget: Matrix | undefined;
  /** One task for every step (a step allocates nothing): the loss of the last forward pass against lossTarget. */
  private readonly lossTask = (): void => {
    this.deferredLoss = this.lossValue(this.lossTarget!);
  };

  /**
   * The loss value of the last forward pass against y as deferred work of the kernels
   * (Kernels.defer: during the next cut call, or now on one thread); read deferredLoss after
   * runDeferred. It reads only the forward's output and y, which the backward leaves as they are.
   */
  deferLossValue(y: Matrix): void {
    this.deferredLoss = NaN;
    this.lossTarget = y;
    this.kernels.defer(this.lossTask);
  }

  /**
   * backward without the loss value (which reads only the forward's output, so a training step
   * computes it meanwhile, takeStep): returns the sum of the penalties added, 0 without them.
   */
  backpropagate(yTrue: Matrix, accumulate = true, recorder?: StepRecorder, penalties = true): number {
    const y = this.staged(yTrue, 'y');
    const out = this.output;
    const last = this.layers.length - 1;
    const lastLayer = this.layers[last]!;
    const dOut = this.ws.matrix('dOut', out.rows);
    const watch = recorder?.backward;
    let d: Matrix;
    const fused = this.fused() && this.loss.fusedGradient(this.loss.fusesWith!, out, y, dOut, this.kernels);
    if (!fused) this.loss.gradient(out, y, dOut, this.kernels);
    const w = this.rowWeights;
    if (w !== undefined) {
      const c = dOut.cols;
      for (let i = 0; i < dOut.rows; i++) for (let j = 0; j < c; j++) dOut.data[i * c + j]! *= w[i]!;
    }
    if (fused) {
      // Fused sigmoid+BCE / softmax+CE: δ(L) = (ŷ − y)/m, finite even for saturated outputs.
      d = lastLayer.backwardFromPreactivation(dOut, last > 0 || watch !== undefined, accumulate);
    } else {
      d = lastLayer.backward(dOut, last > 0 || watch !== undefined, accumulate);
    }
    watch?.call(recorder, last, lastLayer, dOut, d, fused);
    for (let i = last - 1; i >= 0; i--) {
      const given = d;
      d = this.layers[i]!.backward(d, i > 0 || watch !== undefined, accumulate);
      watch?.call(recorder, i, this.layers[i]!, given, d, false);
    }
    return penalties ? this.addPenaltyGradients() : 0;
  }

  /** Adds every kernel penalty's gradient into its param's grad; returns the sum of the penalties. */
  addPenaltyGradients(): number {
    let penalty = 0;
    for (const p of this.params) if (p.regularizer) penalty += p.regularizer.addGradient(p.value, p.grad, p.size, p.kernels);
    return penalty;
  }

  /** The first layer whose last output holds NaN or ±Infinity, if any. */
  firstNonFiniteLayer(x: Matrix): Layer | undefined {
    this.reserve(x.rows);
    let a = this.staged(x, 'x');
    for (const layer of this.layers) {
      a = layer.forward(a, false);
      if (!this.kernels.allFinite(a.data, a.rows * a.cols)) return layer;
    }
    return undefined;
  }
}
