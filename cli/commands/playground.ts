/**
 * `backprop playground`: serves the built browser playground (playground/dist) on localhost and
 * prints its address. A small static file server on node:http: GET and HEAD only, no directory
 * listings, nothing outside the folder.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export interface ServeArgs {
  /** Folder to serve (the built playground). */
  root: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Address to listen on; default 127.0.0.1 (this machine only). */
  host?: string;
}

export interface RunningServer {
  server: Server;
  /** The page's address, e.g. http://127.0.0.1:8080/ */
  url: string;
  close(): Promise<void>;
}

/** The folder of the built playground, found from this module whether it runs from cli/ or the bundle in dist/bin/. */
export function playgroundDist(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'playground', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * In a clone of the repository (the page's sources and Vite present) builds playground/dist
 * the first time it is served, so `npx backprop playground` works right after `npm install`.
 * Returns the built folder, or undefined where there is nothing to build from.
 */
export async function buildPlaygroundIfPossible(say: (text: string) => void): Promise<string | undefined> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const config = join(dir, 'playground', 'vite.config.ts');
    if (existsSync(config)) {
      let vite: { build(options: { configFile: string; logLevel: 'warn' }): Promise<unknown> };
      try {
        vite = (await import('vite')) as typeof vite;
      } catch {
        return undefined; // an installed package without its dev tools: nothing to build with
      }
      say('backprop playground: building the page (first run) ...\n');
      await vite.build({ configFile: config, logLevel: 'warn' });
      return playgroundDist();
    }
    dir = dirname(dir);
  }
  return undefined;
}

/** Maps a request path to a file under root, or undefined when it is outside root or malformed. */
export function resolveRequestPath(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const base = resolve(root);
  const file = resolve(base, `.${path.startsWith('/') ? path : `/${path}`}`);
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  return file;
}

/**
 * Cross-origin isolation (COOP/COEP): the page gets SharedArrayBuffer and shared WebAssembly
 * memory, which the library's threaded training needs in a browser. Every asset is same-origin.
 */
const CROSS_ORIGIN_ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

function handler(root: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    let file = resolveRequestPath(root, req.url ?? '/');
    if (file === undefined) return send(404, 'not found\n');
    let stat = existsSync(file) ? statSync(file) : undefined;
    if (stat?.isDirectory()) {
      file = join(file, 'index.html');
      stat = existsSync(file) ? statSync(file) : undefined;
    }
    if (!stat?.isFile()) return send(404, 'not found\n');
    const hashed = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(stat.size),
      'x-content-type-options': 'nosniff',
      ...CROSS_ORIGIN_ISOLATION,
      // Built assets carry a content hash in their names; everything else is revalidated.
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}

/** Serves `root` over HTTP; resolves once listening. Rejects with a clear message when it cannot. */
export function serveStatic(args: ServeArgs): Promise<RunningServer> {
  const root = resolve(args.root);
  const host = args.host ?? '127.0.0.1';
  if (!existsSync(join(root, 'index.html'))) {
    return Promise.reject(new Error(`no index.html in ${root}: build the playground first with "npm run build:playground"`));
  }
  const server = createServer(handler(root));
  return new Promise((resolvePromise, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new Error(e.code === 'EADDRINUSE' ? `port ${args.port} is in use; choose another with --port` : `cannot listen on ${host}:${args.port ?? 0}: ${e.message}`));
    });
    server.listen(args.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : args.port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolvePromise({
        server,
        url: `http://${shownHost}:${port}/`,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 0 || n > 65535) {
    const error = new InvalidArgumentError(`expected a port number from 0 to 65535, got "${value}"`);
    error.exitCode = 2; // a usage error (RELIABILITY U1)
    throw error;
  }
  return n;
}

export interface PlaygroundOptions {
  port: number;
  host: string;
  dir?: string;
}

export interface RegisterHooks {
  /** Called with the running server once it listens (the tests use it to stop the server). */
  onListening?(server: RunningServer): void;
}

/** Adds `backprop playground [--port n] [--host h] [--dir folder]` to the CLI. */
export function register(program: Command, hooks: RegisterHooks = {}): void {
  const command: Command = program
    .command('playground')
    .description('serve the browser playground on localhost and print its address')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--dir <folder>', 'folder of the built playground (default: the package\'s playground/dist)');
  command.action(async (opts: PlaygroundOptions) => {
    const writeOut = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
    const root = opts.dir ?? playgroundDist() ?? (await buildPlaygroundIfPossible(writeOut));
    if (root === undefined) {
      command.error('backprop playground: the playground is not built; run "npm run build:playground" first', { exitCode: 1, code: 'backprop.playground.notBuilt' });
    }
    let running: RunningServer;
    try {
      running = await serveStatic({ root, port: opts.port, host: opts.host });
    } catch (e) {
      command.error(`backprop playground: ${e instanceof Error ? e.message : String(e)}`, { exitCode: 1, code: 'backprop.playground.listen' });
    }
    // Through commander's output, so a program that redirects its output redirects this too.
    writeOut(`backprop playground: ${running.url} (serving ${root}; Ctrl-C to stop)\n`);
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    running.server.once('close', () => process.off('SIGINT', stop));
    hooks.onListening?.(running);
  });
}
