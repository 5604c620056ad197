import { readFileSync } from 'node:fs';
import { bundledFile, datasets, syntheticSets, writeFileAtomic } from '../../src/index.js';
import { csvField } from '../apply.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { boxTable } from '../evaluation.js';
import { Printer, type Io } from '../io.js';
import { syntheticRecords, type SyntheticOptions } from '../source.js';

/** `backprop datasets`: the bundled real sets and the synthetic generators. */
export function listDatasets(json: boolean, io: Io): number {
  const printer = new Printer(io, json);
  const bundled = datasets.bundledNames.map((name) => {
    const d = datasets.load(name);
    return { name, rows: d.x.length, features: d.featureNames.length, task: d.task, target: d.targetName };
  });
  printer.line('Bundled data sets (real data; see data/README.md for sources and licences):');
  printer.line(boxTable(['name', 'rows', 'features', 'task', 'target'], bundled.map((b) => [b.name, String(b.rows), String(b.features), b.task, b.target])));
  printer.line();
  printer.line('Synthetic data sets (seeded; --samples, --noise and --seed set them):');
  printer.line(boxTable(['name', 'task', 'description'], syntheticSets.map((s) => [s.name, s.task, s.description])));
  printer.line();
  printer.line('Train on one with "backprop train --dataset <name>", or write it out with "backprop datasets export <name> <file.csv>".');
  printer.event({ event: 'datasets', bundled, synthetic: syntheticSets.map((s) => ({ name: s.name, task: s.task, description: s.description })) });
  return EXIT_OK;
}

/** `backprop datasets export <name> <file.csv>`: a bundled file copied, or a synthetic set generated. */
export function exportDataset(name: string, file: string, opts: SyntheticOptions & { json: boolean }, io: Io): number {
  const printer = new Printer(io, opts.json);
  let text: string;
  let rows: number;
  if (datasets.bundledNames.includes(name)) {
    text = readFileSync(bundledFile(name), 'utf8');
    rows = text.split('\n').filter((l) => l.trim() !== '').length - 1;
  } else {
    if (!syntheticSets.some((set) => set.name === name)) {
      throw new UsageError(`unknown data set ${JSON.stringify(name)}`, 'run "backprop datasets" to list them');
    }
    const records = syntheticRecords(name, opts);
    text = `${records.map((r) => r.map(csvField).join(',')).join('\n')}\n`;
    rows = records.length - 1;
  }
  writeFileAtomic(file, new TextEncoder().encode(text));
  printer.line(`Wrote ${rows} rows of ${name} to ${file}`);
  printer.event({ event: 'export', name, file, rows });
  return EXIT_OK;
}
