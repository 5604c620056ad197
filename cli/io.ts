/** Where a command writes: the process streams, or stand-ins in tests. */
export interface OutStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
}

/** Writes a line to stdout unless output is JSON (then human text goes nowhere). */
export class Printer {
  constructor(readonly io: Io, readonly json: boolean) {}

  line(text = ''): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** One JSON object per line (only in --json mode). */
  event(object: Record<string, unknown>): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(object, jsonSafe)}\n`);
  }

  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
}

/** JSON has no NaN or Infinity; write them as strings so the line stays parseable and honest. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
