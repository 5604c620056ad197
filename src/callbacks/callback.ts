/** The loop's callback protocol lives beside the loop (src/model/callback.ts); re-exported for callback authors. */
export * from '../model/callback.js';
