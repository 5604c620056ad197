// Ambient declarations for the page's bundler.
declare module '*.css';
/** True in `vite build` (the built page registers its offline cache), false in the dev server. */
declare const __PLAYGROUND_BUILD__: boolean;
