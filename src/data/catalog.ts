import { InputError } from '../core/errors.js';
import { nearestName } from '../core/names.js';
import {
  moons, circles, spirals, xor, blobs, gaussianQuadrants, truthTable, regression1d,
  type TruthTableName, type RegressionFunctionName,
} from './synthetic.js';

/** Options every catalogued generator takes (truth tables ignore noise and n). */
export interface GenerateArgs {
  n?: number;
  noise?: number;
  seed?: number;
}

/** A synthetic set by name, for the CLI (`backprop datasets export moons moons.csv`) and the playground. */
export interface SyntheticSet {
  readonly name: string;
  readonly description: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly featureNames: readonly string[];
  readonly targetName: string;
  /** Draws the set with these options (each generator's defaults otherwise). */
  generate(args?: GenerateArgs): { x: number[][]; y: number[] };
}

function pick(args: GenerateArgs | undefined): GenerateArgs {
  const out: GenerateArgs = {};
  if (args?.n !== undefined) out.n = args.n;
  if (args?.noise !== undefined) out.noise = args.noise;
  if (args?.seed !== undefined) out.seed = args.seed;
  return out;
}

const XY = ['x1', 'x2'] as const;

function gate(name: TruthTableName): SyntheticSet {
  return {
    name: `gate-${name}`,
    description: `${name.toUpperCase()} truth table (${name === 'not' ? '2 rows' : '4 rows'}; n = rows, repeated)`,
    task: 'binary',
    featureNames: name === 'not' ? ['x1'] : XY,
    targetName: 'y',
    generate: (args) => truthTable(name, { repeat: Math.max(1, Math.ceil((args?.n ?? (name === 'not' ? 2 : 4)) / (name === 'not' ? 2 : 4))) }),
  };
}

function fn(name: RegressionFunctionName, formula: string): SyntheticSet {
  return {
    name,
    description: `1-D regression: y = ${formula} + noise, x in [-1, 1]`,
    task: 'regression',
    featureNames: ['x'],
    targetName: 'y',
    generate: (args) => regression1d({ ...pick(args), fn: name }),
  };
}

/** The synthetic generators with their names and descriptions, as the CLI and the playground list them. */
export const syntheticSets: readonly SyntheticSet[] = [
  { name: 'moons', description: 'two interleaving half circles', task: 'binary', featureNames: XY, targetName: 'label', generate: (a) => moons(pick(a)) },
  { name: 'circles', description: 'a circle inside another', task: 'binary', featureNames: XY, targetName: 'label', generate: (a) => circles(pick(a)) },
  { name: 'spirals', description: 'three interleaved spiral arms', task: 'multiclass', featureNames: XY, targetName: 'label', generate: (a) => spirals(pick(a)) },
  { name: 'blobs', description: 'three Gaussian blobs', task: 'multiclass', featureNames: XY, targetName: 'label', generate: (a) => blobs(pick(a)) },
  { name: 'xor', description: 'uniform points labelled by the XOR of their signs', task: 'binary', featureNames: XY, targetName: 'label', generate: (a) => xor(pick(a)) },
  { name: 'quadrants', description: 'four Gaussian clusters, diagonal ones share a class', task: 'binary', featureNames: XY, targetName: 'label', generate: (a) => gaussianQuadrants(pick(a)) },
  { name: 'quadrants4', description: 'four Gaussian clusters, one class each', task: 'multiclass', featureNames: XY, targetName: 'label', generate: (a) => gaussianQuadrants({ ...pick(a), classes: 4 }) },
  gate('and'), gate('or'), gate('not'), gate('xor'), gate('nand'), gate('nor'),
  fn('linear', '2x + 1'), fn('quadratic', 'x²'), fn('cubic', 'x³ − x'), fn('sine', 'sin(πx)'), fn('abs', '|x|'), fn('step', '[x ≥ 0]'),
];

/** A synthetic set by name; unknown names list the known ones. */
export function syntheticSet(name: string): SyntheticSet {
  const found = syntheticSets.find((s) => s.name === name);
  if (found) return found;
  const known = syntheticSets.map((s) => s.name);
  const guess = nearestName(name, known);
  throw new InputError(`unknown synthetic data set ${JSON.stringify(name)}${guess ? `; did you mean "${guess}"?` : ''} Known: ${known.join(', ')}`);
}
