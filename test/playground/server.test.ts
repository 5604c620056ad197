// `backprop playground`: the static file server and the commander command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { register, resolveRequestPath, serveStatic, buildPlaygroundIfPossible, playgroundDist, type RunningServer } from '../../cli/commands/playground.js';
import { existsSync } from 'node:fs';

function site(): string {
  const root = mkdtempSync(join(tmpdir(), 'backprop-serve-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>p</title>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(root, 'sw.js'), '//');
  return root;
}

/** A raw request, so paths like /../x reach the server unnormalised. */
function get(url: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves the folder: index for /, types, cache headers; nothing outside it', async () => {
  const root = site();
  const s = await serveStatic({ root, port: 0 });
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(s.url, '/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.equal(index.body, '<!doctype html><title>p</title>');
    assert.equal((await get(s.url, '/index.html?x=1#y')).status, 200);
    const js = await get(s.url, '/assets/app-1234.js');
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.match(String(js.headers['cache-control']), /immutable/);
    assert.equal((await get(s.url, '/sw.js')).headers['cache-control'], 'no-cache');
    for (const bad of ['/../package.json', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../x', '/nope.js', '/%E0%A4%A', '/a%00b']) {
      assert.equal((await get(s.url, bad)).status, 404, bad);
    }
    const post = await get(s.url, '/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    const head = await get(s.url, '/', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  } finally {
    await s.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('request paths resolve inside the root only', () => {
  assert.equal(resolveRequestPath('/srv/p', '/a/b.js'), '/srv/p/a/b.js');
  assert.equal(resolveRequestPath('/srv/p', '/'), '/srv/p');
  assert.equal(resolveRequestPath('/srv/p', '/../p2/x'), undefined);
  assert.equal(resolveRequestPath('/srv/p', '/%2e%2e/x'), undefined);
});

test('clear errors: a folder without index.html, a port in use', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'backprop-empty-'));
  await assert.rejects(serveStatic({ root: empty }), /no index\.html in .*backprop-empty-.*: build the playground first with "npm run build:playground"/);
  rmSync(empty, { recursive: true, force: true });
  const root = site();
  const s = await serveStatic({ root, port: 0 });
  const port = Number(new URL(s.url).port);
  await assert.rejects(serveStatic({ root, port }), new RegExp(`port ${port} is in use; choose another with --port`));
  await s.close();
  rmSync(root, { recursive: true, force: true });
});

test('the command: serves --dir on --port and prints the address; a bad port is a usage error', async () => {
  const root = site();
  const out: string[] = [];
  const program = new Command('backprop').exitOverride().configureOutput({ writeOut: (text) => out.push(text) });
  let running: RunningServer | undefined;
  register(program, { onListening: (r) => (running = r) });
  await program.parseAsync(['node', 'backprop', 'playground', '--port', '0', '--dir', root]);
  const m = /^backprop playground: (http:\/\/127\.0\.0\.1:\d+\/) \(serving .*; Ctrl-C to stop\)\n$/.exec(out.join(''));
  assert.ok(m, out.join(''));
  const page = await fetch(m[1]!);
  assert.equal(page.status, 200);
  await page.text();
  assert.ok(running);
  await running.close();
  rmSync(root, { recursive: true, force: true });

  const bad = new Command('backprop').exitOverride().configureOutput({ writeErr: () => {} });
  register(bad);
  await assert.rejects(bad.parseAsync(['node', 'backprop', 'playground', '--port', 'abc']), (e: unknown) => {
    assert.ok(e instanceof CommanderError);
    assert.equal(e.exitCode, 2, 'a usage error exits 2');
    assert.match(e.message, /expected a port number from 0 to 65535, got "abc"/);
    return true;
  });
});

test('in a clone, the command builds playground/dist on first use (npx backprop playground after npm install)', async () => {
  const said: string[] = [];
  const dist = await buildPlaygroundIfPossible((t) => said.push(t));
  assert.ok(dist !== undefined && existsSync(join(dist, 'index.html')), `built into ${dist}`);
  assert.equal(playgroundDist(), dist);
  assert.match(said.join(''), /building the page \(first run\)/);
});
