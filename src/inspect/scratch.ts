import { NotFittedError } from '../core/errors.js';
import { Dropout } from '../layers/dropout.js';
import { sequentialFromConfig, type Sequential } from '../model/sequential.js';

/**
 * A float64 model to inspect, and how to put the user's model back as it was.
 *
 * Inspection tools (explain, gradcheck) run forward and backward passes, perturb weights and
 * overwrite gradients. They must leave the user's model as they found it, and they want float64
 * so that the worked examples come out to 1e-9. A float32 model is cloned into float64 through
 * its config and weights (the clone is thrown away). A float64 model is used in place, so that
 * layers that have no config round trip (a test's deliberately broken layer) can be inspected
 * too; every tensor, gradient, dropout flag and the decoded classes are restored afterwards.
 */
export interface Scratch {
  readonly model: Sequential;
  restore(): void;
}

export function scratchModel(model: Sequential, what: string): Scratch {
  model.requireCompiled(what);
  model.requireBuilt(what);
  if (model.dtype === 'float64') {
    const params = model.params();
    const values = params.map((p) => p.value.slice());
    const grads = params.map((p) => p.grad.slice());
    const dropouts = model.layers.filter((l): l is Dropout => l instanceof Dropout);
    const flags = dropouts.map((d) => [d.freezeMask, d.monteCarlo] as const);
    const classes = model.classes;
    return {
      model,
      restore() {
        params.forEach((p, i) => {
          p.value.set(values[i]!);
          p.grad.set(grads[i]!);
        });
        dropouts.forEach((d, i) => {
          [d.freezeMask, d.monteCarlo] = flags[i]!;
        });
        model.session.classes = classes;
      },
    };
  }
  return { model: cloneFloat64(model), restore: () => undefined };
}

/** A compiled float64 copy (config + weights + classes); its optimiser is a fresh plain SGD. */
export function cloneFloat64(model: Sequential): Sequential {
  const loss = model.requireCompiled('clone');
  if (!model.built) throw new NotFittedError('clone: the model is not built');
  const clone = sequentialFromConfig({ ...model.getConfig(), dtype: 'float64' });
  if (!clone.built) clone.build(model.inputUnits);
  clone.setWeights(model.getWeights());
  clone.session.classes = model.classes?.slice();
  clone.compile({ optimizer: 'sgd', loss });
  return clone;
}

