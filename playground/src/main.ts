/**
 * The playground page: reads the configuration from the URL, generates the data, starts the
 * training worker, and draws what the worker reports at most once per animation frame.
 */
import { defaultConfig, fitActivations, fromHash, LIMITS, needsNewData, needsReset, toHash, type PlaygroundConfig } from './state.js';
import { makeData, type PlayData } from './data.js';
import { parsePointsCsv, type CsvPoints } from './csv.js';
import { outputFor } from './model.js';
import { makeGrid } from './snapshot.js';
import type { FromWorker, HistoryPoint, Snapshot, ToWorker } from './protocol.js';
import { Controls, type Change } from './ui/controls.js';
import { NetworkView, type NetworkLayout } from './ui/network.js';
import { Curves } from './ui/charts.js';
import { renderExplanation } from './ui/explain.js';
import { renderAttribution } from './ui/attribution.js';
import { byId, el, fmt } from './ui/dom.js';
import { paintBoundary, paintCurve, paintPoints, paintUnit, type PointSet } from './ui/draw.js';
import { classColor, css, POSITIVE } from './ui/colors.js';
import { enableOffline } from './offline.js';
import { renderDiagnoses } from './ui/diagnoses.js';
import { LessonsPanel } from './ui/lessonsPanel.js';
import { lessonById, presetConfig } from './lessons.js';
import type { PageDiagnosis } from './protocol.js';
import { effectiveFeatures, expandFeaturesFlat, featureLabel, featureNames, type FeatureName } from './features.js';
import './style.css';

/** Grid points per side of the decision-boundary and unit maps (1-D data: twice as many x values). */
const RESOLUTION = 50;
/** Largest CSV the page reads (bytes). */
const MAX_CSV_BYTES = 5_000_000;

const parsed = fromHash(location.hash);
let config: PlaygroundConfig = parsed.config;
// A link that names only a lesson opens it at its first preset.
const lessonOnly = lessonById(config.lesson);
if (lessonOnly && [...new URLSearchParams(location.hash.slice(1)).keys()].join() === 'lesson') config = presetConfig(lessonOnly, lessonOnly.presets[0]!, config);
let uploaded: CsvPoints | undefined;
if (config.dataset === 'csv') {
  // Uploaded points are not in the link; start from the default data instead.
  parsed.problems.push('data=csv: uploaded data are not part of a link; showing circles (upload the file again)');
  config = { ...config, dataset: 'circles' };
}
let data: PlayData = makeData(config);
let generation = 0;
let running = false;
let snapshot: Snapshot | undefined;
let pending: Snapshot | undefined;
let frameScheduled = false;
let selected: { set: 'train' | 'test'; index: number } = { set: 'train', index: 0 };
let inputMaps: Float32Array[] = [];
/** Snapshots drawn so far (the tests compare it with animation frames). */
let draws = 0;
/** Every epoch's point of the current network, as the worker reported them (the tests read an exact epoch). */
const epochPoints: HistoryPoint[] = [];

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

const controls = new Controls(config, (change) => apply(change));
// A lesson's preset always starts a fresh network, even when it changes only live settings (the learning rate).
const lessonsPanel = new LessonsPanel(byId('lessons'), (c) => apply(c, false, true), () => apply({ lesson: '' }));
const network = new NetworkView(byId('network'), {
  addLayer: () => {
    if (config.hidden.length >= LIMITS.hiddenLayers) return;
    const units = config.hidden[config.hidden.length - 1] ?? 4;
    apply({ hidden: [...config.hidden, units], activations: [...config.activations, config.activations[config.activations.length - 1] ?? 'tanh'] });
  },
  removeLayer: () => apply({ hidden: config.hidden.slice(0, -1) }),
  addUnit: (l) => apply({ hidden: config.hidden.map((u, i) => (i === l ? Math.min(LIMITS.units, u + 1) : u)) }),
  removeUnit: (l) => apply({ hidden: config.hidden.map((u, i) => (i === l ? Math.max(1, u - 1) : u)) }),
  setActivation: (l, a) => apply({ activations: config.activations.map((x, i) => (i === l ? a : x)) }),
  editWeight: (block, kind, i, j, value) => {
    staleExplanation();
    send({ type: 'setWeight', block, kind, i, j, value });
  },
  toggleFeature: (key) => {
    const f = key as FeatureName;
    const on = config.features.includes(f);
    if (on && config.features.length === 1) return; // the network needs an input
    apply({ features: featureNames.filter((n) => (n === f ? !on : config.features.includes(n))) });
  },
  hoverUnit: (unit) => {
    hovered = unit;
    if (snapshot) drawOutput(snapshot);
  },
});
/** The unit whose map the output plot shows instead of the output, while the pointer is on it. */
let hovered: { col: number; unit: number } | undefined;
const plotWidth = Math.min(360, byId('plot').clientWidth || 320);
const curves = new Curves(byId('loss-chart'), byId('accuracy-chart'), plotWidth);

// ---------------------------------------------------------------------------------------------
// Configuration changes.

/**
 * Applies a change of settings; `freshData` regenerates the data even if no data setting changed,
 * `freshNetwork` starts a new network; `prepared` are data already made for the new settings (an
 * upload, checked before anything changes).
 */
function apply(change: Change, freshData = false, freshNetwork = false, prepared?: PlayData): void {
  const previous = config;
  const next: PlaygroundConfig = { ...config, ...change };
  next.activations = fitActivations(next.activations, next.hidden.length);
  if (next.dataset === 'csv' && !uploaded) return;
  const newData = freshData || needsNewData(config, next);
  const reset = newData || freshNetwork || needsReset(config, next);
  const live = !reset && (next.learningRate !== config.learningRate || next.batchSize !== config.batchSize || next.optimizer !== config.optimizer || next.speed !== config.speed);
  config = next;
  history.replaceState(null, '', `#${toHash(config)}`);
  if (newData) {
    data = prepared ?? makeData(config, uploaded);
    selected = { set: 'train', index: 0 };
  }
  if (!reset && snapshot && next.discretize !== previous.discretize) drawOutput(snapshot);
  if (reset) restart();
  else if (live) send({ type: 'settings', settings: { learningRate: config.learningRate, batchSize: config.batchSize, optimizer: config.optimizer, speed: config.speed } });
  controls.sync(config, data.task);
  lessonsPanel.sync(config);
}

/** A fresh network on the current data (training stops; curves and explanation are cleared). */
function restart(): void {
  generation++;
  setRunning(false);
  snapshot = undefined;
  pending = undefined;
  divergence = undefined;
  shownDiagnoses = '';
  byId('diagnoses').replaceChildren();
  curves.clear();
  epochPoints.length = 0;
  hideDiverged();
  byId('explain-panel').replaceChildren();
  byId('explain-error').hidden = true;
  byId<HTMLButtonElement>('apply-step').disabled = true;
  hovered = undefined;
  pointer = undefined;
  attributionAsked = false;
  byId('attribution').hidden = true;
  network.flagBlocks([]);
  network.setLayout(layout());
  inputMaps = makeInputMaps(data);
  byId('network-note').textContent = data.inputDim === 1
    ? 'Each square is a unit\'s output as a function of x.'
    : 'Each square is a unit\'s output over the input plane (orange negative, blue positive; unbounded units scaled to their largest value). Hover one to see it large on the output plot; click an input feature to switch it on or off.';
  byId('accuracy-chart').hidden = data.task === 'regression';
  byId('data-note').textContent = data.note;
  byId('axes').textContent = `→ ${data.axisNames[0]}, ↑ ${data.axisNames[1]}`;
  drawLegend();
  drawPoints();
  updateSelectedText();
  send({ type: 'init', config, data, resolution: RESOLUTION });
}

/** What the network drawing shows for the current data and settings. */
function layout(): NetworkLayout {
  const out = outputFor(data, config.loss);
  const active = effectiveFeatures(data.inputDim, config.features);
  return {
    inputs: data.inputDim === 1
      ? [{ key: 'x1', label: data.axisNames[0], active: true }]
      : featureNames.map((f) => ({ key: f, label: featureLabel(f, data.axisNames), active: active.includes(f) })),
    hidden: config.hidden.map((units, i) => ({ units, activation: config.activations[i] ?? 'tanh' })),
    output: { units: out.units, activation: out.activation, names: data.task === 'multiclass' ? data.classNames : [] },
    oneD: data.inputDim === 1,
    task: data.task,
  };
}

/** The input units' maps: every feature offered over the grid, scaled by its largest |value| (1-D data: x across its range). */
function makeInputMaps(d: PlayData): Float32Array[] {
  const grid = makeGrid(d.inputDim, d.xDomain, d.yDomain, d.inputDim === 1 ? RESOLUTION * 2 : RESOLUTION);
  if (d.inputDim === 1) {
    const mid = (d.xDomain[0] + d.xDomain[1]) / 2;
    const half = (d.xDomain[1] - d.xDomain[0]) / 2;
    return [Float32Array.from(grid.points.data.subarray(0, grid.points.rows), (v) => (v - mid) / half)];
  }
  return featureNames.map((f) => {
    const v = expandFeaturesFlat(grid.points.data, grid.points.rows, [f]);
    let max = 1e-12;
    for (const x of v) max = Math.max(max, Math.abs(x));
    return Float32Array.from(v, (x) => x / max);
  });
}

// ---------------------------------------------------------------------------------------------
// Running.

function setRunning(on: boolean): void {
  running = on;
  const play = byId('play');
  play.textContent = on ? '❚❚ Pause' : '▶ Play';
  play.setAttribute('aria-pressed', String(on));
}

byId('play').addEventListener('click', () => {
  if (running) {
    setRunning(false);
    send({ type: 'pause' });
  } else {
    hideDiverged();
    staleExplanation();
    setRunning(true);
    send({ type: 'play' });
  }
});
byId('step').addEventListener('click', () => {
  if (running) return;
  hideDiverged();
  staleExplanation();
  send({ type: 'step' });
});
byId('one-epoch').addEventListener('click', () => {
  if (running) return;
  hideDiverged();
  staleExplanation();
  send({ type: 'epoch' });
});

/** Once the network trains on, the explained step no longer applies to it. */
function staleExplanation(): void {
  byId<HTMLButtonElement>('apply-step').disabled = true;
}
byId('reset').addEventListener('click', () => restart());

function showDiverged(reason: string, detail: string): void {
  divergence = { kind: 'diverged', layer: '', block: -1, epoch: -1, message: detail };
  drawDiagnoses(snapshot?.diagnoses ?? []);
  const box = byId('diverged');
  box.textContent = `diverged (${reason}) — lower the learning rate`;
  box.title = detail;
  box.hidden = false;
}

function hideDiverged(): void {
  byId('diverged').hidden = true;
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.generation !== generation) {
    if (m.type === 'snapshot') send({ type: 'frame' });
    return;
  }
  switch (m.type) {
    case 'snapshot':
      epochPoints.push(...m.history);
      if (pending) curves.add(pending.history);
      pending = m;
      if (!frameScheduled) {
        frameScheduled = true;
        requestAnimationFrame(draw);
      }
      break;
    case 'diverged':
      setRunning(false);
      showDiverged(m.reason, m.message);
      break;
    case 'error':
      setRunning(false);
      showError(m.message);
      break;
    case 'explanation': {
      const what = `${m.set === 'train' ? 'training' : 'test'} point #${m.index + 1}`;
      renderExplanation(byId('explain-panel'), m.explanation, m.update, what, m.source, config.optimizer === 'sgd' ? 'plain' : 'optimizer');
      byId('explain-error').hidden = true;
      byId<HTMLButtonElement>('apply-step').disabled = false;
      break;
    }
    case 'attribution':
      attributionAsked = false;
      renderAttribution(byId('attribution'), m.attribution, data.axisNames);
      // The pointer moved on (or the weights changed) while the worker was busy: ask again.
      if (pointer !== undefined && (pointer.join() !== m.attribution.point.join() || attributionStale)) askAttribution();
      break;
    case 'explainError':
      byId('explain-error').textContent = m.message;
      byId('explain-error').hidden = false;
      byId<HTMLButtonElement>('apply-step').disabled = true;
      break;
  }
};
worker.onerror = (e) => {
  console.error('training worker failed:', e.message);
  showError(`the training worker failed: ${e.message}`);
};

function showError(message: string): void {
  const p = byId('problems');
  p.textContent = message;
  p.hidden = false;
}

// ---------------------------------------------------------------------------------------------
// Drawing: once per animation frame, from the latest snapshot.

function draw(): void {
  frameScheduled = false;
  const s = pending;
  pending = undefined;
  if (s && s.generation === generation) {
    draws++;
    snapshot = s;
    curves.add(s.history);
    curves.draw();
    drawOutput(s);
    network.update(s, RESOLUTION, inputMaps);
    drawStats(s);
    drawDiagnoses(s.diagnoses);
    // New weights: what pushed the output under the pointer may have changed.
    if (pointer !== undefined) askAttribution();
  }
  send({ type: 'frame' });
}

function drawOutput(s: Snapshot): void {
  const canvas = byId<HTMLCanvasElement>('boundary');
  const caption = byId('plot-caption');
  if (hovered && drawHoveredUnit(canvas, s, hovered)) return;
  caption.textContent = data.task === 'regression' ? 'the network’s prediction' : config.discretize ? 'the predicted class (discretized)' : 'the network’s class probabilities';
  canvas.dataset.showing = 'output';
  if (data.task === 'regression') {
    const out = s.unitGrids[s.unitGrids.length - 1];
    if (out) paintCurve(canvas, out, 1, 0, data.yDomain, css(POSITIVE), true, 3);
  } else if (s.boundary) {
    const k = s.boundary.length / (RESOLUTION * RESOLUTION);
    paintBoundary(canvas, s.boundary, k, RESOLUTION, config.discretize);
  }
}

/** One unit's map, enlarged on the output plot while the pointer is on the unit; false if there is none. */
function drawHoveredUnit(canvas: HTMLCanvasElement, s: Snapshot, at: { col: number; unit: number }): boolean {
  const l = layout();
  let grid: Float32Array | undefined;
  let units = 1;
  let unit = 0;
  let name: string;
  if (at.col === 0) {
    grid = inputMaps[at.unit];
    name = `input ${l.inputs[at.unit]?.label ?? ''}`;
  } else {
    grid = s.unitGrids[at.col - 1];
    units = s.blocks[at.col - 1]?.units ?? 1;
    unit = at.unit;
    name = at.col - 1 < l.hidden.length ? `unit ${at.unit + 1} of hidden layer ${at.col}` : `output unit ${at.unit + 1}`;
  }
  if (!grid) return false;
  if (data.inputDim === 1) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = unit; i < grid.length; i += units) {
      lo = Math.min(lo, grid[i]!);
      hi = Math.max(hi, grid[i]!);
    }
    const span = Math.max(hi - lo, 1e-6);
    paintCurve(canvas, grid, units, unit, [lo - span * 0.1, hi + span * 0.1], css(POSITIVE), true, 3);
  } else {
    let max = 1e-12;
    for (let i = unit; i < grid.length; i += units) if (Number.isFinite(grid[i]!)) max = Math.max(max, Math.abs(grid[i]!));
    paintUnit(canvas, grid, units, unit, RESOLUTION, 1 / Math.max(1, max), 0);
  }
  canvas.dataset.showing = `${at.col}.${at.unit}`;
  byId('plot-caption').textContent = `showing ${name} (move off it to see the output again)`;
  return true;
}

/** Diagnoses shown (the page redraws the list only when it grows; divergence is added by the page). */
let shownDiagnoses = '';
let divergence: PageDiagnosis | undefined;

function drawDiagnoses(list: readonly PageDiagnosis[]): void {
  const all = divergence ? [...list, divergence] : list;
  const key = JSON.stringify(all.map((d) => [d.kind, d.layer]));
  if (key === shownDiagnoses) return;
  shownDiagnoses = key;
  renderDiagnoses(byId('diagnoses'), all, config, (change) => apply(change));
  network.flagBlocks(all.map((d) => d.block).filter((b) => b >= 0));
}

function drawStats(s: Snapshot): void {
  const p = s.latest;
  byId('epoch').textContent = String(Math.floor(s.epoch + 1e-9)).padStart(3, '0');
  byId('steps').textContent = String(s.steps);
  byId('train-loss').textContent = fmt(p.trainLoss);
  byId('test-loss').textContent = fmt(p.testLoss);
  const pct = (v: number) => (Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)}%`);
  byId('train-accuracy').textContent = pct(p.trainAccuracy);
  byId('test-accuracy').textContent = pct(p.testAccuracy);
}

function pointSets(): PointSet[] {
  const sets: PointSet[] = [{ x: data.trainX, y: data.trainY, test: false }];
  if (byId<HTMLInputElement>('show-test').checked) sets.push({ x: data.testX, y: data.testY, test: true });
  return sets;
}

function selectedPoint(): [number, number] | undefined {
  const xs = selected.set === 'train' ? data.trainX : data.testX;
  const ys = selected.set === 'train' ? data.trainY : data.testY;
  const p = xs[selected.index];
  if (!p) return undefined;
  return data.task === 'regression' ? [p[0]!, ys[selected.index]!] : [p[0]!, p[1]!];
}

function drawPoints(): void {
  paintPoints(byId<HTMLCanvasElement>('data-points'), data, pointSets(), data.task === 'regression', selectedPoint());
}

function drawLegend(): void {
  const legend = byId('legend');
  if (data.task === 'regression') {
    legend.replaceChildren(el('span', {}, 'points: (x, y) samples; line: the network’s prediction'));
    return;
  }
  legend.replaceChildren(...data.classNames.map((name, k) => el('span', { class: 'swatch' }, el('i', { style: `background:${css(classColor(k))}` }), name)));
}

byId('show-test').addEventListener('change', () => drawPoints());
byId<HTMLInputElement>('discretize').addEventListener('change', (e) => apply({ discretize: (e.target as HTMLInputElement).checked }));

// Keyboard: Space plays or pauses, S takes one step, unless a field has the keys.
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target as HTMLElement | null;
  const typing = t instanceof HTMLInputElement ? !['checkbox', 'radio', 'range', 'button', 'file'].includes(t.type) : t !== null && (t.isContentEditable || ['SELECT', 'TEXTAREA'].includes(t.tagName));
  if (typing) return;
  // Space on a focused checkbox still ticks it.
  if (e.key === ' ' && t instanceof HTMLInputElement && (t.type === 'checkbox' || t.type === 'radio')) return;
  if (e.key === ' ') {
    e.preventDefault();
    byId('play').click();
  } else if (e.key === 's' || e.key === 'S') {
    e.preventDefault();
    byId('step').click();
  }
});
// A focused button would also take Space as its own click when the key comes up.
document.addEventListener('keyup', (e) => {
  if (e.key === ' ' && (e.target as HTMLElement | null)?.tagName === 'BUTTON') e.preventDefault();
});

// Which input features pushed the output at the point under the mouse: one request in flight at a time.
let pointer: number[] | undefined;
let attributionAsked = false;
let attributionStale = false;

function askAttribution(): void {
  if (pointer === undefined) return;
  if (attributionAsked) {
    attributionStale = true;
    return;
  }
  attributionAsked = true;
  attributionStale = false;
  send({ type: 'attribute', point: pointer });
}

byId('data-points').addEventListener('mousemove', (e) => {
  const canvas = byId<HTMLCanvasElement>('data-points');
  const r = canvas.getBoundingClientRect();
  const fx = (e.clientX - r.left) / r.width;
  const fy = (e.clientY - r.top) / r.height;
  const x = data.xDomain[0] + fx * (data.xDomain[1] - data.xDomain[0]);
  const y = data.yDomain[1] - fy * (data.yDomain[1] - data.yDomain[0]);
  pointer = data.inputDim === 1 ? [x] : [x, y];
  askAttribution();
});

// Choosing the sample to explain: the nearest shown point to the click.
byId('data-points').addEventListener('click', (e) => {
  const canvas = byId<HTMLCanvasElement>('data-points');
  const r = canvas.getBoundingClientRect();
  const px = ((e.clientX - r.left) / r.width) * canvas.width;
  const py = ((e.clientY - r.top) / r.height) * canvas.height;
  let best = { set: 'train' as 'train' | 'test', index: 0, d: Infinity };
  for (const set of pointSets()) {
    set.x.forEach((p, i) => {
      const x = p[0]!;
      const y = data.task === 'regression' ? set.y[i]! : p[1]!;
      const qx = ((x - data.xDomain[0]) / (data.xDomain[1] - data.xDomain[0])) * canvas.width;
      const qy = (1 - (y - data.yDomain[0]) / (data.yDomain[1] - data.yDomain[0])) * canvas.height;
      const d = (qx - px) ** 2 + (qy - py) ** 2;
      if (d < best.d) best = { set: set.test ? 'test' : 'train', index: i, d };
    });
  }
  selected = { set: best.set, index: best.index };
  drawPoints();
  updateSelectedText();
});

function updateSelectedText(): void {
  const p = selectedPoint();
  byId('selected-sample').textContent = p ? `sample: ${selected.set === 'train' ? 'training' : 'test'} point #${selected.index + 1} at (${p.map((v) => fmt(v)).join(', ')})` : '';
}

// ---------------------------------------------------------------------------------------------
// Explain this step.

byId('explain').addEventListener('click', () => {
  if (running) {
    setRunning(false);
    send({ type: 'pause' });
  }
  send({ type: 'explain', set: selected.set, index: selected.index });
});
byId('apply-step').addEventListener('click', () => {
  byId<HTMLButtonElement>('apply-step').disabled = true;
  send({ type: 'applyExplanation', mode: byId('explain-panel').dataset.view === 'plain' ? 'plain' : 'optimizer' });
});

// ---------------------------------------------------------------------------------------------
// CSV upload: errors are shown and the current data stay.

byId<HTMLInputElement>('csv-file').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  const error = byId('csv-error');
  const fail = (message: string) => {
    error.textContent = `${file.name}: ${message}. The current data are kept.`;
    error.hidden = false;
  };
  if (file.size > MAX_CSV_BYTES) return fail(`the file is ${(file.size / 1e6).toFixed(1)} MB; the playground reads up to ${MAX_CSV_BYTES / 1e6} MB`);
  const result = parsePointsCsv(await file.text());
  input.value = '';
  if (!result.ok) return fail(result.error);
  // All or nothing: the data are made (scaled, split) before any setting changes, so a file that
  // cannot be used leaves the page exactly as it was.
  let prepared: PlayData;
  try {
    prepared = makeData({ ...config, dataset: 'csv' }, result.data);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  error.hidden = true;
  uploaded = result.data;
  apply({ dataset: 'csv' }, true, false, prepared);
});

// ---------------------------------------------------------------------------------------------
// The URL: a hand-edited hash is applied as a whole.

window.addEventListener('hashchange', () => {
  const next = fromHash(location.hash);
  showProblems(next.problems);
  if (next.config.dataset === 'csv' && !uploaded) next.config.dataset = config.dataset === 'csv' ? 'circles' : config.dataset;
  apply(next.config);
});

function showProblems(problems: string[]): void {
  const p = byId('problems');
  p.textContent = problems.length ? `Link settings ignored: ${problems.join('; ')}` : '';
  p.hidden = problems.length === 0;
}

// The drawing fits its panel: a new panel width lays it out again (same network, same weights).
let networkWidth = 0;
new ResizeObserver(() => {
  const w = byId('network').parentElement!.clientWidth;
  if (w === networkWidth) return;
  networkWidth = w;
  network.setLayout(layout());
  if (snapshot) network.update(snapshot, RESOLUTION, inputMaps);
}).observe(byId('network').parentElement!);

showProblems(parsed.problems);
history.replaceState(null, '', `#${toHash(config)}`);
controls.sync(config, data.task);
lessonsPanel.sync(config);
restart();
void enableOffline();

/** For the browser tests and the curious: the current configuration and data. */
(window as unknown as { backpropPlayground: unknown }).backpropPlayground = {
  get config() {
    return structuredClone(config);
  },
  get data() {
    return data;
  },
  get snapshot() {
    return snapshot;
  },
  get draws() {
    return draws;
  },
  get history() {
    return epochPoints;
  },
  defaults: defaultConfig,
};
