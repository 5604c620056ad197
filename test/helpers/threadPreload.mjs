// Lets a training worker started from the TypeScript sources load them (BACKPROP_THREAD_PRELOAD,
// set by scripts/run-tests.mjs; see src/model/threadHost.ts).
import { register } from 'tsx/esm/api';

register();
