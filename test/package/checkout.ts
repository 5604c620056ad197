// A checkout of the working tree as a stranger has it: its tracked (and new, not ignored) files
// copied into another folder, sharing node_modules. Used by the pack and docs tests.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository's root. */
export const root = resolve(import.meta.dirname, '..', '..');

/** Build output and local state a clean checkout does not have (used where git is missing). */
const NOT_CHECKED_IN = /^(node_modules|dist|site|test-output|\.git|playground\/dist|tmp)(\/|$)|\.tsbuildinfo$|^(model\.bpm|report\.html)$/;

/** Every file of the tree, relative to `dir`. */
function treeFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix)).flatMap((name) => {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    if (NOT_CHECKED_IN.test(rel)) return [];
    return statSync(join(dir, rel)).isDirectory() ? treeFiles(dir, rel) : [rel];
  });
}

/** Copies the working tree's tracked (and new, not ignored) files into `into`, sharing node_modules. */
export function cleanCheckout(into: string): void {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\0').filter((f) => f.length > 0);
  } catch {
    files = treeFiles(root); // not a git checkout (an unpacked source archive)
  }
  for (const file of files) {
    const from = join(root, file);
    if (!existsSync(from) || statSync(from).isDirectory()) continue; // deleted in the working tree, or a submodule
    mkdirSync(dirname(join(into, file)), { recursive: true });
    copyFileSync(from, join(into, file));
  }
  symlinkSync(join(root, 'node_modules'), join(into, 'node_modules'), 'dir');
}
