// explainUpdate: the optimiser's own step written out term by term, checked against the
// optimiser itself taking that step from the same gradient.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optimizers, explain, explainUpdate, type Optimizer } from '../../src/index.js';
import { X, Y, flat, stepModel } from './stepFixture.js';
import { assertClose } from '../helpers/assert.js';


const cases: [string, () => Optimizer, string][] = [
  ['sgd', () => optimizers.sgd({ learningRate: 0.1 }), 'sgd'],
  ['momentum', () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), 'momentum'],
  ['nesterov', () => optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 'nesterov'],
  ['adam', () => optimizers.adam({ learningRate: 0.01 }), 'adam'],
  ['adam, clipNorm', () => optimizers.adam({ learningRate: 0.01, clipNorm: 0.05 }), 'adam'],
  ['rmsprop', () => optimizers.rmsprop({ learningRate: 0.01 }), 'rmsprop'],
  ['rmsprop, momentum', () => optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5 }), 'rmsprop'],
  ['adagrad', () => optimizers.adagrad({ learningRate: 0.1 }), 'adagrad'],
];

for (const [name, make, rule] of cases) {
  test(`explainUpdate (${name}) after 3 steps equals the optimiser's own 4th step, weights and state`, async () => {
    const m = stepModel(make());
    await m.fit(X, Y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const e = explain(m, X, Y);
    const u = explainUpdate(m, e);
    assert.equal(u.rule, rule);
    assert.equal(u.step, 4);
    assert.equal(u.params.length, 4);
    // The optimiser takes the step from the explained gradient.
    const params = m.trainableParams();
    const byName = new Map(e.layers.flatMap((l) => l.params.map((p) => [p.name, p] as const)));
    for (const p of params) p.grad.set(flat(byName.get(p.name)!.grad));
    m.optimizer!.step(params);
    const state = m.optimizer!.getState(params).slots;
    for (const pu of u.params) {
      const p = params.find((q) => q.name === pu.name)!;
      const after = flat(pu.after);
      after.forEach((v, i) => assertClose(v, p.value[i]!, 1e-12, 1e-15, `${pu.name}[${i}] after`));
      const newSlots = pu.terms.filter((t) => t.key.endsWith('New')).map((t) => flat(t.values));
      const slots = state[pu.name] ?? [];
      newSlots.forEach((s, k) => s.forEach((v, i) => assertClose(v, slots[k]![i]!, 1e-12, 1e-15, `${pu.name} slot ${k}[${i}]`)));
      const step = flat(pu.terms.find((t) => t.key === 'step')!.values);
      const before = flat(byName.get(pu.name)!.value);
      step.forEach((d, i) => assertClose(before[i]! + d, after[i]!, 1e-15, 1e-15));
    }
  });
}

test("Adam's first step moves every weight by ≈ η·sign(g), with α = η·√(1 − β₂)/(1 − β₁)", () => {
  const m = stepModel(optimizers.adam({ learningRate: 0.01 }));
  const u = explainUpdate(m, explain(m, X, Y));
  assert.equal(u.step, 1);
  assertClose(u.constants.alpha!, 0.01 * Math.sqrt(0.001) / 0.1, 1e-12, 0);
  assert.deepEqual(u.equations, ['m ← β₁m + (1 − β₁)g', 'v ← β₂v + (1 − β₂)g²', 'α = η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)', 'Δw = −α·m/(√v + ε)']);
  for (const p of u.params) {
    const g = flat(p.terms.find((t) => t.key === 'g')!.values);
    const step = flat(p.terms.find((t) => t.key === 'step')!.values);
    assert.deepEqual(flat(p.terms.find((t) => t.key === 'm')!.values).filter((v) => v !== 0), [], 'm starts at 0');
    step.forEach((d, i) => {
      if (Math.abs(g[i]!) > 1e-4) assertClose(d, -0.01 * Math.sign(g[i]!), 1e-3, 0, `${p.name}[${i}]`);
    });
  }
  // The model and the optimiser are untouched.
  assert.equal(m.optimizer!.iterations, 0);
});

test('plain SGD: Δw = −η·g, the step explain already shows', async () => {
  const m = stepModel(optimizers.sgd({ learningRate: 0.1 }));
  const e = explain(m, X, Y);
  const u = explainUpdate(m, e);
  assert.deepEqual(u.equations, ['Δw = −η·g']);
  assert.deepEqual(u.params[0]!.terms.map((t) => t.key), ['g', 'step']);
  flat(u.params[0]!.after).forEach((v, i) => assertClose(v, flat(e.layers[0]!.kernelAfter)[i]!, 1e-15, 1e-15));
});
