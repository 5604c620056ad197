/**
 * The files a search writes must not be the files it reads: `--results run1.csv` next to
 * `--journal run1.jsonl` would write the results' JSONL over the journal, `--out` equal to the
 * journal or the data would replace them with a model. Checked before the first trial, on real
 * paths (symlinks and `./` resolved), so no spelling of the same file gets through.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** A file by the option that names it. */
export interface NamedPath {
  readonly option: string;
  readonly path: string;
}

/** The file a path names once symlinks are followed (for a file that does not exist yet: its folder's real path). */
export function realPath(path: string): string {
  const full = resolve(path);
  if (existsSync(full)) return realpathSync(full);
  const dir = dirname(full);
  return existsSync(dir) ? resolve(realpathSync(dir), basename(full)) : full;
}

/** The JSONL table writeResults puts next to the CSV one. */
export function resultsJsonl(results: string): string {
  return results.replace(/\.csv$/i, '') + '.jsonl';
}

/**
 * Refuses outputs that are one of the inputs or each other, naming both options.
 * `inputs` are read (the data, the journal, the space); `outputs` are written after the search.
 */
export function checkOutputs(inputs: readonly NamedPath[], outputs: readonly NamedPath[]): void {
  const seen = new Map<string, NamedPath & { input: boolean }>();
  for (const p of inputs) seen.set(realPath(p.path), { ...p, input: true });
  for (const out of outputs) {
    const key = realPath(out.path);
    const other = seen.get(key);
    if (other !== undefined) {
      const what = other.input ? `would be written over ${other.option} ${JSON.stringify(other.path)}` : `is also ${other.option}`;
      const harm = other.option === '--journal' ? ' (the search could not be resumed)' : other.input ? ' (the input would be lost)' : '';
      throw new UsageError(`${out.option} ${JSON.stringify(out.path)} ${what}${harm}`, `give ${out.option} another file`);
    }
    seen.set(key, { ...out, input: false });
  }
}
