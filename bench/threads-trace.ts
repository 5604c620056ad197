// Which thread ran each chunk of a 2-thread W2 training step's cut calls, and when: per call of
// the step (in order), its time, the serial gap before it (the calling thread alone, the others
// polling or asleep), how late the first worker chunk started, each chunk's time, how many chunks
// the calling thread ran, and how long each side sat idle at the end waiting for the other. It
// showed the first product's 8 panels of 0.145 ms leaving the caller idle 0.13 ms (now 16).
//
//   npx tsx bench/threads-trace.ts [--steps 200] [--threads 2]
import './sources.js';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { buildW2, w2Data } from './w2.js';
import { existingKernelPool } from '../src/kernels/pool/pool.js';
import type { TracedCall } from '../src/kernels/pool/protocol.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '200' }, threads: { type: 'string', default: '2' } } });
const steps = Number(values.steps);
const threads = Number(values.threads);
const { x, y, source } = w2Data(128 * steps);
console.log(`W2 data: ${source}`);
const model = buildW2();
const options = { epochs: 1, batchSize: 128, verbose: 0 as const, threads };
// The threads start and attach in a first fit; the second is traced.
await model.fit(x, y, options);
const calls: TracedCall[] = [];
const pool = existingKernelPool();
if (pool === undefined || pool.threads < 2) throw new Error(`no kernel threads here (pool: ${pool?.threads ?? 'none'})`);
pool.trace((call) => calls.push(call));
await model.fit(x, y, options);
pool.trace(undefined);

const median = (v: number[]) => (v.length === 0 ? NaN : [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!);
const perStep = calls.length / steps;
if (!Number.isInteger(perStep)) throw new Error(`${calls.length} cut calls in ${steps} steps: not the same calls every step`);
const load = execFileSync('uptime', { encoding: 'utf8' }).replace(/.*load average:\s*/, '').trim();
console.log(`W2 at ${threads} threads: ${perStep} cut calls a step, medians over ${steps} steps (ms); load average ${load}`);
console.log('  # op                  chunks    call  gap before  worker late   chunk  caller ran  caller idle  worker idle');
const ms = (v: number) => v.toFixed(4).padStart(11);
for (let i = 0; i < perStep; i++) {
  const rows = calls.map((c, j) => ({ c, prev: calls[j - 1] })).filter((_, j) => j % perStep === i);
  const workers = (c: TracedCall) => c.chunks.filter((k) => k.thread !== 0);
  const own = (c: TracedCall) => c.chunks.filter((k) => k.thread === 0);
  const late = rows.flatMap(({ c }) => (workers(c).length ? [Math.min(...workers(c).map((k) => k.start)) - c.published] : []));
  const callerIdle = rows.flatMap(({ c }) => (own(c).length ? [c.ended - Math.max(...own(c).map((k) => k.end))] : []));
  const workerIdle = rows.flatMap(({ c }) => (workers(c).length ? [c.ended - Math.max(...workers(c).map((k) => k.end))] : []));
  const gap = rows.flatMap(({ c, prev }) => (prev ? [c.published - prev.ended] : []));
  const first = rows[0]!.c;
  console.log([String(i).padStart(3), first.op.padEnd(18), String(first.chunks.length).padStart(7), ms(median(rows.map(({ c }) => c.ended - c.published))).slice(3),
    ms(median(gap)), ms(median(late)).padStart(13), ms(median(rows.flatMap(({ c }) => c.chunks.map((k) => k.end - k.start)))).slice(3),
    String(median(rows.map(({ c }) => own(c).length))).padStart(12), ms(median(callerIdle)).padStart(13), ms(median(workerIdle)).padStart(13)].join(' '));
}
process.exit(0);
