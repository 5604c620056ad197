// `npm run bench`: backprop and its peers on the workloads of ../shared/bench, in one run, with
// ratios. Machines here are shared and noisy: only ratios measured side by side mean anything.
//
//   npm run bench                      # GEMM, W1, W2, W3: backprop (wasm, typescript, 2 threads), brain.js 2, tfjs-wasm, PyTorch 1 and 2 threads; search/cv --jobs 1 vs 2
//   npm run bench -- --workloads w1,w3 --reps 5 --peers brainjs2,torch
//   npm run bench -- --workloads '' --peers '' --gemm no   # only the search/cv table
//
// Peers come from ../shared/bench (copied to .bench-peers/ and installed with npm ci on first
// use); PyTorch and scikit-learn run when Debian's python3-torch / python3-sklearn are present;
// W2 and W3 read Fashion-MNIST when Debian's dataset-fashion-mnist is (else a synthetic stand-in).
import './sources.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mnistSource } from './benchData.js';
import { jobsLines, jobsTable, loadAverage, type JobsRow } from './jobs.js';
import { nodeAtOnce } from './together.js';

const root = resolve(import.meta.dirname, '..');
// The harness sits next to the project (../shared/bench), or next to the folder of worktrees.
const shared = [resolve(root, '..', 'shared', 'bench'), resolve(root, '..', '..', 'shared', 'bench')].find((p) => existsSync(p)) ?? resolve(root, '..', 'shared', 'bench');
const work = join(root, '.bench-peers');
const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'w1,w2,w3' },
    reps: { type: 'string', default: '3' },
    peers: { type: 'string', default: 'brainjs2,tfjs-wasm,torch' },
    /** backprop's backends to run (BACKPROP_BACKEND for each). */
    backends: { type: 'string', default: 'wasm,typescript' },
    /** The search/cv table: --jobs 1 against --jobs 2 (no to skip it). */
    jobs: { type: 'string', default: 'yes' },
    /** The one-thread GEMM table (no to skip it). */
    gemm: { type: 'string', default: 'yes' },
  },
});
const workloads = values.workloads.split(',').filter((w) => w !== '');
const peers = values.peers.split(',').filter((p) => p !== '');
const reps = values.reps;

interface Result {
  peer: string;
  workload: string;
  train_samples_per_s: number;
  infer_samples_per_s: number | null;
  accuracy: number | null;
  label?: string;
  /** The adapter's init: backprop reports its kernel threads' start-up there (before any timing). */
  info?: { threadStartMs?: number | null };
}

function prepare(): void {
  if (!existsSync(shared)) throw new Error(`peer harness not found at ${shared}`);
  if (!existsSync(join(work, 'peers', 'node_modules'))) {
    mkdirSync(work, { recursive: true });
    cpSync(shared, work, { recursive: true });
    // The harness is CommonJS; this folder sits inside an ESM package.
    writeFileSync(join(work, 'package.json'), '{ "type": "commonjs", "private": true }\n');
    console.error('installing peers (npm ci in .bench-peers/peers) ...');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: join(work, 'peers'), stdio: 'inherit' });
  }
  // The harness writes Fashion-MNIST when Debian's dataset-fashion-mnist is installed, else a
  // synthetic stand-in of the same shapes; data written before the package came is written again.
  if (mnistSource() === undefined || (mnistSource() === 'synthetic' && fashionMnistInstalled())) {
    console.error('writing benchmark data ...');
    execFileSync(process.execPath, ['gen_data.js'], { cwd: work, stdio: 'inherit' });
  }
  if (mnistSource() === 'synthetic') console.error(`W2 and W3 run on the harness's synthetic stand-in (its accuracy says nothing): apt-get install dataset-fashion-mnist for Fashion-MNIST (${fashionMnistDir})`);
}

const fashionMnistDir = process.env.FMNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
function fashionMnistInstalled(): boolean {
  return existsSync(join(fashionMnistDir, 'train-images-idx3-ubyte.gz'));
}

function jsonLines(stdout: string): Result[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Result);
}

function runJs(adapter: string, workload: string, extra: string[] = [], env: Record<string, string> = {}, nodeFlags: string[] = []): Result[] {
  console.error(`  ${adapter} ${workload} ${nodeFlags.join(' ')}`);
  const r = spawnSync(process.execPath, [...nodeFlags, '--max-old-space-size=8000', 'run.js', adapter, workload, '--reps', reps, ...extra], { cwd: join(work, 'peers'), encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`    failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    return [];
  }
  return jsonLines(r.stdout);
}

/**
 * Two runs of `adapter` on `workload` started at once, in two processes: what one thread on each
 * core gets from this machine (the ceiling two threads are measured against: two cores can share
 * caches, memory bandwidth or one physical core).
 */
function runJsTwoAtOnce(adapter: string, workload: string, extra: string[], env: Record<string, string>): Result[] {
  console.error(`  ${adapter} ${workload} (two processes at once)`);
  const args = ['--max-old-space-size=8000', 'run.js', adapter, workload, '--reps', reps, ...extra];
  const outs = ['two-a.out', 'two-b.out'].map((f) => join(work, 'peers', f));
  const r = nodeAtOnce(outs.map((out) => ({ args, out })), { cwd: join(work, 'peers'), env: { ...process.env, ...env } });
  return r.ok ? outs.flatMap((f) => jsonLines(readFileSync(f, 'utf8'))) : [];
}

function pythonHas(module: string): boolean {
  return spawnSync('/usr/bin/python3', ['-c', `import ${module}`]).status === 0;
}

function runPython(script: string, args: string[]): Result[] {
  console.error(`  ${script} ${args.join(' ')}`);
  const r = spawnSync('/usr/bin/python3', [script, ...args], { cwd: work, encoding: 'utf8' });
  return r.status === 0 ? jsonLines(r.stdout) : [];
}

// Slow peers measured on part of an epoch (their rate is extrapolated, as run_all.sh does).
const PARTIAL: Record<string, Record<string, string[]>> = {
  w2: { brainjs2: ['--max-train', '2000', '--max-test', '2000'], convnetjs: ['--max-train', '5000'], 'tfjs-wasm': ['--max-train', '15000'] },
};

prepare();
const results: Result[] = [];
const backends = values.backends.split(',');
// W2's own epoch is long on the TypeScript kernels: a part of it, extrapolated as for slow peers.
const OWN_PARTIAL: Record<string, Record<string, string[]>> = { w2: { typescript: ['--max-train', '10000'] } };
/** Per workload: backprop's 2 threads against its 1 thread, in interleaved pairs of processes. */
interface ThreadPairs { workload: string; train: number[]; infer: number[]; startMs: number[]; loads: string[]; ceilingTrain: number[]; ceilingInfer: number[] }
const threadPairs: ThreadPairs[] = [];
const medianOf = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
/** One row from several runs of the same peer: the median of each rate. */
function medianRow(runs: Result[], peer: string): Result | undefined {
  if (runs.length === 0) return undefined;
  const infer = runs.map((r) => r.infer_samples_per_s).filter((v): v is number => v !== null);
  return { ...runs[0]!, peer, train_samples_per_s: medianOf(runs.map((r) => r.train_samples_per_s)), infer_samples_per_s: infer.length > 0 ? medianOf(infer) : null };
}
for (const w of workloads) {
  console.error(`workload ${w}`);
  for (const b of backends.slice(1)) {
    for (const r of runJs(join(root, 'bench', 'adapter.cjs'), w, OWN_PARTIAL[w]?.[b] ?? [], { BACKPROP_BACKEND: b })) {
      results.push({ ...r, peer: `backprop-${b}` });
    }
  }
  // One thread and two kernel threads (fit's and predict's threads: 2), every workload (W3, batch
  // 1, shows it is not slowed), in interleaved pairs of processes: a pair shares the machine's load
  // most closely. The threads start before timing (the adapter's init); their start-up is reported apart.
  const pairs: ThreadPairs = { workload: w, train: [], infer: [], startMs: [], loads: [], ceilingTrain: [], ceilingInfer: [] };
  const ones: Result[] = [];
  const twos: Result[] = [];
  for (let i = 0; i < Number(reps); i++) {
    pairs.loads.push(loadAverage());
    const one = runJs(join(root, 'bench', 'adapter.cjs'), w, OWN_PARTIAL[w]?.[backends[0]!] ?? [], { BACKPROP_BACKEND: backends[0]! })[0];
    const two = runJs(join(root, 'bench', 'adapter.cjs'), w, [], { BACKPROP_BACKEND: backends[0]!, BACKPROP_THREADS: '2' })[0];
    if (one !== undefined) ones.push(one);
    if (two !== undefined) twos.push(two);
    if (one === undefined || two === undefined) continue;
    pairs.train.push(two.train_samples_per_s / one.train_samples_per_s);
    if (one.infer_samples_per_s && two.infer_samples_per_s) pairs.infer.push(two.infer_samples_per_s / one.infer_samples_per_s);
    if (typeof two.info?.threadStartMs === 'number') pairs.startMs.push(two.info.threadStartMs);
    // The same one-thread run twice at once: their summed rate ÷ one alone's.
    const both = runJsTwoAtOnce(join(root, 'bench', 'adapter.cjs'), w, OWN_PARTIAL[w]?.[backends[0]!] ?? [], { BACKPROP_BACKEND: backends[0]! });
    if (both.length === 2) {
      pairs.ceilingTrain.push((both[0]!.train_samples_per_s + both[1]!.train_samples_per_s) / one.train_samples_per_s);
      if (one.infer_samples_per_s && both[0]!.infer_samples_per_s && both[1]!.infer_samples_per_s) pairs.ceilingInfer.push((both[0]!.infer_samples_per_s + both[1]!.infer_samples_per_s) / one.infer_samples_per_s);
    }
  }
  threadPairs.push(pairs);
  const one = medianRow(ones, 'backprop');
  const two = medianRow(twos, 'backprop-2threads');
  if (one !== undefined) results.push(one);
  if (two !== undefined) results.push(two);
  // The relaxed-SIMD build (fused multiply-add), which Node 22+ and Chrome 114+ load by default;
  // Node 20 needs V8's flag for it.
  if (backends[0] === 'wasm' && process.versions.node.startsWith('20.')) {
    for (const r of runJs(join(root, 'bench', 'adapter.cjs'), w, [], { BACKPROP_BACKEND: 'wasm' }, ['--experimental-wasm-relaxed-simd'])) {
      results.push({ ...r, peer: 'backprop-relaxed-simd' });
    }
  }
  for (const p of peers) {
    if (p === 'torch' || p === 'sklearn') continue;
    results.push(...runJs(p, w, PARTIAL[w]?.[p] ?? []));
  }
}
if (peers.includes('torch') && pythonHas('torch')) {
  for (const threads of ['1', '2']) {
    for (const r of runPython('torch_bench.py', ['--threads', threads, '--workloads', workloads.join(','), '--reps', reps])) {
      results.push({ ...r, peer: `pytorch-${threads}t` });
    }
  }
}
// Against PyTorch with 1 thread, in interleaved pairs of processes (PyTorch, then ours, each the
// median of its reps, as in the rows above: a process's first epoch also pays for compiling):
// this machine's speed changes from minute to minute, and the rows above measure each peer at its
// own time. W2 with our 2 kernel threads (on Node 20 the relaxed-SIMD build, what Node 22+ loads
// by default, is a third member of each pair); W1 and W3 with our one thread (their products are
// too small to cut: batch 1, a 4-unit network).
interface PeerPair { load: string; train: number[]; infer: number[] }
const pytorchPairs: { workload: string; flags: string; threads: number; pairs: PeerPair[] }[] = [];
if (peers.includes('torch') && pythonHas('torch') && backends[0] === 'wasm') {
  for (const w of workloads) {
    const threads = w === 'w2' ? 2 : 1;
    const builds: [string, string[]][] = [['wasm (SIMD)', []]];
    if (w === 'w2' && process.versions.node.startsWith('20.')) builds.push(['wasm (relaxed SIMD)', ['--experimental-wasm-relaxed-simd']]);
    const rows = builds.map(([flags]) => ({ workload: w, flags, threads, pairs: [] as PeerPair[] }));
    pytorchPairs.push(...rows);
    for (let i = 0; i < Number(reps); i++) {
      const load = loadAverage();
      const torch = runPython('torch_bench.py', ['--threads', '1', '--workloads', w, '--reps', reps])[0];
      builds.forEach(([, flags], b) => {
        const ours = runJs(join(root, 'bench', 'adapter.cjs'), w, [], { BACKPROP_BACKEND: 'wasm', BACKPROP_THREADS: String(threads) }, flags)[0];
        if (torch === undefined || ours === undefined) return;
        rows[b]!.pairs.push({
          load,
          train: [ours.train_samples_per_s, torch.train_samples_per_s],
          infer: ours.infer_samples_per_s && torch.infer_samples_per_s ? [ours.infer_samples_per_s, torch.infer_samples_per_s] : [],
        });
      });
    }
  }
}
if (peers.includes('sklearn') && pythonHas('sklearn')) {
  for (const r of runPython('sklearn_bench.py', ['--threads', '1', '--workloads', workloads.filter((w) => w !== 'w3').join(','), '--reps', reps])) {
    results.push({ ...r, peer: 'sklearn-1t' });
  }
}

// Matrix products, one thread: backprop's backends and PyTorch's torch.mm.
interface Gemm { backend: string; shape: string; gflops: number }
const gemm: Gemm[] = [];
if (values.gemm !== 'no') {
  console.error('gemm');
  // Node 20 loads the relaxed-SIMD build only with V8's flag: a second run measures it.
  const flags = process.versions.node.startsWith('20.') ? [[], ['--experimental-wasm-relaxed-simd']] : [[]];
  for (const f of flags) {
    const r = spawnSync(process.execPath, [...f, '--import', 'tsx', join(root, 'bench', 'gemm.ts'), '--reps', reps], { encoding: 'utf8' });
    for (const l of r.stdout.split('\n').filter((x) => x.startsWith('{'))) {
      const g = JSON.parse(l) as Gemm;
      if (!gemm.some((h) => h.backend === g.backend && h.shape === g.shape)) gemm.push(g);
    }
  }
  if (pythonHas('torch')) {
    // Timed as bench/gemm.ts times ours: one call to warm up, then calls for at least 0.1 s.
    const py = 'import torch,time,json\ntorch.set_num_threads(1)\nfor m,k,n in [(128,784,256),(128,256,128),(1000,784,256),(1,784,256)]:\n  a=torch.rand(m,k);b=torch.rand(k,n);r=[]\n  for _ in range(' + reps + '):\n    torch.mm(a,b);c=0;t=time.perf_counter()\n    while True:\n      torch.mm(a,b);c+=1\n      if time.perf_counter()-t>=0.1: break\n    r.append(2*m*k*n*c/(time.perf_counter()-t)/1e9)\n  r.sort();print(json.dumps({"backend":"pytorch-1t","shape":f"{m}x{k}x{n}","gflops":round(r[len(r)//2],2)}))';
    const t = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
    for (const l of t.stdout.split('\n').filter((x) => x.startsWith('{'))) gemm.push(JSON.parse(l) as Gemm);
  }
}

// Search and cross-validation with --jobs 1 and --jobs 2 (bench/jobs.ts).
const jobsRows: JobsRow[] = values.jobs !== 'no' ? (console.error('search / cv jobs'), jobsTable(root, work, Number(reps))) : [];

const fmt = (v: number | null) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
const lines: string[] = [`# Benchmark, ${new Date().toISOString()}`, '', 'samples/s (median of reps); ratio = backprop ÷ peer, both measured in this run; backprop = its default (wasm) backend.', '', mnistSource() === 'fashion-mnist' ? 'W2 and W3 data: Fashion-MNIST (Debian\'s dataset-fashion-mnist), 60,000 training and 10,000 test images; accuracy is test accuracy after the one epoch.' : 'W2 and W3 data: the harness\'s synthetic stand-in (dataset-fashion-mnist is not installed), so accuracy is not compared.', ''];
lines.push('## gemm (single precision, one thread, GFLOP/s)', '', '| backend | ' + [...new Set(gemm.map((g) => g.shape))].join(' | ') + ' |', '|---|' + [...new Set(gemm.map((g) => g.shape))].map(() => '---:').join('|') + '|');
for (const b of [...new Set(gemm.map((g) => g.backend))]) {
  lines.push(`| ${b} | ` + [...new Set(gemm.map((g) => g.shape))].map((s) => gemm.find((g) => g.backend === b && g.shape === s)?.gflops ?? '—').join(' | ') + ' |');
}
lines.push('');
for (const w of workloads) {
  const ours = results.find((r) => r.peer === 'backprop' && r.workload === w);
  lines.push(`## ${w}`, '', '| peer | train samples/s | backprop ÷ peer (train) | infer samples/s | backprop ÷ peer (infer) | accuracy |', '|---|---:|---:|---:|---:|---:|');
  for (const r of results.filter((x) => x.workload === w)) {
    const ratio = ours && r.train_samples_per_s ? (ours.train_samples_per_s / r.train_samples_per_s).toFixed(2) + '×' : '—';
    const inferRatio = ours?.infer_samples_per_s && r.infer_samples_per_s ? (ours.infer_samples_per_s / r.infer_samples_per_s).toFixed(2) + '×' : '—';
    lines.push(`| ${r.peer}${r.label ? ` (${r.label})` : ''} | ${fmt(r.train_samples_per_s)} | ${r.peer === 'backprop' ? '1' : ratio} | ${fmt(r.infer_samples_per_s)} | ${r.peer === 'backprop' ? '1' : inferRatio} | ${r.accuracy === null || r.accuracy === undefined ? '—' : r.accuracy.toFixed(3)} |`);
  }
  lines.push('');
}
if (threadPairs.length > 0) {
  lines.push('## backprop, 2 kernel threads ÷ 1 thread (steady state)', '', `Interleaved pairs of processes (${reps} pairs, each run the median of ${reps} reps); the threads start before timing, their start-up is its own column. The machine's ceiling: the same one-thread run in two processes at once, their summed rate ÷ one alone's (2.00× for two independent cores; what two threads of this work can get from this machine).`, '',
    '| workload | train, 2t ÷ 1t (median of pairs) | infer, 2t ÷ 1t | machine ceiling, train / infer (two 1-thread processes at once) | pairs (train) | thread start-up (ms, median) | load average at each pair |', '|---|---:|---:|---:|---|---:|---|');
  const x = (v: number[]) => (v.length === 0 ? '—' : `${medianOf(v).toFixed(2)}×`);
  for (const p of threadPairs) {
    lines.push(`| ${p.workload} | ${x(p.train)} | ${x(p.infer)} | ${x(p.ceilingTrain)} / ${x(p.ceilingInfer)} | ${p.train.map((v) => v.toFixed(2)).join(', ')} | ${p.startMs.length === 0 ? 'none started' : medianOf(p.startMs).toFixed(0)} | ${p.loads.join(' / ')} |`);
  }
  lines.push('');
}
if (pytorchPairs.some((p) => p.pairs.length > 0)) {
  lines.push('## backprop ÷ PyTorch with 1 thread, interleaved', '', `${reps} pairs of processes per row, PyTorch's run then ours (each the median of ${reps} reps, as above); the ratio of each pair, then their median. Ours with 2 kernel threads on W2, one on W1 and W3.`, '',
    '| workload | backprop build | threads | train ÷ PyTorch-1t (median) | pairs (train) | infer ÷ PyTorch-1t (median) | pairs (infer) | samples/s of each pair, train (ours / PyTorch) | load average at each pair |', '|---|---|---:|---:|---|---:|---|---|---|');
  for (const { workload, flags, threads, pairs } of pytorchPairs) {
    const train = pairs.map((p) => p.train[0]! / p.train[1]!);
    const infer = pairs.filter((p) => p.infer.length === 2).map((p) => p.infer[0]! / p.infer[1]!);
    const x = (v: number[]) => (v.length === 0 ? '—' : `${medianOf(v).toFixed(2)}×`);
    lines.push(`| ${workload} | ${flags} | ${threads} | ${x(train)} | ${train.map((v) => v.toFixed(2)).join(', ')} | ${x(infer)} | ${infer.map((v) => v.toFixed(2)).join(', ')} | ${pairs.map((p) => `${fmt(p.train[0]!)} / ${fmt(p.train[1]!)}`).join('; ')} | ${pairs.map((p) => p.load).join(' / ')} |`);
  }
  lines.push('');
}
if (jobsRows.length > 0) lines.push(...jobsLines(jobsRows, Number(reps)));
lines.splice(2, 0, `Load average at the end of the run: ${loadAverage()} (a shared 2-core machine: ratios measured side by side are what count).`, '');
const report = lines.join('\n');
console.log(report);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.md'), report + '\n');
writeFileSync(join(root, 'bench', 'results', 'latest.jsonl'), [...results, ...gemm].map((r) => JSON.stringify(r)).join('\n') + '\n');
