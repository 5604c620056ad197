// Writes package.json's version into src/version.ts: run by `npm version` (the "version"
// lifecycle script), so the library's VERSION follows every bump.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const file = new URL('src/version.ts', root);
const text = readFileSync(file, 'utf8');
const next = text.replace(/export const VERSION = '[^']*';/, `export const VERSION = ${JSON.stringify(version).replace(/"/g, "'")};`);
if (!next.includes(`'${version}'`)) throw new Error(`src/version.ts: no "export const VERSION = '...'" line to update`);
writeFileSync(file, next);
