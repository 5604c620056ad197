// Imported first by every benchmark entry: run from the TypeScript sources, the library's worker
// threads (kernel threads, search and cross-validation jobs) load .ts modules through tsx, which
// this names for them (src/kernels/pool/workerStart.ts).
process.env.BACKPROP_THREAD_PRELOAD ??= new URL('../cli/tsxThreadPreload.mjs', import.meta.url).href;
