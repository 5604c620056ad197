import { COMMON_OPTIMIZER_KEYS, type Optimizer } from './optimizer.js';

/** One per-weight quantity of a written-out step, in float64 (explain shows it shaped as its parameter). */
export interface RuleTerm {
  /** Stable key: 'm', 'mNew', 'v', 'vNew', 'velocity', 'velocityNew', 's', 'sNew'. */
  readonly key: string;
  /** As the rule writes it: 'm (before)', 'm ← β₁m + (1 − β₁)g'. */
  readonly label: string;
  readonly values: Float64Array;
}

/** An update rule as maths, with its constants at step t. */
export interface RuleDescription {
  /** 'sgd', 'momentum', 'nesterov', 'adam', 'rmsprop', 'adagrad'. */
  readonly rule: string;
  /** One line per assignment. */
  readonly equations: string[];
  /** The rule's constants and derived scalars (β₁, β₂, ε, μ, ρ, Adam's α). */
  readonly constants: Record<string, number>;
}

/**
 * What the library knows about one optimiser, in one place: its name, its own config keys with
 * their defaults, how to rebuild it from `getConfig()`, and its update rule written out in float64
 * for explain. Its state tensors are named by the instance (`slotNames`), each shaped as its
 * parameter. Adding an optimiser is one file (the class and its kind) plus one registry entry.
 */
export interface OptimizerKind<O extends Optimizer = Optimizer> {
  readonly name: string;
  readonly defaultLearningRate: number;
  /** The rule's own settings and their defaults (learningRate, clipNorm and clipValue are common to all). */
  readonly defaults: Readonly<Record<string, number | boolean>>;
  /** Whether `opt` is of this kind. */
  is(opt: Optimizer): opt is O;
  /** Rebuilds the optimiser from `getConfig()` output (or user options); the constructor validates. */
  fromConfig(config: Readonly<Record<string, unknown>>): O;
  /** The rule as maths at step t (1 for the first) with learning rate lr. */
  describe(opt: O, lr: number, t: number): RuleDescription;
  /**
   * One step from gradient g (already clipped) in float64 on copies: `slots` are the state
   * before the step (undefined: none yet). Returns the slot terms (before and new) and Δw.
   */
  writtenStep(opt: O, g: Float64Array, slots: readonly Float64Array[] | undefined, lr: number, t: number): { terms: RuleTerm[]; step: Float64Array };
}

/** Every config key of a kind: the common ones and its own. */
export function optimizerConfigKeys(kind: OptimizerKind): string[] {
  return [...COMMON_OPTIMIZER_KEYS, ...Object.keys(kind.defaults)];
}
