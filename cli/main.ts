#!/usr/bin/env node
// The `backprop` command. Everything happens in run(); this file only connects it to the process.
import { handleClosedPipes } from './closedPipe.js';
import { run } from './program.js';

// Run from its TypeScript sources (`npx tsx cli/main.ts`), the CLI names tsx for its worker threads, as cli/backprop.mjs does.
if (import.meta.url.endsWith('.ts')) process.env.BACKPROP_THREAD_PRELOAD ??= new URL('./tsxThreadPreload.mjs', import.meta.url).href;
handleClosedPipes(process.stdout, process.stderr);
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
