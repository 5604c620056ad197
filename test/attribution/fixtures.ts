// Tables and models whose explanations are known, for the attribution tests.
import { Rng, sequential, layers, optimizers, tableFromRecords, fitPipeline, pipelineInputs, type Table, type ModelWithPipeline, type Sequential, type Task, type TableArgs } from '../../src/index.js';

/** A table from rows of cells (header first), read as the CLI reads a CSV. */
export function tableOf(header: readonly string[], rows: readonly (readonly (string | number)[])[], args: TableArgs = {}): Table {
  return tableFromRecords([header, ...rows.map((r) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? '' : String(v))))], { source: 'test.csv', ...args });
}

/** The pipeline fitted on every row of the table (medians, modes, the scaler), with a model on top. */
export function withPipeline(table: Table, model: Sequential, task: Task, scale: 'standard' | 'none' = 'standard'): ModelWithPipeline & { inputs: ReturnType<typeof pipelineInputs> } {
  const rows = Array.from({ length: table.rows }, (_, i) => i);
  const { preprocessing } = fitPipeline(table, rows, { scale, indicator: false }, task);
  return { network: model, preprocessing, inputs: pipelineInputs(preprocessing, table) };
}

/**
 * Two columns carry the signal, four are noise: y = [a + shift(colour) > 0] where colour is red
 * (−1), green (0) or blue (+1); b, c, d are standard normal noise and shade is a category drawn
 * independently of y.
 */
export function twoSignalTable(rows: number, seed: number): Table {
  const rng = new Rng(seed);
  const colours = ['red', 'green', 'blue'];
  const shades = ['light', 'dark'];
  const out: (string | number)[][] = [];
  for (let i = 0; i < rows; i++) {
    const a = rng.normal();
    const ci = rng.int(3);
    const cells = [a, colours[ci]!, rng.normal(), rng.normal(), rng.normal(), shades[rng.int(2)]!];
    out.push([...cells, a + (ci - 1) > 0 ? 'yes' : 'no']);
  }
  return tableOf(['a', 'colour', 'b', 'c', 'd', 'shade', 'y'], out);
}

/** An MLP trained on the table's pipeline inputs (seeded, Adam). */
export async function trainedModel(table: Table, task: Task, hidden: readonly number[], epochs: number): Promise<ModelWithPipeline> {
  const rows = Array.from({ length: table.rows }, (_, i) => i);
  const { preprocessing, trainInputs } = fitPipeline(table, rows, { scale: 'standard', indicator: false }, task);
  const y = table.y!;
  const classes = y.kind === 'classes' ? y.classes.length : 0;
  const units = task === 'regression' ? 1 : classes === 2 ? 1 : classes;
  const model = sequential([
    ...hidden.map((u, i) => layers.dense({ units: u, activation: 'tanh', ...(i === 0 ? { inputShape: [trainInputs.cols] } : {}) })),
    layers.dense({ units, activation: task === 'regression' ? 'linear' : units === 1 ? 'sigmoid' : 'softmax' }),
  ], { seed: 3 });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: task === 'regression' ? 'mse' : units === 1 ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy' });
  const targets = y.kind === 'classes' ? Array.from(y.codes, (c) => y.classes[c]!) : Array.from(y.values.data, (v) => [(v - preprocessing.targetScaler!.offset[0]!) / preprocessing.targetScaler!.scale[0]!]);
  await model.fit(trainInputs, targets, { epochs, batchSize: 32, verbose: 0, seed: 5 });
  return { network: model, preprocessing };
}
