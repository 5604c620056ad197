// A kernel thread's preload that finishes loading only when the thread that started it answers
// on a BroadcastChannel from its event loop: the way tsx's hooks, registered at run time, load a
// worker's modules. A caller that blocks in Atomics.wait while its threads start never answers.
import { BroadcastChannel } from 'node:worker_threads';
import './threadPreload.mjs';

const gate = new BroadcastChannel('backprop-test-gate');
await new Promise((resolve) => {
  gate.onmessage = (e) => {
    if (e.data === 'open') resolve();
  };
  gate.postMessage('knock');
});
gate.close();
