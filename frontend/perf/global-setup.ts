// Starts `clearpost dev` on the scale dataset for the benchmarks and stops it after the run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outDir, startServer } from './server';

export default async function globalSetup() {
  const server = await startServer();
  process.env.PERF_BASE_URL = server.url;
  process.env.PERF_DB = server.db;
  process.env.PERF_SEEDING = JSON.stringify(server.seeding);
  writeFileSync(join(outDir, 'server.json'), JSON.stringify({ url: server.url, db: server.db, seeding: server.seeding }, null, 2));
  return async () => server.stop();
}
