// The seeded fit that the browser (program.ts, in Chromium) and Node (node-fit.ts) both run, so
// that their weights can be compared bit for bit. Big enough that its products are cut over the
// kernel threads (512×64×256 multiply-adds ≥ 2 × MIN_MACS_PER_PART).
import { sequential, layers, Rng, setKernelBackend, type WeightArray } from '../../src/index.js';

export interface FitOutcome {
  weights: number[];
  loss: number;
  /** The model's backend description, e.g. 'wasm (relaxed SIMD)'. */
  backend: string;
}

export async function seededFit(threads: number | 'auto'): Promise<FitOutcome> {
  setKernelBackend('wasm');
  const rng = new Rng(3);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 1024; i++) {
    const row = Array.from({ length: 64 }, () => rng.normal());
    x.push(row);
    y.push(Math.abs(Math.floor((row[0]! + row[1]! * row[2]!) * 1.5)) % 3);
  }
  const model = sequential([
    layers.dense({ units: 256, activation: 'relu', inputShape: [64] }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { seed: 11 });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const h = await model.fit(x, y, { epochs: 2, batchSize: 512, verbose: 0, threads, seed: 4 });
  const flat = (w: WeightArray[]) => w.flatMap((t) => (Array.isArray(t[0]) ? (t as number[][]).flat() : (t as number[])));
  return { weights: flat(model.getWeights()), loss: h.history.loss!.at(-1)!, backend: model.backend };
}
