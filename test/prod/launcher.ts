// The launchers (`npm start`'s scripts/stack.ts, `npm run start:prod`'s scripts/prod/main.ts) as
// child processes of a test: their own process group, their output kept, a DATA_DIR of their own.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProdConfig, portsOf } from '../../scripts/prod/config';
import { assertPortsFree } from '../../scripts/port-check';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function scratchDataDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `jd-${prefix}-`));
  chmodSync(path, 0o755); // the embedded PostgreSQL runs as `postgres` when we are root
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Ports for a whole start:prod (PORT and the API instances after it, PG_PORT, TEMPORAL_PORT with
 * the server's other ports, TEMPORAL_UI_PORT), all free now. Tried in a fixed order, so that a
 * run is repeatable: blocks of 500 from `from` (20000) up.
 */
export async function freeProdPorts(from = 20_000): Promise<Record<'PORT' | 'PG_PORT' | 'TEMPORAL_PORT' | 'TEMPORAL_UI_PORT' | 'WORKER_METRICS_PORT', string>> {
  for (let base = from; base < 60_000; base += 500) {
    const ports = {
      PORT: String(base), PG_PORT: String(base + 10), TEMPORAL_PORT: String(base + 400), TEMPORAL_UI_PORT: String(base + 450), WORKER_METRICS_PORT: String(base + 20),
    };
    try {
      await assertPortsFree(portsOf(loadProdConfig({ ...ports, DATA_DIR: tmpdir() })));
      return ports;
    } catch {
      // some port of this block is taken: the next block
    }
  }
  throw new Error('no free block of ports between 20000 and 60000');
}

export class Launcher {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly proc: ChildProcess;
  private waiters: { re: RegExp; resolve: (line: string) => void }[] = [];

  /** Runs `script` (relative to the repository) with only PATH, HOME and the cache of this environment, plus `env`. */
  constructor(script: string, env: Record<string, string>) {
    const keep = ['PATH', 'HOME', 'XDG_CACHE_HOME', 'TMPDIR', 'LANG'];
    const base = Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
    this.proc = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT, env: { ...base, TZ: 'UTC', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    for (const stream of [this.proc.stdout!, this.proc.stderr!]) {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop()!;
        for (const line of parts) this.onLine(line);
      });
    }
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  private onLine(line: string): void {
    this.lines.push(line);
    for (const w of this.waiters.filter((w) => w.re.test(line))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(line);
    }
  }

  get output(): string {
    return this.lines.join('\n');
  }

  /** The first line matching `re`; fails, with the output so far, if the launcher exits first or the time is up. */
  waitFor(re: RegExp, ms: number): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line like ${re} within ${ms / 1000} s:\n${this.output}`)), ms);
      this.waiters.push({ re, resolve: (line) => { clearTimeout(timer); resolve(line); } });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`the launcher exited (${signal ?? `code ${code}`}) before printing ${re}:\n${this.output}`));
      });
    });
  }

  signal(sig: NodeJS.Signals): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(sig);
  }

  /** SIGKILL to the whole process group: whatever a failed test left behind. */
  killGroup(): void {
    try {
      process.kill(-this.proc.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
