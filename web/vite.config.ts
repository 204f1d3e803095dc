// Builds the web console (web/) into dist/web, served by `nuage up` at / on the API port. JSX goes
// through esbuild's automatic runtime (no React plugin: fast refresh is not needed for a build).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: resolve(import.meta.dirname, '..', 'dist', 'web'),
    emptyOutDir: true,
    // noVNC uses top-level await.
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      // Mantine marks its modules "use client" for React Server Components; a client bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        novnc: resolve(import.meta.dirname, 'novnc.html'),
      },
    },
  },
});
