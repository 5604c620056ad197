// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx) and ends with
// the plain "N passed, N failed" line. Extra arguments filter the files by substring.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
// With no file, node --test would discover files of its own (helpers included) and hang on them.
if (files.length === 0) {
  console.error(`no test file under test/ matches ${filters.map((f) => JSON.stringify(f)).join(' or ')}`);
  process.exit(2);
}
const args = [
  '--import', 'tsx', '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/summary-reporter.mjs', '--test-reporter-destination=stdout',
  ...files,
];
// Kernel threads started from the TypeScript sources load them through tsx (src/kernels/pool/pool.ts).
const env = { ...process.env, BACKPROP_THREAD_PRELOAD: pathToFileURL('test/helpers/threadPreload.mjs').href };
const result = spawnSync(process.execPath, args, { stdio: 'inherit', env });
process.exit(result.status ?? 1);
