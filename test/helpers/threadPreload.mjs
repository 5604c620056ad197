// Lets a kernel thread started from the TypeScript sources load them (BACKPROP_THREAD_PRELOAD,
// set by scripts/run-tests.mjs; see src/kernels/pool/pool.ts).
import { register } from 'tsx/esm/api';

register();
