import { isAbsolute, relative } from 'node:path';
import { bundledFile, datasets, syntheticSet, syntheticSets, tableFromRecords, type Table, type TableArgs } from '../src/index.js';
import { readCsvTable } from './csv.js';
import { UsageError } from './errors.js';

export const DEFAULT_DATASET = 'iris';

export interface SyntheticOptions {
  samples?: number;
  noise?: number;
  seed?: number;
}

/** Where training data comes from, for messages and the report. */
export interface DataSource {
  readonly table: Table;
  /** "data/iris.csv", "iris (bundled)", "moons (synthetic, 200 samples)". */
  readonly label: string;
  /** Set when no data was given and a default was chosen. */
  readonly note: string | undefined;
}

/** Header + rows of a synthetic set as CSV records (numbers written exactly, as JS prints them). */
export function syntheticRecords(name: string, args: SyntheticOptions): string[][] {
  const set = syntheticSet(name);
  const { x, y } = set.generate({
    ...(args.samples !== undefined ? { n: args.samples } : {}),
    ...(args.noise !== undefined ? { noise: args.noise } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
  });
  return [[...set.featureNames, set.targetName], ...x.map((row, i) => [...row.map(String), String(y[i])])];
}

/** A path relative to the working directory when it lies below it, else as is. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Reads the training table: a CSV file, a named bundled or synthetic set, or the default. */
export async function loadSource(file: string | undefined, dataset: string | undefined, tableArgs: TableArgs, synthetic: SyntheticOptions, delimiter?: string): Promise<DataSource> {
  if (file !== undefined && dataset !== undefined) throw new UsageError('give either a data file or --dataset, not both');
  if (file !== undefined) return { table: await readCsvTable(file, tableArgs, undefined, delimiter), label: file, note: undefined };
  const name = dataset ?? DEFAULT_DATASET;
  const note = dataset === undefined ? `No data file given: training on the bundled "${DEFAULT_DATASET}" data set (${shortPath(bundledFile(DEFAULT_DATASET))}).` : undefined;
  if (datasets.bundledNames.includes(name)) {
    return { table: await readCsvTable(bundledFile(name), { ...tableArgs, source: `${name}.csv` }), label: `${name} (bundled)`, note };
  }
  if (!syntheticSets.some((set) => set.name === name)) {
    throw new UsageError(`unknown data set ${JSON.stringify(name)}`, `bundled: ${datasets.bundledNames.join(', ')}; run "backprop datasets" for the synthetic ones`);
  }
  const records = syntheticRecords(name, synthetic);
  const table = tableFromRecords(records, { dtype: 'float32', ...tableArgs, source: name });
  return { table, label: `${name} (synthetic, ${table.rows} samples)`, note };
}
