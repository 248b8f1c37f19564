// Every port a launcher is about to use, checked before anything starts: a port another program
// holds stops the launcher with the port, what it was for and the variable that moves it, rather
// than letting a child fail later while the answers the launcher waits for come from the other
// program (once another stack's API answered /health and `npm start` said it was up).
import { createServer } from 'node:net';

export interface PortNeed {
  port: number;
  /** What listens there, in the words of the launcher's output: "the API", "PostgreSQL". */
  what: string;
  /** The environment variable that moves it. */
  variable: string;
  /** The address the part binds; a program on any address of the port conflicts with it. */
  host?: string;
}

export class PortTakenError extends Error {
  constructor(readonly taken: (PortNeed & { reason: string })[]) {
    super(taken.map((t) => `port ${t.port} (${t.what}) is ${t.reason}: stop the program that holds it, ` +
      `or move this one with ${t.variable}=<another port>`).join('\n'));
  }
}

function tryListen(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code === 'EADDRINUSE' ? 'taken' : err.code === 'EACCES' ? 'not allowed to this user' : `unusable (${err.code})`);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** Throws PortTakenError naming every port of `needs` that cannot be bound now. */
export async function assertPortsFree(needs: PortNeed[]): Promise<void> {
  const seen = new Map<number, PortNeed>();
  const taken: (PortNeed & { reason: string })[] = [];
  for (const need of needs) {
    const twice = seen.get(need.port);
    if (twice) {
      taken.push({ ...need, reason: `also asked for by ${twice.what} (${twice.variable})` });
      continue;
    }
    seen.set(need.port, need);
    const reason = await tryListen(need.port, need.host ?? '127.0.0.1');
    if (reason) taken.push({ ...need, reason });
  }
  if (taken.length) throw new PortTakenError(taken);
}
