import { hiddenLayersOf, type JsonValue, type Params } from '../../src/index.js';
import type { TrainSettings } from '../settings.js';

/** The train settings of one trial: the fixed ones with the trial's parameters put in (what the saved model records for --resume). */
export function applyParams(fixed: TrainSettings, params: Params): TrainSettings {
  const s: TrainSettings = { ...fixed };
  for (const [name, v] of Object.entries(params)) {
    if (name !== 'layers' && name !== 'units' && name !== 'depth') (s as unknown as Record<string, JsonValue>)[name] = v;
  }
  const hidden = hiddenLayersOf(params, fixed.layers);
  if (hidden !== undefined) s.layers = hidden;
  return s;
}
