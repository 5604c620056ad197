// The Node side of threads.test.ts: the same seeded fit, printed as JSON. Run in a child process
// so that it can be given --experimental-wasm-relaxed-simd when the browser's backend is relaxed.
import { seededFit } from './fixture.js';

const threads = process.argv[2] === 'auto' ? 'auto' : Number(process.argv[2]);
console.log(JSON.stringify(await seededFit(threads)));
