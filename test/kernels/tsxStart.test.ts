// The library run from its TypeScript sources under tsx (`npx tsx script.ts`, `node --import tsx
// script.ts`): the worker module is a .ts file, which a Node 20 worker loads only with a loader
// registered in it. With BACKPROP_THREAD_PRELOAD naming one (the repository's
// cli/tsxThreadPreload.mjs, as the tests, the CLI and the benchmarks set), the kernel threads
// start; without it, asking for threads is an error that names the variable (the library knows
// no loader).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/tsxStart.ts', import.meta.url));
const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));

const preload = new URL('../../cli/tsxThreadPreload.mjs', import.meta.url).href;

async function run(args: string[], withPreload: boolean): Promise<{ code: number | null; out: string; err: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.BACKPROP_THREAD_PRELOAD;
  if (withPreload) env.BACKPROP_THREAD_PRELOAD = preload;
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out, err };
}

for (const [how, args] of [['the tsx command', [tsxCli, fixture]], ['node --import tsx', ['--import', 'tsx', fixture]]] as const) {
  test(`under ${how} with BACKPROP_THREAD_PRELOAD, kernel threads start from the .ts sources and cut a product with the bits of one thread`, async () => {
    const r = await run([...args], true);
    assert.equal(r.code, 0, r.err.split('\n').slice(-5).join('\n'));
    assert.doesNotMatch(r.err, /failed to start|Unknown file extension/);
    const result = JSON.parse(r.out.trim().split('\n').at(-1)!) as { threads: number; cut: number; same: boolean };
    assert.equal(result.threads, 2);
    assert.equal(result.cut, 1, 'the product was cut over the threads (one command)');
    assert.equal(result.same, true);
  });
}

test('under the tsx command without BACKPROP_THREAD_PRELOAD, asking for 2 threads is an error naming the variable', async () => {
  const r = await run([tsxCli, fixture], false);
  assert.equal(r.code, 0, r.err.split('\n').slice(-5).join('\n'));
  const result = JSON.parse(r.out.trim().split('\n').at(-1)!) as { error?: string };
  assert.match(result.error ?? '', /kernelWorker\.ts is TypeScript .*set BACKPROP_THREAD_PRELOAD to a module that registers one/);
});
