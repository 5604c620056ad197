// `npm run bench`: backprop and its peers on the workloads of ../shared/bench, in one run, with
// ratios. Machines here are shared and noisy: only ratios measured side by side mean anything.
//
//   npm run bench                      # W1 and W3: backprop, brain.js 2, tfjs-wasm, convnetjs, PyTorch
//   npm run bench -- --workloads w1,w2,w3 --reps 5 --peers brainjs2,torch
//
// Peers come from ../shared/bench (copied to .bench-peers/ and installed with npm ci on first
// use); PyTorch and scikit-learn run when Debian's python3-torch / python3-sklearn are present.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '..', 'shared', 'bench');
const work = join(root, '.bench-peers');
const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'w1,w3' },
    reps: { type: 'string', default: '3' },
    peers: { type: 'string', default: 'brainjs2,tfjs-wasm,convnetjs,torch,sklearn' },
  },
});
const workloads = values.workloads.split(',');
const peers = values.peers.split(',');
const reps = values.reps;

interface Result {
  peer: string;
  workload: string;
  train_samples_per_s: number;
  infer_samples_per_s: number | null;
  accuracy: number | null;
  label?: string;
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
  if (!existsSync(join(work, 'data', 'meta.json'))) {
    console.error('generating benchmark data ...');
    execFileSync(process.execPath, ['gen_data.js'], { cwd: work, stdio: 'inherit' });
  }
}

function jsonLines(stdout: string): Result[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Result);
}

function runJs(adapter: string, workload: string, extra: string[] = []): Result[] {
  console.error(`  ${adapter} ${workload}`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8000', 'run.js', adapter, workload, '--reps', reps, ...extra], { cwd: join(work, 'peers'), encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`    failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    return [];
  }
  return jsonLines(r.stdout);
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
  w2: { brainjs2: ['--max-train', '2000', '--max-test', '2000'], convnetjs: ['--max-train', '5000'] },
};

prepare();
const results: Result[] = [];
for (const w of workloads) {
  console.error(`workload ${w}`);
  results.push(...runJs(join(root, 'bench', 'adapter.cjs'), w));
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
if (peers.includes('sklearn') && pythonHas('sklearn')) {
  for (const r of runPython('sklearn_bench.py', ['--threads', '1', '--workloads', workloads.filter((w) => w !== 'w3').join(','), '--reps', reps])) {
    results.push({ ...r, peer: 'sklearn-1t' });
  }
}

const fmt = (v: number | null) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
const lines: string[] = [`# Benchmark, ${new Date().toISOString()}`, '', 'samples/s (median of reps); ratio = backprop ÷ peer, both measured in this run.', ''];
for (const w of workloads) {
  const ours = results.find((r) => r.peer === 'backprop' && r.workload === w);
  lines.push(`## ${w}`, '', '| peer | train samples/s | backprop ÷ peer (train) | infer samples/s | accuracy |', '|---|---:|---:|---:|---:|');
  for (const r of results.filter((x) => x.workload === w)) {
    const ratio = ours && r.train_samples_per_s ? (ours.train_samples_per_s / r.train_samples_per_s).toFixed(2) + '×' : '—';
    lines.push(`| ${r.peer} | ${fmt(r.train_samples_per_s)} | ${r.peer === 'backprop' ? '1' : ratio} | ${fmt(r.infer_samples_per_s)} | ${r.accuracy === null || r.accuracy === undefined ? '—' : r.accuracy.toFixed(3)} |`);
  }
  lines.push('');
}
const report = lines.join('\n');
console.log(report);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.md'), report + '\n');
writeFileSync(join(root, 'bench', 'results', 'latest.jsonl'), results.map((r) => JSON.stringify(r)).join('\n') + '\n');
