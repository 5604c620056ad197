import type * as FsModule from 'node:fs';
import { InputError } from '../core/errors.js';
import { nodeBuiltins } from '../core/nodeBuiltins.js';
import { booleanOption, checkKeys, describe } from '../core/validate.js';
import type { Callback, Logs } from '../model/callback.js';

/** Options of callbacks.csvLogger. */
export interface CsvLoggerArgs {
  /** Receives each line (without its newline): the header, then one row per epoch. May be async. */
  write?: (line: string) => void | Promise<void>;
  /** A file to write instead (Node only). */
  path?: string;
  /** Field separator; default ','. */
  separator?: string;
  /** Append to an existing file (header only if it is empty); default false: overwrite. */
  append?: boolean;
}

/**
 * Keras' CSVLogger: a header `epoch,<log names sorted>` and one row per epoch; a name missing
 * from a later epoch is written as NA. Numbers are written in full (shortest round-trip form).
 * The core has no file system: give `write`, or `path` in Node (fs is fetched at run time so
 * browser bundles do not pull it in).
 */
export class CsvLogger implements Callback {
  private readonly write: (line: string) => void | Promise<void>;
  private readonly separator: string;
  private readonly append: boolean;
  private readonly path: string | undefined;
  private keys: string[] | undefined;

  constructor(args: CsvLoggerArgs) {
    const where = 'csvLogger';
    checkKeys(where, args, ['write', 'path', 'separator', 'append']);
    if ((args.write === undefined) === (args.path === undefined)) throw new InputError(`${where}: give exactly one of write (a function) or path (a file name)`);
    if (args.write !== undefined && typeof args.write !== 'function') throw new InputError(`${where}: write must be a function, got ${describe(args.write)}`);
    if (args.path !== undefined && (typeof args.path !== 'string' || args.path === '')) throw new InputError(`${where}: path must be a file name, got ${describe(args.path)}`);
    this.separator = args.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator.length !== 1) throw new InputError(`${where}: separator must be one character, got ${describe(args.separator)}`);
    this.append = booleanOption(where, 'append', args.append ?? false);
    this.path = args.path;
    if (args.write) this.write = args.write;
    else {
      const fs = nodeFs();
      const path = args.path!;
      this.write = (line) => fs.appendFileSync(path, `${line}\n`);
    }
  }

  onTrainBegin(): void {
    this.keys = undefined;
    if (this.path === undefined) return;
    const fs = nodeFs();
    if (!this.append) fs.writeFileSync(this.path, '');
    // Appending to a file that already has rows: keep its columns, write no second header.
    else if (fs.existsSync(this.path) && fs.statSync(this.path).size > 0) {
      const first = fs.readFileSync(this.path, 'utf8').split(/\r?\n/, 1)[0]!;
      this.keys = first.split(this.separator).slice(1);
    }
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.keys === undefined) {
      this.keys = Object.keys(logs).sort();
      await this.write(['epoch', ...this.keys].join(this.separator));
    }
    const row = [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? 'NA' : String(logs[k])))];
    await this.write(row.join(this.separator));
  }
}

/** In a browser: "csvLogger with path needs Node.js (>= 20.16); in a browser give write instead". */
function nodeFs(): typeof FsModule {
  return nodeBuiltins('csvLogger with path (in a browser give write instead)').fs;
}
