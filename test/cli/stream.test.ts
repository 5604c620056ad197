// Streaming a CSV through train and predict (issue 24), with small blocks so the tests stay fast,
// and continuing training from a saved model with --init. No clocks: every check reads the output.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isValidationRow, loadModel } from '../../src/index.js';
import { buildCli, events, runCli, startCli, tempDir } from './harness.js';

let bin = '';
const dir = tempDir('stream');
// The CLI's temp files (the stream cache) go here, where the tests can look for them.
process.env.TMPDIR = dir;
before(async () => {
  bin = await buildCli();
});

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Numbers with missing cells, a category with missing cells, an ID column, a binary target that follows them. */
function csv(name: string, n: number, seed: number, header = 'city,a,b,c,id,label', threshold = 6.5): string {
  const r = rng(seed);
  const cities = ['paris', 'rome', 'oslo', 'lima'];
  const lines = [header];
  for (let i = 0; i < n; i++) {
    const city = cities[Math.floor(r() * 4)]!;
    const a = r() * 10;
    const b = r() < 0.1 ? '' : (r() * 5 - 2).toFixed(3);
    const c = Math.floor(r() * 100);
    const y = a + (city === 'rome' ? 3 : 0) + Number(b || 0) + (r() - 0.5) > threshold ? 'yes' : 'no';
    lines.push([r() < 0.05 ? '' : city, a.toFixed(3), b, c, i + 1, y].join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const small = () => csv('small.csv', 1500, 7);
const SETTINGS = ['--stream-settings', '{"blockRows":64,"shuffleRows":256}'];

/** The Data block and the Task line: how every column is read. */
function dataBlock(stdout: string): string[] {
  const lines = stdout.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Data '));
  const to = lines.findIndex((l) => l.startsWith('Task '));
  return lines.slice(from, to + 1);
}

test('--stream decides every column as the in-memory path does on a file that fits (the --dry-run Data block), with the same preset', () => {
  const file = small();
  const memory = runCli(bin, ['train', file, '--dry-run'], dir);
  const streamed = runCli(bin, ['train', file, '--dry-run', '--stream', ...SETTINGS], dir);
  assert.equal(memory.code, 0, memory.stderr);
  assert.equal(streamed.code, 0, streamed.stderr);
  const block = dataBlock(memory.stdout);
  assert.ok(block.some((l) => /left out: id \(ID-like/.test(l)) && block.some((l) => /missing: .* filled in/.test(l)) && block.some((l) => /robustly scaled/.test(l)), block.join('\n'));
  assert.deepEqual(dataBlock(streamed.stdout), block);
  // The tabular preset resolved on the rows pass 1 counted, as in memory on its table.
  assert.match(streamed.stdout, /^Preset  preset tabular for 1,500 rows: 64 epochs, batch 32, the epoch of lowest validation loss kept, stopping 16 epochs after it \(20 % held out\)$/m);
  assert.match(streamed.stdout, /Split {3}\d+ training \/ \d+ validation rows \(a seeded hash of the row number, seed 1/);
  const typed = runCli(bin, ['train', file, '--dry-run', '--stream', ...SETTINGS, '--scale', 'standard', '--batch-size', '64'], dir);
  assert.match(typed.stdout, /numeric \(standardised\)/);
  assert.match(typed.stdout, /^Preset  preset tabular for 1,500 rows: .*; typed options win: --batch-size 64, --scale standard$/m);
});

test('a file longer than the prefix: columns decided on its first rows, said in one line; every row still counted', () => {
  const file = small();
  const r = runCli(bin, ['train', file, '--dry-run', '--stream', '--stream-settings', '{"blockRows":64,"prefixRows":300}'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Note {4}columns decided on the first 300 rows \(the same rules as in memory\)/);
  assert.match(r.stdout, /1500 rows, 7 features/);
});

/** The epoch events of a --json run. */
function epochLosses(stdout: string): { epoch: number; val_loss: number }[] {
  return events(stdout).filter((e) => e.event === 'epoch') as { epoch: number; val_loss: number }[];
}

test('streamed training with the tabular preset reaches the in-memory quality within noise, holding at most its buffers', () => {
  const file = small();
  const memory = runCli(bin, ['train', file, '--epochs', '12', '--json', '--out', join(dir, 'm.bpm')], dir);
  assert.equal(memory.code, 0, memory.stderr);
  const mDone = events(memory.stdout).find((e) => e.event === 'done') as { metrics: { validation: { accuracy: number; rows: number } } };
  const out = join(dir, 's.bpm');
  const streamed = runCli(bin, ['train', file, '--stream', ...SETTINGS, '--epochs', '12', '--json', '--out', out], dir);
  assert.equal(streamed.code, 0, streamed.stderr);
  const sDone = events(streamed.stdout).find((e) => e.event === 'done') as { history: Record<string, number[]>; held: Record<string, number>; validationRows: number; trainRows: number; metrics: { validation: { accuracy: number } } };
  // The same network, scaling and schedule as in memory: the preset's 2×256, robust scaler, warm-up + cosine, label smoothing.
  const saved = loadModel(out);
  const spec = (saved.metadata.spec ?? {}) as { preprocessing: { scale: string }; architecture: { hidden: number[] }; compile: { schedule: string; labelSmoothing: number }; fit: { batchSize: number } };
  assert.deepEqual([spec.preprocessing.scale, spec.architecture.hidden, spec.compile.schedule, spec.compile.labelSmoothing, spec.fit.batchSize], ['robust', [256, 256], 'warmupCosine', 0.1, 32]);
  assert.equal(saved.preprocessing.scaler?.kind, 'robust');
  const sAcc = sDone.metrics.validation.accuracy;
  const mAcc = mDone.metrics.validation.accuracy;
  assert.ok(mAcc > 0.9 && sAcc > 0.9, `accuracy in memory ${mAcc}, streamed ${sAcc}`);
  assert.ok(Math.abs(sAcc - mAcc) < 0.04, `within noise: in memory ${mAcc} on ${mDone.metrics.validation.rows} rows, streamed ${sAcc} on ${sDone.validationRows}`);
  assert.equal(sDone.trainRows + sDone.validationRows, 1500);
  assert.ok(sDone.validationRows > 240 && sDone.validationRows < 360, `about 20 % held out: ${sDone.validationRows}`);
  assert.ok(sDone.held.shuffleRows! <= 256 && sDone.held.blockRows === 64, JSON.stringify(sDone.held));
});

test('a streamed run interrupted (Ctrl-C after an epoch event) resumes from its --checkpoint exactly: the later epochs equal those of a straight run', async () => {
  const file = small();
  // A constant learning rate: a schedule is built for the run's epoch count, which the interrupted run does not share with the straight one.
  const common = ['train', file, '--stream', ...SETTINGS, '--schedule', 'constant', '--json'];
  const straight = runCli(bin, [...common, '--epochs', '8', '--out', join(dir, 'straight.bpm')], dir);
  assert.equal(straight.code, 0, straight.stderr);
  const ck = join(dir, 'ck.bpm');
  const child = startCli(bin, [...common, '--epochs', '100000', '--checkpoint', ck, '--out', join(dir, 'cut.bpm')], dir);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (epochLosses(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).length >= 2) resolve();
    });
    void exited.then((code) => reject(new Error(`ended (${code}) before epoch 2: ${stderr}`)));
  });
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  const done = loadModel(ck).training!.epoch;
  assert.ok(done >= 2 && done < 8, `the checkpoint holds ${done} epochs`);
  assert.deepEqual(loadModel(ck).training!.history!.history.val_loss, epochLosses(straight.stdout).slice(0, done).map((e) => e.val_loss), 'the checkpoint holds the epochs before the cut');
  const resumed = runCli(bin, ['train', file, '--stream', ...SETTINGS, '--resume', ck, '--epochs', '8', '--json', '--out', join(dir, 'after.bpm')], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`"event":"done","epochs":8`));
  assert.deepEqual(epochLosses(resumed.stdout).map((e) => e.val_loss), epochLosses(straight.stdout).slice(done).map((e) => e.val_loss), `epochs ${done + 1}-8 after the resume equal the straight run's`);
  assert.equal(loadModel(join(dir, 'after.bpm')).training!.history!.epoch.length, 8, 'the saved history holds every epoch');
});

test('pass 1 writes the training rows to a binary cache every epoch reads: the same epochs bit for bit as parsing again, its size said, the file gone after the run and after Ctrl-C', async () => {
  const file = small();
  const common = ['train', file, '--stream', '--epochs', '3', '--json'];
  // A cache left by a process that no longer runs (a pid above any system's pid_max) is removed by the next run.
  const orphan = join(dir, 'backprop-stream-999999999-old.f32');
  writeFileSync(orphan, 'x');
  const cached = runCli(bin, [...common, '--stream-settings', '{"blockRows":64,"shuffleRows":256}', '--out', join(dir, 'c.bpm')], dir);
  const parsed = runCli(bin, [...common, '--stream-settings', '{"blockRows":64,"shuffleRows":256,"cache":false}', '--out', join(dir, 'p.bpm')], dir);
  assert.equal(cached.code, 0, cached.stderr);
  assert.equal(parsed.code, 0, parsed.stderr);
  assert.equal(existsSync(orphan), false, 'the orphan cache was removed');
  assert.deepEqual(events(cached.stdout).filter((e) => e.event === 'epoch').map((e) => [e.loss, e.val_loss]), events(parsed.stdout).filter((e) => e.event === 'epoch').map((e) => [e.loss, e.val_loss]));
  const done = events(cached.stdout).find((e) => e.event === 'done') as { trainRows: number; cache: { used: boolean; bytes: number; path: string } };
  // 7 inputs as read (a, b, c, 4 cities), a missing-city flag and the class code, float32.
  assert.equal(done.cache.used, true);
  assert.equal(done.cache.bytes, done.trainRows * (7 + 1 + 1) * 4);
  assert.equal(dirname(done.cache.path), dir, 'in TMPDIR');
  assert.equal(existsSync(done.cache.path), false, 'deleted when the run ended');
  assert.equal((events(parsed.stdout).find((e) => e.event === 'done') as { cache: { used: boolean } }).cache.used, false);
  const text = runCli(bin, ['train', file, '--stream', '--epochs', '3', '--stream-settings', '{"blockRows":64}', '--out', join(dir, 't.bpm')], dir);
  assert.match(text.stdout, /^Stream {2}0\.0 MB read 64 records at a time; shuffle buffer 32,768 rows; each epoch reads the training rows from a 0\.0 MB binary cache pass 1 wrote, .*backprop-stream-\d+-\w+\.f32 \(deleted when the run ends\)$/m);

  // A cache that cannot be written (TMPDIR is a file here): said in the Stream line, and the run parses the CSV each epoch instead, with the same epochs.
  process.env.TMPDIR = file;
  const unwritable = runCli(bin, [...common, '--stream-settings', '{"blockRows":64,"shuffleRows":256}', '--out', join(dir, 'u.bpm')], dir);
  const said = runCli(bin, ['train', file, '--stream', '--epochs', '1', '--stream-settings', '{"blockRows":64}', '--out', join(dir, 'u2.bpm')], dir);
  process.env.TMPDIR = dir;
  assert.equal(unwritable.code, 0, unwritable.stderr);
  assert.equal((events(unwritable.stdout).find((e) => e.event === 'done') as { cache: { used: boolean } }).cache.used, false);
  assert.deepEqual(events(unwritable.stdout).filter((e) => e.event === 'epoch').map((e) => e.loss), events(cached.stdout).filter((e) => e.event === 'epoch').map((e) => e.loss));
  assert.equal(said.code, 0, said.stderr);
  assert.match(said.stdout, /^Stream .*; each epoch parses the file again: writing .*backprop-stream-\d+-\w+\.f32 failed: ENOTDIR/m);

  // Ctrl-C in epoch 3 or later, while the cache is read: the run stops, saves, and deletes it.
  const child = startCli(bin, ['train', file, '--stream', '--stream-settings', '{"blockRows":64,"shuffleRows":256}', '--epochs', '100000', '--out', join(dir, 'i.bpm')], dir);
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (/^Epoch 2\//m.test(stdout)) resolve();
  }));
  const path = /binary cache pass 1 wrote, (\S+\.f32)/.exec(stdout)![1]!;
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.equal(existsSync(path), false, `${path} deleted on Ctrl-C`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('backprop-stream-')), []);
});

test('--report on a streamed run draws from the validation rows held, says so, and is refused without validation rows', () => {
  const file = small();
  const report = join(dir, 'r.html');
  const r = runCli(bin, ['train', file, '--stream', ...SETTINGS, '--epochs', '2', '--out', join(dir, 'r.bpm'), '--report', report], dir);
  assert.equal(r.code, 0, r.stderr);
  const held = /^Split {3}(\d+) training \/ (\d+) validation rows/m.exec(r.stdout)!;
  assert.match(r.stdout, new RegExp(`^Report written to .*r\\.html; its charts use the ${held[2]} validation rows held$`, 'm'));
  const html = readFileSync(report, 'utf8').replace(/<[^>]+>/g, ' ');
  assert.match(html, new RegExp(`${held[1]} training / ${held[2]} validation rows`));
  assert.match(html, new RegExp(`Streamed: the charts, the confusion matrix and the explanations are drawn from the ${held[2]} validation rows held`));
  const none = runCli(bin, ['train', file, '--stream', ...SETTINGS, '--validation-split', '0', '--out', join(dir, 'n.bpm'), '--report', join(dir, 'n.html')], dir);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /--report on a streamed run draws its charts from the validation rows, and this run has none/);
  assert.equal(existsSync(join(dir, 'n.bpm')), false, 'refused before training');
  // A time split needs every row's time before the first epoch: refused, naming the option and why.
  const time = runCli(bin, ['train', file, '--stream', ...SETTINGS, '--split', 'time:c', '--out', join(dir, 't.bpm')], dir);
  assert.equal(time.code, 2, time.stderr);
  assert.match(time.stderr, /--split time:c validates on the latest rows by "c", which needs every row's time before the first epoch: not available when the file is streamed/);
});

test('predict --stream writes, block by block, exactly what predict writes from memory', () => {
  const file = small();
  const model = join(dir, 'p.bpm');
  assert.equal(runCli(bin, ['train', file, '--epochs', '3', '--out', model], dir).code, 0);
  const fresh = csv('fresh.csv', 700, 21);
  const memory = runCli(bin, ['predict', model, fresh, '--probabilities', '--keep', 'id'], dir);
  assert.equal(memory.code, 0, memory.stderr);
  const out = join(dir, 'pred.csv');
  const streamed = runCli(bin, ['predict', model, fresh, '--probabilities', '--keep', 'id', '--stream', '--stream-settings', '{"blockRows":50}', '--out', out], dir);
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.match(streamed.stdout, /Wrote 700 predictions to .*pred\.csv \(streamed 50 rows at a time\)/);
  assert.equal(readFileSync(out, 'utf8'), memory.stdout);
  assert.equal(memory.stdout.trim().split('\n').length, 701);
  // One row of a city never seen in training: counted in the singular, and predicted as the rest.
  const odd = join(dir, 'odd.csv');
  writeFileSync(odd, `${readFileSync(fresh, 'utf8').trimEnd().split('\n').map((l, i) => (i === 3 ? l.replace(/^[a-z]*,/, 'cairo,') : l)).join('\n')}\n`);
  const one = runCli(bin, ['predict', model, odd, '--stream', '--stream-settings', '{"blockRows":50}', '--out', join(dir, 'odd-pred.csv')], dir);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stderr, /Warning: "city": 1 row holds categories not seen in training, encoded as all zeros\n/);
});

test('--init refuses a file whose columns differ, naming each difference', () => {
  const model = join(dir, 'i.bpm');
  assert.equal(runCli(bin, ['train', small(), '--epochs', '2', '--out', model], dir).code, 0);
  const other = csv('renamed.csv', 300, 3, 'city,a,bb,c,id,label');
  const r = runCli(bin, ['train', other, '--init', model, '--out', join(dir, 'x.bpm')], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /renamed\.csv: its columns differ from those .*i\.bpm was trained on: "b" is missing; "bb" is new/);
  const both = runCli(bin, ['train', small(), '--init', model, '--resume', model], dir);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give --init or --resume, not both/);
});

test('--init continues from the saved weights: its first epoch on new rows starts lower than a fresh model, and only the new run is reported', () => {
  const model = join(dir, 'warm.bpm');
  assert.equal(runCli(bin, ['train', small(), '--epochs', '15', '--no-early-stopping', '--out', model], dir).code, 0);
  const next = csv('next.csv', 800, 99);
  const warm = runCli(bin, ['train', next, '--init', model, '--epochs', '1', '--json', '--out', join(dir, 'w2.bpm')], dir);
  assert.equal(warm.code, 0, warm.stderr);
  const cold = runCli(bin, ['train', next, '--epochs', '1', '--json', '--out', join(dir, 'c2.bpm')], dir);
  assert.equal(cold.code, 0, cold.stderr);
  const first = (stdout: string) => events(stdout).filter((e) => e.event === 'epoch') as { epoch: number; loss: number }[];
  const w = first(warm.stdout);
  const c = first(cold.stdout);
  assert.deepEqual(w.map((e) => e.epoch), [1], 'epochs counted from 1 again: the old run\'s history is not carried');
  assert.ok(w[0]!.loss < c[0]!.loss * 0.7, `warm ${w[0]!.loss} vs fresh ${c[0]!.loss}`);
  const done = events(warm.stdout).find((e) => e.event === 'done') as { epochs: number };
  assert.equal(done.epochs, 1);
});

test('evaluate --stream sums loss, accuracy, the confusion matrix, the baseline and the training-rows check over blocks: equal to evaluate in memory', () => {
  type Ev = { loss: number; accuracy?: number; balancedAccuracy?: number; macroF1?: number; mae?: number; rmse?: number; r2?: number; baseline: Record<string, unknown>; perClass?: unknown[]; notes: string[] };
  const both = (model: string, file: string): [Ev, Ev] => {
    const memory = runCli(bin, ['evaluate', model, file, '--json', '--no-stream'], dir);
    const streamed = runCli(bin, ['evaluate', model, file, '--json', '--stream', '--stream-settings', '{"blockRows":64}'], dir);
    assert.equal(memory.code, 0, memory.stderr);
    assert.equal(streamed.code, 0, streamed.stderr);
    return [events(memory.stdout).find((e) => e.event === 'evaluate') as Ev, events(streamed.stdout).find((e) => e.event === 'evaluate') as Ev];
  };
  const close = (a: Record<string, unknown>, b: Record<string, unknown>, what: string) => {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), what);
    for (const k of Object.keys(b)) {
      if (typeof b[k] === 'number') assert.ok(Math.abs((a[k] as number) - (b[k] as number)) < 1e-6, `${what} ${k}: streamed ${String(a[k])}, in memory ${String(b[k])}`);
      else assert.deepEqual(a[k], b[k], `${what} ${k}`);
    }
  };
  // Imbalanced classes ("yes" about 10 %), evaluated on the file the model was trained on.
  const rare = csv('rare.csv', 900, 41, 'city,a,b,c,id,label', 10);
  const model = join(dir, 'e.bpm');
  assert.equal(runCli(bin, ['train', rare, '--epochs', '3', '--out', model], dir).code, 0);
  const [m, s] = both(model, rare);
  const pick = (e: Ev) => ({ loss: e.loss, accuracy: e.accuracy, balancedAccuracy: e.balancedAccuracy, macroF1: e.macroF1 });
  close(pick(s), pick(m), 'model');
  assert.ok(m.balancedAccuracy !== undefined && m.balancedAccuracy < m.accuracy!, `balanced accuracy ${m.balancedAccuracy} beside accuracy ${m.accuracy}`);
  close(s.baseline, m.baseline, 'baseline');
  assert.equal(s.baseline.label, 'no');
  // The baseline's loss is taken against targets smoothed as the model's loss takes them (the tabular preset smooths by 0.1):
  // −(1 − ε)·log p_y − (ε/2)·(log p_no + log p_yes) per row, from the saved training prior and this file's labels.
  const prior = (loadModel(model).metadata.baseline as { prior: number[] }).prior;
  const labels = readFileSync(rare, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').at(-1));
  const e = 0.1;
  const perRow = (k: number) => -((1 - e) * Math.log(prior[k]!) + (e / 2) * (Math.log(prior[0]!) + Math.log(prior[1]!)));
  const expected = labels.reduce((a, l) => a + perRow(l === 'no' ? 0 : 1), 0) / labels.length;
  assert.ok(Math.abs((m.baseline.loss as number) - expected) < 1e-9, `baseline loss ${String(m.baseline.loss)}, smoothed prior cross-entropy ${expected}`);
  const human = runCli(bin, ['evaluate', model, rare], dir);
  assert.match(human.stdout, new RegExp(`│ loss \\(label smoothing 0\\.1\\) +│ +${m.loss.toFixed(4)} │ +${expected.toFixed(4)} │`), human.stdout);
  assert.deepEqual(s.perClass, m.perClass);
  assert.deepEqual(s.notes, m.notes);
  assert.ok(m.notes.some((n) => /^Imbalanced classes \(the smallest, "yes", is \d+\.\d % of the rows\)/.test(n)), m.notes.join('\n'));
  assert.ok(m.notes.some((n) => /^\d+ of the 900 rows are rows the model was trained on/.test(n)), m.notes.join('\n'));
  assert.ok(m.notes.some((n) => /^Baseline: always answering "no"/.test(n)), m.notes.join('\n'));

  // Regression: MAE, RMSE, R² and the training mean's.
  const reg = join(dir, 'r.bpm');
  assert.equal(runCli(bin, ['train', small(), '--target', 'a', '--epochs', '3', '--out', reg], dir).code, 0);
  const [mr, sr] = both(reg, csv('eval.csv', 700, 31));
  close({ loss: sr.loss, mae: sr.mae, rmse: sr.rmse, r2: sr.r2 }, { loss: mr.loss, mae: mr.mae, rmse: mr.rmse, r2: mr.r2 }, 'regression');
  close(sr.baseline, mr.baseline, 'regression baseline');
  assert.deepEqual(sr.notes, mr.notes);

  // A constant target (123.7, whose mean does not round exactly): R² is scikit-learn's 0 for the
  // model and the baseline alike, in memory and streamed (in memory the baseline's was −2.4e+23).
  const constant = join(dir, 'constant.csv');
  writeFileSync(constant, ['city,a,b,c,id,label', ...readFileSync(join(dir, 'eval.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.replace(/^([^,]*),[^,]*/, '$1,123.7'))].join('\n') + '\n');
  const [mc, sc] = both(reg, constant);
  for (const [e, how] of [[mc, 'in memory'], [sc, 'streamed']] as const) {
    assert.equal(e.r2, 0, `model R² ${how}`);
    assert.equal(e.baseline.r2, 0, `baseline R² ${how}`);
  }
});

test('a streamed regression prints MAE, RMSE and R² of the validation rows, explains its loss and ends with the verdict, as in memory', () => {
  const r = runCli(bin, ['train', small(), '--target', 'a', '--stream', ...SETTINGS, '--epochs', '4', '--out', join(dir, 'sr.bpm')], dir);
  assert.equal(r.code, 0, r.stderr);
  const cell = (name: string) => Number(new RegExp(`│ ${name} +│ — +│ +(-?[\\d.]+) │`).exec(r.stdout)?.[1]);
  const [mae, rmse, r2] = [cell('MAE'), cell('RMSE'), cell('R²')];
  assert.ok(mae > 0 && rmse >= mae && r2 <= 1 && Number.isFinite(r2), `MAE ${mae}, RMSE ${rmse}, R² ${r2}\n${r.stdout}`);
  // The loss is the mse of the standardized target: RMSE ÷ the printed scale, squared, is the validation loss (no penalty here).
  const [, scale] = /^Loss +mse on the standardized target \(\(y − [-\d.e]+\) \/ ([\d.e]+)\)/m.exec(r.stdout) ?? [];
  assert.ok(scale !== undefined, r.stdout);
  const valLoss = Number(/│ loss +│ +[\d.]+ │ +([\d.]+) │/.exec(r.stdout)?.[1]);
  assert.ok(Math.abs((rmse / Number(scale)) ** 2 - valLoss) < 0.01 * valLoss + 1e-4, `(${rmse} / ${scale})² against the loss ${valLoss}`);
  assert.match(r.stdout, /^(Overfitting since epoch \d+|Still improving|Flat): /m);
});

test('a streamed run compares with the baseline on its validation rows: the training rows\' majority, scored exactly, said when not beaten, and saved for evaluate', () => {
  // Labels that ignore the inputs, "no" about 70 % of the rows: nothing to learn beyond the class count.
  const r = rng(77);
  const lines = ['a,b,label'];
  for (let i = 0; i < 1200; i++) lines.push([(r() * 10).toFixed(3), (r() * 10).toFixed(3), r() < 0.7 ? 'no' : 'yes'].join(','));
  const noise = join(dir, 'noise.csv');
  writeFileSync(noise, `${lines.join('\n')}\n`);
  const out = join(dir, 'noise.bpm');
  const run = runCli(bin, ['train', noise, '--stream', ...SETTINGS, '--epochs', '3', '--seed', '5', '--out', out], dir);
  assert.equal(run.code, 0, run.stderr);
  // The validation rows are the seeded hash's (the preset holds out 20 %): the baseline's accuracy is the share of "no" among them.
  const labels = lines.slice(1).map((l) => l.split(',')[2]);
  const held = labels.filter((_, i) => isValidationRow(i, 5, 0.2));
  const trainedNo = labels.filter((l, i) => !isValidationRow(i, 5, 0.2) && l === 'no').length;
  assert.ok(trainedNo > (labels.length - held.length) / 2, 'the training rows\' majority is "no"');
  const share = held.filter((l) => l === 'no').length / held.length;
  const cell = Number(/│ accuracy +│ +[\d.]+ │ +[\d.]+ │ +([\d.]+) │/.exec(run.stdout)?.[1]);
  assert.ok(Math.abs(cell - share) < 5e-5, `baseline accuracy ${cell}, share of "no" among the ${held.length} validation rows ${share}\n${run.stdout}`);
  // Its loss: the training prior's cross-entropy against targets smoothed by the preset's 0.1, as the model's loss row is.
  const p = trainedNo / (labels.length - held.length);
  const e = 0.1;
  const smoothed = held.reduce((a, l) => a - (1 - e) * Math.log(l === 'no' ? p : 1 - p) - (e / 2) * (Math.log(p) + Math.log(1 - p)), 0) / held.length;
  const lossCell = Number(/│ loss \(label smoothing 0\.1\) +│ +[\d.]+ │ +[\d.]+ │ +([\d.]+) │/.exec(run.stdout)?.[1]);
  assert.ok(Math.abs(lossCell - smoothed) < 5e-5, `baseline loss ${lossCell}, smoothed prior cross-entropy ${smoothed}\n${run.stdout}`);
  const accuracy = Number(/│ accuracy +│ +[\d.]+ │ +([\d.]+) │/.exec(run.stdout)?.[1]);
  if (accuracy <= share) {
    assert.match(run.stdout, /^No better than the baseline: always answering "no" scores accuracy [\d.]+ on the validation rows/m);
  } else assert.match(run.stdout, /^Baseline: always answering "no" scores accuracy/m);
  // The saved model carries the baseline, which evaluate reports.
  assert.equal((loadModel(out).metadata.baseline as { label?: string } | undefined)?.label, 'no');
  const ev = runCli(bin, ['evaluate', out, noise], dir);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, /always answering "no"/);
  // And the training rows' fingerprint, tallied block by block: evaluate on the same file says exactly which rows were trained on.
  assert.match(ev.stdout, new RegExp(`^${labels.length - held.length} of the 1,200 rows are rows the model was trained on`, 'm'));
});
