// Builds the renderer (renderer/ → out/renderer/) for Electron's app://swictation windows and the browser
// harness. Relative asset paths (base './') so the same files load from app:// and from the harness's server; the
// capture worklet is its own file (CSP forbids blob: URLs); nothing is inlined into the HTML (CSP forbids
// inline scripts).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../renderer/', import.meta.url));
const outDir = fileURLToPath(new URL('../out/renderer/', import.meta.url));

export default defineConfig(({ command }) => {
  // A build started from a test process inherits NODE_ENV=test, which would compile JSX for React's
  // development runtime and bundle its development build: a build is always the production app. Vite reads
  // NODE_ENV after loading this file, so setting it here decides `isProduction` for every plugin.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root,
    base: './',
    publicDir: false,
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      // Every asset a file from 'self': no data: URLs for scripts or worklets.
      assetsInlineLimit: 0,
      // Electron's Chromium supports modulepreload; the polyfill would only add code.
      modulePreload: { polyfill: false },
      target: 'chrome128',
      sourcemap: true,
      reportCompressedSize: false,
    },
    // The AudioWorklet is loaded with addModule(), which takes an ES module.
    worker: { format: 'es' },
    server: { host: '127.0.0.1', strictPort: true },
  };
});
