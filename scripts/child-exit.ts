// Waiting for a child process to exit, SIGKILL after `ms`: the launcher's parts (scripts/stack.ts)
// and the bench's stacks (scripts/bench/stack-procs.ts) stop their children the same way.
import type { ChildProcess } from 'node:child_process';

export function waitExit(proc: ChildProcess, ms: number, onKill: () => void = () => {}): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onKill();
      proc.kill('SIGKILL');
      resolve();
    }, ms);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
