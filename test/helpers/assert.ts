import assert from 'node:assert/strict';

/** |actual − expected| ≤ atol + rtol·|expected|, with a message that shows both. */
export function assertClose(actual: number, expected: number, atol = 1e-6, rtol = 0, what = 'value'): void {
  const ok = Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  assert.ok(ok, `${what}: expected ${expected}, got ${actual} (diff ${Math.abs(actual - expected)}, atol ${atol}, rtol ${rtol})`);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, rtol = 0, what = 'array'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i]!, expected[i]!, atol, rtol, `${what}[${i}]`);
}

/** Asserts that fn throws an instance of `cls` whose message matches every pattern. */
export function assertThrowsWith(fn: () => unknown, cls: new (...args: never[]) => Error, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

export async function assertRejectsWith(fn: () => Promise<unknown>, cls: new (...args: never[]) => Error, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}
