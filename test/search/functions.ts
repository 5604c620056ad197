// Standard test functions of Bayesian optimisation (Surjanovic & Bingham's library of test functions).
import { search, type Params, type Space } from '../../src/index.js';

/** Branin on [−5, 10] × [0, 15]; global minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
export const BRANIN_MIN = 0.397887;
export const braninSpace: Space = { x1: search.float(-5, 10), x2: search.float(0, 15) };
export function branin(p: Params): number {
  const x1 = p.x1 as number;
  const x2 = p.x2 as number;
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

/** Hartmann-6 on [0, 1]⁶; global minimum −3.32237. */
export const HARTMANN6_MIN = -3.32237;
const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));
const ALPHA = [1, 1.2, 3, 3.2];
export const hartmannSpace: Space = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i + 1}`, search.float(0, 1)]));
export function hartmann6(p: Params): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += A[i]![j]! * ((p[`x${j + 1}`] as number) - P[i]![j]!) ** 2;
    s += ALPHA[i]! * Math.exp(-inner);
  }
  return -s;
}

export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}
