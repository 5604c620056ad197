/**
 * The settings controls (data, training, network options). They show a configuration and report
 * changes as partial configurations; main.ts decides what a change needs (new data, a new
 * network, or only new training settings).
 */
import { initializerNames, type LossName } from '../../../src/index.js';
import {
  datasetNames, learningRates, regularizationRates, playgroundOptimizers, speeds, initScales, LIMITS,
  type DatasetName, type PlaygroundConfig,
} from '../state.js';
import { makeData, type Task } from '../data.js';
import { outputFor } from '../model.js';
import { byId, el, select } from './dom.js';
import { paintPoints } from './draw.js';

export type Change = Partial<PlaygroundConfig>;

const DATASET_LABELS: Record<DatasetName, string> = {
  circles: 'Circles',
  moons: 'Moons',
  xor: 'XOR',
  quadrants: 'Gaussian quadrants',
  spirals: 'Spirals',
  blobs: 'Three blobs',
  regression: '1-D function',
  csv: 'Uploaded CSV',
};

const OPTIMIZER_LABELS: Record<string, string> = { sgd: 'SGD', momentum: 'SGD + momentum 0.9', adam: 'Adam', rmsprop: 'RMSprop' };
const BATCH_SIZES = [1, 2, 4, 8, 10, 16, 32, 64, 128, 256, 1000];
const DROPOUT_RATES = [0, 0.1, 0.2, 0.3, 0.5];
/** Every loss the output rule can pick has a name here (a missing one is a type error, not "undefined" on the page). */
const LOSS_NAMES: Record<LossName, string> = {
  binaryCrossentropy: 'binary cross-entropy',
  categoricalCrossentropy: 'cross-entropy',
  sparseCategoricalCrossentropy: 'cross-entropy',
  mse: 'mean squared error',
  mae: 'mean absolute error',
  sse: 'sum of squared errors (½‖r − a‖²)',
};

/** A <select> of numbers that also offers the current value when it is not one of the presets. */
function numberOptions(values: readonly number[], current: number, label: (v: number) => string = String): (readonly [string, string])[] {
  const all = values.includes(current) ? [...values] : [...values, current].sort((a, b) => a - b);
  return all.map((v) => [String(v), label(v)] as const);
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return el('label', {}, el('span', { class: 'label' }, text), control);
}

export class Controls {
  private config: PlaygroundConfig;

  constructor(config: PlaygroundConfig, private readonly onChange: (change: Change) => void) {
    this.config = config;
    this.buildDatasets();
    const arms = byId<HTMLSelectElement>('spiral-arms');
    for (let k = LIMITS.spiralClasses.min; k <= LIMITS.spiralClasses.max; k++) arms.append(el('option', { value: k }, String(k)));
    arms.addEventListener('change', () => this.onChange({ spiralClasses: Number(arms.value) }));
    const noise = byId<HTMLInputElement>('noise');
    noise.addEventListener('input', () => (byId('noise-value').textContent = noise.value));
    noise.addEventListener('change', () => this.onChange({ noise: Number(noise.value) }));
    const ratio = byId<HTMLInputElement>('train-ratio');
    ratio.addEventListener('input', () => (byId('train-ratio-value').textContent = `${ratio.value}%`));
    ratio.addEventListener('change', () => this.onChange({ trainRatio: Number(ratio.value) / 100 }));
    const points = byId<HTMLInputElement>('points');
    points.addEventListener('input', () => (byId('points-value').textContent = points.value));
    points.addEventListener('change', () => this.onChange({ points: Number(points.value) }));
    byId('regenerate').addEventListener('click', () => this.onChange({ dataSeed: (this.config.dataSeed + 1) % 2 ** 31 }));
  }

  private buildDatasets(): void {
    const root = byId('datasets');
    for (const name of datasetNames) {
      if (name === 'csv') continue;
      const thumb = el('canvas', { width: 56, height: 56, 'aria-hidden': 'true' });
      const button = el('button', { class: 'dataset', 'data-dataset': name, role: 'radio', 'aria-checked': 'false', title: DATASET_LABELS[name] }, thumb, el('span', {}, DATASET_LABELS[name]));
      button.addEventListener('click', () => this.onChange({ dataset: name }));
      root.append(button);
      // A preview of each data set, drawn from the generator itself.
      const preview = makeData({ ...this.config, dataset: name, points: 120, noise: name === 'regression' ? 0.05 : 0.08, trainRatio: 0.9 });
      paintPoints(thumb, preview, [{ x: preview.trainX, y: preview.trainY, test: false }], preview.task === 'regression');
    }
  }

  /** Shows `config` in every control (after a change, or a configuration read from the URL). */
  sync(config: PlaygroundConfig, task: Task): void {
    this.config = config;
    document.querySelectorAll<HTMLButtonElement>('.dataset').forEach((b) => {
      b.setAttribute('aria-checked', String(b.dataset.dataset === config.dataset));
    });
    byId('arms-row').hidden = config.dataset !== 'spirals';
    byId<HTMLSelectElement>('spiral-arms').value = String(config.spiralClasses);
    byId<HTMLInputElement>('noise').value = String(config.noise);
    byId('noise-value').textContent = String(config.noise);
    byId<HTMLInputElement>('train-ratio').value = String(Math.round(config.trainRatio * 100));
    byId('train-ratio-value').textContent = `${Math.round(config.trainRatio * 100)}%`;
    byId<HTMLInputElement>('points').value = String(config.points);
    byId('points-value').textContent = String(config.points);
    const discretize = byId<HTMLInputElement>('discretize');
    discretize.checked = config.discretize;
    discretize.disabled = task === 'regression';
    this.buildTraining(config);
    this.buildNetworkOptions(config, task);
  }

  private buildTraining(c: PlaygroundConfig): void {
    const root = byId('training-settings');
    const opt = select({ id: 'optimizer' }, playgroundOptimizers.map((o) => [o, OPTIMIZER_LABELS[o]!] as const), c.optimizer);
    opt.addEventListener('change', () => this.onChange({ optimizer: opt.value as PlaygroundConfig['optimizer'] }));
    const lr = select({ id: 'learning-rate' }, numberOptions(learningRates, c.learningRate), String(c.learningRate));
    lr.addEventListener('change', () => this.onChange({ learningRate: Number(lr.value) }));
    const batch = select({ id: 'batch-size' }, numberOptions(BATCH_SIZES, c.batchSize, (v) => (v >= 1000 ? `${v} (full batch)` : String(v))), String(c.batchSize));
    batch.addEventListener('change', () => this.onChange({ batchSize: Number(batch.value) }));
    const reg = select({ id: 'regularization' }, [['none', 'none'], ['l1', 'L1'], ['l2', 'L2']], c.regularization);
    reg.addEventListener('change', () => this.onChange({ regularization: reg.value as PlaygroundConfig['regularization'] }));
    const rate = select({ id: 'regularization-rate', disabled: c.regularization === 'none' }, numberOptions(regularizationRates, c.regularizationRate), String(c.regularizationRate));
    rate.addEventListener('change', () => this.onChange({ regularizationRate: Number(rate.value) }));
    const finite = speeds.filter((v) => v > 0);
    const speedOptions = [...(c.speed > 0 ? numberOptions(finite, c.speed) : numberOptions(finite, finite[0]!)), ['0', 'max'] as const];
    const speed = select({ id: 'speed' }, speedOptions, String(c.speed));
    speed.addEventListener('change', () => this.onChange({ speed: Number(speed.value) }));
    root.replaceChildren(
      labelled('Epochs / s', speed),
      labelled('Optimiser', opt),
      labelled('Learning rate', lr),
      labelled('Batch size', batch),
      labelled('Regularisation', reg),
      labelled('Rate', rate),
    );
  }

  private buildNetworkOptions(c: PlaygroundConfig, task: Task): void {
    const root = byId('network-options');
    const init = select({ id: 'initializer' }, initializerNames.map((n) => [n, n] as const), c.initializer);
    init.addEventListener('change', () => this.onChange({ initializer: init.value as PlaygroundConfig['initializer'] }));
    const scale = select({ id: 'init-scale', title: 'factor on the initial weights' }, numberOptions(initScales, c.initScale, (v) => `× ${v}`), String(c.initScale));
    scale.addEventListener('change', () => this.onChange({ initScale: Number(scale.value) }));
    const dropout = select({ id: 'dropout' }, numberOptions(DROPOUT_RATES, c.dropout, (v) => (v === 0 ? 'off' : String(v))), String(c.dropout));
    dropout.addEventListener('change', () => this.onChange({ dropout: Number(dropout.value) }));
    const bn = el('input', { id: 'batch-norm', type: 'checkbox', checked: c.batchNorm });
    bn.addEventListener('change', () => this.onChange({ batchNorm: bn.checked }));
    const implied = outputFor({ task, inputDim: 2, classes: 3 }, 'default');
    const loss = select({ id: 'loss' }, [['default', `${implied.activation} + ${LOSS_NAMES[implied.loss]}`], ['sse', `${implied.activation} + ${LOSS_NAMES.sse}`]], c.loss);
    loss.addEventListener('change', () => this.onChange({ loss: loss.value as PlaygroundConfig['loss'] }));
    const seed = el('button', { id: 'new-weights', title: `initial-weight seed ${c.seed}` }, 'New initial weights');
    seed.addEventListener('click', () => this.onChange({ seed: (c.seed + 1) % 2 ** 31 }));
    root.replaceChildren(
      labelled('Initialiser', init),
      labelled('Weight scale', scale),
      labelled('Dropout', dropout),
      el('label', { class: 'inline' }, bn, ' Batch norm'),
      labelled('Output + loss', loss),
      seed,
    );
  }
}
