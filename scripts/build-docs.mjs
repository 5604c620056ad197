// `npm run docs`: the documentation site in site/ (or --out <dir>): TypeDoc's API reference of
// src/index.ts (typedoc.json; an undocumented export or a broken link fails the build) with the
// README as the home page and the guides and reference pages of docs/ as documents. The Markdown
// files are staged with their folder layout (so relative links and images still resolve), and a
// page without front matter gets its first heading as its title.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Application } from 'typedoc';

const root = resolve(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const out = resolve(root, outArg > 0 ? process.argv[outArg + 1] : 'site');

/** Pages besides the README: the guides first, then the reference pages. */
const guides = readdirSync(join(root, 'docs', 'guides')).filter((f) => f.endsWith('.md')).map((f) => `docs/guides/${f}`);
const GUIDE_ORDER = ['getting-started', 'cli-on-your-csv', 'playground', 'seeing-inside', 'worked-examples', 'performance', 'model-formats'];
const rank = (f) => { const i = GUIDE_ORDER.findIndex((g) => f.endsWith(`/${g}.md`)); return i < 0 ? GUIDE_ORDER.length : i; };
guides.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const reference = ['docs/cli.md', 'docs/playground.md', 'docs/sklearn-comparison.md', 'docs/ARCHITECTURE.md', 'data/README.md'];

const stage = mkdtempSync(join(tmpdir(), 'backprop-docs-'));
try {
  cpSync(join(root, 'docs'), join(stage, 'docs'), { recursive: true });
  for (const file of ['README.md', 'CHANGELOG.md', 'data/README.md']) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(join(root, file), join(stage, file));
  }
  for (const file of [...reference, 'CHANGELOG.md']) {
    const text = readFileSync(join(stage, file), 'utf8');
    if (text.startsWith('---\n')) continue;
    const heading = /^#\s+(.+)$/m.exec(text)?.[1]?.replaceAll('`', '') ?? file;
    writeFileSync(join(stage, file), `---\ntitle: ${JSON.stringify(heading)}\ngroup: Reference\n---\n${text}`);
  }
  const app = await Application.bootstrapWithPlugins({
    options: join(root, 'typedoc.json'),
    // Source links need a web address for the repository; a fork, mirror or tarball may have none.
    ...(hasWebRemote() ? {} : { disableSources: true }),
    readme: join(stage, 'README.md'),
    projectDocuments: [...guides, ...reference, 'CHANGELOG.md'].map((f) => join(stage, f)),
  });
  const project = await app.convert();
  if (project === undefined) throw new Error('TypeDoc could not convert src/index.ts');
  app.validate(project);
  const failed = app.logger.hasErrors() || app.logger.hasWarnings();
  rmSync(out, { recursive: true, force: true });
  await app.generateDocs(project, out);
  process.stdout.write(`docs: site written to ${out}\n`);
  if (failed) {
    process.stderr.write('docs: FAILED: TypeDoc reported the problems above (every export needs a TSDoc comment, every link a target)\n');
    process.exitCode = 1;
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** True when git's `origin` is a web address TypeDoc can build source links from. */
function hasWebRemote() {
  const r = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 && /^(https?:\/\/|git@)[^\s]+$/.test(r.stdout.trim());
}
