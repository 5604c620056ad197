import { Option } from 'commander';
import { delimiterOption, integer, json, list, number, units } from './options.js';

/** An option several commands share: its flag, how its value is read, its usual help text and default. */
interface SharedOptionDef {
  readonly flags: string;
  readonly help: string;
  readonly parse?: (value: string) => unknown;
  readonly choices?: readonly string[];
  readonly default?: unknown;
  /** The TrainingSpec field the option sets ('fit.batchSize'), so a SpecError about the field names the option. */
  readonly field?: string;
}

/**
 * Every option that more than one command offers, defined once: train, cv and search read the
 * same training settings, explain and gradcheck the same inline network and samples. A command
 * may word the help for its own context, and change the default or parser where it means
 * something narrower (a search's epochs per trial).
 */
const SHARED_OPTIONS = {
  dataset: { flags: '--dataset <name>', help: 'train on a bundled or synthetic data set instead (see "backprop datasets")' },
  target: { flags: '--target <columns>', help: 'target column(s), comma-separated (default: the last column)', parse: list, field: 'preprocessing.target' },
  categorical: { flags: '--categorical <columns>', help: 'columns to one-hot encode (text columns are found automatically)', parse: list, field: 'preprocessing.categorical' },
  numeric: { flags: '--numeric <columns>', help: 'columns to read as numbers whatever they hold', parse: list, field: 'preprocessing.numeric' },
  ignore: { flags: '--ignore <columns>', help: 'columns to leave out', parse: list, field: 'preprocessing.ignore' },
  keep: { flags: '--keep <columns>', help: 'columns to keep although they look like IDs or free text', parse: list, field: 'preprocessing.keep' },
  missing: { flags: '--missing <policy>', help: 'missing cells (blank, NA, ?, NaN, null, None): fill in (median / most frequent), drop the row, or stop', choices: ['impute', 'drop', 'error'], default: 'impute', field: 'preprocessing.missing' },
  delimiter: { flags: '--delimiter <char>', help: 'field separator (default: sniffed from the header: , ; tab |)', parse: delimiterOption },
  unknown: { flags: '--unknown <policy>', help: 'categories not seen in training: encode as all zeros with a warning, or stop', choices: ['ignore', 'error'], default: 'ignore', field: 'preprocessing.unknown' },
  task: { flags: '--task <task>', help: 'what the target is', choices: ['auto', 'classification', 'regression'], default: 'auto', field: 'preprocessing.task' },
  layers: { flags: '--layers <units>', help: 'hidden layer sizes, e.g. 64,32 (0 for none)', parse: units, default: [32, 16], field: 'architecture.hidden' },
  activation: { flags: '--activation <name>', help: 'hidden-layer activation', default: 'relu', field: 'architecture.activation' },
  dropout: { flags: '--dropout <rate>', help: 'dropout after each hidden layer', parse: number(0, 1, true, false), default: 0, field: 'architecture.dropout' },
  loss: { flags: '--loss <name>', help: 'loss (default: from the task)', field: 'compile.loss' },
  optimizer: { flags: '--optimizer <name>', help: 'sgd, adam, rmsprop or adagrad', default: 'adam', field: 'compile.optimizer' },
  lr: { flags: '--lr <rate>', help: "learning rate (default: the optimizer's own, adam 0.001)", parse: number(0, Infinity, false, false), field: 'compile.learningRate' },
  epochs: { flags: '--epochs <n>', help: 'passes over the training rows', parse: integer(1), default: 100, field: 'fit.epochs' },
  batchSize: { flags: '--batch-size <n>', help: 'rows per gradient step', parse: integer(1), default: 32, field: 'fit.batchSize' },
  validationSplit: { flags: '--validation-split <fraction>', help: 'rows held out for validation (stratified)', parse: number(0, 1, true, false), default: 0.2, field: 'fit.validationSplit' },
  earlyStopping: { flags: '--early-stopping <patience>', help: 'stop when the validation loss has not improved for this many epochs; the best weights are kept (--epochs is then a maximum)', parse: integer(1), default: 10, field: 'fit.earlyStopping' },
  noEarlyStopping: { flags: '--no-early-stopping', help: 'train all --epochs' },
  scale: { flags: '--scale <kind>', help: 'input scaling, fitted on training rows', choices: ['standard', 'minmax', 'none'], default: 'standard', field: 'preprocessing.scale' },
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

/** Options that set a spec field but are not shared (train's own). */
const OWN_OPTION_FIELDS: Readonly<Record<string, string>> = { 'preprocessing.indicator': '--indicator', 'fit.classWeight': '--class-weight' };

/** The command-line option that sets a TrainingSpec field ('fit.batchSize' → '--batch-size'), or undefined. */
export function optionOfField(field: string): string | undefined {
  const def = Object.values(SHARED_OPTIONS).find((d: SharedOptionDef) => d.field === field);
  return def !== undefined ? def.flags.split(' ')[0] : OWN_OPTION_FIELDS[field];
}
