import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import { BackpropError } from '../core/errors.js';
import { nodeModule } from '../core/nodeBuiltins.js';
import type { ThreadWorkerData } from './threadProtocol.js';

/*
 * Where fit's training threads run: Node's worker_threads, or Web Workers on a cross-origin
 * isolated page (SharedArrayBuffer exists only there). threads.ts sees only ThreadHost; the worker
 * is one module for both (threadWorker.ts), started with its data as workerData in Node and as its
 * first message on the web. Node modules are fetched at call time (nodeModule) so that a browser
 * bundle of the library holds no node: import.
 */

/** A training worker that has reported ready. */
export interface ThreadHandle {
  terminate(): Promise<void>;
}

export interface ThreadHost {
  readonly kind: 'node' | 'web';
  /** Cores this process may use. */
  readonly cores: number;
  /**
   * Starts a worker with its data and resolves once it reports ready (a BackpropError if it
   * cannot start). Errors it raises later go to `onError`.
   */
  spawn(data: ThreadWorkerData, onError: (message: string) => void): Promise<ThreadHandle>;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The threads' host here, or why there is none (completes "threads > 1 is not available here: …"). */
export function threadHost(): ThreadHost | string {
  const wt = nodeModule<typeof WorkerThreads>('node:worker_threads');
  if (wt !== undefined) return nodeHost(wt);
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated === undefined) return 'it needs Node.js worker threads (>= 20.16) or a browser';
  if (g.crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated (crossOriginIsolated is false), so it has no SharedArrayBuffer; ' +
      'serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';
  }
  if (typeof Worker !== 'function' || typeof SharedArrayBuffer !== 'function') return 'this browser context has no Worker or SharedArrayBuffer';
  // Each step waits for the workers with Atomics.wait, which a page's main thread may not do.
  if (!canBlock()) return "a page's main thread may not block on Atomics.wait; call fit in a Web Worker";
  return webHost(Math.max(1, g.navigator?.hardwareConcurrency ?? 1));
}

/** Whether this thread may block in Atomics.wait (not a browser page's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

function nodeHost(wt: typeof WorkerThreads): ThreadHost {
  const os = nodeModule<typeof Os>('node:os');
  return {
    kind: 'node',
    cores: Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1),
    spawn(data, onError) {
      // From TypeScript sources (the tests) the worker is a .ts file too; whoever runs them names a
      // module in BACKPROP_THREAD_PRELOAD that lets a worker load them (Node 20 does not carry loader
      // hooks into workers). The library itself knows no loader.
      const here = import.meta.url;
      const entry = new URL(here.endsWith('.ts') ? './threadWorker.ts' : './threadWorker.js', here);
      const preload = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.BACKPROP_THREAD_PRELOAD;
      const worker = preload
        ? new wt.Worker(`import(${JSON.stringify(preload)}).then(() => import(${JSON.stringify(entry.href)}));`, { eval: true, workerData: data })
        : new wt.Worker(entry, { workerData: data });
      const handle: ThreadHandle = { terminate: async () => void (await worker.terminate()) };
      worker.on('error', (e) => onError(`thread ${data.index}: ${messageOf(e)}`));
      return new Promise<ThreadHandle>((resolve, reject) => {
        worker.once('message', () => {
          worker.removeAllListeners('exit');
          resolve(handle);
        });
        worker.once('error', (e) => reject(new BackpropError(`fit: training thread ${data.index} failed to start: ${messageOf(e)}`)));
        worker.once('exit', (code) => reject(new BackpropError(`fit: training thread ${data.index} exited (code ${code}) before it was ready`)));
      }).catch(async (e: unknown) => {
        await handle.terminate();
        throw e;
      });
    },
  };
}

function webHost(cores: number): ThreadHost {
  return {
    kind: 'web',
    cores,
    spawn(data, onError) {
      // The pattern bundlers (Vite, webpack 5, Parcel) recognise and emit the worker for; unbundled
      // ESM finds threadWorker.js beside this module.
      const worker = new Worker(new URL('./threadWorker.js', import.meta.url), { type: 'module' });
      const handle: ThreadHandle = { terminate: async () => worker.terminate() };
      return new Promise<ThreadHandle>((resolve, reject) => {
        const failed = (e: Event) => {
          worker.terminate();
          const why = e instanceof ErrorEvent && e.message !== '' ? e.message : 'its script did not load (a bundler must emit threadWorker.js, the library\'s new URL(\'./threadWorker.js\', import.meta.url))';
          reject(new BackpropError(`fit: training thread ${data.index} failed to start: ${why}`));
        };
        worker.addEventListener('error', failed, { once: true });
        worker.addEventListener('message', () => {
          worker.removeEventListener('error', failed);
          worker.addEventListener('error', (e) => onError(`thread ${data.index}: ${e.message}`));
          resolve(handle);
        }, { once: true });
        worker.postMessage(data);
      });
    },
  };
}
