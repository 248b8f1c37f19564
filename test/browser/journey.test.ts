// The whole loop from the browser alone (issue 18), one journey per role in the loop's order, each
// agency with its own key in its own browser context: ENFORCEMENT files a case → AUTHORITY
// receives and pushes → IMPLEMENTER acknowledges and reports → CREDIT records an objection and
// the producing agency decides it → a repair → the supervisor reads the story. The main forms
// are used with the keyboard alone; every page is checked for "undefined" and for deadlines shown
// as their last day, screenshotted to test-output/screenshots/, and no page logs a console error.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, steps } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { agencyWithKey } from '../support/agencies';
import { eventually } from '../support/eventually';
import { agencyPage, arrowToOption, checkPage, signIn, startWorkbench, tabTo, typeDate, type AgencyPage, type Workbench } from './support';

type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let wb: Workbench;
const who: Record<'enforcement' | 'authority' | 'implementer' | 'credit' | 'supervisor', Agency> = {} as never;
const pages: AgencyPage[] = [];
const suffix = randomUUID().slice(0, 6);
const name = `杭州浏览器旅程有限公司${suffix}`;
const docNumber = `杭市管罚〔2026〕${suffix}号`;
const BAN = 'DM-R6-MARKET-INDUSTRY-BAN';
const PUBLICITY = 'DM-R8-PUBLICITY-ADVERSE';
let targetId = '';
let caseId = '';

/** A signed-in page of one agency (its own context: its own session storage and key). */
async function pageOf(agency: Agency): Promise<AgencyPage> {
  const p = await agencyPage(wb.browser, wb.now);
  pages.push(p);
  await signIn(p, wb.base, agency.apiKey);
  return p;
}

/** Submits the form holding `selector` with the keyboard: Tab to its button, Enter. */
async function submitWithKeyboard(p: AgencyPage, form: string): Promise<void> {
  await tabTo(p.page, `${form} button[type=submit]`);
  await p.page.keyboard.press('Enter');
}

/** The flash an action leaves on the target page, once the page has redrawn with it. */
const done = async (p: AgencyPage, text: string) => expect.poll(() => p.page.locator('p.ok[role=status]').first().textContent().catch(() => ''), { timeout: 20_000 }).toContain(text);

beforeAll(async () => {
  wb = await startWorkbench(`journey-${suffix}`);
  who.enforcement = await agencyWithKey(wb.dbh.db, ['ENFORCEMENT'], '执法稽查处');
  who.authority = await agencyWithKey(wb.dbh.db, ['AUTHORITY'], '登记注册处');
  who.implementer = await agencyWithKey(wb.dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
  who.credit = await agencyWithKey(wb.dbh.db, ['CREDIT'], '信用监管处');
  who.supervisor = await agencyWithKey(wb.dbh.db, ['SUPERVISOR'], '督查室');
  // A second case nobody receives: by the supervisor's turn its receipt and push are overdue (R5, R14).
  const res = await wb.app.inject({
    method: 'POST', url: '/cases', headers: who.enforcement.headers, payload: {
      source: 'penalty_decision', authority: who.authority.id,
      document: { number: `杭市管罚〔2026〕${suffix}乙号`, issuedOn: shanghaiDateOf(wb.now()), issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: '91330106MA2H3X0A1H', name: `杭州未接收有限公司${suffix}` },
      measures: ['DM-R6-PRODUCTION-LICENSE'],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
}, 240_000);

afterAll(async () => {
  await wb?.close();
});

describe('the loop from the browser alone, one journey per role (issue 18)', () => {
  it('R2: ENFORCEMENT files its penalty decision with the keyboard: the credit code checked while typed, measures by list and category with basis and period, a refusal shown beside its field, a double submit filing once', async () => {
    const p = await pageOf(who.enforcement);
    await p.page.waitForSelector('#task-list');
    expect(await p.page.textContent('#task-list')).toContain('没有待办事项');
    await checkPage(p, '1-enforcement-tasks');
    await p.page.click('a[data-nav=intake]');
    await p.page.waitForSelector('#intake-form');
    const { page } = p;
    const type = async (selector: string, text: string) => {
      await tabTo(page, selector);
      await page.keyboard.type(text);
    };
    await type('[name="document.number"]', docNumber);
    await typeDate(page, '[name="document.issuedOn"]', shanghaiDateOf(wb.now()));
    await type('[name="document.issuer"]', '杭州市市场监督管理局');
    await type('[name="target.name"]', name);
    // R2: the credit code's check character is verified as it is typed (GB 32100-2015).
    await type('[name="target.creditCode"]', '91330100799655058X');
    await expect.poll(() => page.textContent('[name="target.creditCode"] ~ .live')).toContain('校验码应为 B');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('B');
    await expect.poll(() => page.textContent('[name="target.creditCode"] ~ .live')).toContain('校验通过');
    // R13: a person with the enterprise.
    await tabTo(page, 'button.add-row');
    await page.keyboard.press('Enter');
    await arrowToOption(page, '[name="persons.*.role"]', '法定代表人');
    await type('[name="persons.*.name"]', '张三');
    await type('[name="persons.*.idNumber"]', '11010519491231002X');
    // R1: measures picked by list and category, each with its basis and period.
    await arrowToOption(page, '#measure-picker select.list-filter', '失信惩戒措施清单');
    await arrowToOption(page, '#measure-picker select.category-filter', '事前审批限制');
    expect(await page.textContent(`#measure-picker tr[data-code="${BAN}"]`)).toContain('国办发〔2019〕35号');
    await tabTo(page, `#measure-picker input[data-code="${BAN}"]`);
    await page.keyboard.press('Space');
    await type(`[name="periods.${BAN}.amount"]`, '1');
    await arrowToOption(page, '#measure-picker select.category-filter', '公示与强化监管');
    await tabTo(page, `#measure-picker input[data-code="${PUBLICITY}"]`);
    await page.keyboard.press('Space');
    await arrowToOption(page, '[name=authority]', '登记注册处');
    // The publicity's period is left out: the API's refusal names periods.<code>, and it shows there.
    await submitWithKeyboard(p, '#intake-form');
    const error = page.locator(`#measure-picker tr[data-code="${PUBLICITY}"] .field-error`);
    await expect.poll(() => error.textContent().catch(() => '')).toContain('必填');
    expect(await page.evaluate(() => (globalThis as never as { document: { activeElement: { name: string } } }).document.activeElement.name)).toBe(`periods.${PUBLICITY}.amount`);
    await checkPage(p, '2-enforcement-intake-refused');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#intake-case-link');
    expect(await page.textContent('#intake-result')).toMatch(/推送期限 \d{4}-\d{2}-\d{2} 止/);
    // A second submit of the same form carries the same Idempotency-Key: the same case, once.
    await submitWithKeyboard(p, '#intake-form');
    await expect.poll(() => page.locator('#intake-result p.ok').count()).toBe(1);
    const href = await page.getAttribute('#intake-case-link', 'href');
    [, targetId, caseId] = href!.match(/#\/target\/([^/]+)\/case\/(.+)$/)!;
    expect(await wb.dbh.db.select().from(cases).where(eq(cases.documentNumber, docNumber))).toHaveLength(1);
    await checkPage(p, '3-enforcement-filed');
  });

  it('R5: AUTHORITY finds both steps in its tasks, receives the case and pushes each measure to an implementer of its kind, itself for the publicity, and acknowledges that one', async () => {
    const p = await pageOf(who.authority);
    const { page } = p;
    await page.waitForSelector('#task-list tbody tr[data-kind]');
    // This case's three and the unreceived one's three: receipt, push to implementers, the notice's delivery (R17).
    expect(await page.locator('#task-list tbody tr[data-kind]').count()).toBe(6);
    // The badge has its own request (GET /tasks?limit=1), which may answer after the list: wait for it.
    await expect.poll(() => page.textContent('#task-count')).toBe('6');
    await checkPage(p, '4-authority-tasks');
    await page.click(`#task-list a[href="#/target/${targetId}/case/${caseId}"]`);
    await page.waitForSelector('form[data-action=receiveCase]');
    await checkPage(p, '5-authority-case');
    await submitWithKeyboard(p, 'form[data-action=receiveCase]');
    await done(p, '已办理：接收案件');
    await arrowToOption(page, `form[data-action=pushToImplementers] select[data-code="${BAN}"]`, '行政审批服务中心');
    await arrowToOption(page, `form[data-action=pushToImplementers] select[data-code="${PUBLICITY}"]`, '登记注册处');
    await submitWithKeyboard(p, 'form[data-action=pushToImplementers]');
    await done(p, '已办理：推送实施机构');
    await submitWithKeyboard(p, 'form[data-action=acknowledge]');
    await done(p, '已办理：签收');
    await expect.poll(() => page.textContent('#task-count')).toBe('4');
    // R17: the notice reached the party today.
    await typeDate(page, 'form[data-action=recordLetterDelivery] input[name=deliveredOn]', shanghaiDateOf(wb.now()));
    await page.selectOption('form[data-action=recordLetterDelivery] select[name=way]', 'direct');
    await submitWithKeyboard(p, 'form[data-action=recordLetterDelivery]');
    await done(p, '已办理：送达登记');
    await expect.poll(() => page.textContent('#task-count')).toBe('3');
    // R17: the letters panel shows the notice delivered, and the PDF the party received downloads with the key.
    const notice = page.locator(`#letters-${caseId} tr[data-letter="${caseId}.L1"]`);
    await expect.poll(() => notice.locator('td.delivery').textContent()).toContain('直接送达');
    const [download] = await Promise.all([page.waitForEvent('download'), notice.locator('button.download').click()]);
    expect(download.suggestedFilename()).toBe(`${caseId}.L1.pdf`);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');
    await checkPage(p, '6-authority-pushed');
  });

  it('R5, R9: IMPLEMENTER acknowledges its measure; when the month has ended it reports on it by category', async () => {
    const p = await pageOf(who.implementer);
    const { page } = p;
    await page.waitForSelector('#task-list tbody tr[data-kind=acknowledgement]');
    await page.click('#task-list tbody tr[data-kind=acknowledgement] a');
    await page.waitForSelector('form[data-action=acknowledge]');
    await submitWithKeyboard(p, 'form[data-action=acknowledge]');
    await done(p, '已办理：签收');
    await expect.poll(() => page.textContent('#measures')).toContain('实施中');
    await checkPage(p, '7-implementer-acknowledged');

    // To the first days of the next month: R9's report on the month just ended is owed by the 7th.
    const month = shanghaiDateOf(wb.now()).slice(0, 7);
    const [y, m] = month.split('-').map(Number);
    const next = new Date(Date.UTC(m === 12 ? y + 1 : y, m % 12, 1, 2)); // 10:00 in Shanghai on the 1st
    await wb.skip(next.getTime() - wb.now().getTime(), pages);
    await eventually(async () => expect(await wb.dbh.db.select().from(steps)
      .where(and(eq(steps.kind, 'feedback'), eq(steps.agencyId, who.implementer.id), eq(steps.month, month)))).toHaveLength(1), 30_000);
    await page.goto(`${wb.base}/#/tasks`);
    await page.waitForSelector('#task-list tbody tr[data-kind=feedback]');
    expect(await page.textContent('#task-list tbody tr[data-kind=feedback] td.due')).toMatch(/^\d{4}-\d{2}-0[1-9] 止/);
    await checkPage(p, '8-implementer-feedback-due');
    await page.click('#task-list tbody tr[data-kind=feedback] a');
    await page.waitForSelector('#report-form');
    await tabTo(page, '[name="counts.marketBans"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1');
    await tabTo(page, '[name="enhancedSupervision"]');
    await page.keyboard.type('对该企业提高抽查比例，开展一次现场检查。');
    await tabTo(page, '[name="typicalCases"]');
    await page.keyboard.type('无');
    await submitWithKeyboard(p, '#report-form');
    await expect.poll(() => page.textContent('#report-result')).toContain(`已报送 ${month} 月度报告`);
    await eventually(async () => expect((await wb.dbh.db.select().from(steps)
      .where(and(eq(steps.kind, 'feedback'), eq(steps.agencyId, who.implementer.id), eq(steps.month, month))))[0].doneAt).not.toBeNull(), 30_000);
    await checkPage(p, '9-implementer-reported');
  });

  it('R11: CREDIT records the party\'s objection (the measures suspended); the producing ENFORCEMENT agency verifies and rejects it', async () => {
    const c = await pageOf(who.credit);
    await c.page.click('a[data-nav=targets]');
    await c.page.waitForSelector('#search');
    await tabTo(c.page, '#search input[name=q]');
    await c.page.keyboard.type(name);
    await c.page.keyboard.press('Enter');
    await c.page.click(`#target-list a[href="#/target/${targetId}"]`);
    await c.page.waitForSelector(`#case-${caseId} details[data-action=fileObjection]`);
    // CREDIT records it; it does not decide it (谁决定、谁负责).
    expect(await c.page.locator('form[data-action=decideObjection]').count()).toBe(0);
    await tabTo(c.page, `#case-${caseId} details[data-action=fileObjection] > summary`);
    await c.page.keyboard.press('Enter');
    await tabTo(c.page, 'form[data-action=fileObjection] textarea[name=reason]');
    await c.page.keyboard.type('当事人称处罚决定已被行政复议撤销，提供复议决定书。');
    await submitWithKeyboard(c, 'form[data-action=fileObjection]');
    await done(c, '已办理：受理异议');
    expect(await c.page.textContent('#open-steps')).toContain('异议核实');
    await expect.poll(() => c.page.textContent('#measures')).toContain('暂停');
    await checkPage(c, '10-credit-objection');

    const e = pages[0];
    await e.page.goto(`${wb.base}/#/tasks`);
    await e.page.waitForSelector('#task-list tbody tr[data-kind=objection_verification]');
    await checkPage(e, '11-enforcement-objection-task');
    await e.page.click('#task-list tbody tr[data-kind=objection_verification] a');
    await e.page.waitForSelector('form[data-action=decideObjection]');
    await arrowToOption(e.page, 'form[data-action=decideObjection] select[name=outcome]', '异议不成立');
    await tabTo(e.page, 'form[data-action=decideObjection] textarea[name=reason]');
    await e.page.keyboard.type('经核实，复议决定维持原处罚决定，异议不成立。');
    await submitWithKeyboard(e, 'form[data-action=decideObjection]');
    await done(e, '已办理：异议决定');
    await expect.poll(() => e.page.textContent('#measures')).not.toContain('暂停');
    await checkPage(e, '12-enforcement-objection-decided');
  });

  it('R12: ENFORCEMENT takes the party\'s credit-repair application and approves it: the measures are released', async () => {
    const e = pages[0];
    await tabTo(e.page, `#case-${caseId} details[data-action=fileRepair] > summary`);
    await e.page.keyboard.press('Enter');
    await submitWithKeyboard(e, 'form[data-action=fileRepair]');
    await done(e, '已办理：受理信用修复');
    await e.page.waitForSelector('form[data-action=decideRepair]');
    await checkPage(e, '13-enforcement-repair-filed');
    await arrowToOption(e.page, 'form[data-action=decideRepair] select[name=outcome]', '同意修复');
    await tabTo(e.page, 'form[data-action=decideRepair] textarea[name=reason]');
    await e.page.keyboard.type('当事人已履行处罚决定并公开作出信用承诺。');
    await submitWithKeyboard(e, 'form[data-action=decideRepair]');
    await done(e, '已办理：信用修复决定');
    await expect.poll(() => e.page.textContent('#measures')).toContain('信用修复');
    await checkPage(e, '14-enforcement-repaired');
    // R11: the revocation form (a cause changed or revoked by review, reconsideration or litigation) is there for the filer.
    await e.page.click(`#case-${caseId} details[data-action=recordCauseChange] > summary`);
    expect(await e.page.textContent('form[data-action=recordCauseChange]')).toMatch(/事由撤销或确认违法、无效[\s\S]*确认变更的文书[\s\S]*确认日期/);
    await checkPage(e, '15-enforcement-revocation-form');
  });

  it('R14: the supervisor reads the whole story in order, pages through the overdue board and reads the month', async () => {
    const p = await pageOf(who.supervisor);
    const { page } = p;
    await checkPage(p, '16-supervisor-tasks');
    await page.click('a[data-nav=targets]');
    await page.waitForSelector('#target-list');
    await page.fill('#search input[name=q]', name);
    await page.press('#search input[name=q]', 'Enter');
    await page.click(`#target-list a[href="#/target/${targetId}"]`);
    await page.waitForSelector('#timeline li');
    const kinds = await page.locator('#timeline li').evaluateAll((els) => els.map((e) => e.className));
    const story = ['case_pushed', 'case_received', 'pushed_to_implementers', 'acknowledged', 'report_received', 'objection_filed',
      'measures_suspended', 'objection_decided', 'measures_resumed', 'repair_filed', 'repair_decided', 'measure_released'];
    const at = story.map((k) => kinds.indexOf(k));
    expect(at.every((i) => i >= 0), `timeline kinds: ${kinds.join(' ')}`).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(await page.locator('form').count()).toBe(0); // a supervisor reads; it has no action to take
    await checkPage(p, '17-supervisor-story');

    await page.goto(`${wb.base}/#/overdue?limit=1`);
    await page.waitForSelector('#overdue-board tbody tr');
    expect(await page.locator('#overdue-board tbody tr').count()).toBe(1);
    expect(await page.textContent('.pager')).toMatch(/共 [2-9]\d* 项，第 1–1 项/);
    await checkPage(p, '18-supervisor-overdue-1');
    await page.click('.pager a[rel=next]');
    await expect.poll(() => page.textContent('.pager')).toMatch(/第 2–2 项/);
    await checkPage(p, '19-supervisor-overdue-2');
    await page.click('a[data-nav=stats]');
    await page.waitForSelector('#stats-agencies');
    await checkPage(p, '20-supervisor-stats');
  });

  it('no page of any journey logged a console error or an uncaught exception', () => {
    for (const p of pages) expect(p.errors).toEqual([]);
  });
});
