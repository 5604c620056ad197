import { BackpropError } from '../src/index.js';
import type { Io } from './io.js';

/** A mistake in how the command was called (unknown option, bad value, missing file): exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/**
 * Prints one line on stderr for an error and returns the exit code: 2 for usage errors, 1 for
 * everything else (bad data, a corrupt model file, ...). The stack only with --debug.
 */
export function reportError(e: unknown, io: Io, debug: boolean): number {
  // Library messages are bounded already (RELIABILITY R1); usage and unexpected errors may echo raw input.
  const oneLine = (s: string) => {
    const line = s.replace(/\s*\n\s*/g, ' ').trim();
    return line.length <= 2000 ? line : `${line.slice(0, 1200)} … (${line.length - 1800} characters omitted) … ${line.slice(-600)}`;
  };
  if (e instanceof UsageError) {
    io.stderr.write(`backprop: ${oneLine(e.message)}${e.hint ? ` (${e.hint})` : ''}\n`);
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof BackpropError) {
    io.stderr.write(`backprop: ${oneLine(e.message)}\n`);
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT_RUNTIME;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`backprop: unexpected ${err.name}: ${oneLine(err.message)}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
  if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
  return EXIT_RUNTIME;
}
