// `backprop gradcheck`: backprop's gradients against central differences (SPEC §10, §13).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { datasets, gradcheck, renderGradcheck, InputError, type TargetsLike, type GradcheckResult } from '../../src/index.js';
import { modelFrom, samplesFromJson, type InspectCommandDeps } from './explain.js';
import { integer, positive } from '../options.js';
import { sharedOption } from '../sharedOptions.js';

export interface GradcheckOptions {
  network?: unknown;
  x?: unknown;
  y?: unknown;
  epsilon?: number;
  maxEntries?: number;
  /** Use the first n rows of the data; default 32. */
  rows: number;
  format: 'text' | 'json';
}

export interface GradcheckDeps extends InspectCommandDeps {
  /** Reads a data file the command does not know (CSV), wired by the CLI at merge. */
  loadData?: (path: string, modelPath?: string) => { x: number[][]; y: TargetsLike };
}

const SYNTHETIC = ['moons', 'circles', 'xor', 'blobs', 'spirals'] as const;

/** Data by name (bundled or synthetic), from a JSON file {"x": [...], "y": [...]}, or through deps.loadData. */
export function dataFrom(source: string, deps: GradcheckDeps, modelPath?: string): { x: number[][]; y: TargetsLike } {
  if ((SYNTHETIC as readonly string[]).includes(source)) {
    const d = datasets[source as (typeof SYNTHETIC)[number]]({ n: 200, seed: 0 });
    return { x: d.x, y: d.y };
  }
  if (datasets.bundledNames.includes(source)) {
    const d = datasets.load(source);
    return { x: d.x, y: d.y };
  }
  if (source.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(source, 'utf8')) as unknown;
    } catch (e) {
      throw new InputError(`cannot read data file "${source}": ${(e as NodeJS.ErrnoException).code ?? 'not valid JSON'}`);
    }
    const d = parsed as { x?: unknown; y?: unknown };
    if (typeof d !== 'object' || d === null || d.x === undefined || d.y === undefined) throw new InputError(`"${source}": expected {"x": [[...]], "y": [...]}`);
    return samplesFromJson(d.x, d.y);
  }
  if (deps.loadData) return deps.loadData(source, modelPath);
  throw new InputError(`unknown data "${source}": give a data set name (${[...SYNTHETIC, ...datasets.bundledNames].join(', ')}), a .json file {"x", "y"}, or --x/--y`);
}

/** The command's work: the check's result and its rendering. */
export function runGradcheck(args: string[], opts: GradcheckOptions, deps: GradcheckDeps = {}): { result: GradcheckResult; text: string } {
  // With --network the only positional is the data; otherwise [model] [data].
  const [file, source] = opts.network !== undefined ? [undefined, args[0]] : [args[0], args[1]];
  if (opts.network !== undefined && args.length > 1) throw new InputError(`with --network give only the data, got ${args.length} arguments`);
  let data: { x: number[][]; y: TargetsLike };
  if (opts.x !== undefined || opts.y !== undefined) {
    if (opts.x === undefined || opts.y === undefined) throw new InputError('give both --x and --y');
    if (source !== undefined) throw new InputError(`give either data "${source}" or --x/--y, not both`);
    data = samplesFromJson(opts.x, opts.y);
  } else {
    if (source === undefined) throw new InputError('no data: give a data set name, a .json file, or --x and --y');
    data = dataFrom(source, deps, file);
  }
  const n = Math.min(opts.rows, data.x.length);
  const x = data.x.slice(0, n);
  const y = (Array.isArray(data.y) ? data.y.slice(0, n) : data.y) as TargetsLike;
  const model = modelFrom(file, opts.network, x[0]?.length, deps);
  const result = gradcheck(model, x, y, {
    ...(opts.epsilon !== undefined ? { epsilon: opts.epsilon } : {}),
    ...(opts.maxEntries !== undefined ? { maxEntriesPerTensor: opts.maxEntries } : {}),
  });
  return { result, text: opts.format === 'json' ? JSON.stringify(result, null, 2) + '\n' : renderGradcheck(result) };
}

/** Adds `backprop gradcheck [model] [data]`; exit code 1 when the check fails. */
export function register(program: Command, deps: GradcheckDeps = {}): Command {
  return program
    .command('gradcheck')
    .description('Check backprop\'s gradients against central differences (float64), per parameter tensor')
    .argument('[model]', 'a network JSON file (or a model file); omit with --network')
    .argument('[data]', 'a data set name (moons, iris, ...), a .json file {"x", "y"}, or omit with --x/--y')
    .addOption(sharedOption('network'))
    .addOption(sharedOption('x'))
    .addOption(sharedOption('y'))
    .option('--epsilon <number>', 'step h of the central difference (default 1e-6)', positive)
    .option('--max-entries <n>', 'check at most n entries per tensor (sampled)', integer(1))
    .option('--rows <n>', 'use the first n rows of the data', integer(1), 32)
    .addOption(sharedOption('format'))
    .action((model: string | undefined, data: string | undefined, opts: GradcheckOptions) => {
      const { result, text } = runGradcheck([model, data].filter((a): a is string => a !== undefined), opts, deps);
      (deps.write ?? ((t: string) => process.stdout.write(t)))(text);
      if (!result.passed) process.exitCode = 1;
    });
}
