/**
 * Lets the event loop run (timers, I/O, SIGINT, a browser's rendering). setImmediate in Node;
 * a MessageChannel elsewhere because setTimeout(0) is clamped to ≥ 4 ms in browsers.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediateFn = g.setImmediate;
    return new Promise((resolve) => setImmediateFn(resolve));
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Milliseconds from a monotonic clock. */
export function now(): number {
  return globalThis.performance.now();
}
