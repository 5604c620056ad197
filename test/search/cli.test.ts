// backprop search end to end, through the package's bin (tsx from the sources: search starts
// worker threads and BullMQ starts processor processes from files next to its own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, watch } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../cli/harness.js';
import { run } from '../../cli/program.js';
import { loadModel } from '../../src/index.js';
import { runTrainingJob, type TrialJob } from '../../cli/search/trial.js';

const BIN = join(ROOT, 'cli', 'backprop.mjs');
const SMALL = ['--dataset', 'iris', '--method', 'random', '--trials', '5', '--epochs', '4', '--seed', '3'];

interface Line {
  type: string;
  number: number;
  state: string;
  value?: number;
  params: Record<string, unknown>;
}

function journal(path: string): Line[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
}

/** number → value of the complete trials of a journal. */
function scores(path: string): [number, number][] {
  return journal(path).filter((l) => l.state === 'complete').map((l): [number, number] => [l.number, l.value!]).sort((a, b) => a[0] - b[0]);
}

/** The CLI in this process (the command table's run), with every file in `dir`. */
async function cli(dir: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const files = args[0] === 'search' ? ['--journal', join(dir, 'search.jsonl'), '--out', join(dir, 'best.bpm')] : [];
  const given = new Set(args.filter((a) => a.startsWith('--')));
  const extra = files.filter((f, i) => (i % 2 === 0 ? !given.has(f) : !given.has(files[i - 1]!)));
  const code = await run([...args, ...extra], { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } });
  return { code, stdout, stderr };
}

async function search(dir: string, args: readonly string[]) {
  const r = await cli(dir, ['search', ...args]);
  assert.equal(r.code, 0, `search failed: ${r.stderr}\n${r.stdout}`);
  return r;
}

test('search on a bundled set: journal, results, a best model evaluate accepts, the same trials and scores again, with --jobs 2', async () => {
  const a = tempDir('search-a');
  const r = await search(a, [...SMALL, '--jobs', '1', '--report', join(a, 'search.html')]);
  assert.match(r.stdout, /Best {4}trial \d+: loss [\d.]+/);
  const first = scores(join(a, 'search.jsonl'));
  assert.equal(first.length, 5);
  assert.equal(journal(join(a, 'search.jsonl'))[0]!.type, 'study');
  const csv = readFileSync(join(a, 'search-results.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 6);
  assert.match(csv[0]!, /^number,state,value,value_std,rank,params_layers,params_activation,params_batchSize,params_dropout,params_lr,split0_value,train_loss,val_loss,val_accuracy,epochs_run,best_epoch,folds,held_out_rows,seed,duration_s/);
  assert.equal(readFileSync(join(a, 'search-results.jsonl'), 'utf8').trim().split('\n').length, 5);
  const html = readFileSync(join(a, 'search.html'), 'utf8');
  assert.match(html, /id="search-data"/);
  assert.match(html, /Best configuration/);
  const ev = await cli(a, ['evaluate', join(a, 'best.bpm'), join(ROOT, 'data', 'iris.csv'), '--json']);
  assert.equal(ev.code, 0, ev.stderr);
  const accuracy = JSON.stringify(JSON.parse(ev.stdout)).match(/"accuracy":([\d.]+)/);
  assert.ok(accuracy && Number(accuracy[1]) > 0.6, ev.stdout);

  // Same seed in a fresh folder: the same trials and scores, on one thread and on two.
  const b = tempDir('search-b');
  await search(b, [...SMALL, '--jobs', '1']);
  assert.deepEqual(scores(join(b, 'search.jsonl')), first);
  const c = tempDir('search-c');
  const two = await search(c, [...SMALL, '--jobs', '2']);
  assert.deepEqual(scores(join(c, 'search.jsonl')), first);
  // The winner's refit is the same model whether it was begun while the last trials ran (--jobs 2: on whichever job was free first, this thread or the worker, whose model comes back as bytes) or after.
  assert.deepEqual(loadModel(join(c, 'best.bpm')).network.getWeights(), loadModel(join(b, 'best.bpm')).network.getWeights(), two.stdout);
  // Run again on the finished journal: nothing reruns, the totals stay.
  const again = await search(a, [...SMALL, '--jobs', '1']);
  assert.doesNotMatch(again.stdout, /^trial /m);
  assert.equal(scores(join(a, 'search.jsonl')).length, 5);
});

test('a search killed mid-way resumes from its journal: finished trials are not rerun, scores as uninterrupted', async () => {
  const whole = tempDir('search-whole');
  const args = ['--dataset', 'iris', '--method', 'random', '--trials', '6', '--epochs', '60', '--seed', '4', '--jobs', '1'];
  await search(whole, args);
  const expected = scores(join(whole, 'search.jsonl'));

  const dir = tempDir('search-kill');
  const child = spawn(process.execPath, [BIN, 'search', ...args], { cwd: dir, stdio: 'ignore' });
  const path = join(dir, 'search.jsonl');
  // Killed on an event: the journal changed and holds two complete trials (no clock).
  await new Promise<void>((resolve, reject) => {
    const completeTrials = (): number => {
      try {
        return existsSync(path) ? journal(path).filter((l) => l.state === 'complete').length : 0;
      } catch {
        return 0; // a line being written: the next change event reads it whole
      }
    };
    const watcher = watch(dir, () => {
      const done = completeTrials();
      if (done >= 2) {
        watcher.close();
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => {
      watcher.close();
      reject(new Error('the search ended before it was killed'));
    });
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const before = scores(path);
  assert.ok(before.length >= 2 && before.length < 6, `killed after ${before.length} trials`);
  await search(dir, args);
  const lines = journal(path);
  assert.deepEqual(scores(path), expected);
  for (const [n] of before) assert.equal(lines.filter((l) => l.number === n && l.state === 'running').length, 1, `trial ${n} ran once`);
});

test('bad input: invalid spaces, a journal that is not JSONL, every trial failing, Redis unreachable', async () => {
  const dir = tempDir('search-bad');
  const bad = (name: string, space: unknown): string => {
    writeFileSync(join(dir, name), JSON.stringify(space));
    return join(dir, name);
  };
  const cases: [string[], number, RegExp][] = [
    [['--space', bad('a.json', { lr: { type: 'float', low: 0.1, high: 0.01 } })], 2, /a\.json: search space: parameter "lr": low must be < high, got low=0\.1, high=0\.01/],
    [['--space', bad('b.json', { lrate: { type: 'float', low: 0.001, high: 0.01 } })], 2, /unknown train option "lrate" \(searchable options: lr, layers, units, depth, activation, optimizer, batchSize, dropout, epochs, earlyStopping, scale\)/],
    [['--space', bad('c.json', { activation: { type: 'categorical', choices: [] } })], 2, /parameter "activation": choices must be a non-empty list/],
    [['--space', bad('d.json', { lr: { type: 'float', low: 0, high: 1, log: true } })], 2, /log scale needs low > 0/],
    [['--space', bad('e.json', { lr: { type: 'float', low: 0.001, high: 0.1 } }), '--lr', '0.01'], 2, /"lr" is both in the search space and given as a fixed option/],
  ];
  for (const [args, code, message] of cases) {
    const r = await cli(dir, ['search', '--dataset', 'iris', '--trials', '2', '--epochs', '2', ...args]);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  writeFileSync(join(dir, 'notes.jsonl'), 'hello\n');
  const notJsonl = await cli(dir, ['search', '--dataset', 'iris', '--trials', '2', '--journal', join(dir, 'notes.jsonl')]);
  assert.equal(notJsonl.code, 1);
  assert.match(notJsonl.stderr, /journal ".*notes\.jsonl": line 1 is not a JSONL search event: hello/);

  // Trial 0 is train's spec under the options typed, so every trial fails only when those diverge too.
  writeFileSync(join(dir, 'huge.json'), JSON.stringify({ dropout: { type: 'float', low: 0, high: 0.1 } }));
  const diverge = await cli(dir, ['search', '--dataset', 'iris', '--trials', '2', '--epochs', '3', '--optimizer', 'sgd', '--lr', '1e6', '--space', join(dir, 'huge.json'), '--journal', join(dir, 'div.jsonl'), '--jobs', '1']);
  assert.equal(diverge.code, 1);
  assert.match(diverge.stdout, /trial {3}0 failed: epoch 1, batch \d+: loss is NaN/);
  assert.match(diverge.stderr, /^backprop: search: all 2 trials failed or were pruned; trial 0 failed: epoch 1/);
  const failed = journal(join(dir, 'div.jsonl')).filter((l) => l.state === 'fail');
  assert.equal(failed.length, 2);

  const redis = await cli(dir, ['search', '--dataset', 'iris', '--trials', '2', '--queue', 'redis://127.0.0.1:1']);
  assert.equal(redis.code, 1);
  assert.equal(redis.stderr, 'backprop: cannot reach Redis at redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n');
});

test('--cv scores by stratified k-fold (mean and spread of the folds), with a pruner and a space with conditions', async () => {
  const dir = tempDir('search-cv');
  writeFileSync(join(dir, 'space.json'), JSON.stringify({
    optimizer: { type: 'categorical', choices: ['adam', 'sgd'] },
    lr: { type: 'float', low: 0.01, high: 0.3, log: true, when: { optimizer: 'sgd' } },
    units: { type: 'int', low: 4, high: 32, step: 4 },
  }));
  const r = await search(dir, ['--dataset', 'iris', '--space', join(dir, 'space.json'), '--cv', '3', '--method', 'tpe', '--trials', '6', '--epochs', '6', '--pruner', 'median', '--metric', 'accuracy', '--jobs', '1', '--json']);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; state?: string });
  assert.equal(events.filter((e) => e.event === 'trial' && e.state !== 'running').length, 6);
  assert.equal(events.at(-1)!.event, 'done');
  const rows = readFileSync(join(dir, 'search-results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string | null>);
  for (const row of rows.filter((x) => x.state === 'complete')) {
    const folds = [row.split0_value, row.split1_value, row.split2_value] as number[];
    const mean = folds.reduce((a, b) => a + b, 0) / 3;
    assert.ok(Math.abs((row.value as number) - mean) < 1e-12, JSON.stringify(row));
    assert.ok(Math.abs((row.value_std as number) - Math.sqrt(folds.reduce((a, b) => a + (b - mean) ** 2, 0) / 3)) < 1e-12);
    assert.equal(row.folds, 3);
  }
  for (const row of rows) assert.equal(row.params_lr === null, row.params_optimizer === 'adam', JSON.stringify(row));
  // Accuracy is maximised: rank 1 has the highest value.
  const best = rows.find((x) => x.rank === 1)!;
  assert.equal(best.value, Math.max(...rows.filter((x) => x.state === 'complete').map((x) => x.value as number)));
});

test('cv and search --cv (a one-point grid at the same settings, seed and folds) give identical fold scores, under either preset', async () => {
  const settings = ['--layers', '8', '--activation', 'tanh', '--lr', '0.02', '--epochs', '20', '--batch-size', '16', '--early-stopping', '3', '--seed', '11'];
  // Both resolve the same preset for the file under the same typed options.
  for (const preset of [[], ['--preset', 'small']]) {
    const dir = tempDir('search-cv');
    const cv = await cli(dir, ['cv', join(ROOT, 'data', 'iris.csv'), '--folds', '3', ...preset, ...settings, '--json']);
    assert.equal(cv.code, 0, cv.stderr);
    const folds = cv.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; accuracy?: number }).filter((e) => e.event === 'fold').map((e) => e.accuracy!);
    assert.equal(folds.length, 3);
    writeFileSync(join(dir, 'one.json'), JSON.stringify({ dropout: { type: 'categorical', choices: [0] } }));
    const r = await search(dir, [join(ROOT, 'data', 'iris.csv'), '--space', join(dir, 'one.json'), '--method', 'grid', '--cv', '3', '--metric', 'accuracy', ...preset, ...settings, '--jobs', '1']);
    // The one grid point is the fixed options themselves: trial 0, the only trial.
    assert.match(r.stdout, /Default The default configuration \(trial 0\) won: no trial beat its accuracy /);
    const row = JSON.parse(readFileSync(join(dir, 'search-results.jsonl'), 'utf8').trim()) as Record<string, number>;
    assert.deepEqual([row.split0_value, row.split1_value, row.split2_value], folds, preset.join(' ') || 'preset tabular');
  }
});
