import { nodeBuiltins, type NodeBuiltins } from '../core/nodeBuiltins.js';
import { InputError } from '../core/errors.js';
import { lookupName } from '../core/names.js';

/** A bundled table: numeric features, the target column as read (numbers or class names). */
export interface BundledDataset {
  readonly name: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly featureNames: string[];
  readonly targetName: string;
  readonly x: number[][];
  readonly y: (number | string)[];
  /** Class labels in sorted order (classification sets only). */
  readonly classes: (number | string)[] | undefined;
}

const SETS = new Map<string, { file: string; task: BundledDataset['task'] }>([
  ['iris', { file: 'iris.csv', task: 'multiclass' }],
  ['wine', { file: 'wine.csv', task: 'multiclass' }],
  ['breast-cancer', { file: 'breast-cancer.csv', task: 'binary' }],
  ['digits', { file: 'digits.csv', task: 'multiclass' }],
  ['pima-indians-diabetes', { file: 'pima-indians-diabetes.csv', task: 'binary' }],
  ['diabetes-progression', { file: 'diabetes-progression.csv', task: 'regression' }],
]);

export const bundledNames: readonly string[] = [...SETS.keys()];

function nodeModules(): NodeBuiltins {
  return nodeBuiltins('loading a bundled data set');
}

/** The package's data/ folder, found from this module whether it runs from src/ or dist/. */
export function dataDirectory(): string {
  const { fs, path, url } = nodeModules();
  const { dirname, join } = path;
  let dir = dirname(url.fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'data');
    if (fs.existsSync(join(candidate, 'iris.csv'))) return candidate;
    dir = dirname(dir);
  }
  throw new InputError('bundled data folder not found next to the backprop-mlp package');
}

/** The CSV file of a bundled set (Node only), for readers that want the raw file. */
export function bundledFile(name: string): string {
  const entry = lookupName('bundled data set', name, SETS);
  return nodeModules().path.join(dataDirectory(), entry.file);
}

/**
 * Loads a bundled set by name (`iris`, `wine`, `breast-cancer`, `digits`,
 * `pima-indians-diabetes`, `diabetes-progression`). Node only. The bundled files are clean
 * (checked by tests), so a plain split suffices here; user CSVs go through the CLI's reader.
 */
export function loadBundled(name: string): BundledDataset {
  const entry = lookupName('bundled data set', name, SETS);
  const { fs, path } = nodeModules();
  const text = fs.readFileSync(path.join(dataDirectory(), entry.file), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  const featureNames = header.slice(0, -1);
  const targetName = header[header.length - 1]!;
  const x: number[][] = [];
  const y: (number | string)[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    x.push(cells.slice(0, -1).map(Number));
    const t = cells[cells.length - 1]!;
    y.push(entry.task === 'regression' || /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t);
  }
  const classes = entry.task === 'regression' ? undefined : [...new Set(y)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1));
  return { name, task: entry.task, featureNames, targetName, x, y, classes };
}
