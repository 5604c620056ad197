import { InputError, ModelFormatError } from '../core/errors.js';

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
  checkNesting(text, what, limits.maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${what}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  // One pass with no per-node allocation (a 10 MB header holds millions of values, RELIABILITY
  // R11); only objects and arrays go on the stack. The path is worked out only for an error.
  const problem = scanJson(value, limits);
  if (problem !== undefined) throw new ModelFormatError(`${what}: ${problem === 'nodes' ? `more than ${limits.maxNodes} JSON values; refusing to read further` : describeProblem(value, limits)}`);
  return value as Json;
}

/** Walks a parsed value iteratively; returns what is wrong, or undefined (writers run it on what they write). */
export function scanJson(root: unknown, limits: JsonLimits): 'nodes' | 'depth' | 'key' | undefined {
  const values: object[] = [];
  const depths: number[] = [];
  let nodes = 1;
  if (root === null || typeof root !== 'object') return undefined;
  values.push(root);
  depths.push(0);
  while (values.length > 0) {
    const v = values.pop()!;
    const depth = depths.pop()!;
    if (depth >= limits.maxDepth) return 'depth';
    const children: unknown[] = Array.isArray(v) ? v : [];
    if (!Array.isArray(v)) {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) return 'key';
        children.push((v as Record<string, unknown>)[key]);
      }
    }
    nodes += children.length;
    if (nodes > limits.maxNodes) return 'nodes';
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (c !== null && typeof c === 'object') {
        values.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}

/** The message for a too-deep value or a forbidden key, with its path (the slow walk, run only on failure). */
function describeProblem(root: unknown, limits: JsonLimits): string {
  const stack: [unknown, number, string][] = [[root, 0, '']];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limits.maxDepth) return `JSON nested deeper than ${limits.maxDepth} levels at ${path || '(root)'}`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, `${path}[${i}]`]);
    } else {
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) return `forbidden key ${JSON.stringify(key)} at ${path || '(root)'}`;
        stack.push([(v as Record<string, unknown>)[key], depth + 1, `${path}.${key}`]);
      }
    }
  }
  return 'invalid JSON structure';
}

/**
 * Refuses, before anything is written, a value JSON cannot hold: NaN and ±Infinity (which
 * JSON.stringify would silently write as null, RELIABILITY S2), naming where it is.
 */
export function checkJsonWritable(value: unknown, path: string): void {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new InputError(`cannot save ${at} = ${v}: a model file's JSON header holds only finite numbers`);
      continue;
    }
    if (ArrayBuffer.isView(v)) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'number') {
          if (!Number.isFinite(x)) throw new InputError(`cannot save ${at}[${i}] = ${x}: a model file's JSON header holds only finite numbers`);
        } else if (x !== null && typeof x === 'object') stack.push([x, `${at}[${i}]`]);
      }
    } else {
      for (const [k, x] of Object.entries(v)) stack.push([x, `${at}.${k}`]);
    }
  }
}

/**
 * Rejects text nested deeper than `maxDepth` before JSON.parse builds it (parsing a million
 * nested brackets takes seconds; this scan takes milliseconds). Brackets inside strings do not count.
 */
function checkNesting(text: string, what: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth >= maxDepth) throw new ModelFormatError(`${what}: JSON nested deeper than ${maxDepth} levels at character ${i}`);
    } else if (c === 93 || c === 125) depth--;
  }
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
