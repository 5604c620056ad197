/**
 * What the page suggests for each finding of the library's diagnostics: a short title, and
 * one setting of this page to try, as a change the learner can apply with a click. Pure.
 */
import type { PlaygroundConfig } from './state.js';

export interface Advice {
  title: string;
  /** The button's text: the setting to try. */
  tryText: string;
  change: Partial<PlaygroundConfig>;
}

/** A learning rate `factor` times smaller, from the page's list of rates. */
function lower(lr: number, factor: number): number {
  const want = lr / factor;
  const rates = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3];
  return rates.filter((r) => r <= want).pop() ?? 0.00001;
}

export function adviceFor(kind: string, c: PlaygroundConfig): Advice {
  switch (kind) {
    case 'dead':
      return c.learningRate > 0.03
        ? { title: 'Dead ReLU units', tryText: `learning rate ${lower(c.learningRate, 10)}`, change: { learningRate: lower(c.learningRate, 10) } }
        : { title: 'Dead ReLU units', tryText: 'leakyRelu activations', change: { activations: c.activations.map((a) => (a === 'relu' ? 'leakyRelu' : a)) } };
    case 'saturated':
      return c.initScale > 1
        ? { title: 'Saturated units', tryText: 'weight scale × 1', change: { initScale: 1 } }
        : { title: 'Saturated units', tryText: 'batch normalisation', change: { batchNorm: true } };
    case 'exploding':
      return { title: 'Exploding gradients', tryText: `learning rate ${lower(c.learningRate, 10)}`, change: { learningRate: lower(c.learningRate, 10) } };
    case 'vanishing':
      return c.batchNorm
        ? { title: 'Vanishing gradients', tryText: 'ReLU activations', change: { activations: c.activations.map(() => 'relu') } }
        : { title: 'Vanishing gradients', tryText: 'batch normalisation', change: { batchNorm: true } };
    case 'plateau':
      return c.learningRate < 0.003
        ? { title: 'The loss does not fall', tryText: 'learning rate 0.03', change: { learningRate: 0.03 } }
        : c.initializer === 'zeros' || c.initScale === 0
          ? { title: 'The loss does not fall', tryText: 'random initial weights (glorotUniform)', change: { initializer: 'glorotUniform', initScale: 1 } }
          : { title: 'The loss does not fall', tryText: 'optimiser Adam', change: { optimizer: 'adam' } };
    case 'symmetry':
      return { title: 'Symmetric units', tryText: 'random initial weights (glorotUniform)', change: { initializer: 'glorotUniform', initScale: c.initScale === 0 ? 1 : c.initScale } };
    case 'diverged':
      return { title: 'Training diverged', tryText: `learning rate ${lower(c.learningRate, 10)}`, change: { learningRate: lower(c.learningRate, 10) } };
    default:
      return { title: kind, tryText: 'reset', change: {} };
  }
}
