// `backprop predict … | head`: the reader closes the pipe after the lines it wanted, and the
// next write to stdout fails with EPIPE. That is the reader's choice, not an error of ours: stop
// quietly (as `cat` or `git log` do) instead of printing an unhandled 'error' event's stack.
import type { Writable } from 'node:stream';

/**
 * Stops the process with exit code 0 when stdout's reader has gone, and ignores a gone reader of
 * stderr (the command still ends with its own exit code). Any other stream error is rethrown.
 */
export function handleClosedPipes(stdout: Writable, stderr: Writable): void {
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
