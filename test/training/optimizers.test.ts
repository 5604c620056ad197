// Optimiser goldens: the first three steps of every optimiser on a fixed linear-regression
// problem, against the update rules written out here as plain scalar maths (Keras' rules, see
// keras/optimizers/{sgd,adam,rmsprop,adagrad}.py), in float64 to 1e-9, with and without clipping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sequential, layers, optimizers, schedules, InputError, type Optimizer } from '../../src/index.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';

// The problem: ŷ = x·w + b with w ∈ R², mse over three rows. J = (1/m) Σ (ŷᵢ − yᵢ)².
const X = [[1, 2], [-1, 0.5], [3, -1]];
const Y = [1, -2, 0.5];
const W0 = [0.3, -0.2];
const B0 = 0.1;

/** ∂J/∂w = (2/m) Σ rᵢ xᵢ, ∂J/∂b = (2/m) Σ rᵢ with rᵢ = ŷᵢ − yᵢ: [gw0, gw1] and [gb]. */
function gradients(w: number[], b: number): [number[], number[]] {
  const m = X.length;
  const gw = [0, 0];
  let gb = 0;
  for (let i = 0; i < m; i++) {
    const r = X[i]![0]! * w[0]! + X[i]![1]! * w[1]! + b - Y[i]!;
    gw[0]! += (2 / m) * r * X[i]![0]!;
    gw[1]! += (2 / m) * r * X[i]![1]!;
    gb += (2 / m) * r;
  }
  return [gw, [gb]];
}

type Clip = { clipNorm?: number; clipValue?: number };

/** Keras' clipping of one tensor: clamp each element, or g·c/max(‖g‖, c). */
function clip(g: number[], c: Clip): number[] {
  if (c.clipValue !== undefined) return g.map((v) => Math.min(c.clipValue!, Math.max(-c.clipValue!, v)));
  if (c.clipNorm !== undefined) {
    const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    return g.map((v) => (v * c.clipNorm!) / Math.max(norm, c.clipNorm!));
  }
  return g;
}

/** One element's update: given (w, g, state, t = 1-based step, lr) returns the new w. */
type Rule = (w: number, g: number, s: number[], t: number, lr: number) => number;

const rules: Record<string, { make: (extra: Clip & { learningRate?: unknown }) => Optimizer; lr: number; slots: number; init?: number; rule: Rule }> = {
  sgd: { make: (a) => optimizers.sgd({ learningRate: 0.1, ...a } as never), lr: 0.1, slots: 0, rule: (w, g, _s, _t, lr) => w - lr * g },
  momentum: {
    make: (a) => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, ...a } as never), lr: 0.1, slots: 1,
    // v ← μv − ηg; w ← w + v
    rule: (w, g, s, _t, lr) => {
      s[0] = 0.9 * s[0]! - lr * g;
      return w + s[0]!;
    },
  },
  nesterov: {
    make: (a) => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, ...a } as never), lr: 0.1, slots: 1,
    // v ← μv − ηg; w ← w + μv − ηg
    rule: (w, g, s, _t, lr) => {
      s[0] = 0.9 * s[0]! - lr * g;
      return w + 0.9 * s[0]! - lr * g;
    },
  },
  adam: {
    make: (a) => optimizers.adam({ learningRate: 0.01, ...a } as never), lr: 0.01, slots: 2,
    // m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − η√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε)
    rule: (w, g, s, t, lr) => {
      s[0] = 0.9 * s[0]! + 0.1 * g;
      s[1] = 0.999 * s[1]! + 0.001 * g * g;
      const alpha = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      return w - (alpha * s[0]!) / (Math.sqrt(s[1]!) + 1e-7);
    },
  },
  rmsprop: {
    make: (a) => optimizers.rmsprop({ learningRate: 0.01, ...a } as never), lr: 0.01, slots: 1,
    // s ← ρs + (1−ρ)g²; w ← w − ηg/√(s + ε)
    rule: (w, g, s, _t, lr) => {
      s[0] = 0.9 * s[0]! + 0.1 * g * g;
      return w - (lr * g) / Math.sqrt(s[0]! + 1e-7);
    },
  },
  rmspropMomentum: {
    make: (a) => optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, ...a } as never), lr: 0.01, slots: 2,
    // s ← ρs + (1−ρ)g²; u ← μu + ηg/√(s + ε); w ← w − u
    rule: (w, g, s, _t, lr) => {
      s[0] = 0.9 * s[0]! + 0.1 * g * g;
      s[1] = 0.5 * s[1]! + (lr * g) / Math.sqrt(s[0]! + 1e-7);
      return w - s[1]!;
    },
  },
  adagrad: {
    make: (a) => optimizers.adagrad({ learningRate: 0.1, ...a } as never), lr: 0.1, slots: 1, init: 0.1,
    // s ← s + g² (s₀ = 0.1); w ← w − ηg/√(s + ε)
    rule: (w, g, s, _t, lr) => {
      s[0] = s[0]! + g * g;
      return w - (lr * g) / Math.sqrt(s[0]! + 1e-7);
    },
  },
};

/** The three steps by hand: [w0, w1, b] after each step. */
function handSteps(name: string, c: Clip, lrAt: (step: number) => number = () => rules[name]!.lr): number[][] {
  const r = rules[name]!;
  let w = [...W0];
  let b = B0;
  const state = [0, 1, 2].map(() => Array.from({ length: r.slots }, () => r.init ?? 0));
  const out: number[][] = [];
  for (let t = 1; t <= 3; t++) {
    const [gw, gb] = gradients(w, b);
    const cw = clip(gw, c);
    const cb = clip(gb, c);
    const lr = lrAt(t - 1);
    w = [r.rule(w[0]!, cw[0]!, state[0]!, t, lr), r.rule(w[1]!, cw[1]!, state[1]!, t, lr)];
    b = r.rule(b, cb[0]!, state[2]!, t, lr);
    out.push([w[0]!, w[1]!, b]);
  }
  return out;
}

async function librarySteps(optimizer: Optimizer): Promise<number[][]> {
  const model = sequential([layers.dense({ units: 1, inputShape: [2] })], { dtype: 'float64' });
  model.setWeights([[[W0[0]!], [W0[1]!]], [B0]]);
  model.compile({ optimizer, loss: 'mse' });
  const out: number[][] = [];
  for (let t = 0; t < 3; t++) {
    await model.trainOnBatch(X, Y);
    const [k, b] = model.getWeights() as [number[][], number[]];
    out.push([k[0]![0]!, k[1]![0]!, b[0]!]);
  }
  return out;
}

function assertSteps(actual: number[][], expected: number[][], what: string): void {
  for (let t = 0; t < 3; t++) for (let j = 0; j < 3; j++) assertClose(actual[t]![j]!, expected[t]![j]!, 1e-9, 0, `${what} step ${t + 1} param ${j}`);
}

// The unclipped gradient at W0: kernel norm ≈ 2.39, bias ≈ 0.93, so clipNorm 0.5 and
// clipValue 0.3 both bind on every tensor (checked below, so the clipping tests cannot pass vacuously).
const CLIPS: [string, Clip][] = [['no clipping', {}], ['clipNorm 0.5', { clipNorm: 0.5 }], ['clipValue 0.3', { clipValue: 0.3 }]];

test('the problem makes clipping bind', () => {
  const [gw, gb] = gradients(W0, B0);
  assert.ok(Math.hypot(gw[0]!, gw[1]!) > 0.5 && Math.abs(gb[0]!) > 0.5, 'gradient norms exceed clipNorm');
  assert.ok([...gw, ...gb].every((g) => Math.abs(g) > 0.3), 'every element exceeds clipValue');
});

for (const name of Object.keys(rules)) {
  for (const [label, c] of CLIPS) {
    test(`${name}, ${label}: first three steps match the hand-computed rule to 1e-9`, async () => {
      const expected = handSteps(name, c);
      const actual = await librarySteps(rules[name]!.make(c));
      assertSteps(actual, expected, `${name} ${label}`);
      // Clipping must change the result, or this case proves nothing. Adam and RMSprop are
      // nearly invariant to a rescaled gradient, so for them only clipValue (which changes the
      // ratios between elements) is required to show.
      const scaleInvariant = name.startsWith('adam') || name.startsWith('rmsprop');
      if (label !== 'no clipping' && !(scaleInvariant && label.startsWith('clipNorm'))) {
        const plain = handSteps(name, {});
        const change = Math.max(...expected.flatMap((row, t) => row.map((v, j) => Math.abs(v - plain[t]![j]!))));
        assert.ok(change > 1e-6, `clipping changed the steps by only ${change}`);
      }
    });
  }
}

test('adam: the first step moves each weight by about lr·sign(g)', async () => {
  const [gw, gb] = gradients(W0, B0);
  const [first] = await librarySteps(optimizers.adam({ learningRate: 0.01 }));
  const g = [...gw, ...gb];
  // Exactly lr·g/(|g| + ε/√(1−β₂)): within 1e-6 of lr·sign(g) for these |g| ≈ 0.4–1.5.
  [W0[0]!, W0[1]!, B0].forEach((w0, j) => assertClose(first![j]! - w0, -0.01 * Math.sign(g[j]!), 1e-6, 0, `weight ${j}`));
});

test('sgd with an exponentialDecay schedule uses the rate of steps 0, 1, 2', async () => {
  const schedule = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
  const expected = handSteps('sgd', {}, (step) => 0.1 * 0.5 ** step);
  assertSteps(await librarySteps(optimizers.sgd({ learningRate: schedule })), expected, 'sgd + exponentialDecay');
});

test('clipNorm and clipValue together are refused, as Keras', () => {
  assertThrowsWith(() => optimizers.sgd({ clipNorm: 1, clipValue: 1 }), InputError, /clipNorm or clipValue, not both/);
});

test('clipNorm leaves a gradient whose norm is below it unchanged', async () => {
  const expected = handSteps('sgd', {});
  assertSteps(await librarySteps(optimizers.sgd({ learningRate: 0.1, clipNorm: 100 })), expected, 'sgd clipNorm 100');
});

test('bad clipping values are refused with the value named', () => {
  assertThrowsWith(() => optimizers.adam({ clipNorm: 0 }), InputError, /clipNorm must be a finite number > 0, got 0/);
  assertThrowsWith(() => optimizers.adam({ clipValue: -1 }), InputError, /clipValue .* got -1/);
});

// A column that is non-zero in the first row only: from step 2 on its weight's gradient is 0 and
// each moment decays by β a step. Without the flush, β = 0.9 takes the moment below float32's
// smallest normal value (2⁻¹²⁶) after about 800 steps and leaves it at the smallest subnormal
// (0.9 × 2⁻¹⁴⁹ rounds back to 2⁻¹⁴⁹), where every step over it runs slower on x86.
for (const [name, make] of [
  ['adam', () => optimizers.adam({ learningRate: 0.01 })],
  ['momentum', () => optimizers.sgd({ learningRate: 0.01, momentum: 0.9 })],
  ['rmsprop', () => optimizers.rmsprop({ learningRate: 0.01, rho: 0.9, momentum: 0.9 })],
] as const) {
  test(`${name}: a moment whose gradient stays 0 is flushed to 0 every 64 steps, never left subnormal`, async () => {
    const rows = 1024;
    const x = Array.from({ length: rows }, (_, i) => [1, i === 0 ? 1 : 0]);
    // Targets that vary, so that the live weight's gradient never settles at 0.
    const y = Array.from({ length: rows }, (_, i) => [0.5 + 0.1 * Math.sin(i)]);
    const model = sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 3 });
    model.compile({ optimizer: make(), loss: 'mse' });
    const firstMoment: number[] = [];
    let liveMoment = 0;
    // 1,024 steps of batch 1, in order; the state is read after steps 832 and 1,024 (the first
    // would hold subnormal moments without the flush).
    await model.fit(x, y, { epochs: 1, batchSize: 1, shuffle: false, verbose: 0, callbacks: [{ onBatchEnd: (batch: number) => {
      if (batch !== 831 && batch !== 1023) return;
      const state = model.optimizer!.getState(model.params());
      let subnormal = 0;
      for (const s of Object.values(state.slots).flat()) for (const v of s) if (v !== 0 && Math.abs(v) < 2 ** -126) subnormal++;
      assert.equal(subnormal, 0, `${name}: subnormal state values after step ${batch + 1}`);
      const kernel = Object.entries(state.slots).find(([key]) => key.endsWith('/kernel'))![1];
      firstMoment.push(kernel[0]![1]!);
      liveMoment = kernel[0]![0]!;
    } }] } as never);
    // The second input's first moment is exactly 0 (below 2⁻¹⁰⁰ from about step 640, flushed at 640).
    assert.deepEqual(firstMoment, [0, 0], `${name}: the zero-gradient weight's first moment`);
    // The weight of the column that is always 1 keeps its moment.
    assert.notEqual(liveMoment, 0, `${name}: the live weight's first moment`);
  });
}
