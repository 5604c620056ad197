import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, loadModel, saveModel, writeFileAtomic, type WriterFs } from '../../src/index.js';
import { assertThrowsWith } from '../helpers/assert.js';
import { smallModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-atomic-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('a save replaces the previous file and leaves no temporary file behind', async () => {
  const path = join(dir, 'ok.bpm');
  writeFileSync(path, 'old');
  saveModel(await smallModel(), path);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('ok.bpm')), ['ok.bpm']);
  assert.equal(loadModel(path).model.countParams(), 63);
});

function failing(at: 'open' | 'write' | 'fsync' | 'rename', code: string): WriterFs {
  let writes = 0;
  const err = () => Object.assign(new Error(`${code}: simulated failure`), { code });
  return {
    openSync: ((...a: Parameters<typeof fs.openSync>) => (at === 'open' ? (() => { throw err(); })() : fs.openSync(...a))) as typeof fs.openSync,
    writeSync: ((fd: number, buf: Uint8Array, off: number, len: number) => {
      writes++;
      if (at === 'write') {
        // Write half of the first chunk, then fail: a disk filling up midway.
        fs.writeSync(fd, buf, off, Math.floor(len / 2));
        throw err();
      }
      return fs.writeSync(fd, buf, off, len);
    }) as typeof fs.writeSync,
    fsyncSync: ((fd: number) => (at === 'fsync' ? (() => { throw err(); })() : fs.fsyncSync(fd))) as typeof fs.fsyncSync,
    closeSync: fs.closeSync,
    renameSync: ((a: fs.PathLike, b: fs.PathLike) => (at === 'rename' ? (() => { throw err(); })() : fs.renameSync(a, b))) as typeof fs.renameSync,
    unlinkSync: fs.unlinkSync,
    get writes() {
      return writes;
    },
  } as WriterFs;
}

test('a failing write (ENOSPC midway, EACCES, fsync or rename errors) leaves the previous file byte-identical and no temp file (RELIABILITY T7)', async () => {
  const model = await smallModel();
  const path = join(dir, 'keep.bpm');
  saveModel(model, path);
  const before = readFileSync(path);
  const other = await smallModel('sgd', 3);
  for (const [at, code] of [['write', 'ENOSPC'], ['open', 'EACCES'], ['fsync', 'EIO'], ['rename', 'EXDEV']] as const) {
    assertThrowsWith(() => saveModel(other, path, { fs: failing(at, code) }), InputError, new RegExp(`could not save ".*keep\\.bpm": ${code}: simulated failure; any previous file there is unchanged`));
    assert.deepEqual(readFileSync(path), before, `${at}: previous file unchanged`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('keep.bpm')), ['keep.bpm'], `${at}: no temp file left`);
  }
  assertThrowsWith(() => writeFileAtomic(join(dir, 'no-such-dir', 'x.bpm'), new Uint8Array(4)), InputError, /could not save .*ENOENT/);
});

test('a process killed (SIGKILL) between write and rename leaves the previous file intact and loadable', async () => {
  const path = join(dir, 'crash.bpm');
  saveModel(await smallModel(), path);
  const before = readFileSync(path);
  const script = `
    import { saveModel } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href.replace(/\.js$/, '.ts'))};
    import { smallModel } from ${JSON.stringify(new URL('./helpers.ts', import.meta.url).href)};
    const model = await smallModel('rmsprop', 4);
    saveModel(model, ${JSON.stringify(path)}, { beforeRename: () => process.kill(process.pid, 'SIGKILL') });
    console.log('not reached');
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  assert.doesNotMatch(child.stdout, /not reached/);
  assert.deepEqual(readFileSync(path), before, 'previous file byte-identical');
  const leftovers = readdirSync(dir).filter((f) => f.startsWith('.crash.bpm.') && f.endsWith('.tmp'));
  assert.equal(leftovers.length, 1, 'the killed writer left its (complete) temp file, never the target');
  assert.equal(loadModel(path).model.countParams(), 63);
});
