// Seed 001's universal approximation picture: towers of two steep sigmoids, summed by hand,
// approximate a 1-D function; then an MLP learns sin(x) on [−π, π] by backpropagation.
// Run: npx tsx examples/universal-approximation.ts
import { pathToFileURL } from 'node:url';
import { sequential, layers, optimizers, towerNetwork, type Sequential } from 'backprop-mlp';

/** n evenly spaced points on [a, b] as rows [[x], ...] and their f values. */
export function grid(f: (x: number) => number, a: number, b: number, n: number): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: n }, (_, i) => [a + ((b - a) * i) / (n - 1)]);
  return { x, y: x.map(([v]) => [f(v!)]) };
}

export function meanSquaredError(model: Sequential, data: { x: number[][]; y: number[][] }): number {
  const p = model.predict(data.x);
  return p.reduce((s, row, i) => s + (row[0]! - data.y[i]![0]!) ** 2, 0) / p.length;
}

/** MSE of N hand-built towers approximating f on [a, b], measured on a fine grid. */
export function towerError(f: (x: number) => number, a: number, b: number, towers: number): number {
  const model = towerNetwork(f, { range: [a, b], towers });
  return meanSquaredError(model, grid(f, a, b, 2001));
}

/** A 1-20-20-1 tanh MLP trained with Adam on 256 points of sin on [−π, π]; returns it and its MSE on a fine grid. */
export async function fitSine(seed = 1): Promise<{ model: Sequential; mse: number }> {
  const train = grid(Math.sin, -Math.PI, Math.PI, 256);
  const model = sequential([
    layers.dense({ units: 20, activation: 'tanh', inputShape: [1] }),
    layers.dense({ units: 20, activation: 'tanh' }),
    layers.dense({ units: 1 }),
  ], { seed });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  await model.fit(train.x, train.y, { epochs: 300, batchSize: 32, verbose: 0 });
  return { model, mse: meanSquaredError(model, grid(Math.sin, -Math.PI, Math.PI, 1001)) };
}

async function main(): Promise<void> {
  const f = (x: number) => Math.sin(x) + 0.3 * Math.cos(3 * x);
  console.log('Towers of steep sigmoids approximating sin(x) + 0.3·cos(3x) on [−π, π] (weights set by hand):');
  for (const n of [5, 10, 25, 50, 100, 200]) console.log(`  ${String(n).padStart(3)} towers (${2 * n} hidden units): MSE ${towerError(f, -Math.PI, Math.PI, n).toExponential(2)}`);
  const t0 = performance.now();
  const { mse } = await fitSine();
  console.log(`MLP 1-20-20-1 tanh trained on sin(x), [−π, π]: MSE ${mse.toExponential(2)} (${(performance.now() - t0).toFixed(0)} ms)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
