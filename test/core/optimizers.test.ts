// Optimiser goldens: three steps with fixed gradients, expected values worked out by hand from
// Keras' update rules (ARCHITECTURE "How we test" 4). float64 throughout.
import { test } from 'node:test';
import { optimizers, Param, type Optimizer } from '../../src/index.js';
import { assertAllClose } from '../helpers/assert.js';

const W0 = [1, 2, 3];
const GRADS = [[0.5, -1, 2], [0.25, 0.5, -1], [1, 1, 1]];

function run(opt: Optimizer): number[][] {
  const p = new Param('w', [3], Float64Array.from(W0));
  return GRADS.map((g) => {
    p.grad.set(g);
    opt.step([p]);
    return Array.from(p.value);
  });
}

test('sgd: w ← w − η·g', () => {
  const steps = run(optimizers.sgd({ learningRate: 0.1 }));
  assertAllClose(steps[0]!, [0.95, 2.1, 2.8], 1e-12);
  assertAllClose(steps[1]!, [0.925, 2.05, 2.9], 1e-12);
  assertAllClose(steps[2]!, [0.825, 1.95, 2.8], 1e-12);
});

test('sgd with momentum 0.9: v ← μv − ηg; w ← w + v', () => {
  // v1 = [−.05, .1, −.2]; v2 = .9·v1 − .1·g2 = [−.07, .04, −.08]; v3 = [−.163, −.064, −.172]
  const steps = run(optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }));
  assertAllClose(steps[0]!, [0.95, 2.1, 2.8], 1e-12);
  assertAllClose(steps[1]!, [0.88, 2.14, 2.72], 1e-12);
  assertAllClose(steps[2]!, [0.717, 2.076, 2.548], 1e-12);
});

test('sgd with Nesterov momentum: w ← w + μv − ηg', () => {
  // w1 = w0 + .9·v1 − .1·g1 = [.905, 2.19, 2.62]; w2 = w1 + .9·v2 − .1·g2; w3 likewise.
  const steps = run(optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }));
  assertAllClose(steps[0]!, [0.905, 2.19, 2.62], 1e-12);
  assertAllClose(steps[1]!, [0.817, 2.176, 2.648], 1e-12);
  assertAllClose(steps[2]!, [0.5703, 2.0184, 2.3932], 1e-12);
});

test('adam: the first step moves each weight by ≈ lr·sign(g); three steps match the rule', () => {
  const steps = run(optimizers.adam({ learningRate: 0.1 }));
  // Step 1: m̂ = g, v̂ = g², so Δ = −lr·g/(|g| + ε) ≈ −lr·sign(g).
  assertAllClose(steps[0]!, [0.9, 2.1, 2.9], 1e-5);
  // α_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ); w ← w − α_t·m/(√v + ε), evaluated by hand (to 1e-9).
  assertAllClose(steps[0]!, [0.9000006324515321, 2.099999683773234, 2.900000158113633], 1e-9);
  assertAllClose(steps[1]!, [0.8067831960988964, 2.126633312377846, 2.8733664918283606], 1e-9);
  assertAllClose(steps[2]!, [0.715874810777311, 2.099363690801337, 2.8284762201181834], 1e-9);
});
