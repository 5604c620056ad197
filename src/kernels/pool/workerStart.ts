import type * as WorkerThreads from 'node:worker_threads';

/*
 * Starting a Node worker on one of the library's modules. From the compiled package the module
 * is a .js file Node loads itself. From the TypeScript sources (tests, benchmarks, `npx tsx
 * script.ts`) it is a .ts file, and Node 20 does not carry the caller's loader hooks into workers:
 * the worker first imports BACKPROP_THREAD_PRELOAD when set (a module that registers a loader), or
 * else registers tsx, the loader the sources are run with (resolved from this module, where a
 * checkout of the sources has it). The compiled library never takes that branch.
 */

/** Where the worker module `name` (e.g. 'kernelWorker') beside `here` (an import.meta.url) is: .ts from the sources, else .js. */
export function workerEntry(here: string, name: string): URL {
  return new URL(here.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, here);
}

/** tsx's register() module, resolved from the sources, or undefined (the compiled library, or no tsx). */
function tsxApi(): string | undefined {
  try {
    const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
    return typeof resolve === 'function' ? resolve('tsx/esm/api') : undefined;
  } catch {
    return undefined;
  }
}

/** A worker on `entry`, with a loader registered first when `entry` is TypeScript. */
export function startWorker(wt: typeof WorkerThreads, entry: URL, options: WorkerThreads.WorkerOptions): WorkerThreads.Worker {
  const preload = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.BACKPROP_THREAD_PRELOAD;
  const target = JSON.stringify(entry.href);
  if (preload !== undefined && preload !== '') {
    return new wt.Worker(`import(${JSON.stringify(preload)}).then(() => import(${target}));`, { eval: true, ...options });
  }
  const api = entry.pathname.endsWith('.ts') ? tsxApi() : undefined;
  if (api !== undefined) {
    return new wt.Worker(`import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${target}));`, { eval: true, ...options });
  }
  return new wt.Worker(entry, options);
}
