// Vite configuration of the playground: `npm run playground` (dev server) and
// `npm run build:playground` (static files in playground/dist that work from any static server).
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = dirname(fileURLToPath(import.meta.url));

/** Writes precache-manifest.json: every file of the build, for the offline service worker. */
function precacheManifest(): Plugin {
  return {
    name: 'backprop-precache-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).map((f) => `./${f}`);
      this.emitFile({ type: 'asset', fileName: 'precache-manifest.json', source: JSON.stringify(files) });
    },
  };
}

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig(({ command }) => ({
  root,
  // Relative URLs, so the built page works from any folder of any static file server.
  base: './',
  define: { __PLAYGROUND_BUILD__: JSON.stringify(command === 'build') },
  worker: { format: 'es' },
  build: { outDir: resolve(root, 'dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1000 },
  // The library's src/ lives next to playground/.
  // Cross-origin isolated (as `backprop playground` serves it), for shared WebAssembly memory.
  server: { fs: { allow: [resolve(root, '..')] }, headers: isolation },
  preview: { headers: isolation },
  plugins: [precacheManifest()],
}));
