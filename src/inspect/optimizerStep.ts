import { UnsupportedError } from '../core/errors.js';
import { tensorToNested } from '../layers/param.js';
import { Adam } from '../optimizers/adam.js';
import { Adagrad } from '../optimizers/adagrad.js';
import { Rmsprop } from '../optimizers/rmsprop.js';
import { Sgd } from '../optimizers/sgd.js';
import type { Optimizer } from '../optimizers/optimizer.js';
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
      const { terms, after } = rule(opt, w, g, slots, lr, t);
      const shaped = (v: Float64Array) => tensorToNested(v, p.shape);
      params.push({
        name: p.name,
        shape: [...p.shape],
        terms: [{ key: 'g', label: 'g = ∂E/∂w', values: shaped(g) }, ...terms.map((x) => ({ key: x.key, label: x.label, values: shaped(x.values) }))],
        after: shaped(after),
      });
    }
  }
  return { ...describeRule(opt, lr, t), learningRate: lr, step: t, params };
}

interface RawTerm {
  key: string;
  label: string;
  values: Float64Array;
}

function describeRule(opt: Optimizer, lr: number, t: number): { rule: string; equations: string[]; constants: Record<string, number> } {
  if (opt instanceof Adam) {
    const alpha = (lr * Math.sqrt(1 - Math.pow(opt.beta2, t))) / (1 - Math.pow(opt.beta1, t));
    return {
      rule: 'adam',
      equations: ['m ← β₁m + (1 − β₁)g', 'v ← β₂v + (1 − β₂)g²', 'α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)', 'Δw = −α·m/(√v + ε)'],
      constants: { beta1: opt.beta1, beta2: opt.beta2, epsilon: opt.epsilon, alpha },
    };
  }
  if (opt instanceof Sgd) {
    if (opt.momentum === 0) return { rule: 'sgd', equations: ['Δw = −η·g'], constants: {} };
    return opt.nesterov
      ? { rule: 'nesterov', equations: ['u ← μu − η·g', 'Δw = μu − η·g'], constants: { momentum: opt.momentum } }
      : { rule: 'momentum', equations: ['u ← μu − η·g', 'Δw = u'], constants: { momentum: opt.momentum } };
  }
  if (opt instanceof Rmsprop) {
    const eq = ['s ← ρs + (1 − ρ)g²', 'd = η·g/√(s + ε)'];
    return {
      rule: 'rmsprop',
      equations: opt.momentum > 0 ? [...eq, 'u ← μu + d', 'Δw = −u'] : [...eq, 'Δw = −d'],
      constants: { rho: opt.rho, momentum: opt.momentum, epsilon: opt.epsilon },
    };
  }
  if (opt instanceof Adagrad) {
    return { rule: 'adagrad', equations: ['s ← s + g²', 'Δw = −η·g/√(s + ε)'], constants: { epsilon: opt.epsilon, initialAccumulatorValue: opt.initialAccumulatorValue } };
  }
  throw new UnsupportedError(`explainUpdate: no written-out rule for the optimiser "${opt.name}"`);
}

/** Applies one rule to copies; `slots` undefined means the optimiser has no state for this tensor yet. */
function rule(opt: Optimizer, w: Float64Array, g: Float64Array, slots: Float64Array[] | undefined, lr: number, t: number): { terms: RawTerm[]; after: Float64Array } {
  const n = w.length;
  const zeros = () => new Float64Array(n);
  const step = zeros();
  const terms: RawTerm[] = [];
  if (opt instanceof Adam) {
    const m = slots?.[0] ?? zeros();
    const v = slots?.[1] ?? zeros();
    const mNew = zeros();
    const vNew = zeros();
    const alpha = (lr * Math.sqrt(1 - Math.pow(opt.beta2, t))) / (1 - Math.pow(opt.beta1, t));
    for (let i = 0; i < n; i++) {
      mNew[i] = opt.beta1 * m[i]! + (1 - opt.beta1) * g[i]!;
      vNew[i] = opt.beta2 * v[i]! + (1 - opt.beta2) * g[i]! * g[i]!;
      step[i] = (-alpha * mNew[i]!) / (Math.sqrt(vNew[i]!) + opt.epsilon);
    }
    terms.push({ key: 'm', label: 'm (before)', values: m }, { key: 'mNew', label: 'm ← β₁m + (1 − β₁)g', values: mNew },
      { key: 'v', label: 'v (before)', values: v }, { key: 'vNew', label: 'v ← β₂v + (1 − β₂)g²', values: vNew });
  } else if (opt instanceof Sgd) {
    const mu = opt.momentum;
    if (mu === 0) {
      for (let i = 0; i < n; i++) step[i] = -lr * g[i]!;
    } else {
      const u = slots?.[0] ?? zeros();
      const uNew = zeros();
      for (let i = 0; i < n; i++) {
        uNew[i] = mu * u[i]! - lr * g[i]!;
        step[i] = opt.nesterov ? mu * uNew[i]! - lr * g[i]! : uNew[i]!;
      }
      terms.push({ key: 'velocity', label: 'u (before)', values: u }, { key: 'velocityNew', label: 'u ← μu − η·g', values: uNew });
    }
  } else if (opt instanceof Rmsprop) {
    const s = slots?.[0] ?? zeros();
    const u = slots?.[1] ?? zeros();
    const sNew = zeros();
    const uNew = zeros();
    for (let i = 0; i < n; i++) {
      sNew[i] = opt.rho * s[i]! + (1 - opt.rho) * g[i]! * g[i]!;
      const d = (lr * g[i]!) / Math.sqrt(sNew[i]! + opt.epsilon);
      uNew[i] = opt.momentum * u[i]! + d;
      step[i] = opt.momentum > 0 ? -uNew[i]! : -d;
    }
    terms.push({ key: 's', label: 's (before)', values: s }, { key: 'sNew', label: 's ← ρs + (1 − ρ)g²', values: sNew });
    if (opt.momentum > 0) terms.push({ key: 'velocity', label: 'u (before)', values: u }, { key: 'velocityNew', label: 'u ← μu + d', values: uNew });
  } else if (opt instanceof Adagrad) {
    const s = slots?.[0] ?? new Float64Array(n).fill(opt.initialAccumulatorValue);
    const sNew = zeros();
    for (let i = 0; i < n; i++) {
      sNew[i] = s[i]! + g[i]! * g[i]!;
      step[i] = (-lr * g[i]!) / Math.sqrt(sNew[i]! + opt.epsilon);
    }
    terms.push({ key: 's', label: 's (before)', values: s }, { key: 'sNew', label: 's ← s + g²', values: sNew });
  } else {
    throw new UnsupportedError(`explainUpdate: no written-out rule for the optimiser "${opt.name}"`);
  }
  terms.push({ key: 'step', label: 'Δw', values: step });
  const after = zeros();
  for (let i = 0; i < n; i++) after[i] = w[i]! + step[i]!;
  return { terms, after };
}
