// Removes build output (dist/, playground/dist/) so `npm pack` never ships files of deleted sources.
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
for (const dir of ['dist', join('playground', 'dist')]) rmSync(join(root, dir), { recursive: true, force: true });
