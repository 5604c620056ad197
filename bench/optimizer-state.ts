// Whether a long run slows down in its optimiser: W2 (784-256-128-10, Adam, batch 128) trained for
// several epochs, Adam's time a step in each epoch and, at the end, how many of its moments are
// float32 subnormals, with the state flushed as shipped (every 64 steps, Optimizer.flushState)
// and with the flush taken out (the model's flushBelow made a no-op). Each run is a process of its
// own, the two alternating, so that the machine's changes of speed fall on both.
//
//   npx tsx bench/optimizer-state.ts [--epochs 8] [--rounds 2] [--threads 1]
import './sources.js';
import { parseArgs } from 'node:util';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildW2, w2Data } from './w2.js';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '8' }, rounds: { type: 'string', default: '2' }, threads: { type: 'string', default: '1' }, child: { type: 'string' } } });
const epochs = Number(values.epochs);
const rounds = Number(values.rounds);
const threads = Number(values.threads);
const rows = 128 * 468;

/** What one run measured: per epoch, ms per step and Adam's ms per step; subnormal moments at the end. */
interface Run { step: number[]; adam: number[]; subnormal: number; moments: number; source: string }

async function run(flush: boolean): Promise<Run> {
  const { x, y, source } = w2Data(rows);
  const model = buildW2();
  const k = model.backprop().kernels;
  if (!flush) k.flushBelow = () => undefined;
  const adam = k.adam.bind(k);
  let inAdam = 0;
  k.adam = (...a) => {
    const t = performance.now();
    const r = adam(...a);
    inAdam += performance.now() - t;
    return r;
  };
  const steps = Math.ceil(rows / 128);
  const out: Run = { step: [], adam: [], subnormal: 0, moments: 0, source };
  let start = performance.now();
  await model.fit(x, y, {
    epochs, batchSize: 128, verbose: 0, threads,
    callbacks: [{
      onEpochEnd: () => {
        const now = performance.now();
        out.step.push((now - start) / steps);
        out.adam.push(inAdam / steps);
        inAdam = 0;
        start = now;
      },
    }],
  });
  for (const slots of Object.values(model.optimizer!.getState(model.params()).slots)) {
    for (const s of slots) {
      for (const v of s) {
        out.moments++;
        if (v !== 0 && Math.abs(v) < 2 ** -126) out.subnormal++;
      }
    }
  }
  return out;
}

if (values.child !== undefined) {
  console.log(JSON.stringify(await run(values.child === 'flush')));
  process.exit(0);
}

const load = () => execFileSync('uptime', { encoding: 'utf8' }).replace(/.*load average:\s*/, '').trim();
const loads = [load()];
const runs = new Map<string, Run[]>([['flush', []], ['none', []]]);
for (let r = 0; r < rounds; r++) {
  for (const mode of ['flush', 'none']) {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, '--epochs', String(epochs), '--threads', String(threads)];
    const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`the ${mode} run failed: ${child.stderr.split('\n').slice(-5).join(' ')}`);
    runs.get(mode)!.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as Run);
  }
}
loads.push(load());
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const at = (mode: string, what: 'step' | 'adam', e: number) => median(runs.get(mode)!.map((r) => r[what][e]!));
console.log(`W2 data: ${runs.get('flush')![0]!.source}; ${threads} thread(s); median of ${rounds} runs each; load average ${loads.join(' → ')}`);
console.log('epoch   Adam ms/step: flushed  not flushed   step ms: flushed  not flushed');
for (let e = 0; e < epochs; e++) {
  console.log(`${String(e + 1).padStart(5)}   ${at('flush', 'adam', e).toFixed(3).padStart(20)}  ${at('none', 'adam', e).toFixed(3).padStart(11)}   ${at('flush', 'step', e).toFixed(3).padStart(16)}  ${at('none', 'step', e).toFixed(3).padStart(11)}`);
}
for (const [mode, list] of runs) console.log(`${mode === 'flush' ? 'flushed' : 'not flushed'}: ${list[0]!.subnormal} of ${list[0]!.moments} moments subnormal after ${epochs} epochs`);
