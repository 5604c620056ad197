import type { DType, Matrix } from '../core/matrix.js';
import type { Rng, RngState } from '../core/rng.js';
import type { Activation } from '../activations.js';
import { NotFittedError } from '../core/errors.js';
import type { Param } from './param.js';
import type { Kernels } from '../kernels/kernels.js';
import { typescriptBackend } from '../kernels/typescript.js';

/** Plain-JSON description of a layer: its class and the options that recreate it. */
export interface LayerConfig {
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * A differentiable block. `forward` caches exactly what `backward` needs; `backward(dY)` returns
 * ∂E/∂X and *adds* into each param's grad. Returned matrices are the layer's own buffers, valid
 * until its next call: the model copies what it hands to users.
 */
export abstract class Layer {
  abstract readonly className: string;
  /** Set by the model when added (`dense_1`, ...) unless given in the options. */
  name: string;
  /** Fixed at build. */
  inputUnits = 0;
  outputUnits = 0;
  protected built = false;

  constructor(name: string | undefined) {
    this.name = name ?? '';
  }

  /** Units given by `inputShape` on a first layer, if any. */
  abstract declaredInputUnits(): number | undefined;

  /**
   * Creates parameters for `inputUnits` inputs in the memory of `kernels` (the model's backend;
   * a dtype means the TypeScript kernels of that dtype), drawing initial values from `rng`.
   */
  abstract build(inputUnits: number, kernels: Kernels | DType, rng: Rng): void;

  /** [batch, inputUnits] → [batch, outputUnits]. */
  abstract forward(x: Matrix, training: boolean): Matrix;

  /**
   * dY = ∂E/∂Y [batch, outputUnits] → ∂E/∂X [batch, inputUnits]. When `needInputGradient` is
   * false (first layer) the input gradient may be skipped and an empty matrix returned.
   * Parameter gradients are added into `param.grad`; with `accumulate = false` they overwrite
   * it instead (a fresh training step, which saves zeroing every gradient first).
   */
  abstract backward(dY: Matrix, needInputGradient: boolean, accumulate?: boolean): Matrix;

  /** All tensors in Keras' getWeights order (trainable and not). */
  abstract weights(): Param[];

  /** Class name and plain-JSON settings that rebuild this layer with layerFromConfig (weights not included). */
  abstract getConfig(): LayerConfig;

  /**
   * The activation the layer applies last (Dense, Activation), or undefined when it applies
   * none (dropout, batch norm). The step fuses it with a loss that asks for it (sigmoid+BCE,
   * softmax+CE); explain, statistics and exporters read it instead of testing classes.
   */
  outputActivation(): Activation | undefined {
    return undefined;
  }

  /**
   * z of the last forward pass, the input of `outputActivation()` (a view, valid until the next
   * call); undefined for a layer without an activation.
   */
  lastPreactivation(): Matrix | undefined {
    return undefined;
  }

  /** The state of the layer's own random generator (dropout masks), for checkpoints; undefined when it draws nothing. */
  getRngState(): RngState | undefined {
    return undefined;
  }

  /** Restores what getRngState returned. */
  setRngState(_state: RngState): void {
    throw new NotFittedError(`${this.name}: a ${this.className} layer has no random state`);
  }

  /** With true, the next forward passes reuse their last random draws (gradient checks, explain). */
  freezeRandomness(_frozen: boolean): void {
    // nothing random to freeze
  }

  /** Backward from ∂E/∂z of the output activation (the fused-loss path). */
  backwardFromPreactivation(_dZ: Matrix, _needInputGradient: boolean, _accumulate?: boolean): Matrix {
    throw new NotFittedError(`${this.name}: has no output activation to fuse with the loss`);
  }

  /** True once build has sized the parameters (the input width is known). */
  get isBuilt(): boolean {
    return this.built;
  }

  /** Number of weights in all tensors (trainable and not). */
  countParams(): number {
    let n = 0;
    for (const p of this.weights()) n += p.size;
    return n;
  }
}

/** The kernels a layer is built on: the model's, or TypeScript ones for a bare dtype (tests, tools). */
export function kernelsOf(kernels: Kernels | DType): Kernels {
  return typeof kernels === 'string' ? typescriptBackend.open(kernels) : kernels;
}
