// Where a W2 training step (784-256-128-10, batch 128, Adam) spends its time with 1 and with 2
// kernel threads: every kernel call of the model is timed by name and shape, on the calling
// thread (a cut call's time includes waiting for the other threads). Each round runs each thread
// count in a process of its own (its pool started and the model warmed up before timing), the
// counts one after the other, so that the machine's changes of speed fall on all of them; medians
// of the rounds are printed, with the load average. A process per count keeps one count's memory,
// threads and compiled code out of the other's timings.
//
//   npx tsx bench/threads-profile.ts [--steps 200] [--rounds 5] [--threads 1,2]
//   npx tsx bench/threads-profile.ts --infer [--rounds 7]   (predictMatrix on 10,000 rows in
//     batches of 1,000, as the peers' w2 inference is timed: ms per batch)
import './sources.js';
import { parseArgs } from 'node:util';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../src/index.js';
import { buildW2, w2Data } from './w2.js';
import type { Kernels } from '../src/kernels/kernels.js';
import { existingKernelPool } from '../src/kernels/pool/pool.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '200' }, rounds: { type: 'string', default: '5' }, threads: { type: 'string', default: '1,2' }, infer: { type: 'boolean', default: false }, child: { type: 'string' } } });
const infer = values.infer;
const rounds = Number(values.rounds);
const counts = values.threads.split(',').map(Number);
const batch = infer ? 1000 : 128;
const steps = infer ? 10 : Number(values.steps);
const rows = steps * batch;

/** What one process measures for its thread count: ms per step (or batch) of each kind of call, of the whole, and CPU time. */
interface Round { perCall: Record<string, number>; total: number; cpu: number; starts: number; source: string }

const times = new Map<string, number>();
let wrapping = true;
/** Wrapped calls in progress, and the time of calls made inside others so far. */
let depth = 0;
let nested = 0;
function instrument(k: Kernels): void {
  const target = k as unknown as Record<string, unknown>;
  for (const name of ['gemmNN', 'gemmNT', 'gemmTN', 'denseForward', 'addRowVector', 'columnSums', 'multiply', 'activationForward', 'activationBackward',
    'fusedLossGradient', 'lossValue', 'adam', 'allFinite', 'gatherRows', 'copyRows']) {
    const f = target[name] as (...a: unknown[]) => unknown;
    target[name] = (...a: unknown[]) => {
      if (!wrapping) return f.apply(k, a);
      // A call made inside another (work deferred into a cut call: the next batch's gather) is
      // counted apart and taken out of the call it ran in, which is timed on this thread.
      const inside = depth > 0;
      depth++;
      const nestedBefore = nested;
      const t = performance.now();
      let r: unknown;
      try {
        r = f.apply(k, a);
      } finally {
        depth--;
      }
      const dt = performance.now() - t;
      const self = dt - (nested - nestedBefore);
      if (inside) nested += dt;
      const shape = name.startsWith('gemm') ? ` ${a[3]}×${a[4]}×${a[5]}` : name === 'denseForward' ? ` ${a[5]}×${a[6]}×${a[7]} ${String(a[8])}` : name.startsWith('activation') ? ` ${String(a[0])} ${a[a.length - 2]}×${a[a.length - 1]}` : name === 'adam' ? ` n=${a[4]}` : '';
      const key = (inside ? '(during a cut call) ' : '') + name + shape;
      times.set(key, (times.get(key) ?? 0) + self);
      return r;
    };
  }
}


const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const load = () => execFileSync('uptime', { encoding: 'utf8' }).replace(/.*load average:\s*/, '').trim();

/** One round for `threads` in this process: the pool started and the model warmed up untimed, then timed. */
async function measure(threads: number): Promise<Round> {
  const { x, y, source } = w2Data(rows);
  const m = buildW2();
  instrument(m.backprop().kernels);
  wrapping = false;
  const warm = Math.min(rows, 128 * 50);
  await m.fit(new Matrix(warm, 784, x.data.subarray(0, warm * 784)), new Matrix(warm, 1, y.data.subarray(0, warm)), { epochs: 1, batchSize: 128, verbose: 0, threads });
  if (infer) m.predictMatrix(x, { batchSize: batch, threads });
  wrapping = true;
  times.clear();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  if (infer) m.predictMatrix(x, { batchSize: batch, threads });
  else await m.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0, threads, shuffle: true });
  const total = (performance.now() - t0) / steps;
  const c = process.cpuUsage(c0);
  return { perCall: Object.fromEntries([...times].map(([key, v]) => [key, v / steps])), total, cpu: (c.user + c.system) / 1000 / steps, starts: existingKernelPool()?.starts ?? 0, source };
}

if (values.child !== undefined) {
  console.log(JSON.stringify(await measure(Number(values.child))));
  process.exit(0);
}

const perCall = new Map<number, Map<string, number[]>>(counts.map((t) => [t, new Map()]));
const total = new Map<number, number[]>(counts.map((t) => [t, []]));
/** CPU time of the whole process (every thread, polling included) per step. */
const cpu = new Map<number, number[]>(counts.map((t) => [t, []]));
const loads: string[] = [load()];
let source = '';
let starts = 0;
for (let r = 0; r < rounds; r++) {
  for (const t of counts) {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(t), '--steps', String(steps), ...(infer ? ['--infer'] : [])];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the ${t}-thread round failed: ${run.stderr.split('\n').slice(-5).join(' ')}`);
    const round = JSON.parse(run.stdout.trim().split('\n').pop()!) as Round;
    ({ source } = round);
    starts = Math.max(starts, round.starts);
    total.get(t)!.push(round.total);
    cpu.get(t)!.push(round.cpu);
    for (const [key, v] of Object.entries(round.perCall)) {
      const list = perCall.get(t)!.get(key) ?? [];
      list.push(v);
      perCall.get(t)!.set(key, list);
    }
  }
}
loads.push(load());
console.log(`W2 data: ${source}`);
console.log(`W2 ${infer ? 'inference' : 'step'} profile (ms per ${infer ? `batch of ${batch}` : 'step'}, median of ${rounds} rounds of ${steps} ${infer ? 'batches' : 'steps'}, each thread count in a process of its own); pool started ${starts} time(s) a process; load average ${loads.join(' → ')}`);
const keys = [...new Set(counts.flatMap((t) => [...perCall.get(t)!.keys()]))].sort((a, b) => median(perCall.get(1)?.get(b) ?? [0]) - median(perCall.get(1)?.get(a) ?? [0]));
console.log(['call'.padEnd(40), ...counts.map((t) => `${t}t`.padStart(9)), counts.length > 1 ? '  ratio' : ''].join(''));
const kernelSum = new Map<number, number>(counts.map((t) => [t, 0]));
for (const key of keys) {
  const v = counts.map((t) => median(perCall.get(t)!.get(key) ?? [0]));
  counts.forEach((t, i) => kernelSum.set(t, kernelSum.get(t)! + v[i]!));
  console.log([key.padEnd(40), ...v.map((x) => x.toFixed(4).padStart(9)), counts.length > 1 ? `  ${(v[0]! / v[v.length - 1]!).toFixed(2)}×` : ''].join(''));
}
const tot = counts.map((t) => median(total.get(t)!));
console.log(['kernel calls, sum'.padEnd(40), ...counts.map((t) => kernelSum.get(t)!.toFixed(4).padStart(9))].join(''));
console.log(['outside the kernels'.padEnd(40), ...counts.map((t, i) => (tot[i]! - kernelSum.get(t)!).toFixed(4).padStart(9))].join(''));
console.log([(infer ? 'whole batch' : 'whole step').padEnd(40), ...tot.map((v) => v.toFixed(4).padStart(9)), counts.length > 1 ? `  ${(tot[0]! / tot[tot.length - 1]!).toFixed(2)}×` : ''].join(''));
console.log(['CPU time of all threads'.padEnd(40), ...counts.map((t) => median(cpu.get(t)!).toFixed(4).padStart(9))].join(''));
console.log(`samples/s: ${counts.map((t, i) => `${t}t ${Math.round(batch / tot[i]! * 1000)}`).join(', ')}`);
