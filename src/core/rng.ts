import { InputError } from './errors.js';
import { describe } from './validate.js';

/** The complete state of an Rng, so that training can resume exactly (RELIABILITY T5). */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  readonly spare: number | undefined;
}

/**
 * A seed is any safe integer; a fractional, non-finite or unsafe number is an InputError, since
 * rounding it would silently alias another seed (RELIABILITY R9).
 */
export function checkSeed(where: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InputError(`${where}: seed must be a safe integer (|seed| < 2^53), got ${describe(seed)}`);
  }
  return seed;
}

/** SplitMix32 step: spreads a 32-bit seed over the four words of the main generator. */
function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [x, (z ^ (z >>> 16)) >>> 0];
}

/**
 * Seeded pseudo-random generator: xoshiro128** on 32-bit integer arithmetic, so the same seed
 * gives the same integers on every engine. Floats derived from them (normal draws use
 * Math.log/cos) are identical on one engine and may differ by an ulp across engines.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform();        // in [0, 1)
 * rng.normal(0, 1);     // standard normal
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | undefined;

  /**
   * @param seed any safe integer (negative and ≥ 2^32 included): each gives its own stream, and
   * seeds in [0, 2^32) keep the streams they always had. A fractional or unsafe seed is an
   * InputError rather than a silent alias of another seed (RELIABILITY R9).
   */
  constructor(seed: number) {
    checkSeed('Rng', seed);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) | 0;
    this.seedFromWord(lo);
    // The high word (the sign included) moves the whole state, so 2^32+1, -1 and 1 differ.
    if (hi !== 0) {
      let x = hi ^ 0x6a09e667;
      for (let i = 0; i < 4; i++) {
        const [next, out] = splitmix32(x);
        x = next;
        if (i === 0) this.s0 ^= out;
        else if (i === 1) this.s1 ^= out;
        else if (i === 2) this.s2 ^= out;
        else this.s3 ^= out;
      }
      if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    }
  }

  /** Spreads one 32-bit word over the four words of state (SplitMix32). */
  private seedFromWord(word: number): void {
    let x = word | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(x);
      x = next;
      words.push(out);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = undefined;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [min, max) with 53 random bits. */
  uniform(min = 0, max = 1): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    const u = (hi * 67108864 + lo) / 9007199254740992;
    return min + (max - min) * u;
  }

  /** Normal draw (Box–Muller, the second value cached). */
  normal(mean = 0, stddev = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + stddev * z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * v;
    this.spare = r * Math.sin(theta);
    return mean + stddev * r * Math.cos(theta);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new InputError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** An independent generator derived from this one (for a layer's dropout masks, a split, ...). */
  fork(): Rng {
    // The derived stream is seeded from the folded 64 drawn bits, as it always was, so every
    // seeded result (initial weights, dropout masks) stays what it was.
    const wide = this.nextUint32() * 4294967296 + this.nextUint32();
    const child = new Rng(0);
    child.seedFromWord((Math.trunc(wide) | 0) ^ (Math.trunc(wide / 4294967296) | 0));
    return child;
  }

  /** The generator state, to save and restore with setState (plain JSON). */
  getState(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** Writes the four generator words into `out` (no allocation: a kernel that draws elsewhere reads them). */
  writeWords(out: Int32Array): void {
    out[0] = this.s0; out[1] = this.s1; out[2] = this.s2; out[3] = this.s3;
  }

  /** Takes the four generator words back from `from` after such a kernel drew; the cached normal draw stays. */
  readWords(from: Int32Array): void {
    this.s0 = from[0]!; this.s1 = from[1]!; this.s2 = from[2]!; this.s3 = from[3]!;
  }

  /** Restores a state from getState: the sequence continues exactly from there. */
  setState(state: RngState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.s;
    this.spare = state.spare;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
