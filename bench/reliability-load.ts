// Load time of model files at the loader's caps (RELIABILITY R11, L4): a valid model of 10,000
// layers with Adam slots, and one with a 10 MB JSON header. Run: npx tsx bench/reliability-load.ts
// [layers...]. Prints one line per case; the figures go into the README, never into a timed test.
import './sources.js';
import { layers, modelFromBytes, modelToBytes, sequential, type Layer } from '../src/index.js';

async function deepModel(n: number): Promise<Uint8Array> {
  const list: Layer[] = [layers.dense({ units: 1, inputShape: [1] })];
  for (let i = 1; i < n; i++) list.push(layers.dense({ units: 1 }));
  const m = sequential(list);
  m.compile({ loss: 'mse', optimizer: 'adam' });
  await m.trainOnBatch([[0.1]], [[0.2]]);
  return modelToBytes(m);
}

/** A model whose header is about `mb` MB of JSON: many classes with long names. */
async function bigHeaderModel(mb: number): Promise<Uint8Array> {
  const m = sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [1] })]);
  m.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd' });
  await m.trainOnBatch([[0]], [[1, 0]]);
  // Metadata of ~mb MB in short numbers: the shape of a big header (4.9 M values in 10 MB).
  const values = Math.round((mb * 1e6) / 2.05);
  return modelToBytes(m, { metadata: { values: Array.from({ length: values }, (_, i) => i % 10) } });
}

/** Best of `reps` loads in CPU milliseconds of this process (the machines are shared; wall time is noise). */
function time(bytes: Uint8Array, reps = 3): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.cpuUsage();
    modelFromBytes(bytes, { limits: { maxHeaderBytes: 64 << 20 } });
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1000);
  }
  return best;
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes : [2500, 5000, 10000]) {
  const bytes = await deepModel(n);
  console.log(`${n} layers (Adam slots), ${(bytes.length / 1e6).toFixed(2)} MB file: load ${time(bytes).toFixed(0)} ms CPU`);
}
const header = await bigHeaderModel(10);
console.log(`10 MB header (${(header.length / 1e6).toFixed(1)} MB file): load ${time(header).toFixed(0)} ms CPU`);
