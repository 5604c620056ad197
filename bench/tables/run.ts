// `npm run bench:tables`: backprop's defaults for tables against scikit-learn's MLP pipeline and
// HistGradientBoosting, on the real tables of bench/tables/data (see its README), 5-fold with the
// fold of every row read from folds.json, which the scikit-learn side wrote and used too.
// scikit-learn's scores and times are read from sklearn-golden.json (made by sklearn_tables.py),
// so no Python is needed here. Writes bench/results/tables.md and tables.json.
//
//   npm run bench:tables                                  # old default and the tabular preset, every set
//   npm run bench:tables -- --sets glass,servo --variants tabular
//   npm run bench:tables -- --variants '{"label":"wide","architecture":{"hidden":[256,256,256]}}'
//   npm run bench:tables -- --sets sonar,servo --update     # re-run some sets, keep the others' rows
//   npm run bench:tables -- --sets glass,sonar --seeds 1,2,3  # mean over training seeds (small tables move by ±0.01–0.02 with the seed)
//
// A variant is a preset name or JSON spec parts (with a "label") laid over the tabular preset.
// Times are seconds of preprocessing + training + prediction summed over the folds, one thread.
import '../sources.js';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readCsvTableSync } from '../../cli/csv.js';
import { classCodes, outputsToTargets, pipelineInputs, prepareTraining, startRun, trainingSpec, type Table, type TrainingSpec, type TrainingSpecParts } from '../../src/index.js';
import { trainTestSplitIndices } from '../../src/data/split.js';
import { variantSpec, VARIANT_NAMES } from './variants.js';

const here = import.meta.dirname;
const root = resolve(here, '..', '..');
const { values } = parseArgs({
  options: {
    sets: { type: 'string' },
    variants: { type: 'string', default: 'old,tabular' },
    /** Append one JSON line per set and variant to this file (experiments) instead of writing the report. */
    log: { type: 'string' },
    /** Re-run only --sets and keep every other set's rows of bench/results/tables.json in the report. */
    update: { type: 'boolean', default: false },
    /** Training seeds (fit.seed: weights, shuffling, inner split) each variant runs with; the score is the mean over seeds and folds. */
    seeds: { type: 'string' },
  },
});

interface SetEntry { readonly name: string; readonly target: string; readonly task: 'classification' | 'regression' }
interface PeerResult { readonly score: number; readonly perFold: number[]; readonly seconds: number }
interface Golden { readonly versions: Record<string, string>; readonly sets: Record<string, { rows: number; metric: string; mlp: PeerResult; histgb: PeerResult }> }

const manifest = JSON.parse(readFileSync(join(here, 'tables.json'), 'utf8')) as { folds: number; sets: SetEntry[] };
const folds = JSON.parse(readFileSync(join(here, 'folds.json'), 'utf8')) as Record<string, number[]>;
const golden = JSON.parse(readFileSync(join(here, 'sklearn-golden.json'), 'utf8')) as Golden;
const only = values.sets?.split(',');
const sets = manifest.sets.filter((s) => !only || only.includes(s.name));
const variants = splitVariants(values.variants);
// Without --seeds each variant runs with its own fit.seed (1 unless it sets one).
const seeds = values.seeds?.split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--seeds: expected integers such as 1,2,3, got ${JSON.stringify(s)}`);
  return n;
});

/** Splits "old,tabular,{...},{...}" at the commas outside braces. */
function splitVariants(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if ((c === ',' && depth === 0) || i === text.length) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  return out.filter((s) => s !== '');
}

function labelOf(v: string): string {
  if (!v.startsWith('{')) return v;
  return String((JSON.parse(v) as { label?: string }).label ?? 'custom');
}

/** Scores one fold's held-out rows: accuracy, or R² in the target's units. */
function score(spec: TrainingSpec, table: Table, train: number[], test: number[]): Promise<{ score: number; epochs: number; note: string }> {
  const y = table.y!;
  const labels = y.kind === 'classes' ? y.codes : undefined;
  let split = { train, validation: [] as number[], note: undefined };
  if (spec.fit.validationSplit > 0) {
    const inner = trainTestSplitIndices(train.length, labels ? train.map((r) => labels[r]!) : undefined, { testSize: spec.fit.validationSplit, seed: spec.fit.seed, stratify: labels !== undefined });
    split = { train: inner.train.map((i) => train[i]!), validation: inner.test.map((i) => train[i]!), note: undefined };
  }
  const p = prepareTraining(spec, table, { split });
  const run = startRun(p);
  return run.finish().then((history) => {
    const out = p.network.model.predictMatrix(pipelineInputs(p.preprocessing, table, test));
    const note = run.earlyStopping && run.earlyStopping.bestEpoch >= 0 ? `best ${run.earlyStopping.bestEpoch + 1}/${history.epoch.length}` : `${history.epoch.length}`;
    if (y.kind === 'classes') {
      const codes = classCodes(out);
      return { score: test.filter((r, i) => codes[i] === y.codes[r]).length / test.length, epochs: history.epoch.length, note };
    }
    const pred = outputsToTargets(p.preprocessing, out);
    const truth = test.map((r) => y.values.data[r]!);
    const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
    let res = 0;
    let tot = 0;
    truth.forEach((t, i) => {
      res += (pred.data[i]! - t) ** 2;
      tot += (t - mean) ** 2;
    });
    return { score: 1 - res / tot, epochs: history.epoch.length, note };
  });
}

interface Row { set: string; variant: string; score: number; perFold: number[]; seconds: number; epochs: string[]; spec: TrainingSpecParts | string; seeds?: number[] }

async function runSet(s: SetEntry, variant: string): Promise<Row> {
  const table = readCsvTableSync(join(here, 'data', `${s.name}.csv`), { target: s.target, task: s.task, source: `${s.name}.csv` });
  const fold = folds[s.name];
  if (!fold || fold.length !== table.rows) throw new Error(`${s.name}: folds.json has ${fold?.length} rows, the table ${table.rows}; rerun sklearn_tables.py`);
  const base = variantSpec(variant, table);
  // Per fold, the mean over the seeds; seconds are per seed (one run of 5 folds), as in the single-seed report.
  const perFold: number[] = new Array<number>(manifest.folds).fill(0);
  const epochs: string[] = [];
  const start = performance.now();
  const runs = seeds ?? [base.fit.seed];
  for (const seed of runs) {
    const spec = seed === base.fit.seed ? base : trainingSpec({ ...base, fit: { ...base.fit, seed } });
    for (let f = 0; f < manifest.folds; f++) {
      const train: number[] = [];
      const test: number[] = [];
      fold.forEach((k, r) => (k === f ? test : train).push(r));
      const r = await score(spec, table, train, test);
      perFold[f] = perFold[f]! + r.score / runs.length;
      epochs.push(r.note);
    }
  }
  const seconds = (performance.now() - start) / 1000 / runs.length;
  return { set: s.name, variant: labelOf(variant), score: perFold.reduce((a, b) => a + b, 0) / perFold.length, perFold, seconds, epochs, spec: variant.startsWith('{') ? JSON.parse(variant) as TrainingSpecParts : variant, ...(seeds ? { seeds } : {}) };
}

const rows: Row[] = [];
for (const s of sets) {
  for (const v of variants) {
    const row = await runSet(s, v);
    rows.push(row);
    const g = golden.sets[s.name];
    console.log(`${s.name.padEnd(14)} ${row.variant.padEnd(12)} ${row.score.toFixed(4)} ${row.seconds.toFixed(1).padStart(6)} s   mlp ${g?.mlp.score.toFixed(4)} ${g?.mlp.seconds.toFixed(1)} s  histgb ${g?.histgb.score.toFixed(4)}  epochs ${row.epochs.join(' ')}`);
    if (values.log) appendFileSync(values.log, JSON.stringify({ ...row, mlp: g?.mlp.score, histgb: g?.histgb.score, mlpSeconds: g?.mlp.seconds }) + '\n');
  }
}
if (!values.log) writeReport(values.update ? [...previousRows().filter((r) => !rows.some((n) => n.set === r.set && n.variant === r.variant)), ...rows] : rows);

/** The rows of the last report, for --update. */
function previousRows(): Row[] {
  const file = join(root, 'bench', 'results', 'tables.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] }).rows;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function writeReport(all: Row[]): void {
  const labels = [...new Set(all.map((r) => r.variant))];
  const head = ['set', 'rows', 'metric', ...labels.flatMap((l) => [l, 's']), 'sklearn MLP', 's', 'HistGB', 's'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const gaps: Record<string, { mlp: number[]; gb: number[]; time: number[] }> = {};
  const reported = manifest.sets.filter((s) => all.some((r) => r.set === s.name));
  for (const s of reported) {
    const g = golden.sets[s.name]!;
    const cells = [s.name, String(g.rows), g.metric];
    for (const l of labels) {
      const r = all.find((x) => x.set === s.name && x.variant === l)!;
      cells.push(r.score.toFixed(3), r.seconds.toFixed(1));
      const gap = (gaps[l] ??= { mlp: [], gb: [], time: [] });
      gap.mlp.push(r.score - g.mlp.score);
      gap.gb.push(r.score - g.histgb.score);
      gap.time.push(r.seconds / g.mlp.seconds);
    }
    cells.push(g.mlp.score.toFixed(3), g.mlp.seconds.toFixed(1), g.histgb.score.toFixed(3), g.histgb.seconds.toFixed(1));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const summary = labels.map((l) => {
    const g = gaps[l]!;
    const within = g.mlp.filter((d) => d >= -0.005).length;
    return `- **${l}**: median gap to sklearn MLP ${fmt(median(g.mlp))}, to HistGB ${fmt(median(g.gb))}; at least sklearn MLP (within 0.005) on ${within} of ${g.mlp.length}; time ${median(g.time).toFixed(2)}× sklearn MLP at the median (max ${Math.max(...g.time).toFixed(2)}×)`;
  });
  const load = (globalThis.process.getBuiltinModule('node:os') as typeof import('node:os')).loadavg().map((x) => x.toFixed(2)).join(', ');
  const md = [
    '# Tables benchmark (`npm run bench:tables`)',
    '',
    `Scores: accuracy (classification) or R² (regression), mean of 5 folds (bench/tables/folds.json)${seeds ? `, each the mean over training seeds ${seeds.join(', ')}` : ''}; times: seconds over the 5 folds (fit + predict${seeds ? ', per seed' : ''}). scikit-learn ${golden.versions.sklearn} from bench/tables/sklearn-golden.json. Load average at the end: ${load}${values.update ? ` (of the run that updated ${sets.map((s) => s.name).join(', ')})` : ''}.`,
    '',
    ...lines,
    '',
    ...summary,
    '',
  ].join('\n');
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'tables.md'), md);
  writeFileSync(join(root, 'bench', 'results', 'tables.json'), JSON.stringify({ load, sklearn: golden.versions, rows: all, gaps }, null, 1) + '\n');
  console.log(md);
}

function fmt(x: number): string {
  return (x >= 0 ? '+' : '') + x.toFixed(3);
}
export { VARIANT_NAMES };
