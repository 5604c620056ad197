// The cross-validation protocol of scripts/sklearn_reference.py, run with this library: the same
// folds (read from the golden file), inputs standardised on the training folds only, one hidden
// layer of 100 ReLU units, Adam, softmax (or sigmoid for two classes) output.
import { readFileSync } from 'node:fs';
import { buildNetwork, planOutput, callbacks, datasets, standardScaler, Rng, type Callback } from '../../src/index.js';

export interface SklearnGolden {
  versions: Record<string, string>;
  sets: Record<string, {
    rows: number;
    foldOfRow: number[];
    noEarlyStopping: { accuracy: number; foldAccuracy: number[] };
    earlyStopping: { accuracy: number; foldAccuracy: number[] };
  }>;
}

export function loadGolden(): SklearnGolden {
  return JSON.parse(readFileSync(new URL('../golden/sklearn-cv.json', import.meta.url), 'utf8')) as SklearnGolden;
}

export interface Protocol {
  /** Optimiser steps per run (fit's maxIterations), the same for every set. */
  steps: number;
  /** The epoch cap (never reached when steps bind first). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** With early stopping: the share of the training fold held out, and the patience in epochs. */
  earlyStopping?: { validationSplit: number; patience: number };
}

export interface FoldResult {
  accuracy: number;
  epochsRun: number;
}

/** Trains and tests on fold k; the training rows are shuffled (seeded) so the validation tail is a random sample. */
export async function runFold(name: string, foldOfRow: readonly number[], k: number, p: Protocol, seed: number): Promise<FoldResult> {
  const data = datasets.load(name);
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  foldOfRow.forEach((f, i) => (f === k ? testIdx : trainIdx).push(i));
  new Rng(1000 + seed).shuffle(trainIdx);
  const scaler = standardScaler().fit(trainIdx.map((i) => data.x[i]!));
  const xTrain = scaler.transform(trainIdx.map((i) => data.x[i]!));
  const xTest = scaler.transform(testIdx.map((i) => data.x[i]!));
  const yTrain = trainIdx.map((i) => data.y[i]!);
  const yTest = testIdx.map((i) => data.y[i]!);
  // The library's one builder and output rule (sigmoid + BCE for two classes, softmax + sparse CE otherwise).
  const plan = planOutput({ kind: 'classes', names: ['class'], classes: data.classes! });
  const { model } = buildNetwork(xTrain[0]!.length, plan, { hidden: [100], activation: 'relu', dropout: 0 }, { optimizer: 'adam', learningRate: p.learningRate }, { seed });
  const cbs: Callback[] = p.earlyStopping ? [callbacks.earlyStopping({ monitor: 'val_loss', patience: p.earlyStopping.patience, restoreBestWeights: true })] : [];
  const history = await model.fit(xTrain, yTrain, {
    epochs: p.epochs, maxIterations: p.steps, batchSize: p.batchSize, verbose: 0, seed, callbacks: cbs,
    ...(p.earlyStopping ? { validationSplit: p.earlyStopping.validationSplit } : {}),
  });
  // Classes are in the model's label order, so predicted labels compare directly.
  const predicted = model.predictClasses(xTest);
  let right = 0;
  predicted.forEach((label, i) => (label === yTest[i] ? right++ : 0));
  return { accuracy: right / yTest.length, epochsRun: history.epoch.length };
}

/** The protocol of the comparison: 1000 Adam steps (lr 1e-3) of batch 32 on every set. */
export const PROTOCOL: Protocol = { steps: 1000, epochs: 100000, batchSize: 32, learningRate: 1e-3 };
/** With early stopping: 10% of the training fold held out, patience 10 epochs on val_loss, best weights restored. */
export const PROTOCOL_ES: Protocol = { ...PROTOCOL, earlyStopping: { validationSplit: 0.1, patience: 10 } };
/** Model seeds averaged over, as the reference averages over its three random_state values. */
export const SEEDS = [0, 1, 2];

export interface Comparison {
  name: string;
  sklearn: number;
  sklearnEarlyStopping: number;
  ours: number;
  oursEarlyStopping: number;
  /** Mean epochs run per fit with early stopping (without, the step budget decides). */
  epochsEarlyStopping: number;
  seconds: number;
}

/** Both protocols on one set, averaged over SEEDS. */
export async function compare(name: string, golden: SklearnGolden): Promise<Comparison> {
  const set = golden.sets[name]!;
  const t0 = performance.now();
  let ours = 0;
  let oursES = 0;
  let epochsES = 0;
  for (const seed of SEEDS) {
    ours += (await crossValidate(name, set.foldOfRow, PROTOCOL, seed)).accuracy / SEEDS.length;
    const es = await crossValidate(name, set.foldOfRow, PROTOCOL_ES, seed);
    oursES += es.accuracy / SEEDS.length;
    epochsES += es.folds.reduce((s, f) => s + f.epochsRun, 0) / es.folds.length / SEEDS.length;
  }
  return {
    name, sklearn: set.noEarlyStopping.accuracy, sklearnEarlyStopping: set.earlyStopping.accuracy,
    ours, oursEarlyStopping: oursES, epochsEarlyStopping: epochsES, seconds: (performance.now() - t0) / 1000,
  };
}

/** Mean test accuracy over the five folds. */
export async function crossValidate(name: string, foldOfRow: readonly number[], p: Protocol, seed: number): Promise<{ accuracy: number; folds: FoldResult[] }> {
  const folds: FoldResult[] = [];
  for (let k = 0; k < 5; k++) folds.push(await runFold(name, foldOfRow, k, p, seed));
  return { accuracy: folds.reduce((s, f) => s + f.accuracy, 0) / folds.length, folds };
}
