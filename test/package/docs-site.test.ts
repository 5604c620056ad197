// `npm run docs` builds (every export documented, every link resolved: the script fails
// otherwise), and the site opens in Chromium with no console error, no failed request, every
// guide in its navigation and a working search; opened from disk (file://) too, where every
// icon is drawn from the page's own sprite (R62). It is built in a clean checkout whose git has no
// `origin` remote (a fork with another remote, a mirror, an unpacked archive put under git): TypeDoc
// cannot build source links there, and its warning must not fail the build (R62).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from '../../cli/commands/playground.js';
import { CHROMIUM, CHROMIUM_ARGS, browserMissing } from '../playground/harness.js';
import { cleanCheckout } from './checkout.js';
const GUIDES = ['Getting started', 'The CLI on your own CSV', 'Playground tour', 'Seeing inside', "The lecture notes' worked examples", 'Performance', 'Model formats'];

test('npm run docs builds the site, and it opens in Chromium without errors', { skip: browserMissing(), timeout: 600_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-docs-site-'));
  const checkout = mkdtempSync(join(tmpdir(), 'backprop-docs-checkout-'));
  try {
    cleanCheckout(checkout);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=docs test', '-c', 'user.email=docs@test', '-c', 'commit.gpgsign=false', ...args], { cwd: checkout, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'checkout');
    git('remote', 'add', 'upstream', 'foo');
    try {
      execFileSync(process.execPath, [join(checkout, 'scripts', 'build-docs.mjs'), '--out', out], { cwd: checkout, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const { stdout, stderr } = e as { stdout?: string; stderr?: string };
      assert.fail(`npm run docs failed:\n${(stdout ?? '').slice(-3000)}\n${(stderr ?? '').slice(-3000)}`);
    }
    const server = await serveStatic({ root: out, port: 0 });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`); });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
      // A request cut short because the test moved on to the next page is not a fault of the site.
      page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`failed ${r.url()}: ${r.failure()?.errorText}`); });

      const documents = readdirSync(join(out, 'documents')).map((f) => `documents/${f}`);
      const pages = ['index.html', 'modules.html', 'classes/Sequential.html', 'functions/explain.html', 'variables/layers.html', ...documents];
      for (const path of pages) {
        await page.goto(server.url + path, { waitUntil: 'load' });
        assert.ok((await page.title()).length > 0, `${path} has a title`);
      }
      // The home page's navigation lists every guide (TypeDoc fills it from a script).
      await page.goto(server.url + 'index.html', { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelectorAll('.site-menu a').length > 10);
      const menu = await page.locator('.site-menu').innerText();
      for (const guide of GUIDES) assert.ok(menu.includes(guide), `the navigation lists "${guide}"`);
      // Search finds a name from the reference.
      await page.locator('#tsd-search-trigger, #tsd-search .field input, #tsd-search-input').first().click();
      await page.keyboard.type('trainOnBatch');
      await page.waitForFunction(() => /trainOnBatch/.test(document.querySelector('#tsd-search-results, .results')?.textContent ?? ''), undefined, { timeout: 10_000 });
      assert.deepEqual(problems, []);

      // R62: the same pages opened from disk. Chromium refuses a file: page's references into
      // another file (assets/icons.svg) with a console error each; the icons must come from the page.
      for (const path of pages) {
        await page.goto(pathToFileURL(join(out, path)).href, { waitUntil: 'load' });
        // The navigation (and its icons) is filled in by a script after load: wait for it, not for a clock.
        await page.waitForFunction(() => document.querySelectorAll('.site-menu a').length > 10);
        const icons = await page.evaluate(() => Array.from(document.querySelectorAll('use'), (u) => {
          const href = u.getAttribute('href') ?? '';
          // A shown icon has a drawing: the box of what <use> copied in is not empty.
          const shown = u.closest('svg')!.checkVisibility();
          return { href, resolved: href.startsWith('#') && document.querySelector(href) !== null, drawn: !shown || u.getBBox().width > 0 };
        }));
        assert.ok(icons.length > 5, `${path} shows icons`);
        assert.deepEqual(icons.filter((i) => !i.resolved || !i.drawn), [], `${path}: every icon resolves inside the page`);
      }
      await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelectorAll('.site-menu a').length > 10);
      assert.deepEqual(problems, [], 'no console error, failed request or page error from file://');
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(checkout, { recursive: true, force: true });
  }
});

