import { ModelCheckpoint, saveModel, type History, type JsonObject, type Preprocessing } from '../src/index.js';

/** A run's history as a model file holds it (plain arrays, epochs counted from 0). */
export type HistoryData = { epoch: number[]; history: Record<string, number[]> };

/** The history a saved model holds, copied (empty when it has none): the past a resumed run continues. */
export function savedHistory(training: { readonly history?: { readonly epoch: readonly number[]; readonly history: Readonly<Record<string, readonly number[]>> } } | undefined): HistoryData {
  const h = training?.history;
  return h ? { epoch: [...h.epoch], history: Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, [...v]])) } : { epoch: [], history: {} };
}

/**
 * Writes a resumable checkpoint (atomically) after every epoch through the library's
 * ModelCheckpoint: an epoch boundary is an exact resume point, unlike a Ctrl-C mid-epoch.
 */
export function epochCheckpoints(path: string, past: HistoryData, file: { preprocessing: Preprocessing; metadata: JsonObject }): ModelCheckpoint {
  const sofar: HistoryData = { epoch: [...past.epoch], history: Object.fromEntries(Object.entries(past.history).map(([k, v]) => [k, [...v]])) };
  return new ModelCheckpoint({
    monitor: 'loss',
    save: (c, model) => {
      sofar.epoch.push(c.epoch);
      for (const [k, v] of Object.entries(c.logs)) (sofar.history[k] ??= new Array<number>(sofar.epoch.length - 1).fill(NaN)).push(v);
      saveModel(model, path, { ...file, training: { epoch: c.epoch + 1, history: sofar } });
    },
  });
}

/** A resumed run's saved history followed by this run's epochs. */
export function mergeHistory(past: HistoryData, h: History): HistoryData {
  const keys = new Set([...Object.keys(past.history), ...Object.keys(h.history)]);
  const out: HistoryData = { epoch: [...past.epoch, ...h.epoch], history: {} };
  for (const k of keys) {
    const a = past.history[k] ?? new Array<number>(past.epoch.length).fill(NaN);
    const b = h.history[k] ?? new Array<number>(h.epoch.length).fill(NaN);
    out.history[k] = [...a, ...b];
  }
  return out;
}
