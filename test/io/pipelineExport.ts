// Shared by the ONNX and TF.js pipeline-export tests: small models trained on tables made to hold
// each column kind, and their raw records.
import * as ort from 'onnxruntime-node';
import { modelFromBytes, modelToBytes, prepareTraining, startRun, tableFromRecords, trainingSpec, type LoadedModel, type RawRecord, type TrainingSpecParts } from '../../src/index.js';

/** A model trained for a few epochs on the CSV text's table, as loadModel gives it back. */
export async function trainedOn(text: string, spec: TrainingSpecParts = {}, reading: { naValues?: string[] } = {}): Promise<LoadedModel> {
  const records = text.trim().split('\n').map((l) => l.split(','));
  const table = tableFromRecords(records, { source: 't.csv', ...reading });
  const p = prepareTraining(trainingSpec({ architecture: { hidden: [5] }, ...spec, fit: { epochs: 3, seed: 4, ...spec.fit } }), table);
  await startRun(p).finish();
  return modelFromBytes(modelToBytes(p.network.model, { preprocessing: p.preprocessing }));
}

/** Raw records as ONNX Runtime feeds: float32 [N, 1] per numeric column (NaN missing), string [N, 1] otherwise ("" missing). */
export function onnxFeeds(loaded: LoadedModel, records: readonly RawRecord[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const c of loaded.preprocessing.schema!.inputs) {
    const values = records.map((r) => r[c.name]);
    if (c.kind === 'numeric') feeds[c.name] = new ort.Tensor('float32', Float32Array.from(values, (v) => (v === null || v === undefined || v === '' ? NaN : Number(v))), [records.length, 1]);
    else feeds[c.name] = new ort.Tensor('string', values.map((v) => (v === null || v === undefined ? '' : String(v))), [records.length, 1]);
  }
  return feeds;
}

/** ONNX Runtime's output rows for the records. */
export async function runOnnx(bytes: Uint8Array, loaded: LoadedModel, records: readonly RawRecord[]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(bytes);
  const out = (await session.run(onnxFeeds(loaded, records)))[session.outputNames[0]!]!;
  const k = out.dims[1]!;
  const data = Array.from(out.data as Float32Array);
  return records.map((_, i) => data.slice(i * k, (i + 1) * k));
}

/** What `predict` gives as output rows: probabilities of the network's units, or regression values. */
export function predictedOutputs(loaded: LoadedModel, records: readonly RawRecord[]): number[][] {
  const p = loaded.predict(records);
  if (p.probabilities !== undefined) return p.probabilities.map((r) => (loaded.network.outputUnits === 1 ? [r[1]!] : [...r]));
  return (p.values as (number | readonly number[])[]).map((v) => (typeof v === 'number' ? [v] : [...v]));
}

/** Largest |a − b| over all entries (NaN counts as infinitely far). */
export function largestDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => {
    const d = Math.abs(v - b[i]![j]!);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }));
  return worst;
}

/** A table where 'None' is a real category (all class b) and 'NA' is missing, read with naValues ['', 'NA']. */
export const noneIsACategory = {
  text: csvText('x,kind,label', 120, (i) => {
    const kind = ['None', 'wood', 'wood', 'NA'][i % 4]!;
    return `${(i % 7) / 7},${kind},${kind === 'None' ? 'b' : 'a'}`;
  }),
  reading: { naValues: ['', 'NA'] },
  records: [{ x: 0.5, kind: 'None' }, { x: 0.5, kind: 'wood' }, { x: 0.5, kind: 'NA' }, { x: 0.5, kind: 'none' }],
};

/** Rows of CSV text: `n` rows from a row maker, with a header. */
export function csvText(header: string, n: number, row: (i: number) => string): string {
  return [header, ...Array.from({ length: n }, (_, i) => row(i))].join('\n');
}
