// Data the tests (and bench/reliability-memory.ts) generate: seeded, so every run sees the same.
import { createWriteStream, statSync } from 'node:fs';
import { Rng } from '../../src/index.js';

/** n rows of d normal features from the seed; the label mixes three of them into `classes` classes. */
export function seededClasses(n: number, d: number, classes: number, seed: number): { x: number[][]; y: number[] } {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, () => rng.normal());
    x.push(row);
    y.push(Math.abs(Math.floor((row[0]! + row[1]! * row[2]!) * 1.5)) % classes);
  }
  return { x, y };
}

/**
 * The explain tests' CSV: columns a, b, colour, c, y with y = [a + shift(colour) > 0] (shift −1, 0,
 * +1 for red, green, blue); b and c are noise, so a method that ranks columns must put a and
 * colour first.
 */
export function colourCsv(rows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['a,b,colour,c,y'];
  for (let i = 0; i < rows; i++) {
    const a = rng.normal();
    const k = rng.int(3);
    lines.push([a.toFixed(3), rng.normal().toFixed(3), ['red', 'green', 'blue'][k], rng.normal().toFixed(3), a + k - 1 > 0 ? 'yes' : 'no'].join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes the large CSV of RELIABILITY C5: six columns (five numeric, a yes/no label) from a seeded
 * LCG, about 36 MB for 1e6 rows. Returns the file's size in bytes.
 */
export async function writeBigCsv(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('a,b,c,d,e,label\n');
  let s = 1;
  const r = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const a = r();
    const b = r();
    chunk += `${a.toFixed(6)},${b.toFixed(6)},${r().toFixed(4)},${(r() * 100).toFixed(2)},${Math.floor(r() * 10)},${a + b > 1 ? 'yes' : 'no'}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((res) => out.once('drain', () => res()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((res) => out.end(() => res()));
  return statSync(file).size;
}
