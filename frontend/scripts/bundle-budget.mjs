// Sums the gzipped size of the JS and CSS that dist/app/index.html loads (its scripts, module
// preloads and stylesheets: the first page, before any lazy route) and fails above the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const budget = 200 * 1024;
const dir = 'dist/app';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const files = new Set();
for (const m of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"[^>]*>/g)) {
  const tag = m[0];
  const url = m[1];
  if (!/\.(js|css)$/.test(url)) continue;
  if (tag.startsWith('<link') && !/rel="(stylesheet|modulepreload)"/.test(tag)) continue;
  files.add(url.replace(/^\//, ''));
}
let total = 0;
for (const f of files) {
  const size = gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
  total += size;
  console.log(`  ${(size / 1024).toFixed(1).padStart(7)} kB  ${f}`);
}
const kb = (total / 1024).toFixed(1);
if (total > budget) {
  console.error(`first page: ${kb} kB gzipped, over the ${budget / 1024} kB budget`);
  process.exit(1);
}
console.log(`first page: ${kb} kB gzipped (budget ${budget / 1024} kB)`);
