import { tensorToNested } from '../layers/param.js';
import { kindOf } from '../optimizers/registry.js';
import type { Sequential } from '../model/sequential.js';
import type { Explanation } from './explain.js';

/** One per-weight quantity of an update rule, shaped as its parameter. */
export interface UpdateTerm {
  /** Stable key: 'g', 'm', 'mNew', 'v', 'vNew', 'velocity', 'velocityNew', 's', 'sNew', 'step'. */
  key: string;
  /** As the rule writes it: 'm (before)', 'm ← β₁m + (1 − β₁)g', 'Δw'. */
  label: string;
  values: number[] | number[][];
}

/** The update of one parameter tensor. */
export interface ParamUpdate {
  /** The parameter's name ('dense_1/kernel'). */
  name: string;
  shape: number[];
  terms: UpdateTerm[];
  /** The value after the step: w + Δw. */
  after: number[] | number[][];
}

/** The step the compiled optimiser would take from an explained gradient. JSON-serialisable. */
export interface OptimizerUpdate {
  /** 'sgd', 'momentum', 'nesterov', 'adam', 'rmsprop', 'adagrad'. */
  rule: string;
  /** The rule as maths, one line per assignment. */
  equations: string[];
  learningRate: number;
  /** The step number t this update would be (1 for the first). */
  step: number;
  /** The rule's constants and derived scalars (β₁, β₂, ε, μ, ρ, and Adam's α). */
  constants: Record<string, number>;
  params: ParamUpdate[];
}

/**
 * The update the model's compiled optimiser makes from the gradient of an explanation, every
 * term written out (Adam's moments m and v and its bias-corrected step α; momentum's velocity;
 * RMSprop's and Adagrad's squared-gradient averages), in float64 from the optimiser's current
 * state, which is left untouched. `explain` shows the notes' plain step w − η·∂E/∂w; this is the
 * step the optimiser would really take (clipping included), so the two can be compared.
 *
 * @example Adam's first step moves every weight by ≈ η·sign(g): with m = v = 0 and t = 1,
 * m = 0.1g, v = 0.001g², α = η·√0.001/0.1, so Δw = −α·m/(√v + ε) ≈ −η·sign(g).
 */
export function explainUpdate(model: Sequential, explanation: Explanation): OptimizerUpdate {
  model.requireCompiled('explainUpdate');
  const opt = model.session.optimizer;
  // The written-out rule is the registry's: an optimiser without one is refused here, before any work.
  const kind = kindOf(opt);
  const lr = opt.currentLearningRate();
  const state = opt.getState(model.params()).slots;
  const t = opt.iterations + 1;
  const params: ParamUpdate[] = [];
  for (const layer of explanation.layers) {
    for (const p of layer.params) {
      if (!p.trainable) continue;
      const w = Float64Array.from((p.value as (number | number[])[]).flat());
      const g = Float64Array.from((p.grad as (number | number[])[]).flat());
      opt.clipCopy(g);
      const slots = state[p.name]?.map((s) => Float64Array.from(s));
      const { terms, step } = kind.writtenStep(opt, g, slots, lr, t);
      const after = w.map((wi, i) => wi + step[i]!);
      const shaped = (v: Float64Array) => tensorToNested(v, p.shape);
      params.push({
        name: p.name,
        shape: [...p.shape],
        terms: [
          { key: 'g', label: 'g = ∂E/∂w', values: shaped(g) },
          ...terms.map((x) => ({ key: x.key, label: x.label, values: shaped(x.values) })),
          { key: 'step', label: 'Δw', values: shaped(step) },
        ],
        after: shaped(after),
      });
    }
  }
  return { ...kind.describe(opt, lr, t), learningRate: lr, step: t, params };
}
