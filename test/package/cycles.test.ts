// No import cycles in the library, the CLI or the playground, type imports included: the check
// of issue 19, `npx madge --circular --extensions ts src cli playground/src`, as a test that
// names every cycle it finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const madge = join(root, 'node_modules', 'madge', 'bin', 'cli.js');

test('madge finds no circular import in src, cli and playground/src (type imports included)', () => {
  const r = spawnSync(process.execPath, [madge, '--circular', '--json', '--no-spinner', '--extensions', 'ts', '--warning', 'src', 'cli', 'playground/src'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.error, undefined, String(r.error));
  // --json prints the cycles as an array of module paths (exit code 1 when there are some).
  const start = r.stdout.indexOf('[');
  assert.ok(start >= 0, `madge printed no JSON; stdout: ${r.stdout.slice(0, 500)}; stderr: ${r.stderr.slice(0, 500)}`);
  const cycles = JSON.parse(r.stdout.slice(start)) as string[][];
  assert.deepEqual(cycles.map((c) => c.join(' → ')), [], `${cycles.length} import cycles`);
});
