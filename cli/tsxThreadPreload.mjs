// Run from the TypeScript sources (cli/backprop.mjs through tsx), the library's kernel and fold
// threads load .ts modules too: this is their BACKPROP_THREAD_PRELOAD (see src/kernels/pool/pool.ts).
import { register } from 'tsx/esm/api';

register();
