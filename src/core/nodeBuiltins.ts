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
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof p?.getBuiltinModule !== 'function') throw new InputError(`${needs} needs Node.js (>= 20.16)`);
  return {
    fs: p.getBuiltinModule('node:fs') as typeof FsModule,
    path: p.getBuiltinModule('node:path') as typeof PathModule,
    url: p.getBuiltinModule('node:url') as typeof UrlModule,
  };
}
