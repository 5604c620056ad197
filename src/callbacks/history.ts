/** History is recorded by the loop itself (src/model/history.ts); re-exported beside the other callbacks. */
export * from '../model/history.js';
