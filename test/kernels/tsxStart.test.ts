// The library run from its TypeScript sources under tsx (`npx tsx script.ts`, `node --import tsx
// script.ts`) starts its kernel threads: the worker module is a .ts file, which a Node 20 worker
// loads only with tsx registered in it. The caller sets no BACKPROP_THREAD_PRELOAD.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/tsxStart.ts', import.meta.url));
const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));

async function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.BACKPROP_THREAD_PRELOAD;
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out, err };
}

for (const [how, args] of [['the tsx command', [tsxCli, fixture]], ['node --import tsx', ['--import', 'tsx', fixture]]] as const) {
  test(`under ${how}, kernel threads start from the .ts sources and cut a product with the bits of one thread`, async () => {
    const r = await run([...args]);
    assert.equal(r.code, 0, r.err.split('\n').slice(-5).join('\n'));
    assert.doesNotMatch(r.err, /failed to start|Unknown file extension/);
    const result = JSON.parse(r.out.trim().split('\n').at(-1)!) as { threads: number; cut: number; same: boolean };
    assert.equal(result.threads, 2);
    assert.equal(result.cut, 1, 'the product was cut over the threads (one command)');
    assert.equal(result.same, true);
  });
}
