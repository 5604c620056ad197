/**
 * The --queue address: redis://[user:password@]host[:port][/db], checked before anything
 * connects (ioredis turns `/abc` into `SELECT NaN` and fails later with a stack trace).
 */
import { InvalidArgumentError } from 'commander';

/** Why an address is not a Redis address, or undefined when it is one. */
export function queueAddressProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return `the scheme must be redis:// or rediss://, got ${JSON.stringify(u.protocol.slice(0, 20))}`;
  if (u.hostname === '') return 'it names no host';
  if (u.port !== '' && !(Number(u.port) >= 1 && Number(u.port) <= 65535)) return `the port must be 1 to 65535, got ${JSON.stringify(u.port)}`;
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,5}$/.test(db)) return `the database after the port must be a number such as /0, got ${JSON.stringify(db.slice(0, 40))}`;
  return undefined;
}

/** Commander's parser of --queue (exit 2 with the reason). */
export function queueAddress(url: string): string {
  const problem = queueAddressProblem(url);
  if (problem !== undefined) throw new InvalidArgumentError(`expected a Redis address such as redis://127.0.0.1:6379/0, but ${problem}.`);
  return url;
}

/** The address without a password, for messages. */
export function showAddress(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
