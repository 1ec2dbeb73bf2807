// Starts and stops a real `clearpost dev` for the journeys: a free loopback port, a database created
// for this run, and a spare Redis database.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// CLEARPOST_BIN: another build of the server to run the journeys against.
export const binary = process.env.CLEARPOST_BIN ?? join(root, 'bin/clearpost');
const pgURL = process.env.CLEARPOST_E2E_PG ?? 'postgres://postgres@127.0.0.1:5432';
const redisURL = process.env.CLEARPOST_E2E_REDIS ?? 'redis://127.0.0.1:6379/9';

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

function psql(sql: string) {
  execFileSync('psql', [`${pgURL}/postgres`, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: 'pipe' });
}

export type Server = { url: string; addr: string; stop: () => Promise<void> };

export async function startServer(): Promise<Server> {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build it first (make build)`);
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const db = `clearpost_e2e_${process.pid}_${Date.now()}`;
  psql(`CREATE DATABASE ${db}`);
  const redisDB = new URL(redisURL);
  execFileSync('redis-cli', ['-h', redisDB.hostname, '-p', redisDB.port || '6379', '-n', redisDB.pathname.slice(1) || '0', 'FLUSHDB'], { stdio: 'pipe' });

  const logDir = join(root, 'frontend/e2e/.output');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, 'server.log'));
  const child: ChildProcess = spawn(binary, ['dev'], {
    env: {
      ...process.env,
      CLEARPOST_DATABASE_URL: `${pgURL}/${db}?sslmode=disable`,
      CLEARPOST_HTTP_ADDR: addr,
      CLEARPOST_REDIS_URL: redisURL,
      CLEARPOST_LOG_LEVEL: 'warn',
      CLEARPOST_RETRY_BASE: '1s',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((ok) => child.once('exit', ok));

  const url = `http://${addr}`;
  await waitReady(url, child, 90, 'e2e/.output/server.log');
  return {
    url,
    addr,
    async stop() {
      await stopChild(child, exited);
      try {
        psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      } catch (e) {
        console.warn(`could not drop ${db}:`, e);
      }
    },
  };
}

/** Waits until the server at url answers /readyz, or fails naming log, killing it after seconds. */
export async function waitReady(url: string, child: ChildProcess, seconds: number, log: string) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`clearpost dev exited with ${child.exitCode}: see ${log}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`clearpost dev did not become ready in ${seconds} s: see ${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Stops child gracefully (SIGTERM), or with SIGKILL after 15 s. */
export async function stopChild(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
