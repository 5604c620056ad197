// `npm run docs`: the documentation site in site/ (or --out <dir>): TypeDoc's API reference of
// src/index.ts (typedoc.json; an undocumented export or a broken link fails the build) with the
// README as the home page and the guides and reference pages of docs/ as documents. The Markdown
// files are staged with their folder layout (so relative links and images still resolve), and a
// page without front matter gets its first heading as its title. Each page carries the icons it
// uses (inlineIcons), so the site also works opened from disk (file://).
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
const reference = ['docs/cli.md', 'docs/playground.md', 'docs/sklearn-comparison.md', 'docs/ARCHITECTURE.md', 'docs/RELIABILITY.md', 'data/README.md'];

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
  inlineIcons(out);
  process.stdout.write(`docs: site written to ${out}\n`);
  if (failed) {
    process.stderr.write('docs: FAILED: TypeDoc reported the problems above (every export needs a TSDoc comment, every link a target)\n');
    process.exitCode = 1;
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/**
 * TypeDoc's pages draw their icons from the sprite assets/icons.svg (`<use href="../assets/icons.svg#icon-x">`).
 * Opened from file://, Chromium refuses every such reference ("Unsafe attempt to load URL …":
 * file: URLs are unique origins), about 30 console errors a page. Each page gets the symbols it
 * uses in a hidden <svg> of its own, and its references point at them.
 */
function inlineIcons(site) {
  const symbols = new Map();
  for (const m of readFileSync(join(site, 'assets', 'icons.svg'), 'utf8').matchAll(/<symbol\b[^>]*\bid="([^"]+)"[^>]*>[\s\S]*?<\/symbol>/g)) symbols.set(m[1], m[0]);
  const pages = readdirSync(site, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
  for (const page of pages) {
    const path = join(site, page);
    const html = readFileSync(path, 'utf8');
    const used = new Set();
    const linked = html.replace(/href="[^"]*assets\/icons\.svg#([^"]+)"/g, (_m, id) => {
      if (!symbols.has(id)) throw new Error(`docs: ${page} uses the icon ${id}, which assets/icons.svg lacks`);
      used.add(id);
      return `href="#${id}"`;
    });
    if (used.size === 0) continue;
    const sprite = `<svg xmlns="http://www.w3.org/2000/svg" style="display:none">${[...used].map((id) => symbols.get(id)).join('')}</svg>`;
    const body = linked.indexOf('<body>');
    if (body < 0) throw new Error(`docs: ${page} has no <body> to hold its icons`);
    writeFileSync(path, linked.slice(0, body + 6) + sprite + linked.slice(body + 6));
  }
}

/** True when git's `origin` is a web address TypeDoc can build source links from. */
function hasWebRemote() {
  const r = spawnSync('git', ['remote', 'get-url', 'origin'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 && /^(https?:\/\/|git@)[^\s]+$/.test(r.stdout.trim());
}
