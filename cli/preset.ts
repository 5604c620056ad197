import { compileWithOptimizer, presetSpec, trainingSpec, type OptimizerName, type PresetData, type PresetName, type Table, type TrainingSpec, type TrainingSpecParts } from '../src/index.js';
import type { DataFlags } from './settings.js';
import { fieldOfOption, specFromFlags, type Flags } from './sharedOptions.js';

/** The preset a command uses: the one asked for, else tabular for a CSV file and small for a bundled or synthetic set. */
export function presetOf(asked: unknown, data: DataFlags): PresetName {
  return asked === 'tabular' || asked === 'small' ? asked : data.data !== undefined ? 'tabular' : 'small';
}

/** Spec fields a preset chooses: the model and its training, and the input scaling (not the seed, class weights or how the table is read). */
function chosenByPreset(field: string): boolean {
  if (field === 'preprocessing.scale') return true;
  return /^(architecture|compile|fit)\./.test(field) && field !== 'fit.seed' && field !== 'fit.classWeight';
}

/**
 * The spec a command runs: the preset resolved for this table (its rows and task), under every
 * option the user typed (`given`, by option key); an option left at its default does not
 * override the preset. A typed optimizer other than the preset's drops the preset's learning
 * rate (it gets its own, unless --lr is typed) and Adam's β2 (compileWithOptimizer, as a search
 * trial's optimizer does); a typed loss that is no cross-entropy drops label smoothing.
 * `watcher` names, for the why line, something of a command's own that watches validation rows
 * as --early-stopping does (search's '--pruner'). `why` is the preset's one line on what it chose.
 */
export function specWithPreset(name: PresetName, flags: Flags, given: ReadonlySet<string>, table: Table, watcher?: string): { spec: TrainingSpec; why: string } {
  const choice = presetSpec(name, presetDataOf(table));
  const typed = Object.fromEntries(Object.entries(flags).filter(([k]) => {
    const field = fieldOfOption(k);
    return field === undefined || !chosenByPreset(field) || given.has(k);
  }));
  const compile: Record<string, unknown> = typed.optimizer !== undefined ? compileWithOptimizer(choice.parts.compile ?? {}, typed.optimizer as OptimizerName) : { ...choice.parts.compile };
  if (typed.loss !== undefined && !/rossentropy$/.test(String(typed.loss))) delete compile.labelSmoothing;
  const fit: Record<string, unknown> = { ...choice.parts.fit };
  const notes: string[] = [];
  // A typed option that watches validation rows gets the usual 20 % hold-out when the preset trains on every row.
  const typedWatcher = ['split', 'earlyStopping', 'keepBest'].find((k) => given.has(k) && flags[k] !== false && flags[k] !== undefined);
  const watching = typedWatcher !== undefined ? optionName(typedWatcher) : watcher;
  if (fit.validationSplit === 0 && watching !== undefined && !given.has('validationSplit')) {
    fit.validationSplit = VALIDATION_SPLIT;
    notes.push(`${watching} watches validation rows: ${VALIDATION_SPLIT * 100} % held out`);
  }
  const overridden = [...given].filter((k) => fieldOfOption(k) !== undefined && chosenByPreset(fieldOfOption(k)!));
  if (overridden.length > 0) notes.push(`typed options win: ${overridden.map((k) => (flags[k] === true ? optionName(k) : flags[k] === false ? `--no-${optionName(k).slice(2)}` : `${optionName(k)} ${typeof flags[k] === 'object' && flags[k] !== null && !Array.isArray(flags[k]) ? JSON.stringify(flags[k]) : String(flags[k])}`)).join(', ')}`);
  const base: TrainingSpecParts = { ...choice.parts, compile: compile as TrainingSpecParts['compile'], fit: fit as TrainingSpecParts['fit'] };
  return { spec: specFromFlags(typed, trainingSpec(base)), why: [choice.why, ...notes].join('; ') };
}

/** What a preset is resolved against: the table's rows, task and numeric columns. */
export function presetDataOf(table: Table): PresetData {
  return { rows: table.rows, task: table.y?.kind === 'classes' ? 'classification' : 'regression', numericColumns: table.schema.inputs.filter((c) => c.kind === 'numeric').length };
}

/** The hold-out of a typed option that needs validation rows (the small preset's split). */
const VALIDATION_SPLIT = 0.2;

/** 'batchSize' → '--batch-size'. */
function optionName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
