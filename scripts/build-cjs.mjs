// The CommonJS face of the library, for `require('backprop-mlp')`: one esbuild bundle of
// src/index.ts at dist/cjs/index.cjs, and the ES declarations copied beside it as .d.cts (their
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
  // The one use of import.meta (finding the bundled data/ folder) becomes this file's URL.
  define: { 'import.meta.url': '__backpropModuleUrl' },
  banner: { js: 'const __backpropModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
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
