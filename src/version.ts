/**
 * The version of the backprop-mlp package, as its package.json says (the library cannot read
 * package.json in a browser). `npm version` rewrites this file through scripts/write-version.mjs;
 * test/core/version.test.ts holds the two equal.
 */
export const VERSION = '0.2.0';
