import { defineConfig } from 'vite';

// Served by the gateway at /console under a CSP of default-src 'self': no inline script or
// style may be emitted (the module-preload polyfill would be one), and nothing from a CDN.
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
