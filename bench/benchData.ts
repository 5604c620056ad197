// Where `npm run bench` keeps the harness's data sets, and which MNIST-shaped images it wrote.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The harness's data (.bench-peers/data: the W1–W3 files and meta.json). */
export const benchDataDir = fileURLToPath(new URL('../.bench-peers/data/', import.meta.url));

/** What W2 and W3 read: 'fashion-mnist' or 'synthetic' (the harness's meta.json), undefined before the data is written. */
export function mnistSource(): string | undefined {
  const meta = `${benchDataDir}meta.json`;
  return existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')) as { mnist?: { source?: string } }).mnist?.source : undefined;
}
