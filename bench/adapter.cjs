'use strict';
// backprop as a peer in ../shared/bench/peers/run.js (same adapter shape as the others there).
// Loads the built library (npm run build) so the measurement is of what users import.
const path = require('path');
const { pathToFileURL } = require('url');

let lib;
// BACKPROP_THREADS: the `threads` of fit and predict (default 1, to compare with one-thread peers).
const threads = Number(process.env.BACKPROP_THREADS || 1);

module.exports = {
  peer: 'backprop',
  async init({ spec } = {}) {
    lib = await import(pathToFileURL(path.join(__dirname, '..', 'dist', 'src', 'index.js')).href);
    // BACKPROP_BACKEND (typescript | wasm) overrides the default, the fastest available.
    // The description says which build runs (plain or relaxed SIMD).
    const kernels = lib.kernelBackend().open('float32');
    // Steady state: the kernel threads start here, before any timing, and their start-up is
    // reported on its own; only where the workload's products are cut (not W1's or batch-1 W3's).
    let threadStartMs = null;
    if (threads > 1 && spec) {
      const probe = await module.exports.build(spec, 1);
      const probeKernels = probe.backprop().kernels;
      if (lib.describeThreads(probe, spec.batchSize, threads).threads > 1 && typeof probeKernels.useThreads === 'function') {
        const t0 = performance.now();
        await probeKernels.useThreads(threads);
        threadStartMs = +(performance.now() - t0).toFixed(1);
      }
    }
    return { version: require('../package.json').version, backend: kernels.description, threads, threadStartMs, dtype: 'float32' };
  },
  prepare(data, spec) {
    const x = new lib.Matrix(data.n, data.d, data.x);
    const k = spec.sizes[spec.sizes.length - 1];
    // Sparse labels for softmax outputs; a 0/1 column for the sigmoid output.
    const y = new lib.Matrix(data.n, 1, Float32Array.from(data.y));
    return { x, y, k };
  },
  async build(spec, seed) {
    const { sequential, layers, optimizers } = lib;
    const sizes = spec.sizes;
    const model = sequential([], { seed });
    for (let i = 1; i < sizes.length; i++) {
      const last = i === sizes.length - 1;
      model.add(layers.dense({
        units: sizes[i],
        activation: last ? spec.output : spec.hidden,
        ...(i === 1 ? { inputShape: [sizes[0]] } : {}),
      }));
    }
    const opt = spec.optimizer.name === 'adam' ? optimizers.adam({ learningRate: spec.optimizer.lr }) : optimizers.sgd({ learningRate: spec.optimizer.lr });
    model.compile({ optimizer: opt, loss: spec.loss === 'bce' ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy' });
    return model;
  },
  async train(model, prepared, spec) {
    await model.fit(prepared.x, prepared.y, { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: true, verbose: 0, threads });
  },
  async predict(model, x, n, d, batch) {
    const out = model.predictMatrix(new lib.Matrix(n, d, x), { batchSize: batch, threads });
    const labels = new Uint8Array(n);
    const k = out.cols;
    for (let i = 0; i < n; i++) {
      if (k === 1) { labels[i] = out.data[i] >= 0.5 ? 1 : 0; continue; }
      let best = 0;
      for (let j = 1; j < k; j++) if (out.data[i * k + j] > out.data[i * k + best]) best = j;
      labels[i] = best;
    }
    return labels;
  },
  notes() {
    return `${lib.kernelBackend().open('float32').description} kernels, float32, ${threads} thread(s); the fit loop includes input validation, seeded shuffling and the per-step NaN/overflow checks`;
  },
};
