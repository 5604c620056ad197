// Writes a CSV of about the given size for bench/stream.ts: 8 numeric columns (a few cells missing),
// a category column of 12 values, a binary target that depends on them. Seeded: the same bytes every time.
// The draws come from the library's xoshiro128** (period 2^128 − 1), so even a 4 GB file (about 50
// million rows of 19 draws) never repeats; a 31-bit LCG would cycle after 2^31 draws (about 110
// million rows), and its low bits much sooner.
//   tsx bench/streamData.ts <file> <megabytes>
import { createWriteStream } from 'node:fs';
import { Rng } from '../src/core/rng.js';

const [file, mbText] = process.argv.slice(2);
if (file === undefined || mbText === undefined) throw new Error('usage: tsx bench/streamData.ts <file> <megabytes>');
const target = Number(mbText) * 1e6;
const rng = new Rng(12345);
const r = () => rng.uniform();
const cities = ['paris', 'rome', 'oslo', 'lima', 'quito', 'accra', 'hanoi', 'perth', 'cork', 'bern', 'kiev', 'fez'];
const out = createWriteStream(file);
let bytes = 0;
const header = 'x1,x2,x3,x4,x5,x6,x7,x8,city,label\n';
out.write(header);
bytes += header.length;
async function main() {
  while (bytes < target) {
    let chunk = '';
    for (let k = 0; k < 2000; k++) {
      const x = Array.from({ length: 8 }, () => r() * 4 - 2);
      const c = Math.floor(r() * cities.length);
      const score = x[0]! + 0.5 * x[1]! - x[2]! * x[3]! * 0.5 + (c % 3) * 0.4 - 0.4;
      const cells = x.map((v) => (r() < 0.02 ? '' : v.toFixed(4)));
      chunk += `${cells.join(',')},${r() < 0.01 ? '' : cities[c]},${score + (r() - 0.5) * 0.6 > 0 ? 1 : 0}\n`;
    }
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
}
void main();
