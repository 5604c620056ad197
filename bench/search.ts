// `npx tsx bench/search.ts`: the search's figures for the README, from one run on this machine.
//  1. Best value found on Branin (30 trials) and Hartmann-6 (60 trials), median over seeds, per method.
//  2. Wall time of the same CLI search with --jobs 1 and --jobs 2 (trials on worker threads).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { search } from '../src/index.js';
import { run } from '../cli/program.js';
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

const quiet = { write: () => true };
const times: Record<number, number> = {};
for (const jobs of [1, 2]) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-search-'));
  const t0 = performance.now();
  const code = await run(['search', '--dataset', 'digits', '--method', 'random', '--trials', '8', '--epochs', '10', '--seed', '1', '--jobs', String(jobs),
    '--journal', join(dir, 's.jsonl'), '--out', join(dir, 'best.bpm')], { stdout: quiet, stderr: process.stderr });
  times[jobs] = (performance.now() - t0) / 1000;
  console.log(`CLI search, digits, 8 trials × 10 epochs, --jobs ${jobs}: ${times[jobs]!.toFixed(1)} s (exit ${code})`);
}
console.log(`speed-up of --jobs 2 over --jobs 1: ${(times[1]! / times[2]!).toFixed(2)}×`);
