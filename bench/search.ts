// `npx tsx bench/search.ts`: the search's figures for the README, from one run on this machine.
//  1. Best value found on Branin (30 trials) and Hartmann-6 (60 trials), median over seeds, per method.
//  2. The search rows of bench/jobs.ts: the compiled CLI with --jobs 1 and --jobs 2.
import './sources.js';
import { join } from 'node:path';
import { search } from '../src/index.js';
import { jobsLines, jobsTable } from './jobs.js';
import { BRANIN_MIN, HARTMANN6_MIN, branin, braninSpace, hartmann6, hartmannSpace, median } from '../test/search/functions.js';

const methods = ['random', 'tpe', 'gp'] as const;
for (const [name, f, space, trials, min, seeds] of [
  ['Branin', branin, braninSpace, 30, BRANIN_MIN, 10],
  ['Hartmann-6', hartmann6, hartmannSpace, 60, HARTMANN6_MIN, 5],
] as const) {
  for (const method of methods) {
    const t0 = performance.now();
    const best: number[] = [];
    for (let seed = 0; seed < seeds; seed++) best.push((await search.minimize(f, space, { method, trials, seed })).best.value);
    const ms = (performance.now() - t0) / seeds;
    console.log(`${name.padEnd(10)} ${method.padEnd(6)} ${trials} trials: median best ${median(best).toFixed(4)} (regret ${(median(best) - min).toFixed(4)}), ${ms.toFixed(0)} ms per search, ${seeds} seeds`);
  }
}

// The compiled CLI's searches with --jobs 1 and --jobs 2, interleaved (needs npm run build first).
const root = join(import.meta.dirname, '..');
console.log(jobsLines(jobsTable(root, join(root, '.bench-peers'), 3, 'search, '), 3).join('\n'));
