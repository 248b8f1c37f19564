// HTTP hygiene: security headers on every page and on /docs (a Content-Security-Policy among
// them), Cache-Control: no-store on every answer to a keyed request (they carry personal data),
// CSV cells that a spreadsheet cannot take for formulas, and no key in the log.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { csvCell } from '../../api/csv';
import type { DbHandle } from '../../db/client';
import { agencies, steps } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
const log: string[] = [];
let supervisor: Awaited<ReturnType<typeof agencyWithKey>>;
let admin: Awaited<ReturnType<typeof agencyWithKey>>;
const NOW = new Date('2026-11-23T10:00:00+08:00');
const FORMULAS = ['=HYPERLINK("http://evil.invalid","点此")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)'];

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  const stream = new Writable({ write(chunk, _enc, done) { log.push(String(chunk)); done(); } });
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { now: () => NOW, engineDeadlineMs: 250, server: { logger: { level: 'trace', stream } } }));
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室');
  admin = await agencyWithKey(dbh.db, ['ADMIN'], '系统管理员');
  // Agencies whose names a spreadsheet would run as formulas, each with a step due this month.
  await dbh.db.insert(agencies).values(FORMULAS.map((name, i) => ({ id: `formula-${i}`, name, roles: ['IMPLEMENTER' as const], region: '330100' })));
  const due = new Date('2026-11-30T16:00:00Z');
  await dbh.db.insert(steps).values(FORMULAS.map((_, i) => ({
    id: `formula/${i}`, kind: 'acknowledgement', rule: 'R5', agencyId: `formula-${i}`, openedAt: NOW, dueAt: due,
  })));
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

describe('security headers', () => {
  it.each(['/', '/docs', '/docs/static/index.html', '/openapi.json', '/health', '/measures?limit=1', '/targets', '/no-such-page'])('%s carries them', async (url) => {
    const res = await get(url);
    expect(res.headers['content-security-policy'], url).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('/docs may load only its own scripts, no inline script and no other origin', async () => {
    const res = await get('/docs');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<script src="\/docs\/static\/swagger-ui-bundle\.js"/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    // Every script is a file of this origin: none inline, which the policy would block.
    expect(res.body.match(/<script[^>]*>/g)!.every((tag) => /src="\/docs\/static\//.test(tag))).toBe(true);
  });
});

describe('Cache-Control: no-store', () => {
  it.each(['/targets?limit=5', '/overdue', '/stats?month=2026-11', '/me', '/inbox', '/audit', '/targets/E000000000000000000000000'])(
    'an answer to a keyed request (%s) is never cached', async (url) => {
      const res = await get(url, supervisor.headers);
      expect([200, 404]).toContain(res.statusCode);
      expect(res.headers['cache-control']).toBe('no-store');
    });

  it('nor a refusal, nor the answer that shows a new key once', async () => {
    expect((await get('/targets')).headers['cache-control']).toBe('no-store');
    expect((await get('/agencies', { authorization: 'Bearer nope' })).headers['cache-control']).toBe('no-store');
    const made = await app.inject({ method: 'POST', url: '/agencies', headers: admin.headers, payload: { name: '新机构', level: 'city', region: '330100', roles: ['LEGAL'] } });
    expect(made.statusCode).toBe(201);
    expect(made.headers['cache-control']).toBe('no-store');
  });

  it('public reference data stays cacheable', async () => {
    expect((await get('/measures?limit=1')).headers['cache-control']).toBeUndefined();
  });
});

describe('CSV export', () => {
  it('a cell starting with =, +, -, @ (or a tab or a return) is text to a spreadsheet', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+86 571')).toBe("'+86 571");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=A1,"b"')).toBe(`"'=A1,""b"""`);
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('杭州市')).toBe('杭州市');
  });

  it('GET /stats?format=csv escapes agency names that would run as formulas', async () => {
    const res = await get('/stats?month=2026-11&format=csv', supervisor.headers);
    expect(res.statusCode).toBe(200);
    const cells = res.body.split('\r\n').flatMap((line) => line.split(','));
    const names = cells.filter((c) => FORMULAS.some((f) => c.includes(f.slice(1, 6))));
    expect(names.length).toBeGreaterThanOrEqual(FORMULAS.length);
    for (const cell of names) expect(cell.replace(/^"/, ''), cell).toMatch(/^'/);
  });
});

describe('the log', () => {
  it('holds no key, whether shown (registration) or presented (Authorization)', async () => {
    const made = (await app.inject({ method: 'POST', url: '/agencies', headers: admin.headers, payload: { name: '日志机构', level: 'city', region: '330100', roles: ['CREDIT'] } })).json();
    expect((await get('/me', { authorization: `Bearer ${made.apiKey}` })).statusCode).toBe(200);
    expect(log.length).toBeGreaterThan(10);
    const text = log.join('');
    for (const key of [made.apiKey, admin.apiKey, supervisor.apiKey]) expect(text).not.toContain(key.slice(3));
  });
});
