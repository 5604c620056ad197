import type * as WorkerThreads from 'node:worker_threads';
import { BackpropError } from '../../core/errors.js';

/*
 * Starting a Node worker on one of the library's modules. From the compiled package the module
 * is a .js file Node loads itself. From the TypeScript sources (tests, benchmarks, the CLI in a
 * clone) it is a .ts file, which a Node 20 worker loads only through a loader registered in it:
 * the worker first imports the module named by BACKPROP_THREAD_PRELOAD, which the runner of the
 * sources sets (scripts/run-tests.mjs, cli/backprop.mjs, bench/sources.ts). The library itself
 * knows no loader.
 */

/** Where the worker module `name` (e.g. 'kernelWorker') beside `here` (an import.meta.url) is: .ts from the sources, else .js. */
export function workerEntry(here: string, name: string): URL {
  return new URL(here.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, here);
}

/** A worker on `entry`, with BACKPROP_THREAD_PRELOAD imported first when set; a .ts entry without it is an error naming the variable. */
export function startWorker(wt: typeof WorkerThreads, entry: URL, options: WorkerThreads.WorkerOptions): WorkerThreads.Worker {
  const preload = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.BACKPROP_THREAD_PRELOAD;
  const target = JSON.stringify(entry.href);
  if (preload !== undefined && preload !== '') {
    return new wt.Worker(`import(${JSON.stringify(preload)}).then(() => import(${target}));`, { eval: true, ...options });
  }
  if (entry.pathname.endsWith('.ts')) {
    throw new BackpropError(`the worker module ${entry.pathname.split('/').pop()} is TypeScript (the library run from its sources): a worker loads it only through a loader; set BACKPROP_THREAD_PRELOAD to a module that registers one (the repository's cli/tsxThreadPreload.mjs registers tsx)`);
  }
  return new wt.Worker(entry, options);
}
