import { defineConfig } from 'vitest/config';

// Built into target/classes/waldiez-console/, which the module's jar carries and the API server
// serves at /ui/ (io.waldiez.runner.server.console). Hashed file names under assets/ are cached
// forever; index.html is revalidated on every load.
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    alias: { react: 'preact/compat', 'react-dom': 'preact/compat' },
  },
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? 'target/classes/waldiez-console',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or data: modules: the page's CSP is script-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
