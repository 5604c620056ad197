// Where a one-epoch W2 fit (60,000 × 784, batch 128, Adam) spends its wall time with 1 and 2
// kernel threads: before the first step, the steps, after the last step.
//   npx tsx bench/fit-phases.ts [--threads 1,2] [--rounds 3]
import './sources.js';
import { parseArgs } from 'node:util';
import { buildW2, w2Data } from './w2.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, threads: { type: 'string', default: '1,2' } } });
const { x, y, source } = w2Data(60000);
console.log(`W2 data: ${source}`);

for (let round = 0; round < Number(values.rounds); round++) {
  for (const threads of values.threads.split(',').map(Number)) {
    const model = buildW2();
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
