// Service worker of the backprop playground: precaches the build (precache-manifest.json, written
// by the Vite config) and answers from that cache when the network fails. Network first, so a
// new build is picked up as soon as the server is reachable.
const CACHE = 'backprop-playground';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const response = await fetch('./precache-manifest.json', { cache: 'no-store' });
    const files = await response.json();
    await caches.delete(CACHE);
    const cache = await caches.open(CACHE);
    await cache.addAll(['./', ...files]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    try {
      return await fetch(request);
    } catch (error) {
      const cached = (await caches.match(request, { ignoreSearch: true })) ??
        (request.mode === 'navigate' ? await caches.match('./') : undefined);
      if (cached) return cached;
      throw error;
    }
  })());
});
