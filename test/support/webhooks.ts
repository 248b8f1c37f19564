// Agencies' webhook endpoints for the outbox tests: real HTTP servers on 127.0.0.1, which the
// outbox may reach only because the tests allow that host explicitly, as an ADMIN would.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { loadConfig, type NotifySettings } from '../../config/env';

/** The outbox's settings as the worker reads them, with 127.0.0.1 allowed (and `env` on top). */
export function notifySettings(env: Record<string, string> = {}): NotifySettings {
  return loadConfig({ NOTIFY_ALLOWED_HTTP_HOSTS: '127.0.0.1', NOTIFY_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', ...env }).notify;
}

/** A fixed signing secret in the spec's format: whsec_ + base64 of 32 bytes of `fill`. */
export const fixedSecret = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What the endpoint does with a request: a status, or keep it open and never answer. */
export type Answer = number | 'hang' | ((r: Received, res: ServerResponse) => void);

export interface Receiver {
  url: (path?: string) => string;
  port: number;
  received: Received[];
  /** Connections open right now, and the most ever open at once. */
  open: () => number;
  maxOpen: () => number;
  close(): Promise<void>;
}

export async function webhookReceiver(answer: (r: Received) => Answer = () => 204): Promise<Receiver> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let maxOpen = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const r = { path: req.url ?? '/', headers: req.headers, body, at: Date.now() };
      received.push(r);
      const a = answer(r);
      if (a === 'hang') return;
      if (typeof a === 'function') a(r, res);
      else res.writeHead(a).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    port,
    received,
    open: () => sockets.size,
    maxOpen: () => maxOpen,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Whether the standardwebhooks package, as an agency runs it, accepts this request. */
export function verifies(secret: string, body: string, headers: IncomingHttpHeaders): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch (err) {
    if (err instanceof WebhookVerificationError) return false;
    throw err;
  }
}
