import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/index.js';
import { assertClose } from '../helpers/assert.js';

test('same seed gives the same sequence; another seed another (D1, D2)', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const c = new Rng(8);
  const sa = Array.from({ length: 20 }, () => a.nextUint32());
  const sb = Array.from({ length: 20 }, () => b.nextUint32());
  const sc = Array.from({ length: 20 }, () => c.nextUint32());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('integer sequence is fixed across platforms (golden values for seed 42)', () => {
  const r = new Rng(42);
  const got = Array.from({ length: 4 }, () => r.nextUint32());
  // Pure 32-bit integer arithmetic (xoshiro128** seeded by SplitMix32): the same on every engine.
  // Recorded once from this implementation; a change here changes every seeded result.
  assert.deepEqual(got, [2837322924, 544945897, 479756282, 3500138142]);
});

test('uniform, normal and int have the right moments and ranges', () => {
  const r = new Rng(1);
  const n = 50000;
  let su = 0, sn = 0, sn2 = 0;
  const counts = [0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
    counts[r.int(5)]!++;
  }
  assertClose(su / n, 0.5, 0.01);
  assertClose(sn / n, 0, 0.02);
  assertClose(sn2 / n, 1, 0.03);
  for (const c of counts) assertClose(c / n, 0.2, 0.01);
});

test('shuffle is a permutation and state round-trips', () => {
  const r = new Rng(3);
  const p = r.permutation(100);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  const state = r.getState();
  const next = [r.uniform(), r.normal(), r.normal()];
  r.setState(state);
  assert.deepEqual([r.uniform(), r.normal(), r.normal()], next);
});
