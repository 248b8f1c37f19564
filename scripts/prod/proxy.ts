// The one address of the API: a small round-robin reverse proxy in front of the API instances,
// run by `npm run start:prod` and by docker-compose.yml's `proxy` service (compiled:
// dist/scripts/prod/proxy.js). The instances are stateless (keys and data in PostgreSQL,
// workflows in Temporal), so any of them may answer any request.
//   - A request goes to the next instance in turn, on a connection of its own.
//   - An instance that refuses the connection is skipped for a while and the request is sent to
//     the next one: nothing of it reached the refused instance, so this never applies it twice.
//   - An instance that dies after the request was sent answers 502: the request may or may not
//     have been applied, so it is the client's to retry (as it would be with no proxy).
// Every answer names the instance that gave it in X-Served-By.
// GET /metrics is not passed on: each instance is its own Prometheus target, scraped on the
// internal network (a scrape through the round robin would mix two instances' counters), and
// the figures (agencies' overdue steps) are not for the public side.
// Reads PORT, HOST and UPSTREAMS (host:port,host:port,…). With UPSTREAM_AUTHORIZATION, every
// request goes on with that Authorization header instead of its own: in front of the Temporal
// UI it is the UI's read-only token for the engine (scripts/prod/engine-auth.ts).
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const BODY_LIMIT = 10 * 1024 * 1024;
const DOWN_FOR_MS = 2000;
const CONNECT_TIMEOUT_MS = 3000;

interface Upstream {
  host: string;
  port: number;
  name: string;
  downUntil: number;
}

export function parseUpstreams(raw: string | undefined): Upstream[] {
  const list = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('UPSTREAMS is required: host:port,host:port,…');
  return list.map((name) => {
    const m = /^([^\s:]+):(\d+)$/.exec(name);
    if (!m) throw new Error(`UPSTREAMS: "${name}" is not host:port`);
    return { host: m[1], port: Number(m[2]), name, downUntil: 0 };
  });
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > BODY_LIMIT ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, error: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error, message }));
}

type Outcome = 'answered' | 'refused' | 'failed';

/** Sends one request to one instance; 'refused' means nothing of it reached the instance. */
function forward(up: Upstream, req: IncomingMessage, body: Buffer, res: ServerResponse, authorization?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    const headers = { ...req.headers, ...(authorization && { authorization }), host: req.headers.host ?? up.name, connection: 'close',
      'x-forwarded-for': [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', '),
      'x-forwarded-proto': 'http', 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const out = request({ host: up.host, port: up.port, method: req.method, path: req.url, headers, agent: false });
    const connectTimer = setTimeout(() => out.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
    out.on('socket', (socket) => socket.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
    }));
    out.on('response', (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, 'x-served-by': up.name });
      upRes.pipe(res);
      upRes.on('end', () => resolve('answered'));
      upRes.on('error', () => {
        res.destroy();
        resolve('failed');
      });
    });
    out.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (!connected) {
        resolve('refused');
        return;
      }
      answer(res, 502, 'bad_gateway', `API instance ${up.name} went away while handling the request (${err.code ?? err.message}); it may or may not have been applied`);
      resolve('failed');
    });
    out.end(body);
  });
}

export function startProxy(opts: { port: number; host: string; upstreams: Upstream[]; authorization?: string; log?: (line: string) => void }) {
  const log = opts.log ?? ((line: string) => console.log(`proxy: ${line}`));
  let next = 0;
  const server = createServer(async (req, res) => {
    if (/^\/metrics(?:[/?#]|$)/.test(req.url ?? '')) {
      req.resume();
      answer(res, 404, 'not_found', 'metrics are scraped from each API instance directly, not through the proxy');
      return;
    }
    const body = await readBody(req).catch(() => null);
    if (body === null) {
      answer(res, 413, 'payload_too_large', `request bodies are limited to ${BODY_LIMIT} bytes`);
      return;
    }
    const start = next;
    next = (next + 1) % opts.upstreams.length;
    // Instances in turn from this request's own starting point; those refused lately go last.
    const order = opts.upstreams.map((_, i) => opts.upstreams[(start + i) % opts.upstreams.length]);
    order.sort((a, b) => Number(a.downUntil > Date.now()) - Number(b.downUntil > Date.now()));
    for (const up of order) {
      const outcome = await forward(up, req, body, res, opts.authorization);
      if (outcome !== 'refused') {
        if (up.downUntil) log(`${up.name} answers again`);
        up.downUntil = 0;
        return;
      }
      if (!up.downUntil) log(`${up.name} refuses connections; sending its requests to the others`);
      up.downUntil = Date.now() + DOWN_FOR_MS;
    }
    answer(res, 503, 'unavailable', 'no API instance accepts connections');
  });
  server.listen(opts.port, opts.host, () => log(`listening on ${opts.host}:${opts.port}, round robin over ${opts.upstreams.map((u) => u.name).join(', ')}`));
  return server;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const server = startProxy({
    port: Number(process.env.PORT || 3000),
    host: process.env.HOST || '127.0.0.1',
    upstreams: parseUpstreams(process.env.UPSTREAMS),
    authorization: process.env.UPSTREAM_AUTHORIZATION || undefined,
  });
  const close = () => {
    // Finish what is in flight (10 s at most), accept nothing new.
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}
