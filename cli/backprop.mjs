#!/usr/bin/env node
// The package's bin. In a clone (TypeScript sources present, tsx installed) it runs cli/main.ts
// directly, so `npx backprop` works right after `npm install`; in the published package it runs
// the compiled dist/cli/main.js.
import { existsSync } from 'node:fs';

const source = new URL('./main.ts', import.meta.url);
const built = new URL('../dist/cli/main.js', import.meta.url);
let useSource = existsSync(source);
if (useSource) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    useSource = false;
  }
}
if (!useSource && !existsSync(built)) {
  process.stderr.write('backprop: dist/cli/main.js is missing; run "npm run build" first\n');
  process.exit(1);
}
await import((useSource ? source : built).href);
