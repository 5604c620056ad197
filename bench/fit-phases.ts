// Where a one-epoch W2 fit (60,000 × 784, batch 128, Adam) spends its wall time with 1 and 2
// kernel threads: before the first step, the steps, after the last step.
//   npx tsx bench/fit-phases.ts [--threads 1,2] [--rounds 3]
import './sources.js';
import { parseArgs } from 'node:util';
import { Matrix, layers, optimizers, sequential } from '../src/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: '1,2' } } });
const rows = 60000;
let s = 12345;
const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
const x = new Matrix(rows, 784, Float32Array.from({ length: rows * 784 }, () => (rand() < 0.8 ? 0 : rand())));
const y = new Matrix(rows, 1, Float32Array.from({ length: rows }, () => Math.floor(rand() * 10)));

for (let round = 0; round < Number(values.rounds); round++) {
  for (const threads of values.threads.split(',').map(Number)) {
    const model = sequential([
      layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
      layers.dense({ units: 128, activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ], { seed: 1 });
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.001 }), loss: 'sparseCategoricalCrossentropy' });
    const marks: Record<string, number> = {};
    let batches = 0;
    const t0 = performance.now();
    const mark = (name: string) => { marks[name] ??= performance.now() - t0; };
    await model.fit(x, y, {
      epochs: 1, batchSize: 128, shuffle: true, verbose: 0, threads,
      callbacks: [{
        onTrainBegin: () => mark('trainBegin'),
        onEpochBegin: () => mark('epochBegin'),
        onBatchBegin: (b: number) => { if (b === 0) mark('firstBatch'); if (b === 10) mark('batch10'); },
        onBatchEnd: () => { batches++; marks.lastBatchEnd = performance.now() - t0; },
        onEpochEnd: () => mark('epochEnd'),
      }],
    });
    const total = performance.now() - t0;
    const steady = (marks.lastBatchEnd! - marks.batch10!) / (batches - 10);
    console.log(`threads ${threads}: total ${total.toFixed(0)} ms; trainBegin ${marks.trainBegin!.toFixed(0)}, first batch ${marks.firstBatch!.toFixed(0)}, batch 10 ${marks.batch10!.toFixed(0)}, last batch end ${marks.lastBatchEnd!.toFixed(0)}, epoch end ${marks.epochEnd!.toFixed(0)}; steady ${steady.toFixed(3)} ms/step over ${batches} steps`);
  }
}
