// A user's strict TypeScript (ES module): type-checked against the installed package's
// declarations under node16, nodenext and bundler resolution, with skipLibCheck off.
import {
  sequential, layers, optimizers, callbacks, datasets, explain, gradcheck, Matrix, ShapeError,
  type Sequential, type FitArgs, type Logs, type DenseArgs,
} from 'backprop-mlp';

const hidden: DenseArgs = { units: 4, inputShape: [2], activation: 'tanh' };
const model: Sequential = sequential([layers.dense(hidden), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5, momentum: 0.9 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const { x, y } = datasets.xor();
const args: FitArgs = { epochs: 5, verbose: 0, callbacks: [callbacks.earlyStopping({ monitor: 'loss', patience: 3 })] };
const history = await model.fit(x, y, args);
const last: Logs | undefined = history.history.loss === undefined ? undefined : { loss: history.history.loss.at(-1) ?? NaN };
const out: number[][] = model.predict(new Matrix(1, 2, new Float32Array([1, 0])).toArray());
const check = gradcheck(model, x, y);
const step = explain(model, [[1, 0]], [[1]], { learningRate: 0.5 });
export const summary: [number, boolean, number, Logs | undefined, boolean] = [out[0]?.[0] ?? NaN, check.passed, step.layers.length, last, new ShapeError('s') instanceof Error];
