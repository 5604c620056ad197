import { Option, type Command } from 'commander';
import { methodNames, prunerByName, prunerNames, type MethodName } from '../../src/index.js';
import { searchCommand } from '../commands/search.js';
import { workerCommand } from '../commands/worker.js';
import type { Io } from '../io.js';
import { integer, number } from '../options.js';
import { sharedOption } from '../sharedOptions.js';
import { presetOf } from '../preset.js';
import { dataFlags } from '../settings.js';
import { queueAddress } from './address.js';
import { defaultJobs } from './pool.js';
import { metricNames, type MetricName } from './trial.js';

/** What commander parses for `search`: the spec's options (by attribute name), where the rows are, and the search's own options. */
interface SearchFlags {
  readonly [option: string]: unknown;
  space?: string;
  method: MethodName;
  trials?: number;
  cv?: number;
  jobs: number;
  journal: string;
  results?: string;
  out: string;
  report?: string;
  metric: MetricName;
  pruner: string;
  queue?: string;
  json: boolean;
}

/** A model or training option of search: the preset chooses it unless typed, so it shows no default of its own. */
const NO_DEFAULT = { default: undefined };
const PRESETS = "(default: the preset's)";

/** Adds `search` and `worker` to the command table; `done` receives each command's exit code. */
export function registerSearch(program: Command, io: Io, argv: readonly string[], done: (code: number) => void): void {
  program
    .command('search')
    .description('hyperparameter search over train options (grid, random, tpe, gp), resumable, parallel, or on many machines')
    .argument('[data]', 'CSV file with a header row (default: the bundled iris set)')
    .addOption(sharedOption('dataset', 'a bundled or synthetic data set instead of a file'))
    .addOption(sharedOption('target'))
    .addOption(sharedOption('categorical', 'columns to one-hot encode'))
    .addOption(sharedOption('numeric'))
    .addOption(sharedOption('ignore'))
    .addOption(sharedOption('keep'))
    .addOption(sharedOption('missing'))
    .addOption(sharedOption('indicator'))
    .addOption(sharedOption('delimiter'))
    .addOption(sharedOption('validationData', 'score every trial on this CSV file (read as the training file) instead of a split or folds of the training rows; trials and the winner train on every training row'))
    .addOption(sharedOption('naValues'))
    .addOption(sharedOption('decimal'))
    .addOption(sharedOption('split'))
    .addOption(sharedOption('classWeight'))
    .addOption(sharedOption('count'))
    .addOption(sharedOption('header'))
    .addOption(sharedOption('skipRows'))
    .addOption(sharedOption('task'))
    .addOption(sharedOption('preset', 'starting point of trial 0 and every trial, as for train: tabular (default for a CSV file) or small (32-16, early stopping; default for bundled and synthetic sets); trial 0 is what train trains with the same options'))
    .option('--space <file>', 'JSON: train option → {"type": "float"|"int"|"categorical", "low", "high", "log", "step", "choices", "when"} (default: lr, layers, activation, batchSize, dropout around the preset\'s)')
    .addOption(new Option('--method <name>', 'search method').choices([...methodNames]).default('tpe'))
    .option('--trials <n>', 'trials in all, counting a resumed journal\'s (default: the whole grid for grid, else 20)', integer(1))
    .option('--cv <k>', 'score by k-fold cross-validation (stratified for classes) instead of one validation split', integer(2))
    .addOption(sharedOption('validationSplit', 'rows held out to score each trial (stratified)', { parse: number(0, 1, false, false) }))
    .addOption(new Option('--metric <name>', 'what the search optimises, on the held-out rows (balanced_accuracy: mean recall over classes; f1: of the second class for two classes, else macro)').choices([...metricNames]).default('loss'))
    .addOption(new Option('--pruner <name>', 'stop poor trials early from their per-epoch scores').choices([...prunerNames]).default('none'))
    .option('--jobs <n>', 'trials at once (this thread and n − 1 worker threads, which join once loaded, each single-threaded when they fill the cores; with --queue: trials queued at once)', integer(1), defaultJobs())
    .addOption(sharedOption('seed', 'seed of the search, the splits and every trial\'s training'))
    .option('--journal <file>', 'append-only JSONL journal; an existing one is resumed', 'search.jsonl')
    .option('--results <file>', 'results table as CSV (and JSONL next to it) (default: <journal>-results.csv)')
    .option('--out <file>', 'where to save the best configuration trained on all rows', 'best.bpm')
    .option('--report <file>', 'write an HTML report of the search')
    .option('--queue <url>', 'run the trials through a Redis queue (redis://host:port[/db]) served by "backprop worker"', queueAddress)
    .addOption(sharedOption('layers', `fixed hidden layer sizes, e.g. 64,32 ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('activation', `fixed hidden-layer activation ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('dropout', `fixed dropout ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('embedding'))
    .addOption(sharedOption('noEmbedding'))
    .addOption(sharedOption('loss'))
    .addOption(sharedOption('optimizer', `fixed optimizer: sgd, adam, rmsprop or adagrad ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('lr', 'fixed learning rate'))
    .addOption(sharedOption('beta2'))
    .addOption(sharedOption('schedule'))
    .addOption(sharedOption('labelSmoothing'))
    .addOption(sharedOption('epochs', `epochs per trial ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('batchSize', `fixed batch size ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('earlyStopping', `stop a trial when the loss on a split of its training rows has not improved for this many epochs ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('noEarlyStopping', 'train all --epochs in every trial'))
    .addOption(sharedOption('keepBest'))
    .addOption(sharedOption('scale', `input scaling ${PRESETS}`, NO_DEFAULT))
    .addOption(sharedOption('samples'))
    .addOption(sharedOption('noise'))
    .addOption(sharedOption('json'))
    .action(async (data: string | undefined, o: SearchFlags, cmd: Command) => {
      const given = new Set(Object.keys(o).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
      const where = dataFlags({ ...o, data });
      done(await searchCommand({
        flags: o, preset: presetOf(o.preset, where), data: where, given, space: o.space, method: o.method, trials: o.trials, cv: o.cv, jobs: o.jobs, journal: o.journal, results: o.results,
        out: o.out, report: o.report, metric: o.metric, pruner: prunerByName(o.pruner), queue: o.queue, json: o.json, command: ['backprop', ...argv].join(' '),
      }, io));
    });

  program
    .command('worker')
    .description('run search trials from a Redis queue on this machine (see "backprop search --queue")')
    .requiredOption('--queue <url>', 'the Redis address the search uses, redis://host:port[/db]', queueAddress)
    .option('--concurrency <n>', 'trials at once on this machine, each in its own process', integer(1), 1)
    .addOption(new Option('--lock-seconds <s>', 'seconds before a silent worker\'s trial is handed to another').argParser(integer(1)).default(30).hideHelp())
    .action(async (o: { queue: string; concurrency: number; lockSeconds: number }) => {
      done(await workerCommand({ queue: o.queue, concurrency: o.concurrency, lockSeconds: o.lockSeconds }, io));
    });
}
