// The search/cv table of `npm run bench`: --jobs 1 against --jobs 2, the built CLI (dist/bin) as the
// package runs it, and the library's crossValidate({ jobs }). Alone: `npx tsx bench/jobs.ts --reps 3`
// (after `npm run build`).
//
// Each row runs jobs 1 and jobs 2 interleaved (1, 2, 1, 2, ...), `reps` pairs: the median wall
// time of each, the median of the pairs' ratios (a pair shares the machine's load most closely),
// and the median CPU time (user + sys of every thread): on a shared machine the CPU time is the
// proof that jobs 2 does the same work, not more, in less wall time. Trials and folds are sized
// so that 'auto' gives every model one kernel thread (products under its threshold): the rows
// measure the jobs, not the kernel threads.
import './sources.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeAtOnce } from './together.js';

interface Run {
  wall: number;
  cpu: number | undefined;
  /** Wall time of the search's trials alone (the journal's first start to its last finish): without start-up and the final refit. */
  trials?: number;
  /** The Jobs line: where the trials or folds ran. */
  jobs?: string;
  /** Seconds each trial or fold took on the thread that ran it (journal, or the folds' fit_time + score_time). */
  each?: number[];
}

export interface JobsRow {
  what: string;
  jobs1: number;
  jobs2: number;
  ratio: number;
  cpu1: number | undefined;
  cpu2: number | undefined;
  trials1?: number;
  trials2?: number;
  /** Median seconds of one trial or fold with one job, and with two (side by side). */
  each1?: number;
  each2?: number;
  placement: string;
  load: string;
  /** Two --jobs 1 runs started at once: 2 × (one alone) ÷ (the pair's wall time), the most two jobs could give on this machine for this work. */
  ceiling: number | undefined;
}

export function loadAverage(): string {
  return spawnSync('uptime', { encoding: 'utf8' }).stdout.replace(/.*load average:\s*/, '').trim();
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const TIME = '/usr/bin/time';

/** Runs node with `args`; wall time here, CPU time from GNU time when the machine has it. */
function timed(args: string[]): Run & { stdout: string; ok: boolean; stderr: string } {
  const withTime = existsSync(TIME);
  const t0 = performance.now();
  const r = withTime
    ? spawnSync(TIME, ['-f', 'CPU %U %S', process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : undefined, stdout: r.stdout, stderr: r.stderr, ok: r.status === 0 };
}

/** 2 × the wall time of one --jobs 1 run alone ÷ that of two at once (both timed the same way, as processes). */
function ceilingOf(oneJob: (tag: string) => string[]): number {
  return (2 * nodeAtOnce([{ args: oneJob('a') }]).seconds) / nodeAtOnce([{ args: oneJob('a') }, { args: oneJob('b') }]).seconds;
}

/** The search's trials, first start to last finish, and each trial's seconds, from its journal. */
function trialTimes(journal: string): { span: number | undefined; each: number[] } {
  let first = Infinity;
  let last = -Infinity;
  const each: number[] = [];
  for (const line of readFileSync(journal, 'utf8').split('\n')) {
    if (!line.startsWith('{"type":"trial"')) continue;
    const t = JSON.parse(line) as { startedAt?: string; finishedAt?: string };
    if (t.startedAt) first = Math.min(first, Date.parse(t.startedAt));
    if (t.finishedAt) last = Math.max(last, Date.parse(t.finishedAt));
    if (t.startedAt && t.finishedAt) each.push((Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000);
  }
  return { span: Number.isFinite(first) && Number.isFinite(last) ? (last - first) / 1000 : undefined, each };
}

/** The folds' seconds and where they ran, from cv's --json events. */
function foldTimes(stdout: string): { each: number[]; jobs?: string } {
  const each: number[] = [];
  let jobs: string | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as { event?: string; fit_time?: number; score_time?: number; here?: number; workers?: number[] };
    if (e.event === 'fold' && e.fit_time !== undefined) each.push(e.fit_time + (e.score_time ?? 0));
    if (e.event === 'jobs') jobs = `4 folds: ${e.here} on this thread, ${e.workers?.join('+') || 0} on the worker thread`;
  }
  return { each, ...(jobs !== undefined ? { jobs } : {}) };
}

export function jobsTable(root: string, work: string, reps: number, only = '', log: (s: string) => void = (s) => console.error(s)): JobsRow[] {
  const cli = join(root, 'dist', 'bin', 'backprop.js');
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build first`);
  const digits = join(root, 'data', 'digits.csv');
  const tmp = join(work, 'jobs');
  mkdirSync(tmp, { recursive: true });
  // Three parameters that do not change a trial's work, so every trial costs about the same.
  const space = join(tmp, 'space.json');
  writeFileSync(space, JSON.stringify({ lr: { type: 'float', low: 3e-4, high: 3e-2, log: true }, activation: { type: 'categorical', choices: ['relu', 'tanh'] }, dropout: { type: 'float', low: 0, high: 0.5 } }));
  const searchArgs = (name: string, extra: string[], j: number, tag: string): string[] => {
    const journal = join(tmp, `${name}-${j}${tag}.jsonl`);
    rmSync(journal, { force: true });
    return [cli, 'search', ...extra, '--method', 'random', '--seed', '1', '--jobs', String(j), '--journal', journal, '--out', join(tmp, `${name}-${j}${tag}.bpm`)];
  };
  const search = (name: string, extra: string[]) => (j: number): Run => {
    const journal = join(tmp, `${name}-${j}.jsonl`);
    const r = timed(searchArgs(name, extra, j, ''));
    if (!r.ok) log(`    search ${name} --jobs ${j} failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    const times = trialTimes(journal);
    return { ...r, trials: times.span, each: times.each, jobs: /^Jobs +(.*)$/m.exec(r.stdout)?.[1] };
  };
  // --json: the folds' times and where they ran come as events.
  const cvArgs = (extra: string[], j: number): string[] => [cli, 'cv', digits, '--folds', '4', ...extra, '--jobs', String(j), '--json'];
  const cv = (extra: string[]) => (j: number): Run => {
    const r = timed(cvArgs(extra, j));
    if (!r.ok) log(`    cv --jobs ${j} failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    return { ...r, ...foldTimes(r.stdout) };
  };
  // The library: crossValidate alone (the table read before the clock starts), in a process of its own.
  const libraryFile = (j: number): string => {
    const code = `import { readFileSync } from 'node:fs'; import { crossValidate, tableFromRecords, trainingSpec } from ${JSON.stringify(join(root, 'dist', 'node', 'index.js'))};
const table = tableFromRecords(readFileSync(${JSON.stringify(digits)}, 'utf8').trim().split('\\n').map((l) => l.split(',')), { dtype: 'float32' });
const spec = trainingSpec({ architecture: { hidden: [128, 64] }, fit: { epochs: 400, batchSize: 32, seed: 1 } });
const t0 = performance.now(); const c0 = process.cpuUsage(); let placed;
const s = await crossValidate(spec, table, 4, { jobs: ${j}, onPlacement: (p) => { placed = p; } });
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, acc: s.map((f) => f.accuracy), each: s.map((f) => f.fit_time + f.score_time), placed }));`;
    // A file, not --eval: worker threads inherit node's flags, and --input-type is refused outside --eval.
    const file = join(tmp, `crossValidate-${j}.mjs`);
    writeFileSync(file, code);
    return file;
  };
  const library = (j: number): Run => {
    const r = spawnSync(process.execPath, [libraryFile(j)], { encoding: 'utf8' });
    if (r.status !== 0) log(`    crossValidate jobs ${j} failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    const o = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { wall: number; cpu: number; each: number[]; placed?: { here: number; workers: number[] } };
    return { wall: o.wall, cpu: o.cpu, each: o.each, ...(o.placed ? { jobs: `4 folds: ${o.placed.here} on this thread, ${o.placed.workers.join('+') || 0} on the worker thread` } : {}) };
  };
  // No early stopping (the small preset's would make trials of unequal length): every trial runs
  // its 100 epochs, about a second each (the size issue 22 sets for this row).
  const s12 = ['--dataset', 'digits', '--space', space, '--layers', '128,64', '--batch-size', '32', '--epochs', '100', '--no-early-stopping', '--trials', '12'];
  const s8 = ['--dataset', 'wine', '--trials', '8', '--epochs', '5'];
  const cv4 = ['--layers', '128,64', '--batch-size', '32', '--epochs', '150', '--no-early-stopping'];
  // Folds longer than the search's trials (about 1.5 s each): the fixed start-up is a smaller share.
  const cv4long = ['--layers', '128,64', '--batch-size', '32', '--epochs', '400', '--no-early-stopping'];
  // [what, one run with J jobs, the arguments of a --jobs 1 run (tagged, so two at once write different files)]
  const cases: [string, (jobs: number) => Run, (tag: string) => string[]][] = [
    ['search, 12 trials (digits, 128-64, batch 32, 100 epochs; lr, activation, dropout searched)', search('s12', s12), (t) => searchArgs('s12', s12, 1, t)],
    ['search, 8 tiny trials (wine, default space, 5 epochs)', search('s8', s8), (t) => searchArgs('s8', s8, 1, t)],
    ['cv, 4 folds (digits, 128-64, batch 32, 150 epochs)', cv(cv4), () => cvArgs(cv4, 1)],
    ['cv, 4 folds (digits, 128-64, batch 32, 400 epochs)', cv(cv4long), () => cvArgs(cv4long, 1)],
    ['crossValidate({ jobs }), the library: the 400-epoch folds', library, () => [libraryFile(1)]],
  ];
  const rows: JobsRow[] = [];
  for (const [what, run, oneJob] of cases.filter(([w]) => w.includes(only))) {
    log(`  ${what}`);
    const runs: Record<number, Run[]> = { 1: [], 2: [] };
    const ratios: number[] = [];
    const ceilings: number[] = [];
    const loads: string[] = [];
    for (let rep = 0; rep < reps; rep++) {
      for (const jobs of [1, 2]) {
        if (rep === 0) loads.push(loadAverage());
        runs[jobs]!.push(run(jobs));
      }
      ratios.push(runs[1]![rep]!.wall / runs[2]![rep]!.wall);
      ceilings.push(ceilingOf(oneJob));
    }
    const of = (j: number, pick: (r: Run) => number | undefined): number | undefined => {
      const v = runs[j]!.map(pick).filter((x): x is number => x !== undefined);
      return v.length > 0 ? median(v) : undefined;
    };
    rows.push({
      what, jobs1: of(1, (r) => r.wall)!, jobs2: of(2, (r) => r.wall)!, ratio: median(ratios), cpu1: of(1, (r) => r.cpu), cpu2: of(2, (r) => r.cpu),
      ...(of(1, (r) => r.trials) !== undefined ? { trials1: of(1, (r) => r.trials)!, trials2: of(2, (r) => r.trials)! } : {}),
      ...eachOf(runs[1]!, runs[2]!),
      placement: runs[2]!.at(-1)?.jobs ?? '', load: loads.join(' / '), ceiling: median(ceilings),
    });
  }
  return rows;
}

/** The median seconds of one trial or fold over every run with one job and with two. */
function eachOf(one: Run[], two: Run[]): { each1?: number; each2?: number } {
  const all = (runs: Run[]) => runs.flatMap((r) => r.each ?? []);
  return all(one).length > 0 && all(two).length > 0 ? { each1: median(all(one)), each2: median(all(two)) } : {};
}

/** The table's markdown lines. */
export function jobsLines(rows: JobsRow[], reps: number): string[] {
  const s = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(1));
  const lines = [
    '## search and cross-validation: --jobs 1 against --jobs 2',
    '',
    `Wall time of the whole CLI command (node's start, reading the data, the trials or folds and, for a search, the final refit of the winner on every row, one training run, begun on the first job that has no trial left to run) and, for a search, of its trials alone (journal); one trial or fold: the median of their own times (journal; a fold's fit_time + score_time), alone (one job) and side by side (two), which shows what the two cores give each job; CPU = user + sys of every thread. ${reps} interleaved pairs, medians. The machine's ceiling: two --jobs 1 runs of the same command started at once, 2 × (one alone) ÷ (the pair's wall time): what two jobs of this work can get from this machine's two cores (1.00× would be no gain, 2.00× two independent cores); --jobs 2 is measured against it.`,
    '',
    '| run | --jobs 1 wall (s) | --jobs 2 wall (s) | speed-up (median of pairs) | machine ceiling (two --jobs 1 at once) | trials alone, 1 → 2 (s) | one trial or fold, alone → side by side (s) | CPU, 1 → 2 (s) | where jobs 2 ran them (last run) | load average at the start of each |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const trials = r.trials1 !== undefined ? `${s(r.trials1)} → ${s(r.trials2)} (${(r.trials1 / r.trials2!).toFixed(2)}×)` : '—';
    const each = r.each1 !== undefined ? `${r.each1.toFixed(2)} → ${r.each2!.toFixed(2)}` : '—';
    lines.push(`| ${r.what} | ${s(r.jobs1)} | ${s(r.jobs2)} | ${r.ratio.toFixed(2)}× | ${r.ceiling === undefined ? '—' : `${r.ceiling.toFixed(2)}×`} | ${trials} | ${each} | ${s(r.cpu1)} → ${s(r.cpu2)} | ${r.placement} | ${r.load} |`);
  }
  lines.push('');
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, only: { type: 'string', default: '' } } });
  const root = resolve(import.meta.dirname, '..');
  const reps = Number(values.reps);
  const rows = jobsTable(root, join(root, '.bench-peers'), reps, values.only);
  console.log([`Load average at the end: ${loadAverage()}`, '', ...jobsLines(rows, reps)].join('\n'));
}
