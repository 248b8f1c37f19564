// The stack the bench runs against: `scripts/stack.ts` (what `npm start` runs) in a temporary
// DATA_DIR on free ports, so it never meets a running `npm start` or a test run. Also reads the
// memory of its processes from /proc, since "how much does the system take" is a figure too.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { embeddedUrl } from '../../db/embedded';
import type { DemoAgency } from '../../db/agencies';
import { freePort } from '../ports';
import { log, waitUntil } from './measure';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface LocalStack {
  api: string;
  temporalAddress: string;
  databaseUrl: string;
  dataDir: string;
  /** The worker's SDK metrics in Prometheus's text format (WORKER_METRICS_PORT): the sticky cache, replays. */
  workerMetrics: string;
  /** Demo agencies' keys by role (the first agency of each role), from DATA_DIR/demo-agencies.json. */
  keys: Record<string, string>;
  agencies: DemoAgency[];
  /** RSS and PSS of each part of the stack, in MiB. */
  memory(): Record<string, ProcessMemory>;
  stop(): Promise<void>;
}

export interface ProcessMemory {
  processes: number;
  /** Sum of VmRSS: counts pages shared between processes (PostgreSQL's shared buffers) once per process. */
  rssMiB: number;
  /** Sum of Pss: shared pages divided among their processes, so the parts add up. */
  pssMiB: number;
}

export async function startLocalStack(opts: { keepData: boolean }): Promise<LocalStack> {
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
    api, dataDir, agencies, keys,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    workerMetrics: `http://127.0.0.1:${metricsPort}/metrics`,
    databaseUrl: embeddedUrl(pgPort),
    memory: () => stackMemory(proc.pid!, dataDir),
    stop,
  };
}

function waitExit(proc: ChildProcess, ms: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      log('the stack did not stop within 60 s; killing it');
      proc.kill('SIGKILL');
      resolve();
    }, ms);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function tail(file: string, lines = 30): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

// ---------------------------------------------------------------------------------------------
// Memory, from /proc: the stack's descendants by parent pid, plus the PostgreSQL processes of
// our data directory (the postmaster may be started under another user, and its backends are
// its children, not ours).

interface Proc { pid: number; ppid: number; comm: string; cmdline: string }

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may itself contain spaces or parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      out.push({ pid: Number(entry), ppid, comm, cmdline });
    } catch {
      // The process ended while we read it.
    }
  }
  return out;
}

function statusKiB(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  try {
    const m = readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The part a process is, by its command line; null for a helper (esbuild, su) that belongs to its parent. */
function partOf(p: Proc): string | null {
  if (p.comm === 'postgres' || p.cmdline.includes('/bin/postgres')) return 'postgres';
  if (p.cmdline.includes('server start-dev')) return 'temporal';
  if (p.cmdline.includes('worker/main.ts')) return 'worker';
  if (p.cmdline.includes('api/server.ts')) return 'api';
  if (p.cmdline.includes('scripts/stack.ts')) return 'launcher';
  return null;
}

export function stackMemory(stackPid: number, dataDir: string): Record<string, ProcessMemory> {
  const all = processes();
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const ours = new Set<number>([stackPid]);
  // Descendants of the launcher, then the postmaster of our data directory and its children.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      const postmaster = p.cmdline.includes(join(dataDir, 'pg'));
      if (!ours.has(p.pid) && (ours.has(p.ppid) || postmaster)) {
        ours.add(p.pid);
        grew = true;
      }
    }
  }
  // A helper counts with the nearest ancestor that is a part (tsx's esbuild with its node).
  const attribute = (p: Proc): string => {
    for (let q: Proc | undefined = p; q; q = ours.has(q.ppid) ? byPid.get(q.ppid) : undefined) {
      const name = partOf(q);
      if (name) return name;
    }
    return 'other';
  };
  const parts: Record<string, ProcessMemory> = {};
  for (const p of all.filter((q) => ours.has(q.pid))) {
    const name = attribute(p);
    parts[name] ??= { processes: 0, rssMiB: 0, pssMiB: 0 };
    parts[name].processes += 1;
    parts[name].rssMiB += statusKiB(p.pid, 'status', 'VmRSS') / 1024;
    parts[name].pssMiB += statusKiB(p.pid, 'smaps_rollup', 'Pss') / 1024;
  }
  const total: ProcessMemory = { processes: 0, rssMiB: 0, pssMiB: 0 };
  for (const m of Object.values(parts)) {
    total.processes += m.processes;
    total.rssMiB += m.rssMiB;
    total.pssMiB += m.pssMiB;
  }
  for (const m of [...Object.values(parts), total]) {
    m.rssMiB = Math.round(m.rssMiB);
    m.pssMiB = Math.round(m.pssMiB);
  }
  return { ...parts, total };
}
