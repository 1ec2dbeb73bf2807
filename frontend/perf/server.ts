// Starts and stops a real `clearpost dev` on the scale dataset (`clearpost seed -scale`), the way
// e2e/server.ts does for the journeys: a loopback port, a PostgreSQL database, a spare Redis database.
//
// CLEARPOST_PERF_DB names a database to keep between runs: created and seeded when it does not
// exist, reused as it is when it does (seeding takes minutes). Without it, a database is created,
// seeded and dropped for this run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, root, stopChild, waitReady } from '../e2e/server';

export { root };
// CLEARPOST_PERF_BIN: another build to measure (its web app is embedded in it).
export const binary = process.env.CLEARPOST_PERF_BIN ? resolve(process.env.CLEARPOST_PERF_BIN) : join(root, 'bin/clearpost');
export const outDir = join(root, 'frontend/perf/.output');
const pgURL = process.env.CLEARPOST_PERF_PG ?? 'postgres://postgres@127.0.0.1:5432';
// Not the journeys' Redis database (9): they flush theirs when they start.
const redisURL = process.env.CLEARPOST_PERF_REDIS ?? 'redis://127.0.0.1:6379/8';

export function psql(db: string, sql: string): string {
  return execFileSync('psql', [`${pgURL}/${db}`, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: 'pipe' }).toString().trim();
}

function validName(db: string) {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(db)) throw new Error(`CLEARPOST_PERF_DB: ${JSON.stringify(db)} is not a plain lower-case database name`);
  return db;
}

export type Seeding = { seeded: boolean; seconds?: number; reused: boolean };
export type Server = { url: string; addr: string; db: string; seeding: Seeding; stop: () => Promise<void> };

type Child = { child: ChildProcess; exited: Promise<number | null> };

function startDev(db: string, addr: string, log: WriteStream): Child {
  const child = spawn(binary, ['dev'], {
    env: {
      ...process.env,
      CLEARPOST_DATABASE_URL: `${pgURL}/${db}?sslmode=disable`,
      CLEARPOST_HTTP_ADDR: addr,
      CLEARPOST_REDIS_URL: redisURL,
      CLEARPOST_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  return { child, exited: new Promise((ok) => child.once('exit', ok)) };
}

function ready(url: string, { child }: Child) {
  return waitReady(url, child, 120, 'perf/.output/server.log');
}

function stopDev({ child, exited }: Child) {
  return stopChild(child, exited);
}

/** The seed's posts: a database holding fewer is not the scale dataset. */
function scalePosts(db: string): number {
  try {
    return Number(psql(db, `SELECT count(*) FROM posts WHERE state = 'APPROVED'`));
  } catch {
    return 0;
  }
}

export async function startServer(): Promise<Server> {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build it first (make frontend build)`);
  mkdirSync(outDir, { recursive: true });
  const log = createWriteStream(join(outDir, 'server.log'));
  const keep = process.env.CLEARPOST_PERF_DB ? validName(process.env.CLEARPOST_PERF_DB) : '';
  const db = keep || `clearpost_perf_${process.pid}_${Date.now()}`;
  const exists = psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${db}'`) === '1';
  let addr: string;
  const seeding: Seeding = { seeded: false, reused: exists };
  if (exists) {
    if (scalePosts(db) < 100_000) throw new Error(`database ${db} exists but does not hold the scale dataset: drop it, or name another with CLEARPOST_PERF_DB`);
    // The demo users belong to the identity provider `clearpost dev` registered when it seeded the
    // database, whose issuer names its address: listen there again, or sign-in creates new users
    // whose e-mail addresses clash with the old ones.
    const issuer = psql(db, `SELECT issuer FROM identity_providers ORDER BY created_at DESC LIMIT 1`);
    addr = new URL(issuer).host;
  } else {
    psql('postgres', `CREATE DATABASE ${db}`);
    addr = `127.0.0.1:${await freePort()}`;
  }
  const redis = new URL(redisURL);
  execFileSync('redis-cli', ['-h', redis.hostname, '-p', redis.port || '6379', '-n', redis.pathname.slice(1) || '0', 'FLUSHDB'], { stdio: 'pipe' });

  const url = `http://${addr}`;
  let dev: Child | undefined;
  const drop = () => {
    if (keep) return;
    try {
      psql('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    } catch (e) {
      console.warn(`could not drop ${db}:`, e);
    }
  };
  try {
    dev = startDev(db, addr, log);
    await ready(url, dev);
    if (!exists) {
      // `clearpost dev` migrated the database and wrote the demo organization; the scale dataset
      // goes into it. Then what autovacuum and the checkpointer would do within minutes.
      console.log(`perf: seeding ${db} with the scale dataset (clearpost seed -scale) ...`);
      const start = Date.now();
      const seedLog = openSync(join(outDir, 'seed.log'), 'w');
      try {
        execFileSync(binary, ['seed', '-scale'], {
          env: { ...process.env, CLEARPOST_DATABASE_URL: `${pgURL}/${db}?sslmode=disable`, CLEARPOST_REDIS_URL: redisURL, CLEARPOST_LOG_LEVEL: 'info' },
          stdio: ['ignore', seedLog, seedLog],
          timeout: 30 * 60_000,
        });
      } finally {
        closeSync(seedLog);
      }
      psql(db, 'VACUUM ANALYZE');
      psql(db, 'CHECKPOINT');
      seeding.seeded = true;
      seeding.seconds = (Date.now() - start) / 1000;
      console.log(`perf: seeded in ${seeding.seconds.toFixed(0)} s`);
    }
  } catch (e) {
    if (dev) await stopDev(dev);
    drop();
    throw e;
  }
  const running = dev;
  return {
    url,
    addr,
    db,
    seeding,
    async stop() {
      await stopDev(running);
      drop();
    },
  };
}
