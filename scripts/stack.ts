// `npm start`: the whole system on this machine. Embedded PostgreSQL (data in DATA_DIR) unless
// DATABASE_URL is set, migrations, the Temporal dev server (SQLite in DATA_DIR, Web UI, the
// project's search attributes) unless TEMPORAL_ADDRESS is set, then the worker and the API.
// Ctrl-C / SIGTERM stops every child; a second start finds the data of the first.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { demoAgencyLines, ensureDemoAgencies } from '../db/agencies';
import { seedCalendar } from '../db/calendar-store';
import { seedMeasures } from '../db/measures';
import { shanghaiDateOf } from '../domain/dates';
import { connectDb } from '../db/client';
import { startEmbeddedPostgres, type EmbeddedDb } from '../db/embedded';
import { runMigrations } from '../db/migrate';
import { appPassword, appUrlOf, enableAppLogin } from '../db/roles';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { waitExit } from './child-exit';
import { DEV_SERVER_SQLITE_ARGS, readEnginePaths } from './engine-paths.mjs';
import { assertPortsFree, type PortNeed } from './port-check';
import { withoutAppTelemetry } from './prod/engine-env';

const config = loadConfig();
const children: { name: string; proc: ChildProcess }[] = [];
let embeddedDb: EmbeddedDb | undefined;
let stopping = false;
/** Set once everything answered: before that, any child's exit fails the start (no restarts). */
let up = false;

function say(msg: string): void {
  process.stdout.write(`[stack] ${msg}\n`);
}

function prefixed(name: string, proc: ChildProcess): void {
  for (const stream of [proc.stdout, proc.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  }
}

/** Crash restarts of the worker and the API in the last minute, by name. */
const restarts = new Map<string, number[]>();

/**
 * Starts a child. The worker and the API are stateless (workflows live in Temporal, data in
 * PostgreSQL), so once the stack is up a crash is answered as docker-compose.yml's restart
 * policy would: start it again, up to 5 times a minute. The engine or the database stopping
 * stops everything, and so does any exit while starting.
 */
function launch(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixed(name, proc);
  const entry = { name, proc };
  children.push(entry);
  proc.on('exit', (code, signal) => {
    if (stopping) return;
    const recent = (restarts.get(name) ?? []).filter((t) => Date.now() - t < 60_000);
    if (up && (name === 'worker' || name === 'api') && recent.length < 5) {
      restarts.set(name, [...recent, Date.now()]);
      say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); starting it again`);
      children.splice(children.indexOf(entry), 1);
      setTimeout(() => { if (!stopping) launch(name, cmd, args, env); }, 1000);
      return;
    }
    say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
    void shutdown(1);
  });
  return proc;
}

async function shutdown(code: number): Promise<never> {
  if (stopping) return new Promise(() => {}) as Promise<never>;
  stopping = true;
  say('stopping');
  // API first (no new work), then the worker, then the engine, then the database.
  for (const name of ['api', 'worker', 'temporal']) {
    const child = children.find((c) => c.name === name);
    if (!child) continue;
    child.proc.kill('SIGTERM');
    await waitExit(child.proc, 15_000);
  }
  if (embeddedDb) await embeddedDb.stop().catch(() => {});
  say('stopped');
  process.exit(code);
}

async function waitFor(what: string, probe: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (stopping) return;
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready within ${ms / 1000} s`);
}

function targetIdKey(embedded: boolean): string {
  if (config.targetIdKey) return config.targetIdKey;
  if (!embedded) throw new Error('TARGET_ID_KEY must be set when DATABASE_URL points to an external database');
  const file = join(config.dataDir, 'target-id.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0));
  const ports: PortNeed[] = [{ port: config.port, what: 'the API', variable: 'PORT', host: config.host }];
  if (!config.databaseUrl) ports.push({ port: config.pgPort, what: 'the embedded PostgreSQL', variable: 'PG_PORT' });
  if (!config.temporalExternal) {
    ports.push({ port: config.temporalPort, what: 'the Temporal dev server', variable: 'TEMPORAL_PORT' },
      { port: config.temporalUiPort, what: 'the Temporal Web UI', variable: 'TEMPORAL_UI_PORT' });
  }
  if (config.workerMetricsPort) ports.push({ port: config.workerMetricsPort, what: "the worker's SDK metrics", variable: 'WORKER_METRICS_PORT' });
  await assertPortsFree(ports);
  mkdirSync(config.dataDir, { recursive: true });

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    say(`starting embedded PostgreSQL on 127.0.0.1:${config.pgPort} (data in ${join(config.dataDir, 'pg')})`);
    const pgLog = createWriteStream(join(config.dataDir, 'postgres.log'), { flags: 'a' });
    embeddedDb = await startEmbeddedPostgres({
      dataDir: config.dataDir, port: config.pgPort, log: (line) => pgLog.write(`${line}\n`),
    });
    databaseUrl = embeddedDb.url;
  }
  await runMigrations(databaseUrl);
  // The worker and the API connect as the app's role, never as the owner (README, "Security").
  const appPw = appPassword(config.dataDir);
  await enableAppLogin(databaseUrl, appPw);
  const seedDb = connectDb(databaseUrl, { max: 1 });
  let demo: Awaited<ReturnType<typeof ensureDemoAgencies>> | undefined;
  try {
    const seeded = await seedCalendar(seedDb.db);
    const measures = await seedMeasures(seedDb.db, shanghaiDateOf(new Date()));
    say(`database migrated${seeded.length ? `; holiday schedules ${seeded[0]}–${seeded.at(-1)} loaded` : ''}` +
      `${measures ? `; ${measures} measures of the two lists seeded` : ''}`);
    // Demo agencies only for the embedded database, never for an external one.
    if (embeddedDb) demo = await ensureDemoAgencies(seedDb.db, config.dataDir);
  } finally {
    await seedDb.close();
  }

  if (!config.temporalExternal) {
    const { temporalCli } = readEnginePaths();
    const args = [
      'server', 'start-dev',
      '--db-filename', join(config.dataDir, 'temporal.db'),
      '--ip', '127.0.0.1',
      '--port', String(config.temporalPort),
      '--ui-port', String(config.temporalUiPort),
      '--namespace', config.temporalNamespace,
      '--log-level', 'warn',
      ...DEV_SERVER_SQLITE_ARGS,
      ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ];
    say(`starting Temporal dev server on ${config.temporalAddress} (state in ${join(config.dataDir, 'temporal.db')})`);
    launch('temporal', temporalCli, args, withoutAppTelemetry());
  }
  await waitFor('Temporal', async () => {
    const connection = await Connection.connect({ address: config.temporalAddress, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  }, 60_000);

  const env = {
    DATABASE_URL: appUrlOf(databaseUrl, appPw),
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    TARGET_ID_KEY: targetIdKey(Boolean(embeddedDb)),
  };
  // `node --import tsx` rather than the tsx CLI: no relay process between us and the child,
  // so SIGTERM reaches the worker and the API directly and they close cleanly.
  launch('worker', process.execPath, ['--import', 'tsx', 'worker/main.ts'], { ...env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  launch('api', process.execPath, ['--import', 'tsx', 'api/server.ts'], { ...env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });

  const api = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  await waitFor('API', async () => (await fetch(`${api}/health`)).status === 200, 60_000);
  const lines = [
    '',
    'Joint discipline closed loop is up:',
    `  Dashboard    ${api}/   (sign in with a SUPERVISOR key below)`,
    `  API          ${api}`,
    `  OpenAPI      ${api}/openapi.json   (browse: ${api}/docs)`,
    `  Health       ${api}/health (readiness: ${api}/health/ready)`,
    `  Metrics      ${api}/metrics${config.workerMetricsPort ? `; the worker's: http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.workerMetricsPort}/metrics` : ' (the worker\'s with WORKER_METRICS_PORT set)'}`,
  ];
  if (!config.temporalExternal) lines.push(`  Temporal UI  http://127.0.0.1:${config.temporalUiPort}`);
  lines.push(`  Temporal     ${config.temporalAddress} (namespace ${config.temporalNamespace})`);
  lines.push(`  PostgreSQL   ${embeddedDb ? `embedded, 127.0.0.1:${config.pgPort}, data in ${config.dataDir}` : 'DATABASE_URL'}`);
  if (demo) lines.push('', ...demoAgencyLines(demo.file, demo.agencies));
  lines.push('', 'Press Ctrl-C to stop everything.', '');
  if (stopping) return;
  up = true;
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(async (err) => {
  say(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
