// R42: grids are counted, never listed, before the cap: an int 1..1e9 with the grid method is an
// InputError naming the parameter and its count (it aborted on heap), random search samples it,
// and the count of a conditional space equals the points the grid lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSpace, countGrid, enumerateGrid, InputError, search } from '../../src/index.js';
import { tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';

test('R42: a grid of 1e9 points is refused before any point is listed; random search samples the same space', async () => {
  const space = { units: search.int(1, 1e9), act: search.categorical(['relu', 'tanh']) };
  const before = process.memoryUsage().heapUsed;
  await assert.rejects(search.minimize(() => 0, space, { method: 'grid' }), (e: unknown) => e instanceof InputError && /the grid has more than 1000000 points \("units" alone has 1000000000 values\)/.test(e.message));
  assert.ok(process.memoryUsage().heapUsed - before < 50e6, 'nothing the size of the grid was allocated');
  assert.equal(countGrid(compileSpace(space)), 2e9);
  assert.equal(countGrid(compileSpace({ a: search.int(1, 1e9), b: search.int(1, 1e9) }), 1e6), Infinity);
  const r = await search.minimize(({ units }) => Math.abs((units as number) - 5e8), space, { method: 'random', trials: 5, seed: 1 });
  assert.equal(r.trials.length, 5);
  for (const t of r.trials) assert.ok(Number.isInteger(t.params.units) && (t.params.units as number) >= 1 && (t.params.units as number) <= 1e9);
});

test('R42: the count of a conditional space is the number of points the grid lists', () => {
  const dims = compileSpace({
    optimizer: search.categorical(['sgd', 'adam', 'rmsprop']),
    momentum: search.float(0, 0.9, { step: 0.3, when: { optimizer: 'sgd' } }),
    beta: search.categorical([0.9, 0.99], { when: { optimizer: ['adam', 'rmsprop'] } }),
    eps: search.int(1, 3, { when: { beta: 0.99 } }),
    lr: search.float(1e-3, 1, { log: true }),
  });
  // sgd: 4 momenta; adam and rmsprop: beta 0.9, or beta 0.99 with 3 eps → 4 each; 5 lr points each.
  assert.equal(countGrid(dims), (4 + 4 + 4) * 5);
  assert.equal(enumerateGrid(dims, 1000).length, countGrid(dims));
  assert.throws(() => enumerateGrid(dims, 59), /more than 59 points/);
});

test('R42: the CLI says the grid is too large in one line', async () => {
  const dir = tempDir('r42');
  writeFileSync(join(dir, 'space.json'), JSON.stringify({ units: { type: 'int', low: 1, high: 1e9 } }));
  let stderr = '';
  const code = await run(['search', '--space', join(dir, 'space.json'), '--method', 'grid', '--epochs', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'b.bpm'), '--jobs', '1'], { stdout: { write: () => true }, stderr: { write: (s: string) => ((stderr += s), true) } });
  assert.equal(code, 1);
  assert.match(stderr, /^backprop: search space: the grid has more than 1000000 points \("units" alone has 1000000000 values\)[^\n]*\n$/);
});
