// Where W2 inference (784-256-128-10, predictMatrix on 10,000 rows in batches of 1,000, as the
// peers' w2 infer is timed) spends its time with 1 and with 2 kernel threads: every kernel call
// of the model is timed by name and shape on the calling thread. Threads run in interleaved rounds;
// medians are printed, with the load average.
//
//   npx tsx bench/infer-profile.ts [--rounds 7] [--threads 1,2]
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { Matrix, layers, optimizers, sequential } from '../src/index.js';
import type { Kernels } from '../src/kernels/kernels.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, threads: { type: 'string', default: '1,2' }, batch: { type: 'string', default: '1000' } } });
const rounds = Number(values.rounds);
const counts = values.threads.split(',').map(Number);
const batch = Number(values.batch);
const rows = 10_000;

let s = 12345;
const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
const x = new Matrix(rows, 784, Float32Array.from({ length: rows * 784 }, () => (rand() < 0.5 ? 0 : rand())));

const times = new Map<string, number>();
let wrapping = false;
function instrument(k: Kernels): void {
  const target = k as unknown as Record<string, unknown>;
  for (const name of ['gemmNN', 'addRowVector', 'activationForward', 'copyRows', 'gatherRows', 'allFinite']) {
    const f = target[name] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof f !== 'function') continue;
    target[name] = (...a: unknown[]) => {
      if (!wrapping) return f.apply(k, a);
      const t = performance.now();
      const r = f.apply(k, a);
      const dt = performance.now() - t;
      const shape = name === 'gemmNN' ? ` ${String(a[3])}×${String(a[4])}×${String(a[5])}` : name.startsWith('activation') ? ` ${String(a[0])}` : '';
      times.set(name + shape, (times.get(name + shape) ?? 0) + dt);
      return r;
    };
  }
}

function build() {
  const model = sequential([
    layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], { seed: 1 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const load = () => execFileSync('uptime', { encoding: 'utf8' }).replace(/.*load average:\s*/, '').trim();
const models = new Map(counts.map((t) => [t, build()]));
for (const [t, m] of models) {
  instrument(m.backprop().kernels);
  // A short fit starts the pool and attaches the model; two predicts warm up.
  await m.fit(new Matrix(256, 784, x.data.subarray(0, 256 * 784)), new Matrix(256, 1, new Float32Array(256)), { epochs: 1, batchSize: 128, verbose: 0, threads: t });
  for (let i = 0; i < 2; i++) m.predictMatrix(x, { batchSize: batch, threads: t });
}
wrapping = true;
const perCall = new Map<number, Map<string, number[]>>(counts.map((t) => [t, new Map()]));
const total = new Map<number, number[]>(counts.map((t) => [t, []]));
const loads = [load()];
for (let r = 0; r < rounds; r++) {
  for (const [t, m] of models) {
    times.clear();
    const t0 = performance.now();
    m.predictMatrix(x, { batchSize: batch, threads: t });
    total.get(t)!.push(performance.now() - t0);
    for (const [key, v] of times) perCall.get(t)!.set(key, [...(perCall.get(t)!.get(key) ?? []), v]);
  }
}
loads.push(load());
console.log(`W2 inference profile (ms per ${rows.toLocaleString('en-US')} rows in batches of ${batch}, median of ${rounds} rounds); load average ${loads.join(' → ')}`);
const keys = [...new Set(counts.flatMap((t) => [...perCall.get(t)!.keys()]))].sort((a, b) => median(perCall.get(counts[0]!)?.get(b) ?? [0]) - median(perCall.get(counts[0]!)?.get(a) ?? [0]));
for (const key of keys) {
  const v = counts.map((t) => median(perCall.get(t)!.get(key) ?? [0]));
  console.log([key.padEnd(36), ...v.map((x) => x.toFixed(3).padStart(9)), counts.length > 1 ? `  ${(v[0]! / v[v.length - 1]!).toFixed(2)}×` : ''].join(''));
}
const tot = counts.map((t) => median(total.get(t)!));
console.log(['whole predict'.padEnd(36), ...tot.map((v) => v.toFixed(3).padStart(9)), counts.length > 1 ? `  ${(tot[0]! / tot[tot.length - 1]!).toFixed(2)}×` : ''].join(''));
console.log(`samples/s: ${counts.map((t, i) => `${t}t ${Math.round((rows / tot[i]!) * 1000)}`).join(', ')}`);
