// The processes of `npm run start:prod`, each started, watched and stopped here. Before the
// topology is up, any exit fails the start (no restarts: an exit then is a fault to show, not to
// hide). Once it is up, the stateless parts (workers, API instances, the proxy, the UI) are
// started again after a crash, as docker-compose.yml's restart policy does, at most 5 times a
// minute; the engine stopping stops everything. The live PIDs are kept in DATA_DIR/processes.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { withoutAppTelemetry } from './engine-env';

export interface ChildSpec {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  /** Started again after a crash once the topology is up. */
  restart: boolean;
  /** Output to DATA_DIR/logs/<name>.log instead of the console (the engine's chatter). */
  toFile?: boolean;
  port?: number;
}

interface Running {
  spec: ChildSpec;
  proc: ChildProcess;
  lines: string[];
  log?: WriteStream;
}

export class Supervisor {
  private readonly running = new Map<string, Running>();
  private readonly crashes = new Map<string, number[]>();
  private readonly lineWaiters: { name: string; re: RegExp; resolve: () => void }[] = [];
  up = false;
  stopping = false;

  constructor(
    private readonly dataDir: string,
    private readonly say: (line: string) => void,
    /** Called when a part stops the whole topology (an exit while starting, or the engine). */
    private readonly fatal: (why: string) => void,
  ) {
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
  }

  start(spec: ChildSpec): ChildProcess {
    // The app's parts get their OTEL_* variables in spec.env (parts.ts appEnv); the engine none.
    const proc = spawn(spec.cmd, spec.args, { env: { ...process.env, ...withoutAppTelemetry(), ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const entry: Running = { spec, proc, lines: [] };
    if (spec.toFile) entry.log = createWriteStream(join(this.dataDir, 'logs', `${spec.name}.log`), { flags: 'a' });
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => this.onLine(entry, line));
    }
    this.running.set(spec.name, entry);
    this.writePids();
    proc.once('exit', (code, signal) => this.onExit(entry, code, signal));
    return proc;
  }

  private onLine(entry: Running, line: string): void {
    entry.lines.push(line);
    if (entry.lines.length > 40) entry.lines.shift();
    if (entry.log) entry.log.write(`${line}\n`);
    else process.stdout.write(`[${entry.spec.name}] ${line}\n`);
    for (const w of this.lineWaiters.filter((w) => w.name === entry.spec.name && w.re.test(line))) {
      this.lineWaiters.splice(this.lineWaiters.indexOf(w), 1);
      w.resolve();
    }
  }

  private onExit(entry: Running, code: number | null, signal: NodeJS.Signals | null): void {
    entry.log?.end();
    if (this.stopping || this.running.get(entry.spec.name) !== entry) return;
    const { name } = entry.spec;
    const why = `${name} exited (${signal ?? `code ${code}`})`;
    const recent = (this.crashes.get(name) ?? []).filter((t) => Date.now() - t < 60_000);
    if (this.up && entry.spec.restart && recent.length < 5) {
      this.crashes.set(name, [...recent, Date.now()]);
      this.say(`${why}; starting it again`);
      setTimeout(() => { if (!this.stopping) this.start(entry.spec); }, 1000);
      return;
    }
    const tail = entry.lines.slice(-15).map((l) => `    ${l}`).join('\n');
    this.fatal(`${why}${this.up ? '' : ' while the topology was starting'}${tail ? `; its last lines:\n${tail}` : ''}`);
  }

  /** Resolves at the first line of `name` matching `re`; rejects when the time is up. */
  waitLine(name: string, re: RegExp, ms: number): Promise<void> {
    if (this.running.get(name)?.lines.some((l) => re.test(l))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} printed nothing like ${re} within ${ms / 1000} s`)), ms);
      this.lineWaiters.push({ name, re, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  isAlive(name: string): boolean {
    const proc = this.running.get(name)?.proc;
    return Boolean(proc && proc.exitCode === null && proc.signalCode === null);
  }

  private writePids(): void {
    const pids = Object.fromEntries([...this.running].map(([name, r]) => [name, { pid: r.proc.pid, ...(r.spec.port ? { port: r.spec.port } : {}) }]));
    writeFileSync(join(this.dataDir, 'processes.json'), `${JSON.stringify(pids, null, 2)}\n`);
  }

  /** Stops the parts tier by tier (SIGTERM, SIGKILL after 15 s), each tier's parts together. */
  async stop(tiers: RegExp[]): Promise<void> {
    this.stopping = true;
    for (const tier of tiers) {
      await Promise.all([...this.running].filter(([name]) => tier.test(name)).map(([, r]) => stopProcess(r.proc)));
    }
    await Promise.all([...this.running.values()].map((r) => stopProcess(r.proc)));
  }
}

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/** The PIDs start:prod wrote, by part name: { "worker-1": { pid }, "api-1": { pid, port }, … }. */
export function readPids(dataDir: string): Record<string, { pid: number; port?: number }> {
  return JSON.parse(readFileSync(join(dataDir, 'processes.json'), 'utf8'));
}
