// Brute force (api/auth.ts): 2 000 wrong keys in 6.5 s all got 401, unthrottled and unlogged.
// Now wrong keys are counted per client address: past the limit every keyed request from it is
// 429 with Retry-After (the right key too, so a lucky guess tells nothing) until the window ends;
// every wrong key and every refusal is logged, never the key itself.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';

let dbh: DbHandle;
const apps: { close(): Promise<void> }[] = [];
let supervisor: Awaited<ReturnType<typeof agencyWithKey>>;
const wrongKey = (i: number) => `jd_${'0'.repeat(12)}_${String(i).padStart(43, 'x')}`;

/** The app with a log it keeps: each JSON line Fastify writes. */
async function appWithLog(authFailures: { max: number; windowMs: number }, trustProxy?: string[]) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const under = await appWithoutEngine(dbh, { authFailures, server: { logger: { level: 'warn', stream }, trustProxy } });
  apps.push(under);
  return { app: under.app, lines, raw: () => lines.map((l) => JSON.stringify(l)).join('\n') };
}

const me = (app: FastifyInstance, key: string, remoteAddress: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/me', remoteAddress, headers: { authorization: `Bearer ${key}`, ...headers } });

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'));
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR']);
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await dbh?.close();
});

describe('wrong keys from one address', () => {
  it('2 000 wrong keys: the first 10 are 401, every later one 429 with Retry-After; each is logged, no key is', async () => {
    const { app, lines, raw } = await appWithLog({ max: 10, windowMs: 60_000 });
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 2000; i += 1) {
      const res = await me(app, wrongKey(i), '203.0.113.7');
      statuses.push(res.statusCode);
      if (res.statusCode === 429) retryAfter ??= res.headers['retry-after'] as string;
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    const failed = lines.filter((l) => String(l.msg).startsWith('authentication failed'));
    expect(failed).toHaveLength(11);
    expect(failed[0]).toMatchObject({ ip: '203.0.113.7', route: '/me', failures: 1 });
    expect(lines.filter((l) => String(l.msg).startsWith('authentication throttled'))).toHaveLength(2000 - 10);
    for (const i of [0, 9, 10, 1999]) expect(raw()).not.toContain(wrongKey(i).slice(16));
  });

  it('the right key from a throttled address is 429 too; another address is not affected', async () => {
    const { app, raw } = await appWithLog({ max: 3, windowMs: 60_000 });
    for (let i = 0; i < 4; i += 1) await me(app, wrongKey(i), '198.51.100.1');
    const right = await me(app, supervisor.apiKey, '198.51.100.1');
    expect(right.statusCode).toBe(429);
    expect(right.json()).toMatchObject({ error: 'too_many_requests', field: 'authorization' });
    expect((await me(app, supervisor.apiKey, '198.51.100.2')).statusCode).toBe(200);
    expect(raw()).not.toContain(supervisor.apiKey);
  });

  it('the window ends: the address is heard again', async () => {
    const { app } = await appWithLog({ max: 2, windowMs: 1000 });
    for (let i = 0; i < 3; i += 1) await me(app, wrongKey(i), '198.51.100.3');
    expect((await me(app, supervisor.apiKey, '198.51.100.3')).statusCode).toBe(429);
    await new Promise((r) => setTimeout(r, 1200));
    expect((await me(app, supervisor.apiKey, '198.51.100.3')).statusCode).toBe(200);
  });

  it('a missing key is 401 and counts for nothing', async () => {
    const { app } = await appWithLog({ max: 1, windowMs: 60_000 });
    for (let i = 0; i < 5; i += 1) expect((await app.inject({ method: 'GET', url: '/me', remoteAddress: '198.51.100.4' })).statusCode).toBe(401);
    expect((await me(app, supervisor.apiKey, '198.51.100.4')).statusCode).toBe(200);
  });
});

describe('behind the proxy (TRUST_PROXY)', () => {
  it('counts the client the proxy names, and believes only the proxy', async () => {
    const { app, lines } = await appWithLog({ max: 2, windowMs: 60_000 }, ['127.0.0.1']);
    const via = (key: string, client: string) => me(app, key, '127.0.0.1', { 'x-forwarded-for': client });
    for (let i = 0; i < 3; i += 1) await via(wrongKey(i), '203.0.113.50');
    expect((await via(supervisor.apiKey, '203.0.113.50')).statusCode).toBe(429);
    expect((await via(supervisor.apiKey, '203.0.113.51')).statusCode).toBe(200);
    expect(lines.find((l) => String(l.msg).startsWith('authentication failed'))).toMatchObject({ ip: '203.0.113.50' });
    // A client that is not the proxy cannot name another address to escape its count.
    for (let i = 0; i < 3; i += 1) await me(app, wrongKey(i), '192.0.2.9', { 'x-forwarded-for': `10.0.0.${i}` });
    expect((await me(app, supervisor.apiKey, '192.0.2.9', { 'x-forwarded-for': '10.0.0.99' })).statusCode).toBe(429);
  });
});
