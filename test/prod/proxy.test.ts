// The proxy in front of the API instances (scripts/prod/proxy.ts): round robin; an instance that
// refuses the connection is skipped and the request goes to another (it never reached the first);
// an instance that dies after receiving the request answers 502 and the request is not sent
// again (it may have been applied). The instances here are plain HTTP servers on loopback.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseUpstreams, startProxy } from '../../scripts/prod/proxy';
import { freePort } from '../support/ports';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function listen(server: Server, port: number): Promise<void> {
  servers.push(server);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
}

/** An instance that records every request it receives and answers with its name and the body it read. */
async function instance(name: string, received: string[], opts: { dieOnPost?: boolean } = {}): Promise<number> {
  const port = await freePort();
  await listen(createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(`${name} ${req.method} ${req.url} ${body}`);
      if (opts.dieOnPost && req.method === 'POST') {
        req.socket.destroy(); // gone after reading the request: applied or not, nobody knows
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ name, body }));
    });
  }), port);
  return port;
}

async function proxyOver(upstreams: number[]): Promise<string> {
  const port = await freePort();
  const server = startProxy({ port, host: '127.0.0.1', upstreams: parseUpstreams(upstreams.map((p) => `127.0.0.1:${p}`).join(',')), log: () => {} });
  servers.push(server);
  await new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)));
  return `http://127.0.0.1:${port}`;
}

describe('the API proxy', () => {
  it('sends requests to the instances in turn, bodies and statuses intact, naming the instance', async () => {
    const received: string[] = [];
    const [a, b] = [await instance('a', received), await instance('b', received)];
    const url = await proxyOver([a, b]);
    const answers = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await fetch(`${url}/cases?n=${i}`, { method: 'POST', body: `{"n":${i}}`, headers: { 'content-type': 'application/json' } });
      answers.push(`${res.status} ${res.headers.get('x-served-by')} ${(await res.json() as { body: string }).body}`);
    }
    expect(answers).toEqual([0, 1, 2, 3].map((i) => `201 127.0.0.1:${i % 2 ? b : a} {"n":${i}}`));
    expect(received).toEqual([0, 1, 2, 3].map((i) => `${i % 2 ? 'b' : 'a'} POST /cases?n=${i} {"n":${i}}`));
  });

  it('sends a request an instance refuses to another one, once', async () => {
    const received: string[] = [];
    // Nothing listens on port 1: a free port from freePort() could be taken meanwhile by another suite's server.
    const down = 1;
    const up = await instance('up', received);
    const url = await proxyOver([down, up]);
    for (let i = 0; i < 4; i += 1) {
      const res = await fetch(`${url}/cases`, { method: 'POST', body: String(i) });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-served-by')).toBe(`127.0.0.1:${up}`);
    }
    expect(received).toEqual([0, 1, 2, 3].map((i) => `up POST /cases ${i}`));
  });

  it('answers 502 when the instance dies after receiving the request, and does not send it again', async () => {
    const received: string[] = [];
    const [dying, other] = [await instance('dying', received, { dieOnPost: true }), await instance('other', received)];
    const url = await proxyOver([dying, other]);
    const res = await fetch(`${url}/cases`, { method: 'POST', body: 'once' });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { message: string }).message).toMatch(/may or may not have been applied/);
    expect(received).toEqual(['dying POST /cases once']);
  });

  it('answers 503 when no instance accepts connections', async () => {
    const url = await proxyOver([1, 2]); // ports nothing listens on (a free port could be taken meanwhile)
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(503);
  });
});
