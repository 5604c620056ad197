import type { Matrix } from '../core/matrix.js';
import { allFinite } from '../kernels/elementwise.js';
import type { Layer } from '../layers/layer.js';
import type { Param } from '../layers/param.js';
import type { Loss } from '../losses/loss.js';
import { Workspace } from '../layers/workspace.js';
import type { DType } from '../core/matrix.js';

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
 * does not update anything. Buffers are reused between calls.
 */
export class Backprop {
  private readonly ws: Workspace;
  /** The output of the last forward pass. */
  output!: Matrix;

  constructor(
    readonly layers: readonly Layer[],
    readonly params: readonly Param[],
    readonly loss: Loss,
    dtype: DType,
  ) {
    this.ws = new Workspace(dtype);
  }

  /** Runs every layer forward and returns the output (a layer buffer: copy what you keep). */
  forward(x: Matrix, training: boolean, recorder?: StepRecorder): Matrix {
    let a = x;
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
    return this.loss.value(this.output, y, this.fusedLogits());
  }

  /** Σ of kernel penalties (L1/L2) over all params. */
  penalty(): number {
    let s = 0;
    for (const p of this.params) if (p.regularizer) s += p.regularizer.penalty(p.value, p.size);
    return s;
  }

  /** Sets every trainable gradient to zero. */
  zeroGrads(): void {
    for (const p of this.params) if (p.trainable) p.grad.fill(0);
  }

  /**
   * Backpropagates the loss of the last forward pass into every trainable param's grad: added
   * (gradients accumulate; call zeroGrads first for a fresh step), or with `accumulate = false`
   * written over (every trainable param belongs to a layer that writes it, so no zeroing pass
   * is needed). Returns the loss including the regularisation penalty.
   */
  backward(y: Matrix, accumulate = true, recorder?: StepRecorder): number {
    const out = this.output;
    const last = this.layers.length - 1;
    const lastLayer = this.layers[last]!;
    const dOut = this.ws.matrix('dOut', out.rows, out.cols);
    const watch = recorder?.backward;
    let d: Matrix;
    const fused = this.fused() && this.loss.fusedGradient(this.loss.fusesWith!, out, y, dOut);
    if (fused) {
      // Fused sigmoid+BCE / softmax+CE: δ(L) = (ŷ − y)/m, finite even for saturated outputs.
      d = lastLayer.backwardFromPreactivation(dOut, last > 0 || watch !== undefined, accumulate);
    } else {
      this.loss.gradient(out, y, dOut);
      d = lastLayer.backward(dOut, last > 0 || watch !== undefined, accumulate);
    }
    watch?.call(recorder, last, lastLayer, dOut, d, fused);
    for (let i = last - 1; i >= 0; i--) {
      const given = d;
      d = this.layers[i]!.backward(d, i > 0 || watch !== undefined, accumulate);
      watch?.call(recorder, i, this.layers[i]!, given, d, false);
    }
    return this.lossValue(y) + this.addPenaltyGradients();
  }

  /** Adds every kernel penalty's gradient into its param's grad; returns the sum of the penalties. */
  addPenaltyGradients(): number {
    let penalty = 0;
    for (const p of this.params) if (p.regularizer) penalty += p.regularizer.addGradient(p.value, p.grad, p.size);
    return penalty;
  }

  /** The first layer whose last output holds NaN or ±Infinity, if any. */
  firstNonFiniteLayer(x: Matrix): Layer | undefined {
    let a = x;
    for (const layer of this.layers) {
      a = layer.forward(a, false);
      if (!allFinite(a.data, a.rows * a.cols)) return layer;
    }
    return undefined;
  }
}

