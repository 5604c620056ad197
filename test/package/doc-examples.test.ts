// The code examples of the README and the guides cannot rot: every ```ts block is type-checked
// (strict, against src/ as the package 'backprop-mlp') and run; a ```ts block followed directly by
// a ```text block must print exactly that text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..', '..');
const PACKAGE = 'backprop-mlp';

/** The Markdown files whose examples are executed: the README and every guide. */
export function documentedFiles(): string[] {
  const guides = join(root, 'docs', 'guides');
  return [join(root, 'README.md'), ...readdirSync(guides).filter((f) => f.endsWith('.md')).sort().map((f) => join(guides, f))];
}

export interface Example { file: string; line: number; code: string; output: string | undefined }

/** The ```ts blocks of a Markdown text, each with the ```text block that directly follows it, if any. */
export function extractExamples(file: string, text: string): Example[] {
  const fence = /^```(\w*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm;
  const blocks: { lang: string; body: string; start: number; end: number }[] = [];
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) blocks.push({ lang: m[1]!, body: m[2]!, start: m.index, end: m.index + m[0].length });
  const examples: Example[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'ts' && b.lang !== 'typescript') return;
    const next = blocks[i + 1];
    const follows = next !== undefined && next.lang === 'text' && text.slice(b.end, next.start).trim() === '';
    examples.push({ file, line: text.slice(0, b.start).split('\n').length, code: b.body, output: follows ? next.body : undefined });
  });
  return examples;
}

/** Imports each example in turn, with stdout captured per example; writes the results as JSON. */
const RUNNER = `
import { writeFileSync } from 'node:fs';
const [resultsFile, ...modules] = process.argv.slice(2);
const results = [];
const write = process.stdout.write.bind(process.stdout);
for (const url of modules) {
  let output = '';
  process.stdout.write = (chunk, ...rest) => { output += String(chunk); const done = rest.find((r) => typeof r === 'function'); if (done) done(); return true; };
  try {
    await import(url);
    results.push({ output });
  } catch (e) {
    results.push({ output, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  } finally {
    process.stdout.write = write;
  }
}
writeFileSync(resultsFile, JSON.stringify(results));
`;

const tidy = (s: string) => s.split('\n').map((l) => l.trimEnd()).join('\n').trim();

test('the README and the guides have examples, each fenced block is found', () => {
  const all = documentedFiles().flatMap((f) => extractExamples(f, readFileSync(f, 'utf8')));
  assert.ok(all.length >= 10, `only ${all.length} examples`);
  const sample = extractExamples('x.md', 'a\n```ts\nconsole.log(1);\n```\n\n```text\n1\n```\n```ts\nlet y = 2;\n```\n');
  assert.deepEqual(sample.map((e) => [e.line, e.output]), [[2, '1\n'], [9, undefined]]);
});

test('every example of the README and the guides type-checks and runs', { timeout: 600_000 }, async () => {
  const examples = documentedFiles().flatMap((f) => extractExamples(f, readFileSync(f, 'utf8')));
  const dir = mkdtempSync(join(tmpdir(), 'backprop-doc-examples-'));
  try {
    const files = examples.map((e, i) => {
      const name = `${relative(root, e.file).replace(/[^\w]+/g, '_')}_line${e.line}_${i}.mts`;
      writeFileSync(join(dir, name), e.code);
      return name;
    });
    // One strict type-check of all of them, 'backprop-mlp' mapped to the sources.
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], strict: true,
        noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true,
        types: ['node'], typeRoots: [join(root, 'node_modules', '@types')], paths: { [PACKAGE]: [join(root, 'src', 'index.ts')] },
      },
      files,
    }));
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      assert.fail(`the examples do not type-check (files named after Markdown file and line):\n${(e as { stdout?: string }).stdout ?? String(e)}`);
    }
    // Run them one after another in one process (tsx starts once), each printing into its own
    // buffer; 'backprop-mlp' is imported from the sources.
    const source = pathToFileURL(join(root, 'src', 'index.ts')).href;
    const runs = files.map((f, i) => {
      const file = join(dir, f.replace(/\.mts$/, '.run.mts'));
      writeFileSync(file, examples[i]!.code.replaceAll(`'${PACKAGE}'`, `'${source}'`));
      return pathToFileURL(file).href;
    });
    const resultsFile = join(dir, 'results.json');
    writeFileSync(join(dir, 'runner.mts'), RUNNER);
    execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(dir, 'runner.mts'), resultsFile, ...runs], { cwd: dir, stdio: 'pipe', timeout: 300_000 });
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { output: string; error?: string }[];
    const failures: string[] = [];
    examples.forEach((e, i) => {
      const where = `${relative(root, e.file)}:${e.line}`;
      const r = results[i]!;
      if (r.error !== undefined) failures.push(`${where} failed: ${r.error}`);
      else if (e.output !== undefined && tidy(r.output) !== tidy(e.output)) failures.push(`${where} printed\n${r.output}\ninstead of\n${e.output}`);
    });
    assert.deepEqual(failures, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
