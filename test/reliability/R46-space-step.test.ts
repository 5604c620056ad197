// R46: a float step so fine that the grid's values could not be told apart (1e-300) is an
// InputError naming the parameter, from the library and from a --space file: no raw RangeError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, search } from '../../src/index.js';
import { tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';

test('R46: step 1e-300 is refused naming the parameter and the count; a fine step that is still countable is accepted', async () => {
  assert.throws(() => search.float(0, 0.5, { step: 1e-300 }), (e: unknown) => e instanceof InputError && /^search\.float: step 1e-300 divides 0\.\.0\.5 into 5\.00e\+299 values, more than 2\^53/.test(e.message));
  for (const method of ['grid', 'random', 'tpe', 'gp'] as const) {
    await assert.rejects(search.minimize(() => 0, { dropout: { type: 'float', low: 0, high: 0.5, step: 1e-300 } }, { method, trials: 2 }), /search space: parameter "dropout": step 1e-300 divides/);
  }
  assert.equal(search.float(0, 1, { step: 1e-9 }).step, 1e-9);
  const dir = tempDir('r46');
  writeFileSync(join(dir, 'space.json'), JSON.stringify({ dropout: { type: 'float', low: 0, high: 0.5, step: 1e-300 } }));
  for (const method of ['grid', 'tpe']) {
    let stderr = '';
    const code = await run(['search', '--space', join(dir, 'space.json'), '--method', method, '--journal', join(dir, `${method}.jsonl`), '--out', join(dir, 'b.bpm'), '--jobs', '1'], { stdout: { write: () => true }, stderr: { write: (s: string) => ((stderr += s), true) } });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^backprop: .*space\.json: search space: parameter "dropout": step 1e-300 divides 0\.\.0\.5 into 5\.00e\+299 values[^\n]*\n$/);
    assert.doesNotMatch(stderr, /RangeError/);
  }
});
