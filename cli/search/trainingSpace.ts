import { DEFAULT_TRAINING_SPACE, checkTrainingSpace as checkSpace, hiddenLayersOf, TRAINING_PARAMS, type JsonValue, type Params, type Space, type TrainingParam } from '../../src/index.js';
import type { TrainSettings } from '../settings.js';

/** The train options a search space may hold: the library's TRAINING_PARAMS (camelCase, as in TrainSettings). */
export const SEARCHABLE = TRAINING_PARAMS;
export type Searchable = TrainingParam;

/** What a search tries when no --space is given. */
export const DEFAULT_SPACE: Space = DEFAULT_TRAINING_SPACE;

/** Checks a space for a training search (the library's check; an InputError names the parameter). */
export const checkTrainingSpace = checkSpace;

/** The train settings of one trial: the fixed ones with the trial's parameters put in (the refit trains from settings). */
export function applyParams(fixed: TrainSettings, params: Params): TrainSettings {
  const s: TrainSettings = { ...fixed };
  for (const [name, v] of Object.entries(params)) {
    if (name !== 'layers' && name !== 'units' && name !== 'depth') (s as unknown as Record<string, JsonValue>)[name] = v;
  }
  const hidden = hiddenLayersOf(params, fixed.layers);
  if (hidden !== undefined) s.layers = hidden;
  return s;
}
