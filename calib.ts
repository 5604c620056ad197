import { Matrix } from './src/index.js';
import { buildModel, encodeY, accuracyOf } from './playground/src/model.js';
import { makeData } from './playground/src/data.js';
import { defaultConfig, type PlaygroundConfig } from './playground/src/state.js';
import { expandFeatures, effectiveFeatures } from './playground/src/features.js';
async function run(name: string, change: Partial<PlaygroundConfig>, epochs: number) {
  const c = { ...defaultConfig(), ...change };
  const data = makeData(c);
  const { model } = buildModel(c, data);
  const f = effectiveFeatures(data.inputDim, c.features);
  const X = Matrix.fromArray(expandFeatures(data.trainX, f)), Y = Matrix.fromArray(encodeY(data.trainY, data));
  const TX = Matrix.fromArray(expandFeatures(data.testX, f)), TY = Matrix.fromArray(encodeY(data.testY, data));
  const line = (e: number) => {
    const tl = model.evaluate(X, Y).loss!, vl = model.evaluate(TX, TY).loss!;
    const ta = accuracyOf(model.predictMatrix(X).data, model.outputUnits, data.trainY), va = accuracyOf(model.predictMatrix(TX).data, model.outputUnits, data.testY);
    return `e${e} loss ${tl.toFixed(4)}/${vl.toFixed(4)} acc ${ta.toFixed(3)}/${va.toFixed(3)}`;
  };
  const out = [line(0)];
  const t0 = performance.now();
  for (let e = 1; e <= epochs; e++) {
    try { await model.fit(X, Y, { epochs: 1, batchSize: c.batchSize, verbose: 0 }); } catch (err) { out.push(`e${e} ${(err as Error).message.slice(0, 80)}`); break; }
    if ([10, 25, 50, 100, 200, 300, 500].includes(e)) out.push(line(e));
  }
  console.log(name, (performance.now() - t0).toFixed(0) + 'ms', out.join(' | '));
}
const which = process.argv[2] ?? '';
const L: Record<string, [Partial<PlaygroundConfig>, number][]> = {
  sat: [[{ dataset: 'circles', hidden: [8, 8], activations: ['sigmoid'], initScale: 10, optimizer: 'sgd', learningRate: 0.1, loss: 'sse' }, 100],
        [{ dataset: 'circles', hidden: [8, 8], activations: ['sigmoid'], initScale: 1, optimizer: 'sgd', learningRate: 0.1, loss: 'sse' }, 100],
        [{ dataset: 'xor', hidden: [8], activations: ['sigmoid'], initScale: 10, optimizer: 'sgd', learningRate: 0.1, loss: 'sse' }, 100],
        [{ dataset: 'xor', hidden: [8], activations: ['sigmoid'], initScale: 1, optimizer: 'sgd', learningRate: 0.1, loss: 'sse' }, 100]],
};
for (const [k, list] of Object.entries(L)) if (!which || which === k) for (const [c, e] of list) await run(k, c, e);
