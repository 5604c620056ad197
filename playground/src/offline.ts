/**
 * Offline use: the built page registers a service worker (public/sw.js) that caches every file of
 * the build (listed in precache-manifest.json by the Vite config) and serves them when the
 * network is gone. Service workers need a secure context (https or localhost); elsewhere the
 * page simply works online. Not registered by the dev server, whose files change under it.
 */
export async function enableOffline(): Promise<void> {
  if (!__PLAYGROUND_BUILD__ || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  try {
    await navigator.serviceWorker.register('./sw.js');
    await navigator.serviceWorker.ready;
    document.body.dataset.offline = 'ready';
  } catch (e) {
    // Offline use is a convenience: the page works without it.
    console.warn('playground: offline cache not available:', e instanceof Error ? e.message : e);
  }
}
