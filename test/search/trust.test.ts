// What makes `backprop search` trustworthy from the command line: a journal made by another
// command is refused naming the difference, the same command resumes and says so, a larger
// --trials extends it; every train option reaches the trials; the metric is printed; a data set
// too small for its validation is warned about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, Rng, type TrainingSpec } from '../../src/index.js';
import { fieldOfOption } from '../../cli/sharedOptions.js';
import { run } from '../../cli/program.js';
import { ROOT, tempDir } from '../cli/harness.js';

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

const IRIS = join(ROOT, 'data', 'iris.csv');

test('a journal of another command is refused naming the difference; the same command resumes and says so; more --trials extends it', async () => {
  const dir = tempDir('search-journal');
  const files = ['--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--jobs', '1'];
  const base = ['search', IRIS, '--method', 'random', '--epochs', '3', '--seed', '2', ...files];
  const first = await cli([...base, '--trials', '3']);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stdout, /Resuming/);
  const other = await cli([...base, '--trials', '3', '--epochs', '4']);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /belongs to another search: fixed\.fit\.epochs: was 3, now 4;/);
  const metric = await cli([...base, '--trials', '3', '--metric', 'accuracy']);
  assert.match(metric.stderr, /belongs to another search: direction: was "minimize", now "maximize"; metric: was "loss", now "accuracy"/);
  const fewer = await cli([...base, '--trials', '2']);
  assert.match(fewer.stderr, /already holds 3 trials, more than the 2 asked for/);
  const same = await cli([...base, '--trials', '3']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /^Resuming .*s\.jsonl: 3 of 3 trials complete$/m);
  const more = await cli([...base, '--trials', '5']);
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stdout, /^Resuming .*s\.jsonl: 3 of 5 trials complete$/m);
  const trials = readFileSync(join(dir, 's-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { number: number });
  assert.deepEqual(trials.map((t) => t.number).sort(), [0, 1, 2, 3, 4]);
});

test('every train option reaches the trials: delimiter, missing, numeric, keep, indicator, class weights', async () => {
  const dir = tempDir('search-options');
  const rng = new Rng(3);
  const lines = ['id;code;x;y;label'];
  for (let i = 0; i < 120; i++) {
    const x = rng.normal();
    const y = rng.normal();
    // code is a category written as digits; x has missing cells; the label is mostly x > 0, rarely "rare".
    lines.push(`r${i};${i % 3};${i % 10 === 0 ? 'NA' : x.toFixed(4)};${y.toFixed(4)};${i % 8 === 0 ? 'rare' : x > 0 ? 'pos' : 'neg'}`);
  }
  writeFileSync(join(dir, 'd.csv'), lines.join('\n') + '\n');
  const r = await cli(['search', join(dir, 'd.csv'), '--delimiter', ';', '--missing', 'impute', '--indicator', '--numeric', 'code', '--keep', 'id',
    '--class-weight', 'balanced', '--method', 'random', '--trials', '2', '--epochs', '3', '--seed', '1', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--jobs', '1']);
  assert.equal(r.code, 0, r.stderr);
  const m = loadModel(join(dir, 'best.bpm'));
  const schema = m.preprocessing.schema!.inputs;
  assert.deepEqual(schema.map((c) => `${c.name}:${c.kind}`), ['id:categorical', 'code:numeric', 'x:numeric', 'y:numeric']);
  const ids = schema[0]!.kind === 'categorical' ? schema[0]!.categories.length : 0;
  assert.equal(ids, 120);
  // The indicator adds one input for x's missing cells: 120 id categories + code + x + y + x_missing.
  assert.equal(m.network.inputUnits, 124);
  const saved = m.metadata as unknown as { spec: TrainingSpec; data: Record<string, unknown> };
  assert.equal(saved.spec.fit.classWeight, 'balanced');
  assert.deepEqual([saved.spec.preprocessing.indicator, saved.spec.preprocessing.numeric, saved.spec.preprocessing.keep], [true, ['code'], ['id']]);
  assert.equal(saved.data.delimiter, ';');
  // A fixed option that is also in the space is refused.
  const both = await cli(['search', join(dir, 'd.csv'), '--delimiter', ';', '--batch-size', '8', '--journal', join(dir, 'b.jsonl')]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /"batchSize" is both in the search space and given as a fixed option/);
});

test('--metric balanced_accuracy is printed in the table, and a data set too small for its validation split is warned about', async () => {
  const dir = tempDir('search-small');
  const rows = readFileSync(IRIS, 'utf8').trim().split('\n');
  // 30 rows: a 0.2 split holds out 6 of them.
  writeFileSync(join(dir, 'small.csv'), [rows[0], ...rows.slice(1).filter((_, i) => i % 5 === 0).slice(0, 32)].join('\n') + '\n');
  const r = await cli(['search', join(dir, 'small.csv'), '--metric', 'balanced_accuracy', '--method', 'random', '--trials', '2', '--epochs', '3', '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm'), '--jobs', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Warning each trial is scored on 6 held-out rows: its scores are mostly noise; use --cv 5, which scores every one of the 30 rows once$/m);
  assert.match(r.stdout, /│ trial │ balanced_accuracy │/);
  assert.match(r.stdout, /^Default (The default configuration \(trial 0\) won|Trial 1 beats the default configuration \(trial 0\)): /m);
  const results = readFileSync(join(dir, 's-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { value: number });
  assert.ok(results.every((t) => t.value >= 0 && t.value <= 1));
  const enough = await cli(['search', IRIS, '--cv', '3', '--method', 'random', '--trials', '1', '--epochs', '2', '--journal', join(dir, 'i.jsonl'), '--out', join(dir, 'i.bpm'), '--jobs', '1']);
  assert.equal(enough.code, 0, enough.stderr);
  assert.doesNotMatch(enough.stdout, /Warning/);
});

/** The long options a command's --help lists, as commander's attribute names ('--batch-size' → 'batchSize'). */
async function optionsOf(command: string): Promise<Set<string>> {
  const help = (await cli([command, '--help'])).stdout;
  const flags = [...help.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!);
  return new Set(flags.map((f) => f.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())));
}

/** What only train does with its run (where it writes, how it reads a big file, resuming): not a training option. */
const TRAIN_RUN_ONLY = new Set(['out', 'report', 'resume', 'init', 'stream', 'noStream', 'checkpoint', 'dryRun', 'json', 'help']);
/** Train options search does not offer, with the reason (none today). */
const NOT_YET_IN_SEARCH = new Set<string>([]);

test('search offers every train option, and each spec option reaches the trials as typed', async () => {
  const train = await optionsOf('train');
  const searchOptions = await optionsOf('search');
  const missing = [...train].filter((o) => !TRAIN_RUN_ONLY.has(o) && !NOT_YET_IN_SEARCH.has(o) && !searchOptions.has(o));
  assert.deepEqual(missing, [], 'train options search lacks');

  const dir = tempDir('search-every-option');
  const rng = new Rng(5);
  const lines = ['id;t;code;x;junk;label;w;n'];
  for (let i = 0; i < 80; i++) {
    const x = rng.normal();
    // Decimal commas, "?" as a missing cell (with --na-values), a time column, a label that is not the last column.
    lines.push(`r${i};${i};${i % 3};${i % 9 === 0 ? '?' : x.toFixed(3).replace('.', ',')};j${i % 2};${x > 0 ? 'pos' : 'neg'};${(rng.uniform()).toFixed(3).replace('.', ',')};${1 + (i % 2)}`);
  }
  writeFileSync(join(dir, 'd.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'dropout.json'), JSON.stringify({ dropout: { type: 'categorical', choices: [0.1] } }));
  writeFileSync(join(dir, 'lr.json'), JSON.stringify({ lr: { type: 'categorical', choices: [0.01] } }));
  const typed: Record<string, readonly [readonly string[], string, unknown]> = {
    target: [['--target', 'label'], 'preprocessing.target', ['label']],
    categorical: [['--categorical', 'code'], 'preprocessing.categorical', ['code']],
    numeric: [['--numeric', 'w'], 'preprocessing.numeric', ['w']],
    ignore: [['--ignore', 'junk'], 'preprocessing.ignore', ['junk']],
    keep: [['--keep', 'id'], 'preprocessing.keep', ['id']],
    missing: [['--missing', 'drop'], 'preprocessing.missing', 'drop'],
    indicator: [['--indicator'], 'preprocessing.indicator', true],
    classWeight: [['--class-weight', 'balanced'], 'fit.classWeight', 'balanced'],
    naValues: [['--na-values', '?'], 'preprocessing.naValues', ['?']],
    decimal: [['--decimal', ','], 'preprocessing.decimal', ','],
    split: [['--split', 'time:t'], 'preprocessing.orderBy', 't'],
    count: [['--count', 'n'], 'preprocessing.count', 'n'],
    task: [['--task', 'classification'], 'preprocessing.task', 'classification'],
    layers: [['--layers', '8,4'], 'architecture.hidden', [8, 4]],
    activation: [['--activation', 'tanh'], 'architecture.activation', 'tanh'],
    embedding: [['--embedding', '{"frequencies": 4, "units": 2}'], 'architecture.embedding', { frequencies: 4, units: 2 }],
    loss: [['--loss', 'binaryCrossentropy'], 'compile.loss', 'binaryCrossentropy'],
    optimizer: [['--optimizer', 'adam'], 'compile.optimizer', 'adam'],
    lr: [['--lr', '0.005'], 'compile.learningRate', 0.005],
    beta2: [['--beta2', '0.9'], 'compile.beta2', 0.9],
    epochs: [['--epochs', '3'], 'fit.epochs', 3],
    batchSize: [['--batch-size', '8'], 'fit.batchSize', 8],
    validationSplit: [['--validation-split', '0.25'], 'fit.validationSplit', 0.25],
    earlyStopping: [['--early-stopping', '2'], 'fit.earlyStopping', 2],
    schedule: [['--schedule', 'cosLog'], 'compile.schedule', 'cosLog'],
    labelSmoothing: [['--label-smoothing', '0.05'], 'compile.labelSmoothing', 0.05],
    keepBest: [['--keep-best'], 'fit.keepBest', true],
    scale: [['--scale', 'minmax'], 'preprocessing.scale', 'minmax'],
  };
  // Checked in the second run (dropout is the first run's space), in a test of its own (validationData; noHeader in cli/noHeader.test.ts; skipRows in cli/messy.test.ts), or not spec fields.
  const elsewhere = new Set(['dropout', 'seed', 'preset', 'delimiter', 'noEmbedding', 'noEarlyStopping', 'dataset', 'samples', 'noise', 'validationData', 'noHeader', 'skipRows']);
  const searchOwn = new Set(['space', 'method', 'trials', 'cv', 'metric', 'pruner', 'jobs', 'journal', 'results', 'queue', 'out', 'report', 'json', 'help']);
  assert.deepEqual([...searchOptions].filter((o) => !(o in typed) && !elsewhere.has(o) && !searchOwn.has(o)), [], 'search options this test does not check');

  const files = (name: string) => ['--journal', join(dir, `${name}.jsonl`), '--out', join(dir, `${name}.bpm`), '--method', 'grid', '--jobs', '1'];
  const first = await cli(['search', join(dir, 'd.csv'), '--delimiter', ';', '--space', join(dir, 'dropout.json'), '--seed', '5', '--preset', 'small', ...Object.values(typed).flatMap(([args]) => args), ...files('a')]);
  assert.equal(first.code, 0, first.stderr);
  const header = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.jsonl`), 'utf8').split('\n')[0]!) as { seed: number; fingerprint: { preset: string; fixed: Record<string, Record<string, unknown>> } };
  const a = header('a');
  for (const [option, [, field, value]] of Object.entries(typed)) {
    const [part, key] = field.split('.') as [string, string];
    assert.deepEqual(a.fingerprint.fixed[part]![key], value, `--${option} → ${field}`);
  }
  assert.equal(a.seed, 5, '--seed is the search seed');
  assert.equal(a.fingerprint.preset, 'small');
  // Trial 0 (the spec as typed) and the one grid point both trained.
  const trials = readFileSync(join(dir, 'a-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { state: string });
  assert.deepEqual(trials.map((t) => t.state), ['complete', 'complete']);
  // The saved model read the file with these options: the delimiter, the columns as typed.
  const m = loadModel(join(dir, 'a.bpm'));
  assert.equal((m.metadata as unknown as { data: { delimiter: string } }).data.delimiter, ';');
  assert.deepEqual(m.preprocessing.schema!.inputs.map((c) => `${c.name}:${c.kind}`), ['id:categorical', 't:numeric', 'code:categorical', 'x:numeric', 'w:numeric']);

  // The negations and the option the first run searched over.
  const second = await cli(['search', join(dir, 'd.csv'), '--delimiter', ';', '--decimal', ',', '--space', join(dir, 'lr.json'), '--dropout', '0.3', '--no-embedding', '--no-early-stopping', '--epochs', '2', ...files('b')]);
  assert.equal(second.code, 0, second.stderr);
  const b = header('b').fingerprint.fixed;
  assert.equal(b.architecture!.dropout, 0.3);
  assert.equal(b.architecture!.embedding, undefined, '--no-embedding');
  assert.equal(b.fit!.earlyStopping, undefined, '--no-early-stopping');

  // A synthetic set's size and noise.
  const third = await cli(['search', '--dataset', 'moons', '--samples', '60', '--noise', '0.3', '--space', join(dir, 'lr.json'), '--epochs', '2', ...files('c')]);
  assert.equal(third.code, 0, third.stderr);
  assert.deepEqual((loadModel(join(dir, 'c.bpm')).metadata as unknown as { data: Record<string, unknown> }).data, { dataset: 'moons', samples: 60, noise: 0.3 });
});

test('cv offers every spec option train offers, and --class-weight and --indicator reach its folds', async () => {
  const train = await optionsOf('train');
  const cv = await optionsOf('cv');
  // k folds train on rows after the held-out ones, which a split by time forbids (holdoutsOf refuses it).
  const foldsForbid = new Set(['split']);
  const specOptions = [...train].filter((o) => fieldOfOption(o) !== undefined && !foldsForbid.has(o));
  assert.deepEqual(specOptions.filter((o) => !cv.has(o)), [], 'spec options of train that cv lacks');

  const dir = tempDir('cv-options');
  const rng = new Rng(2);
  const lines = ['x,y,label'];
  for (let i = 0; i < 150; i++) {
    const rare = rng.uniform() < 0.15;
    lines.push(`${i % 7 === 0 ? 'NA' : (rng.normal() + (rare ? 1 : 0)).toFixed(3)},${rng.normal().toFixed(3)},${rare ? 'rare' : 'common'}`);
  }
  writeFileSync(join(dir, 'imb.csv'), lines.join('\n') + '\n');
  const folds = async (extra: readonly string[]) => {
    const r = await cli(['cv', join(dir, 'imb.csv'), '--folds', '3', '--epochs', '5', '--json', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; confusion?: number[][]; loss?: number }).filter((e) => e.event === 'fold');
  };
  const plain = await folds([]);
  // Balanced weights make the rare class (code 1) predicted more often.
  const predictedRare = (f: { confusion?: number[][] }[]) => f.reduce((a, x) => a + x.confusion![0]![1]! + x.confusion![1]![1]!, 0);
  assert.ok(predictedRare(await folds(['--class-weight', 'balanced'])) > predictedRare(plain), '--class-weight balanced');
  assert.notDeepEqual((await folds(['--indicator'])).map((f) => f.loss), plain.map((f) => f.loss), '--indicator adds an input');
});

test('a journal of the search before the training spec is refused with that reason, and left as it was', async () => {
  // Written by main at efee122: `search data/iris.csv --method random --trials 2 --epochs 2 --jobs 1`
  // (flat settings in its fingerprint, trials scored before search shared cv's scorer).
  const dir = tempDir('search-legacy-journal');
  const journal = join(dir, 'old.jsonl');
  const before = readFileSync(join(ROOT, 'test', 'search', 'fixtures', 'iris-search-main-efee122.jsonl'), 'utf8');
  writeFileSync(journal, before);
  const r = await cli(['search', IRIS, '--method', 'random', '--trials', '4', '--epochs', '2', '--jobs', '1', '--journal', journal, '--out', join(dir, 'best.bpm')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^backprop: journal ".*old\.jsonl" was written by an earlier backprop, whose search scored trials before it shared cv's scorer \(early stopping could watch the rows a trial was scored on\); its trials cannot be ranked beside this search's \(give another --journal file, or remove this one to start afresh\)$/m);
  assert.equal(readFileSync(journal, 'utf8'), before);
});

test('search --validation-data scores every trial on that file, read as the training file; the journal knows the file', async () => {
  const dir = tempDir('search-validation-data');
  const rng = new Rng(11);
  const row = () => {
    const a = rng.normal(), b = rng.normal(), colour = ['red', 'green', 'blue'][Math.floor(rng.uniform() * 3)]!;
    return { a, b, colour, label: a + 0.5 * b + (colour === 'red' ? 0.8 : 0) + 0.4 * rng.normal() > 0 ? 'yes' : 'no' };
  };
  const text = (rows: { a: number; b: number; colour: string; label: string }[], flip = false) =>
    ['a;b;colour;label', ...rows.map((r) => `${r.a.toFixed(3).replace('.', ',')};${r.b.toFixed(3).replace('.', ',')};${r.colour};${flip ? (r.label === 'yes' ? 'no' : 'yes') : r.label}`)].join('\n') + '\n';
  const train = Array.from({ length: 240 }, row), held = Array.from({ length: 60 }, row);
  writeFileSync(join(dir, 'train.csv'), text(train));
  writeFileSync(join(dir, 'val.csv'), text(held));
  writeFileSync(join(dir, 'flipped.csv'), text(held, true));
  // Read as the training file: ';' and the decimal comma apply to the validation file too.
  const base = (val: string, journal: string) => ['search', join(dir, 'train.csv'), '--delimiter', ';', '--decimal', ',', '--validation-data', join(dir, val), '--metric', 'accuracy',
    '--method', 'random', '--trials', '1', '--epochs', '20', '--seed', '3', '--journal', join(dir, journal), '--out', join(dir, `${journal}.bpm`), '--jobs', '1'];
  const value = (journal: string) => (JSON.parse(readFileSync(join(dir, journal.replace('.jsonl', '-results.jsonl')), 'utf8').trim().split('\n')[0]!) as { value: number }).value;
  const r = await cli(base('val.csv', 'v.jsonl'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Search .*; scored on the 60 rows of .*val\.csv;/m);
  const accuracy = value('v.jsonl');
  assert.ok(accuracy > 0.75, `trial 0 accuracy on the validation file ${accuracy}`);
  // The same trial (same spec, seed and training rows) on the same rows with every label flipped:
  // each right answer becomes a wrong one, so the score is exactly its complement.
  const f = await cli(base('flipped.csv', 'f.jsonl'));
  assert.equal(f.code, 0, f.stderr);
  assert.ok(Math.abs(value('f.jsonl') - (1 - accuracy)) < 1e-9, `flipped ${value('f.jsonl')} against 1 - ${accuracy}`);
  // Trials on a worker thread get the validation table too (a structured clone): trial 0 scores the same there.
  const threads = await cli([...base('val.csv', 't.jsonl').map((x) => (x === '1' ? '3' : x)).slice(0, -2), '--jobs', '2']);
  assert.equal(threads.code, 0, threads.stderr);
  const results = readFileSync(join(dir, 't-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { number: number; value: number });
  assert.equal(results.length, 3);
  assert.equal(results.find((t) => t.number === 0)!.value, accuracy);
  const one = await cli(base('val.csv', 'u.jsonl').map((x) => (x === '1' ? '3' : x)).slice(0, -2).concat(['--jobs', '1']));
  assert.equal(one.code, 0, one.stderr);
  const single = readFileSync(join(dir, 'u-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { number: number; value: number });
  for (const t of single) assert.equal(results.find((r) => r.number === t.number)!.value, t.value, `trial ${t.number} on --jobs 2 and --jobs 1`);
  // The journal holds the validation file's hash: another file is another search.
  const other = await cli(base('flipped.csv', 'v.jsonl'));
  assert.equal(other.code, 1);
  assert.match(other.stderr, /belongs to another search: scoring\.validationData\.file: was "[^"]*…, now "[^"]*…; scoring\.validationData\.sha256: was /);
  // The winner is refit on the training rows only, as train --validation-data trains.
  // evaluate knows the rows a model was trained on: none of the validation file's, all of the training file's.
  const onVal = await cli(['evaluate', join(dir, 'v.jsonl.bpm'), join(dir, 'val.csv')]);
  assert.equal(onVal.code, 0, onVal.stderr);
  assert.doesNotMatch(onVal.stdout, /rows the model was trained on/);
  const onTrain = await cli(['evaluate', join(dir, 'v.jsonl.bpm'), join(dir, 'train.csv')]);
  assert.match(onTrain.stdout, /240 of the 240 rows are rows the model was trained on/);
  const both = await cli([...base('val.csv', 'b.jsonl'), '--cv', '3']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--validation-data scores every trial on .*val\.csv; give it without --cv and --validation-split/);
});
