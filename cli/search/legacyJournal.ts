/**
 * A journal written by a search from before the training spec: its fixed options are the old flat
 * settings (`fixed.layers`, `fixed.epochs`), not a spec's parts, and its trials were scored before
 * search shared cv's scorer (early stopping could watch the very rows a trial was scored on:
 * 0.585 against 0.510 on pure noise). Such scores cannot be ranked beside this search's, so the
 * journal is refused with that reason rather than as "another search" listing every field of the
 * new layout.
 */
import { existsSync } from 'node:fs';
import { readJournal } from '../../src/index.js';
import { UsageError } from '../errors.js';

/** Throws a UsageError when `path` is a journal of the search before the training spec. */
export function refuseLegacyJournal(path: string): void {
  if (!existsSync(path)) return;
  let fixed: unknown;
  try {
    const fingerprint = readJournal(path).header?.fingerprint;
    fixed = typeof fingerprint === 'object' && fingerprint !== null && !Array.isArray(fingerprint) ? (fingerprint as { readonly fixed?: unknown }).fixed : undefined;
  } catch {
    return; // not a journal we can read: the study says why
  }
  if (typeof fixed !== 'object' || fixed === null || Array.isArray(fixed) || 'fit' in fixed) return;
  throw new UsageError(
    `journal ${JSON.stringify(path)} was written by an earlier backprop, whose search scored trials before it shared cv's scorer (early stopping could watch the rows a trial was scored on); its trials cannot be ranked beside this search's`,
    'give another --journal file, or remove this one to start afresh',
  );
}
