import type { Matrix } from '../core/matrix.js';
import type { ActivationName } from '../activations.js';
import type { Kernels } from '../kernels/kernels.js';

/** The loss names, one spelling in the API, the model file and the CLI. */
export type LossName = 'mse' | 'sse' | 'mae' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

/**
 * A loss J = (1/m) Σ_samples L(ŷ, y) over a batch of m rows.
 * `yTrue` is [m, outputs], except for the sparse loss where it is [m, 1] of class indices.
 * The loops are kernels (src/kernels/loss.ts) run on `kernels`, the model's backend (default:
 * the TypeScript ones).
 */
export interface Loss {
  readonly name: LossName;
  /** Plain-JSON options (base, fromLogits) that recreate it. */
  readonly config: Readonly<Record<string, number | boolean>>;
  /** How targets are laid out: one value per output, or one class index per row. */
  readonly targets: 'dense' | 'sparse';
  /**
   * The output activation this loss fuses with (sigmoid for BCE, softmax for CE; undefined for
   * regression losses and `fromLogits`). The step asks this, nothing else decides the pairing.
   */
  readonly fusesWith: ActivationName | undefined;
  /**
   * The batch mean. With `logits` (the output layer's z, when the loss is fused with its
   * sigmoid/softmax) the value is computed from z, exact and finite even for saturated outputs.
   */
  value(yPred: Matrix, yTrue: Matrix, logits?: Matrix, kernels?: Kernels): number;
  /** out = ∂J/∂ŷ (the 1/m included). */
  gradient(yPred: Matrix, yTrue: Matrix, out: Matrix, kernels?: Kernels): void;
  /**
   * When this loss pairs with the output activation (sigmoid+BCE, softmax+CE), writes
   * out = ∂J/∂z = (ŷ − y)/m directly and returns true; otherwise returns false.
   */
  fusedGradient(activation: ActivationName, yPred: Matrix, yTrue: Matrix, out: Matrix, kernels?: Kernels): boolean;
}
