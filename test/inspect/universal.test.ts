import { test } from 'node:test';
import assert from 'node:assert/strict';
import { towerNetwork, InputError } from '../../src/index.js';
import { towerError, fitSine } from '../../examples/universal-approximation.js';
import { assertClose, assertThrowsWith } from '../helpers/assert.js';

test('one tower: two steep sigmoids subtracted give height h on [a, b] and ~0 outside', () => {
  const m = towerNetwork(() => 0.7, { range: [1, 2], towers: 1, steepness: 200 });
  const p = m.predict([[0], [0.95], [1.05], [1.5], [1.95], [2.05], [3]]).map((r) => r[0]!);
  assertClose(p[0]!, 0, 1e-12);
  assertClose(p[3]!, 0.7, 1e-12);
  assertClose(p[6]!, 0, 1e-12);
  // 0.05 from the edges: σ(±10) ≈ 0.99995 of the height.
  for (const v of [p[2]!, p[4]!]) assertClose(v, 0.7, 1e-4);
  for (const v of [p[1]!, p[5]!]) assertClose(v, 0, 1e-4);
  assert.equal(m.countParams(), 2 + 2 + 2 + 1);
});

test('summed towers approximate a 1-D function, better with more towers', () => {
  const f = (x: number) => Math.sin(x) + 0.3 * Math.cos(3 * x);
  const coarse = towerError(f, -Math.PI, Math.PI, 10);
  const fine = towerError(f, -Math.PI, Math.PI, 100);
  // A piecewise-constant fit of width w has MSE ≈ w²·mean(f'²)/12: quartered per doubling.
  assert.ok(fine < 1e-3, `100 towers: MSE ${fine}`);
  assert.ok(fine < coarse / 50, `10 → 100 towers: ${coarse} → ${fine}`);
});

test('an MLP fits sin(x) on [−π, π] to MSE < 1e-3', async () => {
  const { mse } = await fitSine();
  assert.ok(mse < 1e-3, `MSE ${mse}`);
});

test('towerNetwork rejects a bad range, count or function', () => {
  assertThrowsWith(() => towerNetwork(Math.sin, { range: [1, 1] }), InputError, /range must be \[a, b\] with finite a < b, got \[1,1\]/);
  assertThrowsWith(() => towerNetwork(Math.sin, { range: [0, 1], towers: 0 }), InputError, /towers must be an integer ≥ 1, got 0/);
  assertThrowsWith(() => towerNetwork(() => NaN, { range: [0, 1], towers: 2 }), InputError, /f\(0.25\) is NaN/);
});
