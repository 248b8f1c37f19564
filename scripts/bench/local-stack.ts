// The stack the bench runs against: `scripts/stack.ts` (what `npm start` runs) in a temporary
// DATA_DIR on free ports, so it never meets a running `npm start` or a test run; or, with
// `--topology=prod`, the production topology (./prod-stack.ts). The memory of its processes is
// read from /proc (./stack-procs.ts).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { embeddedUrl } from '../../db/embedded';
import type { DemoAgency } from '../../db/agencies';
import { freePort } from '../ports';
import { log, waitUntil } from './measure';
import type { Topology } from './options';
import { startProdStack } from './prod-stack';
import { stackMemory, tail, waitExit, type ProcessMemory } from './stack-procs';

export type { ProcessMemory } from './stack-procs';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface LocalStack {
  topology: Topology;
  api: string;
  temporalAddress: string;
  /** gRPC metadata for the bench's own engine clients: the production topology's engine requires a token. */
  temporalMetadata: Record<string, string>;
  databaseUrl: string;
  dataDir: string;
  /** Every worker's SDK metrics in Prometheus's text format (WORKER_METRICS_PORT, prod: and the ports after it): the sticky cache, replays. */
  workerMetrics: string[];
  /**
   * Where the engine keeps its state, for its disk per target: the dev server's SQLite file in
   * DATA_DIR (`sqlite`), or the production topology's databases on the stack's PostgreSQL.
   */
  engineState: { kind: 'sqlite' } | { kind: 'postgres'; databases: string[] };
  /** Demo agencies' keys by role (the first agency of each role), from DATA_DIR/demo-agencies.json. */
  keys: Record<string, string>;
  agencies: DemoAgency[];
  /** RSS and PSS of each part of the stack, in MiB. */
  memory(): Record<string, ProcessMemory>;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: { keepData: boolean; topology: Topology }): Promise<LocalStack> {
  if (opts.topology === 'prod') return startProdStack(opts);
  const dataDir = mkdtempSync(join(tmpdir(), 'jd-bench-'));
  const [port, pgPort, temporalPort, uiPort, metricsPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port), PG_PORT: String(pgPort), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort),
    DATA_DIR: dataDir, HOST: '127.0.0.1',
    // stack.ts hands its environment to the worker, which then serves its SDK metrics here.
    WORKER_METRICS_PORT: String(metricsPort),
  };
  // A stack of our own: an inherited DATABASE_URL or TEMPORAL_ADDRESS would point it at shared parts.
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TARGET_ID_KEY', 'TEMPORAL_NAMESPACE'] as const) delete env[name];

  const logFile = join(dataDir, 'stack.log');
  const out = createWriteStream(logFile);
  log(`starting the stack in ${dataDir} (API :${port}, PostgreSQL :${pgPort}, Temporal :${temporalPort}); its output in ${logFile}`);
  // `node --import tsx` directly (no npm, no tsx CLI): SIGTERM reaches stack.ts itself, which
  // stops the API, the worker, the engine and the database in order.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/stack.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let workerPolling = false;
  let exited = false;
  proc.once('exit', () => (exited = true));
  for (const stream of [proc.stdout!, proc.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      out.write(`${line}\n`);
      if (line.startsWith('[worker] worker polling')) workerPolling = true;
    });
  }

  const api = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      proc.kill('SIGTERM');
      await waitExit(proc, 60_000);
    }
    out.end();
    if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    else log(`data kept in ${dataDir}`);
  };
  try {
    // Ready when the API answers /health (PostgreSQL and Temporal reachable) and the worker polls:
    // a case accepted before the worker polls would wait in the queue and skew the first figures.
    await waitUntil('stack ready', async () => {
      if (exited) throw new Error(`the stack exited while starting:\n${tail(logFile)}`);
      if (!workerPolling) return false;
      return fetch(`${api}/health`).then((r) => r.status === 200, () => false);
    }, 180_000, 250);
  } catch (err) {
    await stop();
    throw err;
  }
  const agencies = JSON.parse(readFileSync(join(dataDir, 'demo-agencies.json'), 'utf8')) as DemoAgency[];
  const keys: Record<string, string> = {};
  for (const a of agencies) for (const role of a.roles) keys[role] ??= a.apiKey;
  return {
    topology: 'dev', api, dataDir, agencies, keys,
    temporalMetadata: {},
    temporalAddress: `127.0.0.1:${temporalPort}`,
    workerMetrics: [`http://127.0.0.1:${metricsPort}/metrics`],
    engineState: { kind: 'sqlite' },
    databaseUrl: embeddedUrl(pgPort),
    memory: () => stackMemory(proc.pid!, dataDir),
    stop,
  };
}
