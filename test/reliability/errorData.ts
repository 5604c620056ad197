import assert from 'node:assert/strict';

/**
 * Asserts that fn throws an instance of `cls` carrying `data` (each property deep-equal) with a
 * short message (≤ 400 characters) matching `pattern`: errors carry data, not text to parse.
 */
export function assertErrorData<E extends Error>(fn: () => unknown, cls: abstract new (...args: never[]) => E, data: Partial<Record<keyof E, unknown>>, pattern: RegExp): E {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  return check(caught, cls, data, pattern);
}

export async function assertRejectsData<E extends Error>(fn: () => Promise<unknown>, cls: abstract new (...args: never[]) => E, data: Partial<Record<keyof E, unknown>>, pattern: RegExp): Promise<E> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  return check(caught, cls, data, pattern);
}

function check<E extends Error>(caught: unknown, cls: abstract new (...args: never[]) => E, data: Partial<Record<keyof E, unknown>>, pattern: RegExp): E {
  assert.ok(caught !== undefined, `expected ${cls.name}, nothing was thrown`);
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${caught instanceof Error ? `${caught.name}: ${caught.message.slice(0, 500)}` : String(caught)}`);
  for (const [k, v] of Object.entries(data)) assert.deepEqual((caught as unknown as Record<string, unknown>)[k], v, `${cls.name}.${k}`);
  assert.match(caught.message, pattern);
  assert.ok(caught.message.length <= 400, `message of ${caught.message.length} characters: ${caught.message.slice(0, 200)}…`);
  return caught;
}
