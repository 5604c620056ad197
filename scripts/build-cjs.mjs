// The CommonJS face of the library, for `require('backprop-mlp')`: one esbuild bundle of
// src/index.ts at dist/cjs/index.cjs (and its kernel-thread worker beside it), and the ES declarations copied beside it as .d.cts (their
// relative imports renamed .js → .cjs), so TypeScript reads them as CommonJS under node16/nodenext.
// Run after tsc has written dist/src (npm run build does both).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const esmDir = join(root, 'dist', 'src');
const cjsDir = join(root, 'dist', 'cjs');
rmSync(cjsDir, { recursive: true, force: true });

await build({
  entryPoints: [join(root, 'src', 'index.ts')],
  outfile: join(cjsDir, 'index.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import.meta.url (finding the bundled data/ folder, the kernel-thread worker) becomes this file's URL.
  // import.meta.resolve is not used by the library (a thread preload comes from BACKPROP_THREAD_PRELOAD).
  define: { 'import.meta.url': '__backpropModuleUrl', 'import.meta.resolve': 'undefined' },
  banner: { js: 'const __backpropModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
});

// The kernel threads start src/kernels/pool/kernelWorker.ts as new URL('./kernelWorker.js', import.meta.url):
// from index.cjs that is this folder, so the worker is bundled here (an ES module: the package is "type": "module").
// crossValidate's fold workers likewise (new URL('./foldWorker.js', import.meta.url)).
await build({
  entryPoints: [join(root, 'src', 'training', 'foldWorker.ts')],
  outfile: join(cjsDir, 'foldWorker.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
});

await build({
  entryPoints: [join(root, 'src', 'kernels', 'pool', 'kernelWorker.ts')],
  outfile: join(cjsDir, 'kernelWorker.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
});

function declarations(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return declarations(path);
    return name.endsWith('.d.ts') ? [path] : [];
  });
}

for (const file of declarations(esmDir)) {
  const target = join(cjsDir, relative(esmDir, file)).replace(/\.d\.ts$/, '.d.cts');
  const text = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
