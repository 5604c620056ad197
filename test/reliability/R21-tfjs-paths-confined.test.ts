// R21 (security): a TF.js model.weights.bin that is a symlink out of the model's folder (to
// /etc/passwd, say) was followed and its size reported. Every file model.json names is resolved
// and confined to its folder: a symlink out is refused naming the path, before a byte is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsafePathError, layers, loadModel, saveModel, sequential } from '../../src/index.js';
import { assertErrorData } from './errorData.js';

const root = mkdtempSync(join(tmpdir(), 'backprop-r21-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

function exported(name: string): string {
  const dir = join(root, name);
  saveModel(sequential([layers.dense({ units: 2, inputShape: [3] })], { seed: 1 }), join(dir, 'model.json'));
  return dir;
}

test('R21: a weights file that is a symlink out of the folder is refused naming it', () => {
  const dir = exported('out');
  const secret = join(root, 'secret.txt');
  writeFileSync(secret, 'x'.repeat(24));
  rmSync(join(dir, 'model.weights.bin'));
  symlinkSync(secret, join(dir, 'model.weights.bin'));
  assertErrorData(() => loadModel(join(dir, 'model.json')), UnsafePathError, { path: './model.weights.bin', resolved: realpathSync(secret) },
    /weights file "\.\/model\.weights\.bin" resolves to ".*secret\.txt", outside the model's folder/);
});

test('R21: a symlink to a file inside the folder, and a symlinked folder, still load', () => {
  const dir = exported('inside');
  renameSync(join(dir, 'model.weights.bin'), join(dir, 'real.bin'));
  symlinkSync('real.bin', join(dir, 'model.weights.bin'));
  assert.equal(loadModel(join(dir, 'model.json')).network.countParams(), 8);
  const link = join(root, 'linked');
  symlinkSync(dir, link);
  assert.equal(loadModel(join(link, 'model.json')).network.countParams(), 8);
});

test('R21: a symlinked subfolder leading out is refused too', () => {
  const dir = exported('sub');
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  renameSync(join(dir, 'model.weights.bin'), join(elsewhere, 'w.bin'));
  symlinkSync(elsewhere, join(dir, 'shards'));
  const json = join(dir, 'model.json');
  const text = JSON.parse(readFileSync(json, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  text.weightsManifest[0]!.paths = ['shards/w.bin'];
  writeFileSync(json, JSON.stringify(text));
  assertErrorData(() => loadModel(json), UnsafePathError, { path: 'shards/w.bin' }, /outside the model's folder/);
});
