// The routes the clerks' workbench reads: my tasks (R14) with the working days left on the
// server's calendar (R16), the agency directory without endpoints or secrets, an agency's keys
// without the keys, and the preview of a holiday year that writes nothing.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueKey } from '../../db/agencies';
import { connectDb, type DbHandle } from '../../db/client';
import { calendarDays, measureChanges, steps } from '../../db/schema';
import { ACTION_NAMES } from '../../domain/actions';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let authority: Agency;
let other: Agency;
let credit: Agency;
let admin: Agency;
// Monday 2026-09-28 (2026 schedule: 中秋 09-25 … 09-27, 国庆节 10-01 … 10-07, 10-10 a make-up Saturday).
const NOW = new Date('2026-09-28T10:00:00+08:00');
const at = (day: string) => new Date(`${day}T00:00:00+08:00`);

beforeAll(async () => {
  dbh = connectDb(inject('databaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'workbench', now: () => NOW }));
  authority = await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处');
  other = await agencyWithKey(dbh.db, ['AUTHORITY'], '另一个主管部门');
  credit = await agencyWithKey(dbh.db, ['CREDIT'], '信用监管处');
  admin = await agencyWithKey(dbh.db, ['ADMIN'], '系统管理员');
  const t = `E${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  const step = (key: string, kind: string, agencyId: string | null, dueDay: string, extra: object = {}) => ({
    id: `${t}/${key}`, kind, rule: 'R5', targetId: t, caseId: 'Cwb1', agencyId, openedAt: at('2026-09-20'), dueAt: at(dueDay), ...extra,
  });
  await dbh.db.insert(steps).values([
    // Due by the end of 2026-10-09 (its instant is 10-10 00:00): the working days left skip the holiday.
    step('implementer_push/Cwb1', 'implementer_push', authority.id, '2026-10-10'),
    step('receipt/Cwb1', 'receipt', authority.id, '2026-09-26', { overdueAt: at('2026-09-26') }),
    step('objection_release/Cwb1/Oabc', 'objection_release', authority.id, '2026-09-30'),
    step('receipt/Cwb2', 'receipt', authority.id, '2026-09-27', { doneAt: at('2026-09-25') }),
    step('receipt/Cwb3', 'receipt', other.id, '2026-09-29'),
    step('period_end/Cwb1/DM-X', 'period_end', null, '2026-09-29'),
  ]);
  const changeId = `MC${randomUUID().slice(0, 8)}`;
  await dbh.db.insert(measureChanges).values({ id: changeId, kind: 'retire', code: 'DM-R6-NO-NOTIFY-COMMIT', proposedBy: authority.id, reason: '依据废止', status: 'under_review', workflowId: `w-${changeId}` });
  await dbh.db.insert(steps).values({ id: `change/${changeId}`, kind: 'measure_review', rule: 'R1', changeId, agencyId: null, openedAt: at('2026-09-20'), dueAt: at('2026-10-15') });
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const get = (url: string, who: Agency) => app.inject({ method: 'GET', url, headers: who.headers });

describe('my tasks (R14)', () => {
  it('R14: an agency sees its open steps soonest first, each with its last day and the working days left (R16: the holiday skipped)', async () => {
    const res = await get('/tasks', authority);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 3, overdue: 1, today: '2026-09-28' });
    expect(body.items.map((i: { key: string }) => i.key)).toEqual(['receipt/Cwb1', 'objection_release/Cwb1/Oabc', 'implementer_push/Cwb1']);
    const [late, release, push] = body.items;
    // Due on Friday 09-25 (a holiday), late by Monday 09-28 alone: one working day.
    expect(late).toMatchObject({ label: '接收', dueOn: '2026-09-25', dueAt: '2026-09-26T00:00:00+08:00', overdue: true, workingDaysLeft: -1 });
    // 09-29 and 09-30 are worked, 10-01 … 10-07 are not, 10-08 and 10-09 are: four working days after today.
    expect(push).toMatchObject({ label: '推送实施机构', dueOn: '2026-10-09', overdue: false, workingDaysLeft: 4 });
    expect(release).toMatchObject({ ref: 'Oabc', dueOn: '2026-09-29', workingDaysLeft: 1 });
  });

  it("R14: another agency's steps and the system's timers are nobody's task", async () => {
    expect((await get('/tasks', other)).json().items.map((i: { key: string }) => i.key)).toEqual(['receipt/Cwb3']);
    expect((await get('/tasks', admin)).json()).toMatchObject({ total: 0, items: [] });
  });

  it('R1: a list review is the task of every CREDIT agency until CREDIT has decided', async () => {
    const tasks = (await get('/tasks', credit)).json();
    const review = tasks.items.find((i: { kind: string }) => i.kind === 'measure_review');
    expect(review).toMatchObject({ label: '清单变更审核', measureCode: 'DM-R6-NO-NOTIFY-COMMIT', dueOn: '2026-10-14', key: null });
    await dbh.db.update(measureChanges).set({ creditDecision: { agencyId: credit.id, agencyName: '信用监管处', approve: true, reason: null, at: NOW.toISOString() } })
      .where(eq(measureChanges.id, review.changeId));
    expect((await get('/tasks', credit)).json().items.some((i: { changeId: string }) => i.changeId === review.changeId)).toBe(false);
  });

  it('a page of tasks: limit and offset, the total unchanged', async () => {
    const res = (await get('/tasks?limit=1&offset=1', authority)).json();
    expect(res).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(res.items.map((i: { key: string }) => i.key)).toEqual(['objection_release/Cwb1/Oabc']);
    const bad = await get('/tasks?limit=0', authority);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('limit');
  });
});

describe('the directory and the keys', () => {
  it('any agency reads the directory: names, roles, kinds and levels, never an endpoint or a secret', async () => {
    const res = await get('/agencies/directory', authority);
    expect(res.statusCode).toBe(200);
    const me = res.json().items.find((a: { id: string }) => a.id === credit.id);
    expect(me).toEqual({ id: credit.id, name: '信用监管处', roles: ['CREDIT'], level: 'city', parentId: null, field: null, implementerKind: null });
    expect(res.body).not.toMatch(/notify|whsec_|keyHash/);
  });

  it("ADMIN lists an agency's keys with their dates, never the keys, and sees a revoked one as revoked", async () => {
    const issued = await issueKey(dbh.db, other.id); // a second key (through the API it takes two ADMINs)
    await app.inject({ method: 'DELETE', url: `/agencies/${other.id}/keys/${issued.keyId}`, headers: admin.headers });
    const res = await get(`/agencies/${other.id}/keys`, admin);
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(2);
    expect(res.json().items.find((k: { keyId: string }) => k.keyId === issued.keyId).revokedAt).toMatch(/\+08:00$/);
    expect(res.body).not.toContain(issued.apiKey);
    expect((await get('/agencies/ag-nope/keys', admin)).json()).toMatchObject({ field: 'agencyId' });
  });
});

describe('R16: a holiday year previewed before it is loaded', () => {
  it('R16: the preview lists what would be added, removed and changed, and writes nothing', async () => {
    const before = await dbh.db.select().from(calendarDays).where(eq(calendarDays.year, 2026));
    const file = {
      notice: { title: '国务院办公厅关于2026年部分节假日安排的通知（更正）' },
      holidays: [...before.filter((d) => d.kind === 'holiday' && d.date !== '2026-01-01').map((d) => ({ date: d.date, name: d.name })),
        { date: '2026-12-31', name: '元旦' }],
      makeupWorkdays: before.filter((d) => d.kind === 'makeup_workday').map((d) => ({ date: d.date, name: `${d.name}（更正）` })),
    };
    const res = await app.inject({ method: 'POST', url: '/calendar/years/2026/preview', headers: admin.headers, payload: file });
    expect(res.statusCode, res.body).toBe(200);
    const { created, changes } = res.json();
    expect(created).toBe(false);
    expect(changes.added).toEqual([{ date: '2026-12-31', kind: 'holiday', name: '元旦' }]);
    expect(changes.removed).toEqual([{ date: '2026-01-01', kind: 'holiday', name: '元旦' }]);
    expect(changes.changed).toHaveLength(before.filter((d) => d.kind === 'makeup_workday').length);
    expect(changes.changed[0].to.name).toMatch(/（更正）$/);
    expect(await dbh.db.select().from(calendarDays).where(eq(calendarDays.year, 2026))).toEqual(before);
  });

  it('R16: a file with a weekday as a make-up day is refused naming the day', async () => {
    const res = await app.inject({
      method: 'POST', url: '/calendar/years/2030/preview', headers: admin.headers,
      payload: { notice: { title: '通知' }, holidays: [], makeupWorkdays: [{ date: '2030-01-02', name: '元旦' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('makeupWorkdays.0.date');
  });
});

describe('the workbench has a form for every action (issue 18)', () => {
  it('every action of the registry has a form, on a route the API has, with every path parameter it names filled', async () => {
    const { ACTION_FORMS } = await import('../../api/dashboard/js/action-forms.js');
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(ACTION_FORMS).sort()).toEqual([...ACTION_NAMES].sort());
    for (const [action, form] of Object.entries(ACTION_FORMS as Record<string, { path: string; params?: (s: object) => object }>)) {
      expect(doc.paths[form.path]?.post, `${action}: POST ${form.path}`).toBeDefined();
      const named = [...form.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((p) => p !== 'caseId');
      const given = Object.keys(form.params?.({ ref: 'X-1', month: '2026-10' }) ?? {});
      expect(given.sort(), `${action}: path parameters`).toEqual(named.sort());
    }
  });
});
