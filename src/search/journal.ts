import { InputError } from '../core/errors.js';
import { nodeBuiltins } from '../core/nodeBuiltins.js';
import { canonical, type JsonValue, type Params, type Space } from './space.js';

/** The first line of a journal: what search it belongs to. */
export interface StudyHeader {
  readonly type: 'study';
  readonly version: 1;
  readonly direction: 'minimize' | 'maximize';
  readonly method: string;
  readonly seed: number;
  readonly space: Space;
  /** Whatever else must match to resume (the training search puts the data's hash and the fixed options here). */
  readonly fingerprint: JsonValue;
  /** Parameters tried before the sampler's (the default configuration); absent in journals written before they existed. */
  readonly enqueued?: readonly Params[];
}

/** A trial's state in the journal: running, complete, pruned (stopped early) or fail (threw or diverged). */
export type TrialState = 'running' | 'complete' | 'pruned' | 'fail';

/** One trial as the journal and the results table record it. */
export interface TrialRecord {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Params;
  /** The objective's value (as returned, not negated for maximising); absent for failed and running trials. */
  readonly value?: number;
  /** The trial's training seed (from the search seed and the number). */
  readonly seed: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationS?: number;
  /** Extra columns the objective returned (spread over folds, epochs run, ...). */
  readonly attrs?: Readonly<Record<string, JsonValue>>;
  /** Why a trial failed. */
  readonly error?: string;
}

type Line = StudyHeader | ({ type: 'trial' } & TrialRecord) | { type: 'report'; number: number; step: number; value: number };

/** What a journal holds: its header, the latest record of each trial and the intermediate reports. */
export interface JournalContents {
  readonly header: StudyHeader | undefined;
  readonly trials: Map<number, TrialRecord>;
  readonly reports: Map<number, Map<number, number>>;
}

function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

function node(): ReturnType<typeof nodeBuiltins> {
  return nodeBuiltins('a search journal');
}

/**
 * Reads a JSONL journal. A last line cut short by a crash is dropped (and cut from the file so
 * appends start on a fresh line); any other line that is not a journal event is an InputError
 * naming the file and the line.
 */
export function readJournal(path: string): JournalContents {
  const { fs } = node();
  const contents: JournalContents = { header: undefined, trials: new Map(), reports: new Map() };
  if (!fs.existsSync(path)) return contents;
  const text = readCapped(path);
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text.length === 0;
  let cut = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
      if (typeof line !== 'object' || line === null || !('type' in line)) throw new Error('not an event');
    } catch {
      if (i === lines.length - 1 && !endsClean) {
        fs.truncateSync(path, byteLength(text) - byteLength(raw));
        cut = true;
        break;
      }
      const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
      throw new InputError(`journal ${JSON.stringify(path)}: line ${i + 1} is not a JSONL search event: ${shown}`);
    }
    if (line.type === 'study') {
      if (i !== 0 && contents.header === undefined) throw new InputError(`journal ${JSON.stringify(path)}: the study line must come first (found on line ${i + 1})`);
      (contents as { header: StudyHeader }).header = line;
    } else if (line.type === 'trial') {
      const { type: _type, ...record } = line;
      contents.trials.set(record.number, record);
    } else if (line.type === 'report') {
      let m = contents.reports.get(line.number);
      if (m === undefined) contents.reports.set(line.number, (m = new Map()));
      m.set(line.step, line.value);
    } else {
      throw new InputError(`journal ${JSON.stringify(path)}: line ${i + 1} has an unknown event type ${JSON.stringify((line as { type: unknown }).type)}`);
    }
    if (contents.header === undefined) throw new InputError(`journal ${JSON.stringify(path)}: line 1 is not a study header; is this a search journal?`);
  }
  if (!endsClean && !cut) fs.appendFileSync(path, '\n');
  return contents;
}

/** The longest journal read (about two million trials; V8's longest string is 2^29 characters): a bigger file is not a journal this library wrote. */
export const MAX_JOURNAL_BYTES = 500_000_000;

/** The journal's text; a folder, a device or a pipe (`/dev/zero` reads forever) and a file past the cap are refused. */
function readCapped(path: string): string {
  const { fs } = node();
  const quoted = JSON.stringify(path);
  // stat before open: opening a FIFO for reading blocks until someone writes to it.
  const st = fs.statSync(path);
  if (st.isDirectory()) throw new InputError(`journal ${quoted} is a folder; give a file path, such as ${JSON.stringify(`${path.replace(/\/+$/, '')}/search.jsonl`)}`);
  if (!st.isFile()) throw new InputError(`journal ${quoted} is not a regular file (a device, pipe or socket); give a file path`);
  const fd = fs.openSync(path, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (size > MAX_JOURNAL_BYTES) throw new InputError(`journal ${quoted} is ${size} bytes, more than the ${MAX_JOURNAL_BYTES} bytes a search journal may hold; is this a search journal?`);
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Refuses a journal made for another search, naming what differs: how it searches, then what it
 * searches on (the fingerprint, in its own key order, so a caller puts what says most first), then
 * the space (which a caller may derive from the fingerprint's fields).
 */
export function checkHeader(path: string, found: StudyHeader, wanted: StudyHeader): void {
  const differ = [
    ...(['direction', 'method', 'seed'] as const).flatMap((f) => differences(f, found[f] as JsonValue, wanted[f] as JsonValue)),
    ...differences('', found.fingerprint, wanted.fingerprint),
    ...differences('space', found.space as unknown as JsonValue, wanted.space as unknown as JsonValue),
  ];
  if (differ.length === 0) return;
  const shown = differ.slice(0, 3).join('; ') + (differ.length > 3 ? `; and ${differ.length - 3} more` : '');
  throw new InputError(`journal ${JSON.stringify(path)} belongs to another search: ${shown}; give another journal file, or remove it to start afresh`);
}

/**
 * Where two JSON values differ, as "name: was X, now Y" (objects compared key by key, so the
 * message names the field; keys in the order of the value wanted now, then those it lacks).
 */
function differences(name: string, was: JsonValue | undefined, now: JsonValue | undefined): string[] {
  if (canonical(was ?? null) === canonical(now ?? null)) return [];
  const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(was) && isObject(now)) {
    const keys = [...new Set([...Object.keys(now), ...Object.keys(was)])];
    return keys.flatMap((k) => differences(name === '' ? k : `${name}.${k}`, was[k], now[k]));
  }
  const show = (v: JsonValue | undefined): string => {
    const s = v === undefined ? 'not set' : JSON.stringify(v);
    return s.length > 40 ? `${s.slice(0, 40)}…` : s;
  };
  return [`${name}: was ${show(was)}, now ${show(now)}`];
}

/** Appends events to a journal, one JSON line each (a single append per line, so lines never interleave). */
export class JournalWriter {
  constructor(readonly path: string) {}

  private append(line: Line): void {
    try {
      node().fs.appendFileSync(this.path, `${JSON.stringify(line)}\n`);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === undefined) throw e;
      throw new InputError(`journal ${JSON.stringify(this.path)}: cannot append to it (${code}${code === 'ENOENT' ? ': its folder does not exist' : code === 'EISDIR' ? ': it is a folder' : ''})`);
    }
  }

  header(h: StudyHeader): void {
    this.append(h);
  }

  trial(t: TrialRecord): void {
    this.append({ type: 'trial', ...t });
  }

  report(number: number, step: number, value: number): void {
    this.append({ type: 'report', number, step, value });
  }
}
