// The library in a browser bundle: a typical program bundles for platform "browser" with no
// Node built-in and no third-party module in it, within a size budget (the README quotes the size).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..', '..');
/** gzipped bytes; the README's figure is measured here (the test prints it). */
const BUDGET = 62_000; // bytes gzipped; 61.3 kB measured (2026-12-07) with four kernel builds of 13.3 kB each (the forward cut by steps, vector tails, short-row δ·Wᵀ and the zero-step strips added 1.8 kB to each), the kernel thread pool, the dataset feed and the training session

test('a typical program bundles for the browser without Node built-ins, gzipped within budget', async () => {
  const result = await build({
    entryPoints: [join(import.meta.dirname, 'consumer', 'browser-program.ts')],
    alias: { 'backprop-mlp': join(root, 'src', 'index.ts') },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
    write: false, metafile: true, logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(root, resolve(root, p)));
  const foreign = inputs.filter((p) => !p.startsWith('src/') && !p.startsWith('test/package/consumer/'));
  assert.deepEqual(foreign, [], 'the bundle holds only the library and the program');
  const code = result.outputFiles[0]!.contents;
  // process.getBuiltinModule('node:fs') at call time is allowed (it throws a clear error in a browser);
  // an import or require of a built-in is not.
  const imports = Buffer.from(code).toString('utf8').match(/(?:from|import\(|require\()\s*["'][^"']+["']/g) ?? [];
  assert.deepEqual(imports, [], 'the bundle imports nothing');
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`browser bundle: ${(code.length / 1000).toFixed(1)} kB minified, ${(gzipped / 1000).toFixed(1)} kB gzipped`);
  assert.ok(gzipped < BUDGET, `gzipped ${gzipped} bytes, budget ${BUDGET}`);
});
