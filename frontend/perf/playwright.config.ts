import { defineConfig } from '@playwright/test';

// Benchmarks of the web app on the scale dataset (`npm run perf`), not tests: they print figures
// and write them to perf/results/, they do not assert targets, and `make test` does not run them.
// perf/global-setup.ts starts a real `bin/clearpost dev` on a database holding the scale dataset.
// The browser is the system's Chromium, launched as the journeys launch it: nothing is downloaded.
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const launchOptions = {
  executablePath: chromium,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: '.',
  testMatch: '*.perf.ts',
  outputDir: '.output/test',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Seeding happens in global setup (its own budget); each benchmark gets ten minutes.
  globalTimeout: 60 * 60_000,
  timeout: 10 * 60_000,
  reporter: [['list']],
  use: {
    baseURL: process.env.PERF_BASE_URL,
    headless: true,
    // Headless Chromium's own user agent says "HeadlessChrome"; the app's visitors are people.
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
    launchOptions,
    trace: 'off',
    screenshot: 'off',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [{ name: 'desktop', use: { browserName: 'chromium', viewport: { width: 1280, height: 800 } } }],
});
