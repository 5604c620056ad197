#!/usr/bin/env node
// The package's bin. It runs the CLI's bundle, dist/bin/backprop.js (scripts/build-bundles.mjs: one file
// with the library inside, its worker threads bundled beside it), when that build is up to date:
// always in the published package (no TypeScript sources there), and in a clone after
// `npm run build` as long as no source has changed since. Otherwise, in a clone with tsx installed,
// it runs cli/main.ts through tsx (about 100 MB and a second more, but never stale code).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('./main.ts', import.meta.url);
const built = new URL('../dist/bin/backprop.js', import.meta.url);

/** The newest modification time (ms) of the files under `dir`, 0 when it does not exist. */
function newestUnder(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) if (e.isFile()) newest = Math.max(newest, statSync(`${e.parentPath ?? e.path}/${e.name}`).mtimeMs);
  return newest;
}

/** True when dist/ was built after the last change to the sources it is compiled from. */
function buildIsCurrent() {
  if (!existsSync(built)) return false;
  if (!existsSync(source)) return true; // the published package: dist/ is all there is
  const sources = Math.max(newestUnder(fileURLToPath(new URL('../src', import.meta.url))), newestUnder(fileURLToPath(new URL('.', import.meta.url))));
  return statSync(built).mtimeMs >= sources;
}

let useSource = !buildIsCurrent() && existsSync(source);
if (useSource) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    // The library's worker threads load the sources as well: they need the same loader.
    process.env.BACKPROP_THREAD_PRELOAD ??= new URL('./tsxThreadPreload.mjs', import.meta.url).href;
  } catch {
    useSource = false;
    if (existsSync(built)) process.stderr.write('backprop: warning: dist/ is older than the sources and tsx is not installed; running the old build (npm run build updates it)\n');
  }
}
if (!useSource && !existsSync(built)) {
  process.stderr.write('backprop: dist/bin/backprop.js is missing; run "npm run build" first\n');
  process.exit(1);
}
if (!useSource && process.argv.includes('--debug')) {
  // --debug prints stack traces: map the bundles' lines to the .ts sources (their .map files), in
  // the worker threads too (imported before a worker's module, see src/kernels/pool/workerStart.ts).
  // Not always: reading the maps costs start-up time on every run.
  process.setSourceMapsEnabled(true);
  process.env.BACKPROP_THREAD_PRELOAD ??= 'data:text/javascript,process.setSourceMapsEnabled(true)';
}
await import((useSource ? source : built).href);
