// Node processes started at once: how the benchmark measures the machine's ceiling (the same
// one-thread or one-job run twice at once, against one alone).
import './sources.js';
import { spawnSync } from 'node:child_process';

const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** One node process: its arguments, and the file its stdout goes to (else nowhere). */
export interface NodeRun {
  readonly args: readonly string[];
  readonly out?: string;
}

/** Starts every run at once and waits for all: the wall time until the last ends (s), and whether all exited 0. */
export function nodeAtOnce(runs: readonly NodeRun[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { seconds: number; ok: boolean } {
  const starts = runs.map((r, i) => `${[process.execPath, ...r.args].map(quote).join(' ')} > ${r.out === undefined ? '/dev/null' : quote(r.out)} 2>/dev/null & p${i}=$!`);
  const waits = runs.map((_, i) => `wait $p${i}`).join(' && ');
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${starts.join('; ')}; ${waits}`], { cwd: options.cwd, env: options.env });
  return { seconds: (performance.now() - t0) / 1000, ok: r.status === 0 };
}
