import { Command, CommanderError, Option } from 'commander';
import { trainCommand } from './commands/train.js';
import { evaluateCommand } from './commands/evaluate.js';
import { cvCommand } from './commands/cv.js';
import { predictCommand } from './commands/predict.js';
import { STREAM_DEFAULTS, type StreamSettings } from './streamTable.js';
import { summaryCommand } from './commands/summary.js';
import { exportCommand } from './commands/export.js';
import { exportDataset, listDatasets } from './commands/datasets.js';
import { register as registerExplain } from './commands/explain.js';
import { register as registerGradcheck } from './commands/gradcheck.js';
import { register as registerPerceptron } from './commands/perceptron.js';
import { register as registerPlayground } from './commands/playground.js';
import { registerSearch } from './search/register.js';
import { checkFile, readCsvTableSync } from './csv.js';
import { VERSION, loadModel, pipelineInputs, pipelineTargets, type Label, type LoadedModel, type Table, type TargetsLike } from '../src/index.js';
import { modelPlan, readingOf } from './apply.js';
import { EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, reportError } from './errors.js';
import type { Io } from './io.js';
import { columnList, delimiterOption, integer, number } from './options.js';
import { sharedOption, specFromFlags } from './sharedOptions.js';
import { presetOf } from './preset.js';
import { dataFlags } from './settings.js';

/** What commander parses for `train`: the spec's options (by attribute name), where the rows are, and the run's own options. */
interface TrainFlags {
  readonly [option: string]: unknown;
  readonly out: string;
  readonly report?: string;
  readonly resume?: string;
  readonly checkpoint?: string;
  readonly json: boolean;
  readonly dryRun?: boolean;
  readonly init?: string;
  readonly stream?: boolean;
  readonly streamSettings?: string;
}

/** --stream-settings '{"blockRows": 50}': the streaming sizes given, checked against their names. */
function streamSettingsOption(text: string): Partial<StreamSettings> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--stream-settings: not JSON: ${text.slice(0, 60)}`);
  }
  if (typeof value !== 'object' || value === null) throw new UsageError('--stream-settings: expected an object');
  for (const [k, v] of Object.entries(value)) {
    if (!(k in STREAM_DEFAULTS)) throw new UsageError(`--stream-settings: unknown ${JSON.stringify(k)}; known: ${Object.keys(STREAM_DEFAULTS).join(', ')}`);
    if (typeof STREAM_DEFAULTS[k as keyof StreamSettings] === 'boolean') {
      if (typeof v !== 'boolean') throw new UsageError(`--stream-settings: ${k} must be true or false, got ${JSON.stringify(v)}`);
    } else if (!Number.isInteger(v) || (v as number) < 1) throw new UsageError(`--stream-settings: ${k} must be an integer ≥ 1, got ${JSON.stringify(v)}`);
  }
  return value as Partial<StreamSettings>;
}

/**
 * The command table: each command parses its options with commander and hands them to one file
 * in commands/. Returns the exit code: 0 ok, 1 runtime error, 2 usage error, 130 interrupted.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  let code = EXIT_OK;
  let commanderMessage = '';
  const program = new Command('backprop')
    .description('Train multilayer perceptrons on CSV files; evaluate, predict, inspect models.')
    .version(VERSION, '-v, --version')
    .option('--debug', 'print stack traces with errors')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s) => {
        commanderMessage = s;
      },
    });

  program
    .command('train')
    .description('train a network on a CSV file (default: the bundled iris set) and save it')
    .argument('[data]', 'CSV file with a header row')
    .addOption(sharedOption('dataset'))
    .addOption(sharedOption('target'))
    .addOption(sharedOption('categorical'))
    .addOption(sharedOption('numeric'))
    .addOption(sharedOption('ignore'))
    .addOption(sharedOption('keep'))
    .addOption(sharedOption('missing'))
    .addOption(sharedOption('indicator'))
    .addOption(sharedOption('delimiter'))
    .addOption(sharedOption('validationData'))
    .addOption(sharedOption('classWeight'))
    .addOption(sharedOption('count'))
    .addOption(sharedOption('header'))
    .addOption(sharedOption('skipRows'))
    .addOption(sharedOption('naValues'))
    .addOption(sharedOption('decimal'))
    .addOption(sharedOption('split'))
    .option('--dry-run', 'print how every column is read and what would be trained, then stop', false)
    .addOption(sharedOption('task'))
    .addOption(sharedOption('preset'))
    .addOption(sharedOption('layers'))
    .addOption(sharedOption('activation'))
    .addOption(sharedOption('dropout'))
    .addOption(sharedOption('embedding'))
    .addOption(sharedOption('noEmbedding'))
    .addOption(sharedOption('loss'))
    .addOption(sharedOption('optimizer'))
    .addOption(sharedOption('lr'))
    .addOption(sharedOption('beta2'))
    .addOption(sharedOption('epochs'))
    .addOption(sharedOption('batchSize'))
    .addOption(sharedOption('validationSplit'))
    .addOption(sharedOption('earlyStopping'))
    .addOption(sharedOption('noEarlyStopping'))
    .addOption(sharedOption('schedule'))
    .addOption(sharedOption('labelSmoothing'))
    .addOption(sharedOption('keepBest'))
    .addOption(sharedOption('scale'))
    .addOption(sharedOption('seed'))
    .addOption(sharedOption('samples'))
    .addOption(sharedOption('noise'))
    .option('--out <file>', 'where to save the model', 'model.bpm')
    .option('--report <file>', 'write an HTML report')
    .option('--resume <checkpoint>', 'continue an interrupted run exactly (its spec, epochs counted on)')
    .option('--init <model>', 'start a new run from a saved model\'s weights and pipeline (the file\'s columns must be the model\'s)')
    .option('--stream', 'read the file a block at a time in bounded memory (automatic above 256 MB)')
    .option('--no-stream', 'read the file whole even when it is large')
    .addOption(new Option('--stream-settings <json>', 'block, prefix and buffer sizes when streaming (tests)').hideHelp())
    .option('--checkpoint <file>', 'also save a resumable checkpoint at the end of every epoch')
    .addOption(sharedOption('json'))
    .action(async (data: string | undefined, o: TrainFlags, cmd: Command) => {
      const given = new Set(Object.keys(o).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      const stream = cmd.getOptionValueSource('stream') === 'cli' ? o.stream : undefined;
      code = await trainCommand({ flags: o, data: dataFlags({ ...o, data }), out: o.out, report: o.report, resume: o.resume, checkpoint: o.checkpoint, json: o.json, dryRun: o.dryRun === true, given, command: ['backprop', ...argv].join(' '), ...(o.init !== undefined ? { init: o.init } : {}), ...(stream !== undefined ? { stream } : {}), ...(o.streamSettings !== undefined ? { streamSettings: streamSettingsOption(o.streamSettings) } : {}) }, io);
    });

  program
    .command('cv')
    .description('k-fold cross-validation of what "train" would train: per-fold scores, mean ± std')
    .argument('<data>', 'CSV file with a header row')
    .option('--folds <k>', 'number of folds', integer(2), 5)
    .option('--jobs <n>', 'folds at once, each on a worker thread (its products on the cores the jobs leave)', integer(1), 1)
    .addOption(sharedOption('target'))
    .addOption(sharedOption('categorical', 'columns to one-hot encode'))
    .addOption(sharedOption('numeric', 'columns to read as numbers'))
    .addOption(sharedOption('ignore'))
    .addOption(sharedOption('keep'))
    .addOption(sharedOption('missing', 'missing cells'))
    .addOption(sharedOption('indicator'))
    .addOption(sharedOption('delimiter', 'field separator (default: sniffed)'))
    .addOption(sharedOption('classWeight'))
    .addOption(sharedOption('count'))
    .addOption(sharedOption('header'))
    .addOption(sharedOption('skipRows'))
    .addOption(sharedOption('naValues'))
    .addOption(sharedOption('decimal'))
    .addOption(sharedOption('task'))
    .addOption(sharedOption('preset'))
    .addOption(sharedOption('layers', 'hidden layer sizes'))
    .addOption(sharedOption('activation'))
    .addOption(sharedOption('dropout'))
    .addOption(sharedOption('embedding'))
    .addOption(sharedOption('noEmbedding'))
    .addOption(sharedOption('loss'))
    .addOption(sharedOption('optimizer', 'optimizer'))
    .addOption(sharedOption('lr', 'learning rate'))
    .addOption(sharedOption('beta2'))
    .addOption(sharedOption('epochs', 'most epochs per fold'))
    .addOption(sharedOption('batchSize'))
    .addOption(sharedOption('validationSplit', 'share of the training folds watched by early stopping'))
    .addOption(sharedOption('earlyStopping', 'early stopping patience'))
    .addOption(sharedOption('noEarlyStopping', 'train all --epochs in every fold'))
    .addOption(sharedOption('schedule'))
    .addOption(sharedOption('labelSmoothing'))
    .addOption(sharedOption('keepBest'))
    .addOption(sharedOption('scale', 'input scaling'))
    .addOption(sharedOption('seed', 'seed of the folds and every random choice'))
    .addOption(sharedOption('json', 'machine-readable output: one JSON object per line'))
    .action(async (data: string, o: TrainFlags & { folds: number; jobs: number }, cmd: Command) => {
      const given = new Set(Object.keys(o).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      const preset = { name: presetOf(o.preset, { data }), flags: o, given };
      code = await cvCommand(specFromFlags(o), { ...dataFlags(o), data }, o.folds, o.json, io, preset, o.jobs);
    });

  program
    .command('evaluate')
    .description('loss and metrics of a saved model on a labelled CSV file')
    .argument('<model>', 'model file from "backprop train"')
    .argument('<data>', 'CSV file with the training columns and the target')
    .option('--json', 'print the result as JSON', false)
    .addOption(sharedOption('unknown'))
    .option('--delimiter <char>', 'field separator (default: sniffed)', delimiterOption)
    .option('--count <column>', 'a frequency table\'s count column: each row scored as many times as its count (default: the count column the model was trained with, when the file has it)')
    .option('--report <file>', 'write an HTML report: the metrics, which columns matter (permutation importance) and partial dependence of the top ones')
    .option('--stream', 'read the file a block at a time in constant memory (automatic above 256 MB)')
    .option('--no-stream', 'read the file whole even when it is large')
    .addOption(new Option('--stream-settings <json>', 'block size when streaming (tests)').hideHelp())
    .action(async (model: string, data: string, o: { json: boolean; unknown: 'ignore' | 'error'; delimiter?: string; count?: string; report?: string; stream?: boolean; streamSettings?: string }, cmd: Command) => {
      const stream = cmd.getOptionValueSource('stream') === 'cli' ? o.stream : undefined;
      code = await evaluateCommand(model, data, o.json, io, { unknown: o.unknown, ...(o.delimiter ? { delimiter: o.delimiter } : {}), ...(o.count ? { count: o.count } : {}), ...(o.report ? { report: o.report, command: ['backprop', ...argv].join(' ') } : {}), ...(stream !== undefined ? { stream } : {}), ...(o.streamSettings !== undefined ? { streamSettings: streamSettingsOption(o.streamSettings) } : {}) });
    });

  program
    .command('predict')
    .description('predict each row of a CSV file (class names, or numbers for regression)')
    .argument('<model>', 'model file from "backprop train"')
    .argument('<data>', 'CSV file with the training columns (the target may be absent)')
    .option('--out <file>', 'write the predictions to this CSV file instead of stdout')
    .option('--probabilities', 'add one probability column per class', false)
    .option('--json', 'print a JSON object instead of CSV', false)
    .option('--keep <columns>', 'copy these columns of the file into the output (an ID, a name)', columnList)
    .addOption(sharedOption('unknown'))
    .option('--delimiter <char>', 'field separator (default: sniffed)', delimiterOption)
    .option('--stream', 'read and write a block at a time in constant memory (automatic above 256 MB)')
    .option('--no-stream', 'read the file whole even when it is large')
    .addOption(new Option('--stream-settings <json>', 'block, prefix and buffer sizes when streaming (tests)').hideHelp())
    .action(async (model: string, data: string, o: { out?: string; probabilities: boolean; json: boolean; keep?: string[]; unknown: 'ignore' | 'error'; delimiter?: string; stream?: boolean; streamSettings?: string }, cmd: Command) => {
      const stream = cmd.getOptionValueSource('stream') === 'cli' ? o.stream : undefined;
      const { stream: _s, streamSettings, ...rest } = o;
      code = await predictCommand(model, data, { ...rest, ...(stream !== undefined ? { stream } : {}), ...(streamSettings !== undefined ? { streamSettings: streamSettingsOption(streamSettings) } : {}) }, io);
    });

  program
    .command('summary')
    .description('the layers of a saved model and what the file holds')
    .argument('<model>', 'model file')
    .option('--json', 'print the summary as JSON', false)
    .action((model: string, o: { json: boolean }) => {
      code = summaryCommand(model, o.json, io);
    });

  program
    .command('export')
    .description('write a saved model as ONNX (one input per raw column, the whole pipeline in the graph) or TensorFlow.js (the network plus preprocessing.json for applyPreprocessing)')
    .argument('<model>', 'model file from "backprop train"')
    .requiredOption('--out <path>', 'model.onnx, or model.json / a folder for TensorFlow.js')
    .addOption(new Option('--format <format>', 'onnx or tfjs (default: from the --out name)').choices(['onnx', 'tfjs']))
    .option('--network-only', 'only the bare network: it takes the pipeline\'s output (filled in, encoded, scaled features), nothing folded', false)
    .option('--json', 'print the result as JSON', false)
    .action((model: string, o: { out: string; format?: string; networkOnly: boolean; json: boolean }) => {
      code = exportCommand(model, o, io);
    });

  const ds = program
    .command('datasets')
    .description('list the bundled and synthetic data sets')
    .option('--json', 'print the list as JSON', false)
    .action((o: { json: boolean }) => {
      code = listDatasets(o.json, io);
    });
  ds.command('export')
    .description('write a data set to a CSV file')
    .argument('<name>', 'a bundled or synthetic data set')
    .argument('<file>', 'CSV file to write')
    .option('--samples <n>', 'rows of a synthetic set', integer(1))
    .option('--noise <sd>', 'noise of a synthetic set', number(0, Infinity))
    .option('--seed <n>', 'seed of a synthetic set', integer(0))
    .option('--json', 'print the result as JSON', false)
    .action((name: string, file: string, o: { samples?: number; noise?: number; seed?: number; json: boolean }) => {
      code = exportDataset(name, file, o, io);
    });

  // The inspect tools (issue 5) bring their own command modules; the CLI gives them model files and CSV.
  const inspectDeps = {
    loadModel: (path: string) => {
      checkFile(path, 'model file');
      return loadModel(path).network;
    },
    write: (text: string) => {
      io.stdout.write(text);
    },
  };
  registerExplain(program, { ...inspectDeps, modelRows, readTable: modelTable });
  registerGradcheck(program, { ...inspectDeps, loadData: (path, modelPath) => (modelPath !== undefined && hasSchema(modelPath) ? modelRows(modelPath, path) : csvSamples(path)) });
  registerPerceptron(program, inspectDeps);
  registerPlayground(program);
  registerSearch(program, io, argv, (c) => {
    code = c;
  });

  const exitCodeBefore = process.exitCode;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    // A command may report failure through process.exitCode (gradcheck does when the check fails).
    if (code === EXIT_OK && process.exitCode !== exitCodeBefore && typeof process.exitCode === 'number') code = process.exitCode;
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT_OK; // --help, --version
      if (e.code === 'commander.help') return EXIT_USAGE; // no command given: commander printed the help
      const message = (commanderMessage || e.message).replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim();
      const sub = argv.find((a) => !a.startsWith('-'));
      const hint = sub && ['train', 'cv', 'evaluate', 'predict', 'summary', 'export', 'datasets', 'explain', 'gradcheck', 'perceptron', 'playground', 'search', 'worker'].includes(sub) ? `backprop ${sub} --help` : 'backprop --help';
      // A command's own runtime failure raised through commander (exit code 1) keeps its code.
      if (e.code.startsWith('backprop.') && e.exitCode === EXIT_RUNTIME) {
        io.stderr.write(`${message.startsWith('backprop') ? '' : 'backprop: '}${message}\n`);
        return EXIT_RUNTIME;
      }
      io.stderr.write(`backprop: ${message} (see "${hint}")\n`);
      return EXIT_USAGE;
    }
    return reportError(e, io, debug);
  }
}

/** Whether a file is a native model that carries a column schema (so it reads CSV files itself). */
function hasSchema(modelPath: string): boolean {
  try {
    return loadModel(modelPath).preprocessing.schema !== undefined;
  } catch {
    return false;
  }
}

/**
 * The rows of a CSV file as a saved model takes them: its schema, missing values filled, scaled,
 * targets in the loss's layout (explain --row, gradcheck on a model's data).
 */
function modelRows(modelPath: string, dataPath: string): { x: number[][]; y: number[][] } {
  checkFile(modelPath, 'model file');
  const loaded = loadModel(modelPath);
  const schema = loaded.preprocessing.schema;
  if (schema === undefined) throw new UsageError('the model file has no column schema (it was not written by "backprop train"), so it cannot read CSV files');
  const table = readCsvTableSync(dataPath, { schema, requireTarget: true, ...readingOf(loaded.metadata) });
  const rows = Array.from({ length: table.rows }, (_, i) => i);
  return { x: pipelineInputs(loaded.preprocessing, table).toArray(), y: pipelineTargets(loaded.preprocessing, table, rows, modelPlan(loaded)).toArray() };
}

/** A saved model and a CSV file read with its schema, the target read when present (explain --importance / --row). */
/**
 * A CSV file read with a model's columns and its saved reading (missing tokens, decimal mark).
 * Without the target (`withTarget` false) every row is kept, so row N is the file's N-th data row;
 * with it, rows without a target are left out (and counted in the table's report).
 */
function modelTable(modelPath: string, dataPath: string, withTarget: boolean): { loaded: LoadedModel; table: Table } {
  checkFile(modelPath, 'model file');
  const loaded = loadModel(modelPath);
  const schema = loaded.preprocessing.schema;
  if (schema === undefined) throw new UsageError('the model file has no column schema (it was not written by "backprop train"), so it cannot read CSV files');
  const reading = readingOf(loaded.metadata, modelPath);
  return { loaded, table: readCsvTableSync(dataPath, { schema: withTarget ? schema : { inputs: schema.inputs, target: undefined }, ...reading }) };
}

/** x and y of a CSV file (target: the last column), for gradcheck's data argument. */
function csvSamples(path: string): { x: number[][]; y: TargetsLike } {
  const table = readCsvTableSync(path);
  const y = table.y!;
  if (y.kind === 'classes') return { x: table.x.toArray(), y: Array.from(y.codes, (c): Label => y.classes[c]!) };
  return { x: table.x.toArray(), y: y.names.length === 1 ? Array.from(y.values.data) : y.values.toArray() };
}
