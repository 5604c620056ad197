// Bundled by threads.test.ts (esbuild, for the browser) beside the library's kernelWorker.js.
// In a dedicated worker it answers {threads} messages with a seeded fit; on a page it offers the
// same as window.fitHere (the main thread, where threads > 1 is refused). Counts the Workers
// the library creates, to show how many training threads a fit really used.
import { seededFit, type FitOutcome } from './fixture.js';

export type Reply = { ok: true; isolated: boolean; workers: number; cores: number; fit: FitOutcome } | { ok: false; isolated: boolean; name: string; message: string };

let created = 0;
const RealWorker = globalThis.Worker as typeof Worker | undefined;
if (RealWorker !== undefined) {
  globalThis.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      created++;
    }
  };
}

async function run(threads: number | 'auto'): Promise<Reply> {
  const before = created;
  const isolated = globalThis.crossOriginIsolated;
  try {
    const fit = await seededFit(threads);
    return { ok: true, isolated, workers: created - before, cores: navigator.hardwareConcurrency, fit };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return { ok: false, isolated, name: error.name, message: error.message };
  }
}

if (typeof document === 'undefined') {
  const scope = globalThis as unknown as { onmessage: (e: MessageEvent<number | 'auto'>) => void; postMessage(r: Reply): void };
  scope.onmessage = (e) => void run(e.data).then((r) => scope.postMessage(r));
} else {
  (window as unknown as { fitHere: typeof run }).fitHere = run;
}
