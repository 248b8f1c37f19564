// The moving parts of the fault suite, each a real process this suite starts and may stop:
// the Temporal CLI dev server on a SQLite file (killed and started again on the same port and
// file), the worker as `npm start` runs it (`node --import tsx worker/main.ts`, killed with
// SIGKILL and started again), a PostgreSQL of its own (stopped and started on the same data
// directory), and the API, in process or as `node --import tsx api/server.ts`. Sized by FAULTS:
// small in `npm test`, larger with FAULTS=long (`npm run test:faults`).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { buildApp } from '../../api/app';
import { readCalendar, seedCalendar } from '../../db/calendar-store';
import { connectDb, type DbHandle } from '../../db/client';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../db/embedded';
import { seedMeasures } from '../../db/measures';
import { runMigrations } from '../../db/migrate';
import { enableAppLogin } from '../../db/roles';
import { DEV_SERVER_SQLITE_ARGS, readEnginePaths } from '../../scripts/engine-paths.mjs';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { appPasswordOfRun, appUrlFor } from '../support/app-db';
import { freePort } from '../support/ports';

export const LONG = process.env.FAULTS === 'long';

/** The short form in `npm test`, the long one under FAULTS=long. */
export function sized<T>(short: T, long: T): T {
  return LONG ? long : short;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until `cond` holds (true) or the time is up (false). */
export async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

/** A small seeded generator, so that a failing run can be repeated with FAULTS_SEED. */
export function randomFrom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The seed of a fault test: FAULTS_SEED when given, otherwise one fixed per test name, so that
 * every run of `npm test` throws the same faults at the same moments (never the clock's).
 */
export function seedOf(name: string): number {
  const fixed = [...name].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0, 7) % 1_000_000;
  const seed = process.env.FAULTS_SEED ? Number(process.env.FAULTS_SEED) : fixed;
  console.log(`[faults] ${name}: FAULTS_SEED=${seed}${LONG ? ' FAULTS=long' : ''}`);
  return seed;
}

export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `jd-faults-${prefix}-`));
  // As root the embedded PostgreSQL runs as `postgres`, which must reach its directory.
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Child processes: kept in one set so that none outlives the test file, even on a crash.

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

interface Spawned {
  proc: ChildProcess;
  /** The last lines of its stdout and stderr, for failure messages. */
  tail(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnChild(cmd: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Spawned {
  const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      onLine?.(line);
    }
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    });
  });
  return { proc, tail: () => lines.join('\n'), exited };
}

async function stopChild(child: Spawned | undefined, signal: NodeJS.Signals, graceMs = 15_000): Promise<void> {
  if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill(signal);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Polls `ready` until it answers true; fails at once, with the child's output, if the child exits. */
async function waitReady(what: string, child: Spawned, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: string | null = null;
  void child.exited.then(({ code, signal }) => (gone = `${signal ?? `code ${code}`}`));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${what} exited (${gone}) before it was ready:\n${child.tail()}`);
    if (await ready().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s:\n${child.tail()}`);
}

/** The environment of a child: nothing of the test runner's, only what the program reads. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TZ', 'XDG_CACHE_HOME', 'LANG'];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])), ...extra };
}

// ---------------------------------------------------------------------------------------------
// The Temporal CLI dev server, persisting to a SQLite file so that it can be killed and started
// again with every workflow, timer and task queue intact.

export class DevServer {
  private child?: Spawned;
  readonly address: string;

  private constructor(readonly port: number, readonly dbFile: string) {
    this.address = `127.0.0.1:${port}`;
  }

  static async start(dbFile: string): Promise<DevServer> {
    const server = new DevServer(await freePort(), dbFile);
    await server.up();
    return server;
  }

  async up(): Promise<void> {
    const args = [
      'server', 'start-dev', '--db-filename', this.dbFile, ...DEV_SERVER_SQLITE_ARGS, '--ip', '127.0.0.1', '--port', String(this.port),
      '--headless', '--log-level', 'error',
      ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ];
    this.child = spawnChild(readEnginePaths().temporalCli, args, childEnv({}));
    await waitReady('Temporal dev server', this.child, async () => {
      const connection = await Connection.connect({ address: this.address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return true;
      } finally {
        await connection.close();
      }
    }, 60_000);
  }

  /** The engine dies at once (SIGKILL): whatever it had not written to its file is gone. */
  async crash(): Promise<void> {
    await stopChild(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGTERM');
  }
}

// ---------------------------------------------------------------------------------------------
// The worker and the API as `npm start` runs them (`node --import tsx …`, the environment
// variables of config/env.ts), supervised the way docker-compose.yml restarts them: an exit
// nobody asked for is recorded; a known crash may be tolerated (the process is started again),
// any other fails the test at once through `died`.

/**
 * Crashes of the product found by this suite and not fixed yet, by the signature in the dying
 * process's output. postgres.js 3.4.9 writes to a socket that a closing connection has already
 * dropped (porsager/postgres#1154, #1208): an uncaught TypeError that ends the process when
 * PostgreSQL goes away under load.
 */
export const KNOWN_CRASHES = {
  postgresJsNullSocket: /reading 'write'\)\s+at Immediate\.nextWrite \(\S*postgres\/src\/connection\.js/,
};

interface ServiceSpec {
  name: 'worker' | 'api';
  script: string;
  env: Record<string, string>;
  /** Resolves true once the process serves; `lines` is its output so far. */
  ready(lines: string[]): Promise<boolean>;
  /** Crashes that are recorded and answered with a restart instead of failing the test. */
  tolerate?: RegExp[];
}

export class ServiceProcess {
  private child?: Spawned;
  private expectingExit = false;
  /** Exits nobody asked for, each with the process's last output. */
  readonly unexpectedExits: string[] = [];
  /** The restarts after a tolerated crash, awaited by `stop()`. */
  private restarting: Promise<void> = Promise.resolve();
  private fail?: (err: Error) => void;
  /** Rejects at the first exit nobody asked for and nothing tolerates: race it with the work that needs the process. */
  readonly died = new Promise<never>((_, reject) => (this.fail = reject));

  constructor(private readonly spec: ServiceSpec) {
    this.died.catch(() => {}); // raced where it matters; never an unhandled rejection
  }

  async start(): Promise<void> {
    const lines: string[] = [];
    this.expectingExit = false;
    const child = spawnChild(process.execPath, ['--import', 'tsx', this.spec.script],
      childEnv({ ...this.spec.env, LOG_LEVEL: 'warn' }), (line) => lines.push(line));
    this.child = child;
    let served = false; // an exit before that is waitReady's to report
    void child.exited.then(({ code, signal }) => {
      if (!served || this.expectingExit || this.child !== child) return;
      const why = `${this.spec.name} exited (${signal ?? `code ${code}`}):\n${child.tail()}`;
      this.unexpectedExits.push(why);
      if (this.spec.tolerate?.some((re) => re.test(why))) {
        console.warn(`[faults] ${this.spec.name} crashed (tolerated, started again):\n${why}`);
        this.restarting = this.start().catch((err) => this.fail!(err));
      } else {
        this.fail!(new Error(why));
      }
    });
    await waitReady(this.spec.name, child, () => this.spec.ready(lines), 90_000);
    served = true;
  }

  /** SIGKILL: no graceful shutdown, in-flight tasks are abandoned to their timeouts. */
  async kill(): Promise<void> {
    this.expectingExit = true;
    await stopChild(this.child, 'SIGKILL');
  }

  async stop(): Promise<void> {
    await this.restarting;
    this.expectingExit = true;
    await stopChild(this.child, 'SIGTERM');
  }
}

export function workerProcess(env: { DATABASE_URL: string; TEMPORAL_ADDRESS: string }, tolerate?: RegExp[]): ServiceProcess {
  return new ServiceProcess({
    name: 'worker', script: 'worker/main.ts', env: { ...env, TEMPORAL_NAMESPACE: 'default' }, tolerate,
    ready: async (lines) => lines.some((l) => l.startsWith('worker polling')),
  });
}

/** The API on a port of its own; `url` is its base address. */
export async function apiProcess(env: { DATABASE_URL: string; TEMPORAL_ADDRESS: string; TARGET_ID_KEY: string }, tolerate?: RegExp[]): Promise<{ api: ServiceProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = new ServiceProcess({
    name: 'api', script: 'api/server.ts', env: { ...env, TEMPORAL_NAMESPACE: 'default', PORT: String(port), HOST: '127.0.0.1' }, tolerate,
    ready: async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(3000) })).status === 200,
  });
  return { api, url };
}

// ---------------------------------------------------------------------------------------------
// Databases.

async function migrateAndSeed(url: string): Promise<void> {
  await runMigrations(url);
  const seed = connectDb(url, { max: 1 });
  try {
    await seedCalendar(seed.db);
    await seedMeasures(seed.db, '2020-01-01');
  } finally {
    await seed.close();
  }
}

/**
 * A database of its own on the suite's PostgreSQL (as test/support/fresh-db.ts makes), with its
 * URL: the worker child connects to it, and the outbox of another suite's worker never sees it.
 */
export async function scratchDatabase(sharedUrl: string): Promise<{ url: string; appUrl: string; dbh: DbHandle }> {
  const name = `jd_faults_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new URL(sharedUrl);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end();
  }
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  await migrateAndSeed(url.toString());
  // The worker and API children connect as the app's role, as npm start's do.
  return { url: url.toString(), appUrl: appUrlFor(url.toString()), dbh: connectDb(url.toString()) };
}

/** An embedded PostgreSQL of this test alone, stopped and started on the same directory and port. */
export class OwnPostgres {
  private server?: EmbeddedDb;

  private constructor(readonly dataDir: string, readonly port: number) {}

  static async start(dataDir: string): Promise<OwnPostgres> {
    const pg = new OwnPostgres(dataDir, await freePort());
    await pg.up();
    await migrateAndSeed(pg.url);
    await enableAppLogin(pg.url, appPasswordOfRun());
    return pg;
  }

  get url(): string {
    return this.server!.url;
  }

  /** As the worker and API children connect: the app's role. */
  get appUrl(): string {
    return appUrlFor(this.url);
  }

  async up(): Promise<void> {
    this.server = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port });
  }

  /** A fast shutdown: every connection is cut, new ones are refused until `up()`. */
  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The engine's client for the test's own questions, and the API in process.

/** A client of the engine for the test's own questions (describe, list, query). */
export function engineClient(address: string): { client: Client; close(): Promise<void> } {
  const connection = Connection.lazy({ address });
  return { client: new Client({ connection, namespace: 'default' }), close: () => connection.close() };
}

/** The API as api/server.ts builds it, on the given engine and database, reached with inject. */
export async function apiOn(address: string, dbh: DbHandle, targetIdKey: string): Promise<{ app: FastifyInstance; client: Client; close(): Promise<void> }> {
  const connection = Connection.lazy({ address });
  const client = new Client({ connection, namespace: 'default' });
  const app = await buildApp({ db: dbh.db, sql: dbh.sql, temporal: client, calendar: () => readCalendar(dbh.db), targetIdKey });
  return {
    app,
    client,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}
