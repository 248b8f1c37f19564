// The workbench's administration and the two lists in Chromium (issue 18): an ADMIN registers an
// agency (its key shown once), asks for another key that a second ADMIN approves (shown once, to
// it alone), sets an escalation interval and previews a holiday year before loading it; an
// AUTHORITY proposes a list change that CREDIT and LEGAL review (R1). Screenshots of every page.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureChanges } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { eventually } from '../support/eventually';
import { agencyPage, arrowToOption, checkPage, signIn, startWorkbench, tabTo, type AgencyPage, type Workbench } from './support';

type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let wb: Workbench;
let admin: Agency;
let admin2: Agency;
let authority: Agency;
let credit: Agency;
let legal: Agency;
const pages: AgencyPage[] = [];
const suffix = randomUUID().slice(0, 6);
let registeredId = '';

async function pageOf(agency: Agency): Promise<AgencyPage> {
  const p = await agencyPage(wb.browser, wb.now);
  pages.push(p);
  await signIn(p, wb.base, agency.apiKey);
  return p;
}

const me = async (apiKey: string) => (await wb.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${apiKey}` } })).json();

beforeAll(async () => {
  wb = await startWorkbench(`admin-${suffix}`, 'dev');
  admin = await agencyWithKey(wb.dbh.db, ['ADMIN'], '系统管理员');
  admin2 = await agencyWithKey(wb.dbh.db, ['ADMIN'], '系统管理员（复核）');
  authority = await agencyWithKey(wb.dbh.db, ['AUTHORITY'], '登记注册处');
  credit = await agencyWithKey(wb.dbh.db, ['CREDIT'], '信用监管处');
  legal = await agencyWithKey(wb.dbh.db, ['LEGAL'], '法规处');
}, 240_000);

afterAll(async () => {
  await wb?.close();
});

describe('administration and the two lists in the browser (issue 18)', () => {
  it('ADMIN registers an agency picked by kind and place; its key is shown once and works', async () => {
    const p = await pageOf(admin);
    const { page } = p;
    await page.waitForSelector('#register-agency');
    await checkPage(p, 'a1-admin-agencies');
    await tabTo(page, '#register-agency [name=name]');
    await page.keyboard.type(`余杭区市场监督管理局${suffix}`);
    await arrowToOption(page, '#register-agency [name=level]', '区县');
    await arrowToOption(page, '#register-agency [name=parentId]', '登记注册处');
    await tabTo(page, '#register-agency [name=region]');
    await page.keyboard.type('330110');
    await tabTo(page, '#register-agency input[name=roles][value=AUTHORITY]');
    await page.keyboard.press('Space');
    await tabTo(page, '#register-agency button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#new-key');
    const key = (await page.textContent('#new-key'))!;
    const who = await me(key);
    expect(who.name).toBe(`余杭区市场监督管理局${suffix}`);
    expect(who.roles).toEqual(['AUTHORITY']);
    registeredId = who.id;
    await checkPage(p, 'a2-admin-registered');
    // Shown once: the page drawn again has no key on it.
    await page.reload();
    await page.waitForSelector('#register-agency');
    expect(await page.locator('#new-key').count()).toBe(0);
    expect(await page.textContent('#agency-list')).toContain(`余杭区市场监督管理局${suffix}`);
  });

  it('a new key for an existing agency: one ADMIN asks with a reason, another approves and alone sees it, once', async () => {
    const p = pages[0];
    const { page } = p;
    const row = `#agency-${registeredId}`;
    await tabTo(page, `${row} details[data-key-request] > summary`);
    await page.keyboard.press('Enter');
    await tabTo(page, `${row} textarea[name=reason]`);
    await page.keyboard.type('原密钥所在电脑报废，申请新密钥。');
    await tabTo(page, `${row} form button[type=submit]`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#issued')).toContain('待另一系统管理员机构复核');
    expect(await page.textContent('#key-requests')).toContain('待复核');
    expect(await page.locator('#key-requests form').count()).toBe(0); // not by the agency that asked
    await checkPage(p, 'a3-admin-key-requested');

    const q = await pageOf(admin2);
    await q.page.waitForSelector('#key-requests form');
    await arrowToOption(q.page, '#key-requests form [name=approve]', '批准并签发');
    await tabTo(q.page, '#key-requests form button[type=submit]');
    await q.page.keyboard.press('Enter');
    await q.page.waitForSelector('#new-key');
    expect((await me((await q.page.textContent('#new-key'))!)).id).toBe(registeredId);
    await checkPage(q, 'a4-admin2-key-approved');
    // The keys of the agency, listed by id, never the keys themselves.
    await q.page.click(`#agency-${registeredId} button[data-keys]`);
    await expect.poll(() => q.page.locator(`#agency-${registeredId} .keys li`).count()).toBe(2);
  });

  it('R14: ADMIN sets the reminder interval of a step; R16: a holiday year is previewed, every change listed, before it is loaded', async () => {
    const { page } = pages[0];
    await page.click('nav.subnav a[href="#/admin/settings"]');
    await page.waitForSelector('#interval-receipt');
    await checkPage(pages[0], 'a5-admin-settings');
    await tabTo(page, '#interval-receipt [name=intervalWorkingDays]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#interval-receipt')).toContain('已保存');
    const intervals = (await wb.app.inject({ method: 'GET', url: '/escalation-intervals' })).json().items;
    expect(intervals.find((i: { step: string }) => i.step === 'receipt').intervalWorkingDays).toBe(3);

    await page.click('nav.subnav a[href="#/admin/calendar"]');
    await page.waitForSelector('#holiday-file');
    const year = {
      year: 2099, notice: { title: '国务院办公厅关于2099年部分节假日安排的通知', publishedOn: '2098-11-01' }, amendments: [],
      holidays: [{ date: '2099-01-01', name: '元旦' }, { date: '2099-10-01', name: '国庆节' }], makeupWorkdays: [{ date: '2099-10-10', name: '国庆节' }],
    };
    await page.setInputFiles('#holiday-file', { name: '2099.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(year)) });
    await page.waitForSelector('#holiday-changes');
    const changes = await page.locator('#holiday-changes tbody tr').allTextContents();
    expect(changes).toHaveLength(3);
    expect(changes.join('|')).toContain('2099-10-10 调休上班');
    await checkPage(pages[0], 'a6-admin-holiday-preview');
    const before = (await wb.app.inject({ method: 'GET', url: '/calendar/years' })).json().items.map((y: { year: number }) => y.year);
    expect(before).not.toContain(2099); // a preview writes nothing
    await page.click('#holiday-load');
    await expect.poll(() => page.textContent('#holiday-preview')).toContain('已载入 2099 年安排');
    expect((await wb.app.inject({ method: 'GET', url: '/calendar/years' })).json().items.map((y: { year: number }) => y.year)).toContain(2099);
  });

  it('R1: an AUTHORITY proposes retiring a measure; CREDIT and LEGAL each review it from their tasks', async () => {
    const a = await pageOf(authority);
    await a.page.click('a[data-nav=lists]');
    await a.page.waitForSelector('#propose-change');
    await arrowToOption(a.page, '#propose-change [name=kind]', '废止');
    await tabTo(a.page, '#propose-change [name=code]');
    await a.page.keyboard.type('DM-R6-NO-SIMPLE-DEREG');
    await tabTo(a.page, '#propose-change [name=reason]');
    await a.page.keyboard.type('所依据的规定已废止。');
    await tabTo(a.page, '#propose-change button[type=submit]');
    await a.page.keyboard.press('Enter');
    await a.page.waitForSelector('#change-list tbody tr[id^=change-]');
    await checkPage(a, 'a7-authority-change-proposed');
    const [change] = await wb.dbh.db.select().from(measureChanges).where(eq(measureChanges.proposedBy, authority.id));
    for (const [reviewer, shot] of [[credit, 'a8-credit-review'], [legal, 'a9-legal-review']] as const) {
      const r = await pageOf(reviewer);
      await eventually(async () => {
        await r.page.goto(`${wb.base}/#/tasks`);
        await r.page.waitForSelector('#task-list tbody tr[data-kind=measure_review]', { timeout: 2000 });
      }, 30_000);
      await r.page.click('#task-list tbody tr[data-kind=measure_review] a');
      await r.page.waitForSelector(`#review-${change.id}`);
      await arrowToOption(r.page, `#review-${change.id} [name=approve]`, '同意');
      await tabTo(r.page, `#review-${change.id} button[type=submit]`);
      await r.page.keyboard.press('Enter');
      await expect.poll(() => r.page.locator(`#review-${change.id}`).count()).toBe(0);
      await checkPage(r, shot);
    }
    await eventually(async () => expect((await wb.dbh.db.select().from(measureChanges).where(eq(measureChanges.id, change.id)))[0].status).not.toBe('under_review'), 30_000);
  });

  it('no page logged a console error or an uncaught exception', () => {
    for (const p of pages) expect(p.errors).toEqual([]);
  });
});
