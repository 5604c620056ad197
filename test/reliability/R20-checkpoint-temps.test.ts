// R20: a kill -9 while a checkpoint is written leaves `.ck.bpm.<pid>.<time>.tmp` beside it; the
// run that resumes from the checkpoint may never save to that path again, so a successful load
// of the checkpoint removes the temps of dead writers too (R8 covered saves only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { layers, loadModel, saveModel, sequential } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-r20-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('R20: the temp of a checkpoint writer killed mid-save goes when the checkpoint is next loaded (resumed)', () => {
  const ck = join(dir, 'ck.bpm');
  const model = () => sequential([layers.dense({ units: 64, inputShape: [4096] })], { seed: 1 });
  saveModel(model(), ck);
  const before = statSync(ck).size;
  // A child saves the next checkpoint and is killed with SIGKILL between write and rename.
  const src = pathToFileURL(join(process.cwd(), 'src/index.ts')).href;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    const { saveModel, sequential, layers } = await import(${JSON.stringify(src)});
    saveModel(sequential([layers.dense({ units: 64, inputShape: [4096] })], { seed: 2 }), ${JSON.stringify(ck)}, { beforeRename: () => process.kill(process.pid, 'SIGKILL') });
  `], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  const temps = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
  assert.equal(temps.length, 1);
  assert.match(temps[0]!, /^\.ck\.bpm\.\d+\.[0-9a-z]+\.tmp$/);
  assert.ok(statSync(join(dir, temps[0]!)).size > 1e6);
  // The checkpoint itself is the previous one, byte-for-byte the same size; another file stays.
  assert.equal(statSync(ck).size, before);
  writeFileSync(join(dir, 'notes.tmp'), 'keep');
  assert.equal(loadModel(ck).network.countParams(), 4096 * 64 + 64);
  assert.deepEqual(readdirSync(dir).sort(), ['ck.bpm', 'notes.tmp']);
});
