// The stack's processes as the bench sees them: waiting for the launcher to exit, the tail of its
// log, and the memory of every part read from /proc, since "how much does the system take" is a
// figure too. Shared by the dev stack (./local-stack.ts) and the production topology (./prod-stack.ts).
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitExit as waitChild } from '../child-exit';
import { log } from './measure';

export interface ProcessMemory {
  processes: number;
  /** Sum of VmRSS: counts pages shared between processes (PostgreSQL's shared buffers) once per process. */
  rssMiB: number;
  /** Sum of Pss: shared pages divided among their processes, so the parts add up. */
  pssMiB: number;
}

/** The launcher's exit, SIGKILL after `ms` (said on stderr). */
export function waitExit(proc: ChildProcess, ms: number): Promise<void> {
  return waitChild(proc, ms, () => log(`the stack did not stop within ${ms / 1000} s; killing it`));
}

export function tail(file: string, lines = 30): string {
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

/**
 * The part a process is: its name in `named` (the production topology's DATA_DIR/processes.json,
 * by pid: worker-1 and worker-2 run the same command line), else by its command line; null for a
 * helper (esbuild, su) that belongs to its parent.
 */
function partOf(p: Proc, named: ReadonlyMap<number, string>): string | null {
  const name = named.get(p.pid);
  if (name) return name;
  if (p.comm === 'postgres' || p.cmdline.includes('/bin/postgres')) return 'postgres';
  if (p.cmdline.includes('server start-dev')) return 'temporal';
  if (p.cmdline.includes('worker/main.ts')) return 'worker';
  if (p.cmdline.includes('api/server.ts')) return 'api';
  if (p.cmdline.includes('scripts/stack.ts') || p.cmdline.includes('scripts/prod/main.ts')) return 'launcher';
  return null;
}

export function stackMemory(stackPid: number, dataDir: string, named: ReadonlyMap<number, string> = new Map()): Record<string, ProcessMemory> {
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
      const name = partOf(q, named);
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
