// R8: temporary files left by writers killed mid-save are removed by the next successful save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, saveModel } from '../../src/index.js';
import { smallModel } from '../io/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-r8-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('R8: temps of dead writers (kill -9, many times) go at the next save; a live writer\'s temp and other files stay', async () => {
  const path = join(dir, 'model.bpm');
  const model = await smallModel('adam', 1);
  saveModel(model, path);
  const dead = Array.from({ length: 3 }, deadPid);
  const stale = dead.map((pid, i) => `.model.bpm.${pid}.mk${i}.tmp`);
  for (const name of stale) writeFileSync(join(dir, name), 'half a model');
  // A save in progress in a live process (this test runner's parent), another path's temp, a user file.
  const live = `.model.bpm.${process.ppid}.zz0.tmp`;
  const others = [live, `.other.bpm.${dead[0]}.aa0.tmp`, 'model.bpm.tmp', '.model.bpm.notes.tmp'];
  for (const name of others) writeFileSync(join(dir, name), 'keep');
  saveModel(model, path);
  const left = readdirSync(dir).sort();
  assert.deepEqual(left, ['model.bpm', ...others].sort());
  assert.equal(loadModel(path).model.countParams(), model.countParams());
});
