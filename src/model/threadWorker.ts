import type * as WorkerThreads from 'node:worker_threads';
import { nodeModule } from '../core/nodeBuiltins.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { setKernelBackend } from '../kernels/backend.js';
import { sequentialFromConfig } from './sequential.js';
import { compileArgsFromConfig } from './session.js';
import { CTRL, CMD_EXIT, ERROR_BYTES, sharedFloats, sliceStart, type ThreadWorkerData } from './threadProtocol.js';

/*
 * A training worker (threads.ts): a replica of the model that, per step, takes the shared
 * parameters, runs forward and backward on its slice of the shared batch and writes its gradient,
 * scaled by its share of the rows, and its share of the loss. One module for both hosts
 * (threadHost.ts): a Node worker gets its data as workerData, a Web Worker as its first message;
 * then it reports ready and blocks in Atomics.wait between steps (allowed in any worker).
 */

const wt = nodeModule<typeof WorkerThreads>('node:worker_threads');
if (wt?.parentPort) {
  const port = wt.parentPort;
  run(wt.workerData as ThreadWorkerData, () => port.postMessage('ready'));
} else {
  const scope = globalThis as unknown as { addEventListener(type: 'message', f: (e: MessageEvent<ThreadWorkerData>) => void, o: { once: true }): void; postMessage(m: string): void };
  scope.addEventListener('message', (e) => run(e.data, () => scope.postMessage('ready')), { once: true });
}

/** Builds the replica, reports ready, then serves steps until told to exit. */
function run(data: ThreadWorkerData, ready: () => void): void {
  const { index, threads, buffers, xCols, yCols } = data;
  setKernelBackend(data.backend);
  const { replica } = data;
  const model = sequentialFromConfig(replica.model);
  model.compile(compileArgsFromConfig(replica.compile));
  model.params().forEach((p, i) => p.value.set(replica.weights[i]!));
  // Dropout masks from a stream of this slice's own, derived deterministically from the model's.
  for (const [i, layer] of model.layers.entries()) {
    const state = replica.dropout[i];
    if (state === undefined) continue;
    const r = new Rng(0);
    r.setState(state);
    for (let i = 0; i < index; i++) r.fork();
    layer.setRngState(r.fork().getState());
  }
  const engine = model.backprop();
  const k = engine.kernels;
  const F = (b: SharedArrayBuffer) => sharedFloats(b, k.dtype);
  const ctrl = new Int32Array(buffers.ctrl);
  const paramsShared = F(buffers.params);
  const grad = F(buffers.grads[index]!);
  const loss = new Float64Array(buffers.loss);
  const xs = F(buffers.x);
  const ys = F(buffers.y);
  const outs = F(buffers.out);
  const params = engine.params;
  const outCols = engine.layers[engine.layers.length - 1]!.outputUnits;
  const maxRows = Math.ceil(xs.length / Math.max(1, xCols) / threads) + 1;
  engine.batchBuffers(maxRows);

  function step(): void {
    const count = Atomics.load(ctrl, CTRL.rows);
    const from = sliceStart(index, threads, count);
    const rows = sliceStart(index + 1, threads, count) - from;
    let o = 0;
    for (const p of params) {
      p.value.set(paramsShared.subarray(o, o + p.size));
      o += p.size;
    }
    if (rows === 0) {
      grad.fill(0);
      loss[index] = 0;
      return;
    }
    const [xb, yb] = engine.batchBuffers(rows);
    xb.data.set(xs.subarray(from * xCols, (from + rows) * xCols));
    yb.data.set(ys.subarray(from * yCols, (from + rows) * yCols));
    const out = engine.forward(new Matrix(rows, xCols, xb.data.subarray(0, rows * xCols)), true);
    const share = rows / count;
    loss[index] = engine.backward(new Matrix(rows, yCols, yb.data.subarray(0, rows * yCols)), false, undefined, false) * share;
    outs.set(out.data.subarray(0, rows * outCols), from * outCols);
    o = 0;
    for (const p of params) {
      if (p.trainable) {
        k.scale(p.grad, p.size, share);
        grad.set(p.grad.subarray(0, p.size), o);
      }
      o += p.size;
    }
  }

  ready();
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CTRL.generation, seen);
    seen = Atomics.load(ctrl, CTRL.generation);
    if (Atomics.load(ctrl, CTRL.command) === CMD_EXIT) break;
    try {
      step();
    } catch (e) {
      const text = new TextEncoder().encode(`thread ${index}: ${e instanceof Error ? e.message : String(e)}`.slice(0, ERROR_BYTES / 4));
      new Uint8Array(buffers.error).set(text.subarray(0, ERROR_BYTES));
      Atomics.store(ctrl, CTRL.failed, 1);
    }
    Atomics.add(ctrl, CTRL.done, 1);
    Atomics.notify(ctrl, CTRL.done);
  }
}
