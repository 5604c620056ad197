// `backprop explain`: one backprop step printed as the notes write it (SPEC §10, §13).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { integer, positive } from '../options.js';
import { runColumnExplanation, type ColumnExplainDeps, type ColumnExplainOptions } from './explainColumns.js';
import { sharedOption } from '../sharedOptions.js';
import { UsageError } from '../errors.js';
import { explain, renderExplanation, networkFromSpec, InputError, type Sequential, type TargetsLike } from '../../src/index.js';

/** What the command modules of the inspect tools need from the CLI around them. */
export interface InspectCommandDeps {
  /** Rows of a CSV file as a saved model takes them (its own preprocessing), wired by the CLI. */
  modelRows?: (modelPath: string, dataPath: string) => { x: number[][]; y: number[][] };
  /** Loads a native model file (wired by the CLI at merge); without it, model files must be network JSON. */
  loadModel?: (path: string) => Sequential;
  /** A saved model and a CSV file read with its schema (explain model.bpm data.csv --importance / --row), wired by the CLI. */
  readTable?: ColumnExplainDeps['readTable'];
  /** Where the output goes; default process.stdout. */
  write?: (text: string) => void;
}

export type OutputFormat = 'text' | 'markdown' | 'json';

export interface ExplainOptions extends Omit<ColumnExplainOptions, 'format'> {
  /** With a model and a CSV file: explain one backprop step on --row instead of attributing its prediction. */
  step?: boolean;
  /** A network typed inline (parsed JSON, see NetworkSpec). */
  network?: unknown;
  /** Input rows (parsed JSON): [[...], ...], or one sample [...]. */
  x?: unknown;
  /** Targets (parsed JSON): rows, labels, or one target row [...] when x is one sample. */
  y?: unknown;
  /** With a CSV file: the data row to explain (1 = the first row after the header). */
  row?: number;
  lr?: number;
  /** Print the step of a network larger than STEP_MAX_PARAMETERS too. */
  all?: boolean;
  format: OutputFormat;
}

/**
 * The largest network whose backprop step is printed without --all. The step prints every weight
 * three times (before, gradient, after) and every activation: a 3×128 network of 34,000 weights
 * gives 1.3 MB of text (6.5 MB of JSON), which a terminal takes minutes to scroll and which looks
 * like a hang.
 */
export const STEP_MAX_PARAMETERS = 5000;

/** x and y from the parsed JSON options: a single sample `[a, b]` is one row, and then y is its target row. */
export function samplesFromJson(x: unknown, y: unknown): { x: number[][]; y: TargetsLike } {
  if (!Array.isArray(x) || x.length === 0) throw new InputError('--x: expected rows of numbers like [[0.05, 0.1]] (or one sample [0.05, 0.1])');
  if (!Array.isArray(y) || y.length === 0) throw new InputError('--y: expected targets like [[0.01, 0.99]], labels [0, 1], or one target row');
  const single = x.every((v) => typeof v === 'number');
  const rows = (single ? [x] : x) as number[][];
  const targets = (single && y.every((v) => typeof v === 'number') ? [y] : y) as TargetsLike;
  return { x: rows, y: targets };
}

/**
 * The model for an inspect command: an inline `--network`, a network JSON file, or (through
 * `deps.loadModel`) a native model file. `inputs` is x's width, used when the network omits it.
 */
export function modelFrom(file: string | undefined, network: unknown, inputs: number | undefined, deps: InspectCommandDeps): Sequential {
  if (network !== undefined) {
    if (file !== undefined) throw new InputError(`give either a model file or --network, not both (got "${file}")`);
    return networkFromSpec(network, inputs);
  }
  if (file === undefined) throw new InputError('no model: give a model file or --network \'{"layers": [...], "weights": [...]}\'');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read model file "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text) as unknown;
  } catch {
    spec = undefined;
  }
  const isNetwork = typeof spec === 'object' && spec !== null && Array.isArray((spec as { layers?: unknown }).layers) &&
    (spec as { layers: unknown[] }).layers.every((l) => typeof l === 'object' && l !== null && 'units' in l);
  if (isNetwork) return networkFromSpec(spec, inputs);
  if (deps.loadModel) return deps.loadModel(file);
  throw new InputError(`"${file}" is not a network JSON file ({"layers": [{"units": ..}], "weights": [...]})`);
}

/** The command's work: the rendered explanation of one step. */
export function runExplain(file: string | undefined, opts: ExplainOptions, deps: InspectCommandDeps = {}, data?: string): string {
  let x: number[][];
  let y: TargetsLike;
  if (data !== undefined && opts.step !== true) {
    if (file === undefined || deps.readTable === undefined) throw new InputError('a CSV file needs a saved model to read it with (backprop explain model.bpm data.csv --importance)');
    return runColumnExplanation(file, data, opts, { readTable: deps.readTable });
  }
  if (data !== undefined) {
    if (opts.x !== undefined || opts.y !== undefined) throw new InputError('give either a CSV file or --x/--y, not both');
    if (file === undefined || deps.modelRows === undefined) throw new InputError('a CSV file needs a saved model to read it with (backprop explain model.bpm data.csv --row 3)');
    const rows = deps.modelRows(file, data);
    const r = opts.row ?? 1;
    if (!Number.isInteger(r) || r < 1 || r > rows.x.length) throw new InputError(`--row ${r}: ${data} has data rows 1 to ${rows.x.length}`);
    x = [rows.x[r - 1]!];
    y = [rows.y[r - 1]!];
  } else {
    if (opts.x === undefined || opts.y === undefined) throw new InputError('give --x and --y, or a saved model and a CSV file with --row');
    ({ x, y } = samplesFromJson(opts.x, opts.y));
  }
  const model = modelFrom(file, opts.network, x[0]?.length, deps);
  const parameters = model.built ? model.countParams() : 0;
  if (parameters > STEP_MAX_PARAMETERS && opts.all !== true) {
    throw new UsageError(`the network has ${parameters.toLocaleString('en-US')} parameters; one backprop step prints each of them three times (about ${Math.max(1, Math.round(parameters * 40 / 1e6))} MB), which is meant for networks of at most ${STEP_MAX_PARAMETERS.toLocaleString('en-US')}. Give --all to print it anyway, or explain the model's predictions with a data file: backprop explain ${file ?? 'model.bpm'} data.csv --row 1 (or --importance)`);
  }
  const e = explain(model, x, y, opts.lr === undefined ? {} : { learningRate: opts.lr });
  return opts.format === 'json' || opts.json === true ? JSON.stringify(e, null, 2) + '\n' : renderExplanation(e, opts.format);
}

/** Adds `backprop explain [model] --x .. --y .. [--network ..] [--lr ..] [--format ..]`. */
export function register(program: Command, deps: InspectCommandDeps = {}): Command {
  return program
    .command('explain')
    .description('Show one backpropagation step (z, a, δ, every ∂E/∂w and ∂E/∂b, the updated weights); with a saved model and a CSV file, which columns matter (--importance) and why it predicted a row (--row)')
    .argument('[model]', 'a network JSON file (or a model file)')
    .argument('[data]', 'a CSV file read with the model\'s own preprocessing (with --importance or --row)')
    .option('--importance', 'rank the columns by permutation importance: the score lost when a column is shuffled, with its spread')
    .option('--row <n>', 'attribute this row\'s prediction to the columns (integrated gradients; 1 = the first data row read)', integer(1))
    .option('--step', 'with --row: show one backprop step on the row instead (the inputs as the model takes them)')
    .option('--repeats <n>', '--importance: shuffles per column (default 5)', integer(1))
    .option('--seed <n>', '--importance: seed of the shuffles (default 0)', integer(0))
    .option('--metric <name>', '--importance: accuracy or logLoss (classes), r2, mae or rmse (regression); default accuracy / r2')
    .option('--max-rows <n>', '--importance: score at most this many rows, a seeded sample (default 5000)', integer(2))
    .option('--steps <n>', '--row: points of the integrated-gradients path (default 100)', integer(1))
    .option('--class <label>', '--row: the class whose probability is explained (default: the predicted one)')
    .option('--json', 'print JSON (as --format json)')
    .addOption(sharedOption('network', 'the network inline: {"inputs": 2, "layers": [{"units": 2, "activation": "sigmoid"}], "weights": [...], "loss": "sse"}'))
    .addOption(sharedOption('x', 'input rows, e.g. [[0.05, 0.1]]'))
    .addOption(sharedOption('y', 'targets, e.g. [[0.01, 0.99]]'))
    .option('--all', `print the step even for a network of more than ${STEP_MAX_PARAMETERS} parameters (large output)`)
    .option('--lr <number>', 'learning rate of the step shown (default: the model\'s)', positive)
    .addOption(sharedOption('format', undefined, { choices: ['text', 'markdown', 'json'] }))
    .addHelpText('after', `
Examples:
  backprop explain penguins.bpm penguins.csv --importance
  backprop explain penguins.bpm penguins.csv --row 3 [--json]

Seed 003's 2-2-2 network:
  backprop explain --x '[0.05, 0.1]' --y '[0.01, 0.99]' --lr 0.5 \\
    --network '{"layers": [{"units": 2}, {"units": 2}], "weights": [[[0.15, 0.25], [0.2, 0.3]], [0.35, 0.35], [[0.4, 0.5], [0.45, 0.55]], [0.6, 0.6]]}'`)
    .action((file: string | undefined, data: string | undefined, opts: ExplainOptions) => {
      (deps.write ?? ((t: string) => process.stdout.write(t)))(runExplain(file, opts, deps, data));
    });
}
