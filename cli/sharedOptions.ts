import { Option } from 'commander';
import { SpecError, trainingSpec, type TrainingSpec, type TrainingSpecParts } from '../src/index.js';
import { UsageError } from './errors.js';
import { classWeightOption, columnList, delimiterOption, integer, json, naValuesOption, number, splitOption, units } from './options.js';

/** An option several commands share: its flag, how its value is read, its usual help text and default. */
interface SharedOptionDef {
  readonly flags: string;
  readonly help: string;
  readonly parse?: (value: string) => unknown;
  readonly choices?: readonly string[];
  readonly default?: unknown;
  /** The TrainingSpec field the option sets ('fit.batchSize'): specFromFlags puts the value there, and a SpecError about the field names the option. */
  readonly field?: string;
  /** The option has a `--no-` form: its value `false` leaves the field unset (early stopping off). */
  readonly negatable?: boolean;
}

/**
 * Every option that more than one command offers, defined once: train, cv and search read the
 * same training spec (an option with a `field` sets that TrainingSpec field; those without one say
 * where the rows are or how the command runs, and are not part of the spec), explain and gradcheck
 * the same inline network and samples. A command
 * may word the help for its own context, and change the default or parser where it means
 * something narrower (a search's epochs per trial).
 */
const SHARED_OPTIONS = {
  dataset: { flags: '--dataset <name>', help: 'train on a bundled or synthetic data set instead (see "backprop datasets")' },
  target: { flags: '--target <columns>', help: 'target column(s), comma-separated (default: the last column)', parse: columnList, field: 'preprocessing.target' },
  categorical: { flags: '--categorical <columns>', help: 'columns to one-hot encode (text columns are found automatically)', parse: columnList, field: 'preprocessing.categorical' },
  numeric: { flags: '--numeric <columns>', help: 'columns to read as numbers whatever they hold', parse: columnList, field: 'preprocessing.numeric' },
  ignore: { flags: '--ignore <columns>', help: 'columns to leave out', parse: columnList, field: 'preprocessing.ignore' },
  keep: { flags: '--keep <columns>', help: 'columns to keep although they look like IDs or free text', parse: columnList, field: 'preprocessing.keep' },
  missing: { flags: '--missing <policy>', help: 'missing cells (blank, NA, ?, NaN, null, None): fill in (median / most frequent), drop the row, or stop', choices: ['impute', 'drop', 'error'], default: 'impute', field: 'preprocessing.missing' },
  indicator: { flags: '--indicator', help: 'add a 0/1 "missing" input for each column with missing cells', default: false, field: 'preprocessing.indicator' },
  delimiter: { flags: '--delimiter <char>', help: 'field separator (default: sniffed from the header: , ; tab |)', parse: delimiterOption },
  validationData: { flags: '--validation-data <file>', help: 'validate on this CSV file instead of a split of the training file' },
  classWeight: { flags: '--class-weight <weights>', help: 'weight classes in the loss: "balanced" (rare classes count more) or JSON such as \'{"snow": 10}\'', parse: classWeightOption, field: 'fit.classWeight' },
  count: { flags: '--count <column>', help: 'a frequency table\'s count column (R\'s Freq): each row is read as many times as its count, a whole number ≥ 0, as if the table were expanded; not an input', field: 'preprocessing.count' },
  header: { flags: '--no-header', help: "the file has no header row: its first line is data and the columns are named 0, 1, 2, … (pandas' header=None); the target defaults to the last", field: 'preprocessing.header' },
  skipRows: { flags: '--skip-rows <n>', help: "lines before the header to skip, such as a row count or a title (pandas' skiprows=n); evaluate and predict skip them too", parse: integer(1), field: 'preprocessing.skipRows' },
  naValues: { flags: '--na-values <tokens>', help: "exactly the cells that mean missing, comma-separated ('' for blank cells only; default: blank, NA, N/A, ?, NaN, null, None in any case)", parse: naValuesOption, field: 'preprocessing.naValues' },
  decimal: { flags: '--decimal <mark>', help: 'decimal mark of the numbers in the file', choices: ['.', ','], field: 'preprocessing.decimal' },
  split: { flags: '--split <how>', help: 'validation rows: random (stratified), or time:<column> for the latest rows by a date or number column', parse: splitOption, field: 'preprocessing.orderBy' },
  unknown: { flags: '--unknown <policy>', help: 'categories not seen in training: encode as all zeros with a warning, or stop', choices: ['ignore', 'error'], default: 'ignore', field: 'preprocessing.unknown' },
  task: { flags: '--task <task>', help: 'what the target is', choices: ['auto', 'classification', 'regression'], default: 'auto', field: 'preprocessing.task' },
  preset: { flags: '--preset <name>', help: 'starting point of every model and training option not typed: tabular (default for a CSV file: robust scaling, 2×256 ReLU, Adam on a warm-up + cosine schedule, label smoothing, sized from the rows; under 500 rows a periodic embedding of up to 16 numeric columns) or small (32-16, early stopping; default for bundled and synthetic sets)', choices: ['tabular', 'small'] },
  layers: { flags: '--layers <units>', help: 'hidden layer sizes, e.g. 64,32 (0 for none)', parse: units, default: [32, 16], field: 'architecture.hidden' },
  activation: { flags: '--activation <name>', help: 'hidden-layer activation', default: 'relu', field: 'architecture.activation' },
  dropout: { flags: '--dropout <rate>', help: 'dropout after each hidden layer', parse: number(0, 1, true, false), default: 0, field: 'architecture.dropout' },
  embedding: { flags: '--embedding <json>', help: 'periodic (PLR) embeddings of the numeric columns before the first hidden layer, e.g. \'{"frequencies": 8, "units": 4, "sigma": 0.1}\' or \'{}\' for 16, 16, 0.1 (the tabular preset adds one under 500 rows with 1 to 16 numeric columns); exports to ONNX, not to TensorFlow.js', parse: json, field: 'architecture.embedding', negatable: true },
  noEmbedding: { flags: '--no-embedding', help: 'no numeric embedding (the tabular preset adds one under 500 rows with 1 to 16 numeric columns)' },
  loss: { flags: '--loss <name>', help: 'loss (default: from the task)', field: 'compile.loss' },
  optimizer: { flags: '--optimizer <name>', help: 'sgd, adam, rmsprop or adagrad', default: 'adam', field: 'compile.optimizer' },
  lr: { flags: '--lr <rate>', help: "learning rate (default: the optimizer's own, adam 0.001)", parse: number(0, Infinity, false, false), field: 'compile.learningRate' },
  epochs: { flags: '--epochs <n>', help: 'passes over the training rows', parse: integer(1), default: 100, field: 'fit.epochs' },
  batchSize: { flags: '--batch-size <n>', help: 'rows per gradient step', parse: integer(1), default: 32, field: 'fit.batchSize' },
  validationSplit: { flags: '--validation-split <fraction>', help: 'rows held out for validation (stratified)', parse: number(0, 1, true, false), default: 0.2, field: 'fit.validationSplit' },
  earlyStopping: { flags: '--early-stopping <patience>', help: 'stop when the validation loss has not improved for this many epochs; the best weights are kept (--epochs is then a maximum)', parse: integer(1), default: 10, field: 'fit.earlyStopping', negatable: true },
  noEarlyStopping: { flags: '--no-early-stopping', help: 'train all --epochs' },
  beta2: { flags: '--beta2 <decay>', help: "Adam's β2, the decay of its squared-gradient average (default 0.999; the tabular preset 0.95)", parse: number(0, 1, true, false), field: 'compile.beta2' },
  schedule: { flags: '--schedule <name>', help: 'learning rate over the run: constant, warmupCosine (5 % warm-up, cosine decay) or cosLog (RealMLP); --lr is the peak', choices: ['constant', 'warmupCosine', 'cosLog'], field: 'compile.schedule' },
  labelSmoothing: { flags: '--label-smoothing <epsilon>', help: 'classification targets (1 − ε)·y + ε/K', parse: number(0, 1, true, false), field: 'compile.labelSmoothing' },
  keepBest: { flags: '--keep-best', help: 'keep the weights of the epoch with the lowest validation loss, without stopping early', field: 'fit.keepBest' },
  scale: { flags: '--scale <kind>', help: 'input scaling, fitted on training rows (robust: median/IQR, then a smooth clip to about ±3)', choices: ['standard', 'minmax', 'robust', 'none'], default: 'standard', field: 'preprocessing.scale' },
  seed: { flags: '--seed <n>', help: 'seed of every random choice', parse: integer(0), default: 1, field: 'fit.seed' },
  samples: { flags: '--samples <n>', help: 'rows of a synthetic data set', parse: integer(1) },
  noise: { flags: '--noise <sd>', help: 'noise of a synthetic data set', parse: number(0, Infinity) },
  json: { flags: '--json', help: 'machine-readable progress: one JSON object per line', default: false },
  network: { flags: '--network <json>', help: 'the network inline, e.g. {"layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}], "loss": "binaryCrossentropy"}', parse: json },
  x: { flags: '--x <json>', help: 'input rows', parse: json },
  y: { flags: '--y <json>', help: 'targets', parse: json },
  format: { flags: '--format <format>', help: 'output format', choices: ['text', 'json'], default: 'text' },
} as const satisfies Record<string, SharedOptionDef>;

export type SharedOptionName = keyof typeof SHARED_OPTIONS;

/** What a command changes of a shared option besides its help text; `default: undefined` drops the default. */
export type OptionChange = Pick<SharedOptionDef, 'parse' | 'choices' | 'default'>;

/** The shared option `name` for `command.addOption`, with this command's help text and changes if given. */
export function sharedOption(name: SharedOptionName, help?: string, change: OptionChange = {}): Option {
  const def: SharedOptionDef = { ...SHARED_OPTIONS[name], ...change };
  const option = new Option(def.flags, help ?? def.help);
  if (def.parse !== undefined) option.argParser(def.parse);
  if (def.choices !== undefined) option.choices(def.choices);
  if (def.default !== undefined) option.default(def.default);
  return option;
}

/**
 * The command-line option that sets a TrainingSpec field ('fit.batchSize' → '--batch-size'; a
 * field inside an option's JSON value, 'architecture.embedding.units' → '--embedding'), or undefined.
 */
export function optionOfField(field: string): string | undefined {
  const def = Object.values(SHARED_OPTIONS).find((d: SharedOptionDef) => d.field === field || field.startsWith(`${d.field}.`));
  return def?.flags.split(' ')[0];
}

/** The TrainingSpec field an option sets ('batchSize' → 'fit.batchSize'), or undefined. */
export function fieldOfOption(name: string): string | undefined {
  return (SHARED_OPTIONS as Record<string, SharedOptionDef>)[name]?.field;
}

/** Parsed options by commander's attribute name ('batchSize'), as a command receives them (or as an old model file saved them). */
export type Flags = Readonly<Record<string, unknown>>;

type MutableParts = Record<keyof TrainingSpec, Record<string, unknown>>;

/**
 * The spec parts the options in `flags` set, over `base`: each option with a `field` and a value
 * (not undefined) puts it in that field; `false` of a negatable option unsets it, and a bare
 * `--no-` option (--no-header) sets its field only when given (false). Values are not checked
 * here: trainingSpec checks every field.
 */
export function specPartsOfFlags(flags: Flags, base: TrainingSpecParts = {}): TrainingSpecParts {
  const parts: MutableParts = { preprocessing: { ...base.preprocessing }, architecture: { ...base.architecture }, compile: { ...base.compile }, fit: { ...base.fit } };
  for (const [name, def] of Object.entries(SHARED_OPTIONS) as [string, SharedOptionDef][]) {
    const value = flags[name];
    if (def.field === undefined || value === undefined || (value === true && def.flags.startsWith('--no-'))) continue;
    const [part, key] = def.field.split('.') as [keyof TrainingSpec, string];
    if (value === false && def.negatable === true) delete parts[part][key];
    else parts[part][key] = value;
  }
  return parts as TrainingSpecParts;
}

/**
 * The TrainingSpec of a command's options, over `base` (the defaults, or a resumed run's spec):
 * the one way train, cv and search turn flags into a run. A bad value is a usage error naming
 * the option ("--batch-size: expected an integer ...").
 */
export function specFromFlags(flags: Flags, base?: TrainingSpec): TrainingSpec {
  try {
    return trainingSpec(specPartsOfFlags(flags, base));
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    throw new UsageError(`${optionOfField(e.field) ?? e.field}: ${e.problem}`);
  }
}
