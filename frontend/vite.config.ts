/// <reference types="vitest/config" />
import { babelOptimizerPlugin } from '@graphql-codegen/client-preset';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` proxies the server's routes to a running `clearpost dev` (make run).
const server = process.env.CLEARPOST_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    react({
      // graphql(`...`) calls become imports of their own document, so each route's chunk carries
      // only its operations (not the generated map of all of them).
      babel: { plugins: [[babelOptimizerPlugin, { artifactDirectory: './src/gql', gqlTagName: 'graphql' }]] },
    }),
  ],
  build: {
    outDir: 'dist/app', // dist/README.md stays: see web.go
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/graphql': { target: server, ws: true, changeOrigin: false },
      '/auth': server,
      '/s/': server,
      '/dev/oidc': server,
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
  },
});
