import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, search, compileSpace, enumerateGrid, type Space } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';

test('an invalid space is an InputError naming the parameter and the values', () => {
  assertThrowsWith(() => compileSpace({ lr: { type: 'float', low: 0.1, high: 0.01 } }), InputError, /"lr"/, /low must be < high, got low=0.1, high=0.01/);
  assertThrowsWith(() => compileSpace({ lr: { type: 'float', low: 0, high: 1, log: true } }), InputError, /"lr"/, /low > 0/, /not logarithms/);
  assertThrowsWith(() => compileSpace({ act: { type: 'categorical', choices: [] } }), InputError, /"act"/, /non-empty/);
  assertThrowsWith(() => compileSpace({ n: { type: 'int', low: 1.5, high: 4 } }), InputError, /"n"/, /integers/);
  assertThrowsWith(() => compileSpace({ n: { type: 'int', low: 1, high: 4, stp: 1 } as never }), InputError, /unknown option "stp"/, /known options: type, low, high, log, step, when/);
  assertThrowsWith(() => compileSpace({ m: { type: 'float', low: 0, high: 1, when: { opt: 'sgd' } } }), InputError, /"m"/, /"opt"/);
  assertThrowsWith(() => compileSpace({ x: { type: 'normal', low: 0, high: 1 } as never }), InputError, /"x"/, /"float", "int" or "categorical"/);
  assertThrowsWith(() => search.float(1, 1), InputError, /^search\.float: low must be < high/);
  assertThrowsWith(() => search.float(1e-3, 1, { log: true, step: 0.1 }), InputError, /log and step/);
  assertThrowsWith(() => compileSpace({}), InputError, /no parameters/);
});

test('the grid is the Cartesian product of active parameters, first parameter slowest', () => {
  const space: Space = {
    opt: search.categorical(['sgd', 'adam']),
    momentum: search.float(0, 0.9, { step: 0.45, when: { opt: 'sgd' } }),
    units: search.int(8, 32, { step: 8 }),
  };
  const grid = enumerateGrid(compileSpace(space), 1000);
  // sgd: 3 momenta × 4 unit counts; adam: 4 unit counts, no momentum.
  assert.equal(grid.length, 16);
  assert.deepEqual(grid[0], { opt: 'sgd', momentum: 0, units: 8 });
  assert.deepEqual(grid[5], { opt: 'sgd', momentum: 0.45, units: 16 });
  assert.deepEqual(grid[15], { opt: 'adam', units: 32 });
  assert.equal(new Set(grid.map((p) => JSON.stringify(p))).size, 16);
  // A continuous float contributes 5 evenly spaced points, on the log scale when log.
  const lr = enumerateGrid(compileSpace({ lr: search.float(1e-4, 1, { log: true }) }), 10).map((p) => p.lr);
  assert.deepEqual(lr, [1e-4, 1e-3, 1e-2, 1e-1, 1]);
});
