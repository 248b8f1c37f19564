// `npm run bench -- --topology=prod`: the production topology of `npm run start:prod`
// (scripts/prod/main.ts: the Temporal server on PostgreSQL with ≥ 4 history shards, two workers,
// two API instances behind the round-robin proxy, the engine requiring a token) in a temporary
// DATA_DIR on a free block of ports, as test/prod/topology.test.ts starts it. Its setup makes
// only the first ADMIN; the bench then makes the demo agencies and their keys in its database
// with the very function `npm start` uses (ensureDemoAgencies, DATA_DIR/demo-agencies.json), and
// mints itself an engine token with the topology's key (DATA_DIR/engine-auth), as an operator would.
import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureDemoAgencies } from '../../db/agencies';
import { connectDb } from '../../db/client';
import { embeddedUrl } from '../../db/embedded';
import { assertPortsFree } from '../port-check';
import { loadProdConfig, portsOf } from '../prod/config';
import { ensureEngineKey, mintToken } from '../prod/engine-auth';
import { readPids } from '../prod/supervisor';
import type { LocalStack } from './local-stack';
import { log } from './measure';
import { stackMemory, tail, waitExit } from './stack-procs';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The topology builds dist/ when the sources changed, then sets up Temporal's schemas: minutes on 2 cores. */
const START_TIMEOUT_MS = 600_000;

type ProdPorts = Record<'PORT' | 'PG_PORT' | 'TEMPORAL_PORT' | 'TEMPORAL_UI_PORT' | 'WORKER_METRICS_PORT', string>;

/** A block of ports every part of start:prod finds free now (test/prod/launcher.ts's layout, from 30 000 up). */
async function freeProdPorts(from = 30_000): Promise<ProdPorts> {
  for (let base = from; base < 60_000; base += 500) {
    const ports: ProdPorts = {
      PORT: String(base), PG_PORT: String(base + 10), WORKER_METRICS_PORT: String(base + 20),
      TEMPORAL_PORT: String(base + 400), TEMPORAL_UI_PORT: String(base + 450),
    };
    try {
      await assertPortsFree(portsOf(loadProdConfig({ ...ports, DATA_DIR: tmpdir() })));
      return ports;
    } catch {
      // some port of this block is taken: the next block
    }
  }
  throw new Error('no free block of ports between 30000 and 60000');
}

export async function startProdStack(opts: { keepData: boolean }): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jd-bench-prod-'));
  chmodSync(dataDir, 0o755); // the embedded PostgreSQL runs as `postgres` when we are root
  const ports = await freeProdPorts();
  // What the launcher makes of these ports and DATA_DIR: the workers' metrics ports, the engine's databases.
  const prod = loadProdConfig({ ...ports, DATA_DIR: dataDir });
  // Only what the launcher needs from here (test/prod/launcher.ts): an inherited DATABASE_URL,
  // TEMPORAL_ADDRESS, ADMIN_KEY_FILE or TEMPORAL_DB_* would point it at shared parts.
  const keep = ['PATH', 'HOME', 'XDG_CACHE_HOME', 'TMPDIR', 'LANG', 'TZ', 'LOG_LEVEL'];
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    ...ports, DATA_DIR: dataDir, HOST: '127.0.0.1',
  };

  const logFile = join(dataDir, 'stack.log');
  const out = createWriteStream(logFile);
  log(`starting the production topology in ${dataDir} (proxy :${ports.PORT}, PostgreSQL :${ports.PG_PORT}, Temporal :${ports.TEMPORAL_PORT}); its output in ${logFile}`);
  // SIGTERM reaches scripts/prod/main.ts itself, which stops the proxy, the APIs, the workers,
  // the engine and the database in order.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/prod/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let up = false;
  let exited = false;
  const exitedNow = new Promise<void>((resolve) => proc.once('exit', () => {
    exited = true;
    resolve();
  }));
  for (const stream of [proc.stdout!, proc.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      out.write(`${line}\n`);
      if (/production topology\) is up in/.test(line)) up = true;
    });
  }

  const stop = async () => {
    // The launcher stops its parts tier by tier, each with 15 s before SIGKILL.
    if (!exited) {
      proc.kill('SIGTERM');
      await waitExit(proc, 120_000);
    }
    out.end();
    if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    else log(`data kept in ${dataDir}`);
  };

  const databaseUrl = embeddedUrl(Number(ports.PG_PORT));
  let temporalMetadata: Record<string, string>;
  let agencies: Awaited<ReturnType<typeof ensureDemoAgencies>>['agencies'];
  try {
    // Ready when the launcher says so: every part answered (both workers poll, both APIs and the proxy answer /health).
    const until = Date.now() + START_TIMEOUT_MS;
    while (!up) {
      if (exited) throw new Error(`the production topology exited while starting:\n${tail(logFile)}`);
      if (Date.now() > until) throw new Error(`the production topology was not up within ${START_TIMEOUT_MS / 1000} s:\n${tail(logFile)}`);
      await Promise.race([exitedNow, new Promise((r) => setTimeout(r, 250))]);
    }
    // The demo agencies and their keys (AUTHORITY, IMPLEMENTER, ENFORCEMENT, SUPERVISOR, ADMIN…),
    // written as the database's owner, as npm start's stack does with its embedded database.
    const h = connectDb(databaseUrl, { max: 1 });
    try {
      ({ agencies } = await ensureDemoAgencies(h.db, dataDir));
    } finally {
      await h.close();
    }
    // The engine's token, minted with the topology's own key: admin, as test/prod/topology.test.ts
    // does (the bench's reference worker polls a task queue of its own and reads histories).
    const key = await ensureEngineKey(join(dataDir, 'engine-auth'));
    temporalMetadata = { authorization: `Bearer ${await mintToken(key.privateJwk, 'admin', { days: 1, subject: 'joint-discipline-bench' })}` };
  } catch (err) {
    await stop();
    throw err;
  }
  const keys: Record<string, string> = {};
  for (const a of agencies) for (const role of a.roles) keys[role] ??= a.apiKey;
  /** worker-1, worker-2, api-1, api-2, proxy, temporal-server…: by pid, as the launcher keeps them. */
  const named = () => {
    try {
      return new Map(Object.entries(readPids(dataDir)).map(([name, p]) => [p.pid, name]));
    } catch {
      return new Map<number, string>();
    }
  };
  return {
    topology: 'prod',
    api: `http://127.0.0.1:${ports.PORT}`,
    dataDir, agencies, keys, databaseUrl, temporalMetadata,
    temporalAddress: `127.0.0.1:${ports.TEMPORAL_PORT}`,
    workerMetrics: prod.workerMetricsPorts.map((port) => `http://127.0.0.1:${port}/metrics`),
    engineState: { kind: 'postgres', databases: [prod.temporal.db, prod.temporal.visibilityDb] },
    memory: () => stackMemory(proc.pid!, dataDir, named()),
    stop,
  };
}
