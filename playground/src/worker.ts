/**
 * The training worker: owns the model, trains in time slices so it can always take the page's
 * messages, and sends a snapshot only when the page asks for one (at most once per frame).
 */
import { DivergenceError, Matrix, SATURATION, kernelBackend, type Sequential, type TrainingSession } from '../../src/index.js';
import { accuracyOf, buildModel, encodeY, makeOptimizer, type PlaygroundModel } from './model.js';
import { explain, explainSource, explainUpdate, type Explanation } from './inspectAdapter.js';
import { divergenceReason } from './divergence.js';
import { boundaryGrid, makeGrid, unitGrids, type Grid } from './snapshot.js';
import type { PlayData } from './data.js';
import type { PlaygroundConfig } from './state.js';
import type { BlockWeights, FromWorker, HistoryPoint, LiveSettings, Snapshot, ToWorker, UnitHealth, PageDiagnosis } from './protocol.js';
import { effectiveFeatures, expandFeatures, type FeatureName } from './features.js';
import { LiveDiagnostics } from './liveDiagnostics.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

// Train on the WebAssembly SIMD kernels: chosen (compiled) once here, before the first model;
// where they cannot load the library falls back to TypeScript with a one-time notice.
kernelBackend();

/** Work done between two looks at the message queue (ms). */
const SLICE_MS = 12;

interface Session {
  generation: number;
  config: PlaygroundConfig;
  data: PlayData;
  net: PlaygroundModel;
  model: Sequential;
  trainX: Matrix;
  trainY: Matrix;
  testX: Matrix;
  testY: Matrix;
  grid: Grid;
  steps: number;
  epoch: number;
  pending: HistoryPoint[];
  latest: HistoryPoint;
  explanation: Explanation | undefined;
  /** The network's inputs (features of the points). */
  features: FeatureName[];
  diagnostics: LiveDiagnostics;
  /** The model's training session, started on the points at the first advance; play, epoch and step advance it. */
  run: TrainingSession | undefined;
}

let session: Session | undefined;
let generation = 0;
let running = false;
let loopActive = false;
/** The page is ready for a snapshot. */
let frameWanted = true;
/** Something changed since the last snapshot. */
let dirty = true;

const sleep = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Pace of play: epochs trained since `paceStart` (ms), against config.speed epochs per second. */
let paceStart = 0;
let paceEpochs = 0;

function resetPace(): void {
  paceStart = performance.now();
  paceEpochs = 0;
}

/** Epochs that may run now without going faster than `speed` per second (Infinity when unlimited). */
function epochsAllowed(speed: number): number {
  if (speed <= 0) return Infinity;
  const allowed = (speed * (performance.now() - paceStart)) / 1000 - paceEpochs;
  // A slow machine does not build up a debt to burst through later.
  if (allowed > Math.max(2, speed / 4)) {
    resetPace();
    return 1;
  }
  return allowed;
}

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function init(config: PlaygroundConfig, data: PlayData, resolution: number): void {
  generation++;
  running = false;
  session = undefined;
  try {
    const net = buildModel(config, data);
    const model = net.model;
    const trainY = encodeY(data.trainY, data, net.lossName);
    const testY = encodeY(data.testY, data, net.lossName);
    const features = effectiveFeatures(data.inputDim, config.features);
    const s: Session = {
      generation,
      config,
      data,
      net,
      model,
      trainX: Matrix.fromArray(expandFeatures(data.trainX, features)),
      trainY: Matrix.fromArray(trainY),
      testX: Matrix.fromArray(expandFeatures(data.testX, features)),
      testY: Matrix.fromArray(testY),
      grid: makeGrid(data.inputDim, data.xDomain, data.yDomain, data.inputDim === 1 ? resolution * 2 : resolution, features),
      steps: 0,
      epoch: 0,
      pending: [],
      latest: { epoch: 0, trainLoss: NaN, testLoss: NaN, trainAccuracy: NaN, testAccuracy: NaN },
      explanation: undefined,
      features,
      diagnostics: new LiveDiagnostics(),
      run: undefined,
    };
    session = s;
    record(s);
  } catch (e) {
    post({ type: 'error', generation, message: messageOf(e) });
  }
  dirty = true;
  flush();
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Losses (with the regularisation penalty, as fit reports them) and accuracies on both sets. */
function measure(s: Session): HistoryPoint {
  const classify = s.data.task !== 'regression';
  const outputs = s.model.outputUnits;
  const part = (x: Matrix, y: Matrix, labels: number[]) => {
    const loss = s.model.evaluate(x, y).loss!;
    const accuracy = classify ? accuracyOf(s.model.predictMatrix(x).data, outputs, labels) : NaN;
    return { loss, accuracy };
  };
  const train = part(s.trainX, s.trainY, s.data.trainY);
  const test = part(s.testX, s.testY, s.data.testY);
  return { epoch: s.epoch, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy, testAccuracy: test.accuracy };
}

function record(s: Session): void {
  const point = measure(s);
  s.latest = point;
  s.pending.push(point);
  if (!Number.isFinite(point.trainLoss) || !Number.isFinite(point.testLoss)) {
    const value = Number.isNaN(point.trainLoss) || Number.isNaN(point.testLoss) ? NaN : Infinity;
    diverged(s, `the loss after epoch ${s.epoch.toFixed(2)} is ${value}`, `loss is ${value}`);
  }
}

function diverged(s: Session, message: string, reason: string): void {
  running = false;
  post({ type: 'diverged', generation: s.generation, message, reason });
}

function batchesPerEpoch(s: Session): number {
  return Math.ceil(s.trainX.rows / Math.min(s.config.batchSize, s.trainX.rows));
}

/** One epoch, or one mini-batch when `oneStep`; false when training diverged. */
async function train(s: Session, oneStep: boolean): Promise<boolean> {
  try {
    // A run without an epoch limit: it goes on while the page advances it.
    s.run ??= s.model.session.start(s.trainX, s.trainY, { batchSize: s.config.batchSize, verbose: 0, yieldEveryMs: 1e9, callbacks: [s.diagnostics] });
    const before = s.run.scores().steps;
    const after = oneStep ? await s.run.step() : await s.run.advance(1);
    if (s !== session) return false;
    const steps = after.steps - before;
    s.steps += steps;
    s.explanation = undefined; // the explained step was for the weights before this training
    s.epoch += steps / batchesPerEpoch(s);
    record(s);
    dirty = true;
    return running || oneStep;
  } catch (e) {
    if (s !== session) return false;
    if (e instanceof DivergenceError) {
      diverged(s, e.message, divergenceReason(e.event));
      dirty = true;
      return false;
    }
    running = false;
    post({ type: 'error', generation: s.generation, message: messageOf(e) });
    return false;
  }
}

async function loop(): Promise<void> {
  if (loopActive) return;
  loopActive = true;
  try {
    resetPace();
    while (running && session) {
      const s = session;
      const start = performance.now();
      while (running && s === session && performance.now() - start < SLICE_MS && epochsAllowed(s.config.speed) >= 1) {
        if (!(await train(s, false))) break;
        paceEpochs++;
      }
      flush();
      const speed = s.config.speed;
      const wait = speed > 0 ? ((paceEpochs + 1) * 1000) / speed - (performance.now() - paceStart) : 0;
      await sleep(Math.max(0, Math.min(wait, 1000)));
    }
  } finally {
    loopActive = false;
    flush();
  }
}

function blockWeights(s: Session): BlockWeights[] {
  return s.net.blocks.map((b) => ({
    inputs: b.dense.inputUnits,
    units: b.units,
    kernel: Float32Array.from(b.dense.kernel.value),
    bias: b.dense.bias ? Float32Array.from(b.dense.bias.value) : null,
    dKernel: Float32Array.from(b.dense.kernel.grad),
    dBias: b.dense.bias ? Float32Array.from(b.dense.bias.grad) : null,
  }));
}

/** Sends a snapshot when the page wants one and there is something new to draw. */
function flush(): void {
  const s = session;
  if (!s || !frameWanted || !dirty) return;
  frameWanted = false;
  dirty = false;
  const grids = unitGrids(s.model, s.net.blocks, s.grid);
  const boundary = s.data.task !== 'regression' ? boundaryGrid(s.model, s.grid) : null;
  const blocks = blockWeights(s);
  const snapshot: Snapshot = {
    unitHealth: unitHealth(s),
    diagnoses: pageDiagnoses(s),
    type: 'snapshot',
    generation: s.generation,
    epoch: s.epoch,
    steps: s.steps,
    running,
    history: s.pending,
    latest: s.latest,
    blocks,
    unitGrids: grids,
    boundary,
  };
  s.pending = [];
  const transfer: Transferable[] = [...grids.map((g) => g.buffer)];
  if (boundary) transfer.push(boundary.buffer);
  for (const b of blocks) {
    transfer.push(b.kernel.buffer, b.dKernel.buffer);
    if (b.bias && b.dBias) transfer.push(b.bias.buffer, b.dBias.buffer);
  }
  post(snapshot, transfer);
}

/**
 * Per hidden unit on the training data: dead (a ReLU-like unit that outputs 0 for every
 * sample) and the share of its outputs in a sigmoid's or tanh's flat tails (the library's
 * SATURATION bounds), so the drawing can mark the units a diagnosis is about.
 */
function unitHealth(s: Session): UnitHealth[] {
  const out: UnitHealth[] = [];
  let a = s.trainX;
  let next = 0;
  const hidden = s.net.blocks.length - 1;
  s.model.layers.forEach((layer, i) => {
    if (next >= hidden) return;
    a = layer.forward(a, false);
    const b = s.net.blocks[next]!;
    if (b.end !== i) return;
    const n = a.rows;
    const u = a.cols;
    const dead: boolean[] = [];
    const saturated: number[] = [];
    for (let j = 0; j < u; j++) {
      let active = false;
      let sat = 0;
      for (let r = 0; r < n; r++) {
        const v = a.data[r * u + j]!;
        if (v !== 0) active = true;
        if (b.activation === 'sigmoid' ? v < SATURATION.sigmoidLow || v > SATURATION.sigmoidHigh : Math.abs(v) > SATURATION.tanh) sat++;
      }
      dead.push((b.activation === 'relu' || b.activation === 'leakyRelu') && !active);
      saturated.push(b.activation === 'sigmoid' || b.activation === 'tanh' ? sat / Math.max(1, n) : 0);
    }
    out.push({ dead, saturated });
    next++;
  });
  return out;
}

/** The library's findings, with the drawn block each concerns. */
function pageDiagnoses(s: Session): PageDiagnosis[] {
  const output = s.net.blocks[s.net.blocks.length - 1]!.dense.name;
  // A confident sigmoid/softmax output is the goal, not a problem: with cross-entropy its δ is ŷ − y, which g′ does not shrink.
  const findings = s.diagnostics.findings.filter((d) => !(d.kind === 'saturated' && d.layer === output && s.net.lossName !== 'sse' && s.net.lossName !== 'mse'));
  return findings.map((d) => {
    const index = d.layer === undefined ? -1 : s.model.layers.findIndex((l) => l.name === d.layer);
    const block = index < 0 ? -1 : s.net.blocks.findIndex((b) => b.end >= index);
    return { kind: d.kind, layer: d.layer ?? '', block, epoch: d.epoch, message: d.message };
  });
}

function applySettings(settings: LiveSettings): void {
  const s = session;
  if (!s) return;
  const before = s.config;
  s.config = { ...s.config, ...settings };
  if (settings.speed !== before.speed) resetPace();
  // The session takes each change at its next step.
  if (settings.batchSize !== before.batchSize) s.run?.setBatchSize(settings.batchSize);
  if (settings.optimizer !== before.optimizer) s.model.session.setOptimizer(makeOptimizer(s.config));
  // Same rule: keep its moments, change only the step size.
  else s.model.session.setLearningRate(settings.learningRate);
}

function explainSample(set: 'train' | 'test', index: number): void {
  const s = session;
  if (!s) return;
  try {
    const xs = set === 'train' ? s.data.trainX : s.data.testX;
    const ys = set === 'train' ? s.data.trainY : s.data.testY;
    const x = xs[index];
    if (x === undefined) throw new Error(`no ${set} sample ${index}`);
    const target = encodeY([ys[index]!], s.data, s.net.lossName);
    const explanation = explain(s.model, expandFeatures([x], s.features), target, { learningRate: s.config.learningRate });
    const update = explainUpdate(s.model, explanation);
    s.explanation = explanation;
    post({ type: 'explanation', generation: s.generation, set, index, explanation, update, source: explainSource });
  } catch (e) {
    post({ type: 'explainError', generation: s.generation, message: messageOf(e) });
  }
}

function applyExplanation(mode: 'optimizer' | 'plain'): void {
  const s = session;
  const e = s?.explanation;
  if (!s || !e) return;
  try {
    if (mode === 'plain') {
      s.model.setWeights(e.layers.flatMap((l) => l.params.map((p) => p.after)));
    } else {
      // The optimiser takes the step from the explained gradient, so its moments and step count move as in training.
      const grads = new Map(e.layers.flatMap((l) => l.params.map((p) => [p.name, (p.grad as (number | number[])[]).flat()] as const)));
      const params = s.model.trainableParams();
      for (const p of params) p.grad.set(grads.get(p.name)!);
      s.model.session.optimizer.step(params);
    }
  } catch (err) {
    post({ type: 'explainError', generation: s.generation, message: messageOf(err) });
    return;
  }
  s.explanation = undefined;
  s.steps += 1;
  s.epoch += 1 / s.trainX.rows;
  record(s);
  dirty = true;
  flush();
}

function setWeight(block: number, kind: 'kernel' | 'bias', i: number, j: number, value: number): void {
  const s = session;
  const b = s?.net.blocks[block];
  if (!s || !b || !Number.isFinite(value)) return;
  if (kind === 'kernel' && i >= 0 && i < b.dense.inputUnits && j >= 0 && j < b.units) b.dense.kernel.value[i * b.units + j] = value;
  else if (kind === 'bias' && b.dense.bias && j >= 0 && j < b.units) b.dense.bias.value[j] = value;
  else return;
  s.explanation = undefined;
  record(s);
  dirty = true;
  flush();
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      init(m.config, m.data, m.resolution);
      break;
    case 'settings':
      applySettings(m.settings);
      break;
    case 'play':
      if (session && !running) {
        running = true;
        dirty = true;
        void loop();
      }
      break;
    case 'pause':
      running = false;
      dirty = true;
      flush();
      break;
    case 'step':
    case 'epoch': {
      const s = session;
      if (!s || running) break;
      void train(s, m.type === 'step').then(() => flush());
      break;
    }
    case 'frame':
      frameWanted = true;
      flush();
      break;
    case 'explain':
      explainSample(m.set, m.index);
      break;
    case 'applyExplanation':
      applyExplanation(m.mode);
      break;
    case 'setWeight':
      setWeight(m.block, m.kind, m.i, m.j, m.value);
      break;
  }
};
