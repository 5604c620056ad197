import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Compiles the CLI once per test file with esbuild into test-output/ (inside the repository, so
 * its packages resolve from node_modules and the bundled data/ folder is found), and returns the
 * path of the bundle. Running `node bundle.mjs` is what `npx backprop` does, minus tsx's start-up.
 */
export async function buildCli(): Promise<string> {
  return buildEntry(join(ROOT, 'cli', 'main.ts'), 'backprop.mjs');
}

/** Bundles any entry file the same way (for probes run in their own process). */
export async function buildEntry(entry: string, name: string): Promise<string> {
  const dir = join(ROOT, 'test-output', `cli-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, name);
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return outfile;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as a user would (stdout a pipe, not a terminal) and collects its output. */
export function runCli(bin: string, args: readonly string[], cwd: string, nodeArgs: readonly string[] = []): CliResult {
  const r = spawnSync(process.execPath, [...nodeArgs, bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting, for tests that signal it. */
export function startCli(bin: string, args: readonly string[], cwd: string) {
  return spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `backprop-${prefix}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** stdout of a --json run as parsed events. */
export function events(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A command's stdout with the data file's name replaced and the epochs' times left out: two runs on the same rows under two names compare equal. */
export function outputOf(stdout: string, name: string): string {
  return stdout.split(name).join('FILE').replace(/ - \d+ms/g, '');
}
