import type * as FsModule from 'node:fs';
import type * as PathModule from 'node:path';
import type * as UrlModule from 'node:url';
import { InputError } from './errors.js';

export interface NodeBuiltins {
  fs: typeof FsModule;
  path: typeof PathModule;
  url: typeof UrlModule;
}

/**
 * Node's fs, path and url, fetched at call time (process.getBuiltinModule) so that importing the
 * library in a browser bundle does not pull in node:*. Elsewhere it throws an InputError saying
 * what needed Node: `needs` completes "… needs Node.js (>= 20.16)".
 */
export function nodeBuiltins(needs: string): NodeBuiltins {
  const fs = nodeModule<typeof FsModule>('node:fs');
  if (fs === undefined) throw new InputError(`${needs} needs Node.js (>= 20.16)`);
  return { fs, path: nodeModule<typeof PathModule>('node:path')!, url: nodeModule<typeof UrlModule>('node:url')! };
}

/** A Node built-in module by id ('node:os'), or undefined where there is none (browsers, Node < 20.16). */
export function nodeModule<T>(id: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof p?.getBuiltinModule === 'function' ? (p.getBuiltinModule(id) as T) : undefined;
}
