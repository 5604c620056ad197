// The seed-003 moons experiment: logistic regression vs a 2-4-2-1 tanh network.
import { sequential, layers, optimizers, datasets } from 'backprop-mlp';

const train = datasets.moons({ n: 1000, noise: 0.1, seed: 1 });
const test = datasets.moons({ n: 500, noise: 0.1, seed: 2 });

async function run(name: string, hidden: number[]) {
  const model = sequential(
    [
      ...hidden.map((units, i) => layers.dense({ units, activation: 'tanh', ...(i === 0 ? { inputShape: [2] } : {}) })),
      layers.dense({ units: 1, activation: 'sigmoid', ...(hidden.length === 0 ? { inputShape: [2] } : {}) }),
    ],
    { seed: 42 },
  );
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const t0 = performance.now();
  await model.fit(train.x, train.y, { epochs: 200, batchSize: 32, verbose: 0 });
  const ms = performance.now() - t0;
  const { accuracy } = model.evaluate(test.x, test.y);
  console.log(`${name.padEnd(34)} test accuracy ${(100 * accuracy!).toFixed(1)}%  (${ms.toFixed(0)} ms)`);
}

console.log('Two moons, 1000 training and 500 test samples (noise 0.1)');
await run('logistic regression (2-1)', []);
await run('MLP 2-4-2-1, tanh', [4, 2]);
