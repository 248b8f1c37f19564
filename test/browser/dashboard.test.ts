// R14 in a real browser: Debian's headless Chromium driven by playwright-core against the API
// with the real workflows on the Java time-skipping server. One clock: the API reads the engine's,
// and the engine's days pass by skipping. A supervisor signs in with its key, finds a target this
// test created, opens its page (measures, timeline) and the overdue board; the monthly chart draws.
// Screenshots go to test-output/screenshots/.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findChromium } from '../../scripts/chromium.mjs';
import type { DbHandle } from '../../db/client';
import { steps } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startTimeSkipping } from '../support/engine';
import { eventually } from '../support/eventually';
import { freshDatabase } from '../support/fresh-db';

const SHOTS = new URL('../../test-output/screenshots/', import.meta.url);

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let browser: Browser;
let page: Page;
let base: string;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let supervisor: Agency;
let implementer: Agency;
const suffix = randomUUID().slice(0, 6);
const implemented = `杭州浏览器测试甲有限公司${suffix}`;
const unreceived = `杭州浏览器测试乙有限公司${suffix}`;
let implementedId: string;
let overdueMonth: string;
/** The engine's clock minus the machine's, re-read after every skip: the API's one clock. */
let offset = 0;
const engineNow = () => new Date(Date.now() + offset);
const sync = async () => {
  offset = (await env.currentTimeMs()) - Date.now();
};

beforeAll(async () => {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium: `npm test` installs Debian\'s chromium; or set CHROMIUM_PATH');
  mkdirSync(SHOTS, { recursive: true });
  env = await startTimeSkipping();
  dbh = await freshDatabase(inject('databaseUrl'));
  await sync();
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: `browser-${suffix}`, now: engineNow }));

  const enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '执法稽查处');
  const authority = await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处');
  implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室');
  const post = (url: string, who: Agency, payload?: object) => app.inject({ method: 'POST', url, headers: who.headers, payload });
  const intake = (name: string, creditCode: string) => post('/cases', enforcement, {
    source: 'penalty_decision', authority: authority.id,
    document: { number: `杭市管罚〔2026〕${randomUUID().slice(0, 6)}号`, issuedOn: shanghaiDateOf(engineNow()), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', creditCode, name },
    measures: ['DM-R6-MARKET-INDUSTRY-BAN'], periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 } },
  });
  // One target carried through receipt, push and acknowledgement.
  const a = await intake(implemented, '91330100799655058B');
  expect(a.statusCode, a.body).toBe(201);
  const { caseId, targetId } = a.json();
  implementedId = targetId;
  expect((await post(`/cases/${caseId}/receipt`, authority)).statusCode).toBe(200);
  expect((await post(`/cases/${caseId}/implementers`, authority, { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] })).statusCode).toBe(200);
  expect((await post(`/cases/${caseId}/acknowledgement`, implementer)).statusCode).toBe(200);
  // Another never received: once its 3 working days have passed, its receipt is overdue (R5, R14).
  const b = await intake(unreceived, '91330106MA2H3X0A1H');
  expect(b.statusCode).toBe(201);
  overdueMonth = b.json().opened[0].dueOn.slice(0, 7);
  await env.sleep('6 days');
  await sync();
  await eventually(async () => expect(await dbh.db.select().from(steps)
    .where(and(eq(steps.caseId, b.json().caseId), eq(steps.kind, 'receipt'), isNotNull(steps.overdueAt)))).toHaveLength(1));
  base = await app.listen({ port: 0, host: '127.0.0.1' });

  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'America/Los_Angeles' });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

const shot = (name: string) => page.screenshot({ path: new URL(name, SHOTS).pathname, fullPage: true });

describe('the supervisors\' read of the workbench in Chromium', () => {
  it('R14: a wrong key is refused on the sign-in page', async () => {
    await page.goto(`${base}/`);
    await page.fill('#api-key', 'jd_not-a-key');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.login .error')).toContain('密钥无效');
  });

  it('R14: a supervisor signs in, finds the target, and reads its measures and timeline', async () => {
    await page.goto(`${base}/#/login`);
    await page.fill('#api-key', supervisor.apiKey);
    await page.click('button[type=submit]');
    // Every agency lands on its tasks; the search is one link away.
    await page.waitForSelector('#task-list');
    expect(await page.textContent('#who')).toContain('督查室（监督机构）');
    await page.click('a[data-nav=targets]');
    await page.waitForSelector('#target-list');

    await page.fill('input[name=q]', implemented);
    await page.click('#search button[type=submit]');
    await page.waitForSelector(`#target-list a[href="#/target/${implementedId}"]`);
    expect(await page.locator('#target-list tbody tr').count()).toBe(1);
    await shot('d1-search.png');

    await page.click(`#target-list a[href="#/target/${implementedId}"]`);
    await page.waitForSelector('#timeline li');
    expect(await page.textContent('#target-name')).toBe(implemented);
    expect(await page.textContent('#measures')).toContain('市场和行业禁入（DM-R6-MARKET-INDUSTRY-BAN）');
    expect(await page.textContent('#measures')).toContain('实施中');
    const timeline = await page.locator('#timeline li').allTextContents();
    const kinds = await page.locator('#timeline li').evaluateAll((els) => els.map((e) => e.className));
    // The story in order: pushed, received, pushed to the implementer, acknowledged, in force.
    const order = ['case_pushed', 'case_received', 'pushed_to_implementers', 'acknowledged', 'measure_active'].map((k) => kinds.indexOf(k));
    expect(order.every((i) => i >= 0), `timeline: ${timeline.join(' | ')}`).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(timeline[order[0]]).toContain('案件推送');
    expect(timeline[order[3]]).toContain('行政审批服务中心 签收案件');
    expect(timeline.find((t) => t.includes('接收案件'))).toContain('R5');
    // Times in Asia/Shanghai even in a browser set to Los Angeles (R16).
    const pushedAt = await page.locator('#timeline li .when').first().textContent();
    const history = (await app.inject({ method: 'GET', url: `/targets/${implementedId}/history`, headers: supervisor.headers })).json();
    expect(pushedAt?.replace(/\//g, '-')).toBe(history.items[0].at.slice(0, 16).replace('T', ' '));
    expect(await page.getAttribute('#timeline li a', 'href')).toMatch(/^http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\//);
    await shot('d2-target.png');
  });

  it('R14: the overdue board shows the unreceived case, the latest first', async () => {
    await page.click('a[data-nav=overdue]');
    await page.waitForSelector('#overdue-board tbody tr');
    const rows = await page.locator('#overdue-board tbody tr').allTextContents();
    expect(rows.some((r) => r.includes(unreceived) && r.includes('接收') && r.includes('登记注册处'))).toBe(true);
    const days = await page.locator('#overdue-board tbody tr td:first-child').allTextContents();
    const n = days.map((d) => Number.parseInt(d, 10));
    expect(n.every((d) => d >= 1)).toBe(true);
    expect(n).toEqual([...n].sort((x, y) => y - x));
    await shot('d3-overdue.png');
  });

  it('R14: the monthly chart draws one bar per agency with steps due', async () => {
    const month = overdueMonth;
    await page.goto(`${base}/#/stats?month=${month}`);
    await page.waitForSelector('#stats-agencies');
    const stats = (await app.inject({ method: 'GET', url: `/stats?month=${month}`, headers: supervisor.headers })).json();
    expect(stats.steps.length).toBeGreaterThan(0);
    if (stats.steps.some((r: { due: number }) => r.due > 0)) {
      expect(await page.locator('#compliance-chart rect').count()).toBeGreaterThan(0);
    }
    expect(await page.locator('#stats-agencies tbody tr').count()).toBe(stats.steps.length);
    await shot('d4-stats.png');
  });

  it('R14: an implementer gets the read-only view of its own targets only', async () => {
    await page.click('#sign-out');
    await page.fill('#api-key', implementer.apiKey);
    await page.click('button[type=submit]');
    await page.waitForSelector('#task-list');
    await page.click('a[data-nav=targets]');
    await page.waitForSelector('#target-list');
    const names = await page.locator('#target-list tbody a').allTextContents();
    expect(names).toEqual([implemented]);
  });
});
