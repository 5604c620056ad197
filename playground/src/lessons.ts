/**
 * Lessons from the notes, one click each: a short text and presets that show it happening.
 * A preset is a change of the default settings (so what was set before does not leak in);
 * the first preset is applied when the lesson is opened. Pure: no DOM.
 */
import type { LessonId } from './lessonIds.js';
import { defaultConfig, type PlaygroundConfig } from './state.js';
import type { ActivationName } from '../../src/index.js';

const six = (a: ActivationName): ActivationName[] => Array.from({ length: 6 }, () => a);

export interface Preset {
  label: string;
  change: Partial<PlaygroundConfig>;
}

export interface Lesson {
  id: LessonId;
  title: string;
  /** What to look at, in a few sentences. */
  text: string;
  presets: Preset[];
}

export const lessons: readonly Lesson[] = [
  {
    id: 'xor-hidden',
    title: 'XOR needs a hidden layer',
    text: 'A perceptron (no hidden layer) draws one straight line, and no line puts XOR\'s opposite quadrants on the same side: its test accuracy stays near 50% however long it trains. Give it one hidden layer of a few tanh units and the boundary bends around the quadrants.',
    presets: [
      { label: 'Perceptron (no hidden layer)', change: { dataset: 'xor', hidden: [], activations: [] } },
      { label: 'One hidden layer of 4', change: { dataset: 'xor', hidden: [4], activations: ['tanh'] } },
    ],
  },
  {
    id: 'zero-init',
    title: 'All-zero weights: symmetry',
    text: 'With every initial weight 0, all hidden units compute the same output and receive the same gradient, so they stay identical forever: the layer acts as one unit (here every hidden weight stays exactly 0 and only the output bias learns). Random initial weights break the symmetry.',
    presets: [
      { label: 'Zero initial weights', change: { dataset: 'circles', hidden: [4], activations: ['tanh'], initializer: 'zeros' } },
      { label: 'Random (glorotUniform)', change: { dataset: 'circles', hidden: [4], activations: ['tanh'], initializer: 'glorotUniform' } },
    ],
  },
  {
    id: 'sigmoid-saturation',
    title: 'Sigmoid saturates with large weights',
    text: 'Initial weights 100 times too large push a sigmoid\'s input far from 0, where its output is flat at 0 or 1 and g′(z) ≈ 0: the saturated units (dashed red outline) pass almost no gradient back, and the network stays stuck with a blocky boundary. At scale × 1 the units start in the sigmoid\'s steep middle and the same network learns the circles in a few dozen epochs.',
    presets: [
      { label: 'Weights × 100', change: { dataset: 'circles', hidden: [8, 8], activations: ['sigmoid', 'sigmoid'], initScale: 100 } },
      { label: 'Weights × 1', change: { dataset: 'circles', hidden: [8, 8], activations: ['sigmoid', 'sigmoid'], initScale: 1 } },
    ],
  },
  {
    id: 'learning-rate',
    title: 'Learning rate: too large, too small',
    text: 'Gradient descent steps η·∂E/∂w downhill. Too large a step overshoots the valley and each step lands higher than the last: the loss explodes to infinity and training diverges. Too small a step crawls: after many epochs the loss has hardly moved. In between, the curve fits.',
    presets: [
      { label: 'η = 1: diverges', change: { dataset: 'regression', hidden: [8], activations: ['tanh'], optimizer: 'sgd', learningRate: 1 } },
      { label: 'η = 0.00001: crawls', change: { dataset: 'regression', hidden: [8], activations: ['tanh'], optimizer: 'sgd', learningRate: 0.00001 } },
      { label: 'η = 0.03: learns', change: { dataset: 'regression', hidden: [8], activations: ['tanh'], optimizer: 'sgd', learningRate: 0.03 } },
    ],
  },
  {
    id: 'overfitting',
    title: 'Overfitting: dropout and L2',
    text: 'Thirty noisy training points and a network of 2 × 16 ReLU units: it learns the noise, the training loss falls towards 0 while the test loss climbs. An L2 penalty (small weights) or dropout (no unit can rely on another) keeps the boundary smooth and the test loss low.',
    presets: [
      { label: 'No regularisation', change: { ...overfitSettings() } },
      { label: 'L2, rate 0.01', change: { ...overfitSettings(), regularization: 'l2', regularizationRate: 0.01 } },
      { label: 'Dropout 0.5', change: { ...overfitSettings(), dropout: 0.5 } },
    ],
  },
  {
    id: 'batchnorm-deep',
    title: 'Batch norm lets a deep sigmoid net learn',
    text: 'Six sigmoid layers: every layer multiplies the gradient by g′ ≤ ¼, so the first layers hardly learn (vanishing gradients) and the loss sits near ln 2 for many epochs. Batch normalisation re-centres each layer\'s inputs in the sigmoid\'s steep middle, and the same network learns in a few dozen epochs.',
    presets: [
      { label: 'Six sigmoid layers', change: { dataset: 'circles', hidden: [8, 8, 8, 8, 8, 8], activations: six('sigmoid'), optimizer: 'sgd', learningRate: 0.03 } },
      { label: 'With batch norm', change: { dataset: 'circles', hidden: [8, 8, 8, 8, 8, 8], activations: six('sigmoid'), optimizer: 'sgd', learningRate: 0.03, batchNorm: true } },
    ],
  },
  {
    id: 'circles-features',
    title: 'Circles with x₁², x₂²',
    text: 'Without a hidden layer the network can only draw a line, and no line separates a disc from a ring. But x₁² + x₂² = r² is linear in x₁² and x₂²: given those two features as inputs, the same network with no hidden layer separates the circles perfectly. Choosing features is the work a hidden layer would do.',
    presets: [
      { label: 'Inputs x₁, x₂', change: { dataset: 'circles', hidden: [], activations: [], features: ['x1', 'x2'] } },
      { label: 'Inputs x₁², x₂²', change: { dataset: 'circles', hidden: [], activations: [], features: ['x1sq', 'x2sq'] } },
    ],
  },
];

/** Few noisy points and a big network: the overfitting lesson's base. */
function overfitSettings(): Partial<PlaygroundConfig> {
  return { dataset: 'circles', points: 100, noise: 0.35, trainRatio: 0.3, hidden: [16, 16], activations: ['relu', 'relu'], optimizer: 'adam', learningRate: 0.03 };
}

export function lessonById(id: string): Lesson | undefined {
  return lessons.find((l) => l.id === id);
}

/** The whole configuration of a lesson's preset: the defaults, the preset, the lesson; the pace is kept. */
export function presetConfig(lesson: Lesson, preset: Preset, current: PlaygroundConfig): PlaygroundConfig {
  return { ...defaultConfig(), speed: current.speed, ...preset.change, lesson: lesson.id };
}

/** Whether the configuration is this preset (every key the preset sets has its value). */
export function isPreset(preset: Preset, c: PlaygroundConfig): boolean {
  return (Object.keys(preset.change) as (keyof PlaygroundConfig)[]).every((k) => JSON.stringify(c[k]) === JSON.stringify(preset.change[k]));
}
