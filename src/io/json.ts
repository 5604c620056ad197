import { ModelFormatError } from '../core/errors.js';

/** A JSON value as JSON.parse returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A plain JSON object. */
export type JsonObject = { [key: string]: Json };

/** Keys that could reach Object.prototype if the data were ever merged into an object (RELIABILITY L5). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface JsonLimits {
  /** Deepest nesting allowed. */
  readonly maxDepth: number;
  /** Most values (objects, arrays, scalars) allowed in total. */
  readonly maxNodes: number;
}

/**
 * Parses JSON text from an untrusted file, then walks it iteratively (no recursion, so a
 * 1e6-deep document cannot overflow the stack) rejecting prototype-polluting keys, excessive
 * nesting and excessive size with ModelFormatError. Nothing in it is ever evaluated.
 */
export function parseUntrustedJson(text: string, what: string, limits: JsonLimits): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${what}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const stack: [unknown, number, string][] = [[value, 0, '']];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (++nodes > limits.maxNodes) throw new ModelFormatError(`${what}: more than ${limits.maxNodes} JSON values; refusing to read further`);
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limits.maxDepth) throw new ModelFormatError(`${what}: JSON nested deeper than ${limits.maxDepth} levels at ${path || '(root)'}`);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, `${path}[${i}]`]);
    } else {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) throw new ModelFormatError(`${what}: forbidden key ${JSON.stringify(key)} at ${path || '(root)'}`);
        stack.push([(v as Record<string, unknown>)[key], depth + 1, `${path}.${key}`]);
      }
    }
  }
  return value as Json;
}

/** Field readers that throw ModelFormatError naming the path; used to validate a file's header. */
export class Reader {
  constructor(readonly path: string) {}

  fail(message: string): ModelFormatError {
    return new ModelFormatError(`${this.path}: ${message}`);
  }

  object(v: Json | undefined): JsonObject {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw this.fail(`expected an object, got ${kind(v)}`);
    return v;
  }

  array(v: Json | undefined, maxLength: number): Json[] {
    if (!Array.isArray(v)) throw this.fail(`expected an array, got ${kind(v)}`);
    if (v.length > maxLength) throw this.fail(`array of ${v.length} items exceeds the limit of ${maxLength}`);
    return v;
  }

  string(v: Json | undefined, maxLength = 1000): string {
    if (typeof v !== 'string') throw this.fail(`expected a string, got ${kind(v)}`);
    if (v.length > maxLength) throw this.fail(`string of ${v.length} characters exceeds the limit of ${maxLength}`);
    return v;
  }

  number(v: Json | undefined): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(`expected a finite number, got ${kind(v)}`);
    return v;
  }

  /** A safe integer in [min, max]. */
  integer(v: Json | undefined, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw this.fail(`expected an integer in [${min}, ${max}], got ${kind(v)}`);
    }
    return v;
  }

  boolean(v: Json | undefined): boolean {
    if (typeof v !== 'boolean') throw this.fail(`expected true or false, got ${kind(v)}`);
    return v;
  }

  oneOf<T extends string>(v: Json | undefined, options: readonly T[]): T {
    if (typeof v !== 'string' || !options.includes(v as T)) throw this.fail(`expected one of ${options.join(', ')}, got ${kind(v)}`);
    return v as T;
  }

  /** Rejects keys other than `known` (so nothing unexpected rides along). */
  keys(o: JsonObject, known: readonly string[]): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) throw this.fail(`unexpected field ${JSON.stringify(k)}`);
  }

  at(key: string | number): Reader {
    return new Reader(typeof key === 'number' ? `${this.path}[${key}]` : `${this.path}.${key}`);
  }
}

function kind(v: Json | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}
