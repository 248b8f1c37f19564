// R15 tiered lists by score, through the HTTP API on the Java time-skipping server with the real
// activities and a database of this suite's own (the API's clock follows the server's): policies
// proposed by ADMIN and reviewed by CREDIT and LEGAL, acts recorded, the score explained, and a
// tier change carried through the loop (receipt, push, acknowledgement, release). The made-up
// regime, which skips months: scoring-regime-http.timeskipping.test.ts.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, cases, letters, steps } from '../../db/schema';
import { addDays } from '../../domain/dates';
import { periodEnd } from '../../domain/periods';
import { scoringPolicyReviewWorkflowId } from '../../workflows/messages';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { fixtureUrl, policyUrl } from '../support/scoring';
import { file, scoringSuite } from '../support/scoring-http';

const { h, adopt, act, carryOut, measureRow } = scoringSuite();
const { skipTo, today, post, get } = h;
const {
  admin, credit, legal, creditAndLegal, authority, otherAuthority, enforcement, enforcement2, implementer, adminAndCredit,
  enforcementElsewhere, nationalCredit,
} = h.agencies;

describe('R15 scoring policies are reviewed like list changes (R1)', () => {
  it('R15: a policy file is refused naming the JSON path; a taken version is refused; CREDIT and LEGAL must be two agencies', async () => {
    const broken = file(policyUrl('nanning-urban-credit.json'));
    delete (broken.tiers as Record<string, unknown>[])[1].minPoints;
    const refused = await post('/scoring-policies', admin, { policy: broken, authority: authority.id, reason: 'x试' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'policy.tiers[1].minPoints', message: expect.stringMatching(/is required/) });
    const notAuthority = await post('/scoring-policies', admin, { policy: file(policyUrl('nanning-urban-credit.json')), authority: credit.id, reason: '施行' });
    expect(notAuthority.json()).toMatchObject({ field: 'authority' });
    expect((await post('/scoring-policies', authority, { policy: {}, authority: authority.id, reason: '施行' })).statusCode).toBe(403);
    // R1: the agency that proposed a policy does not review it.
    const own = await post('/scoring-policies', adminAndCredit, { policy: { ...file(fixtureUrl('made-up-regime.json')), id: 'own-proposal' }, authority: authority.id, reason: '试行' });
    expect(own.statusCode, own.body).toBe(202);
    const ownDecision = await post(`/scoring-policies/${own.json().changeId}/decision`, adminAndCredit, { approve: true });
    expect(ownDecision.statusCode).toBe(403);
    expect(ownDecision.json()).toMatchObject({ field: 'changeId', message: expect.stringMatching(/proposed this policy/) });
    expect((await post(`/scoring-policies/${own.json().changeId}/decision`, legal, { approve: false, reason: '撤回' })).statusCode).toBe(200);

    const trial = { ...file(fixtureUrl('made-up-regime.json')), id: 'review-trial' };
    const proposed = await post('/scoring-policies', admin, { policy: trial, authority: authority.id, reason: '试行' });
    expect(proposed.statusCode, proposed.body).toBe(202);
    const { changeId, workflowId } = proposed.json();
    expect(workflowId).toBe(scoringPolicyReviewWorkflowId(changeId));
    const again = await post('/scoring-policies', admin, { policy: trial, authority: authority.id, reason: '试行' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ field: 'policy.version' });

    expect((await post(`/scoring-policies/${changeId}/decision`, creditAndLegal, { approve: true, role: 'CREDIT' })).statusCode).toBe(200);
    const twice = await post(`/scoring-policies/${changeId}/decision`, creditAndLegal, { approve: true, role: 'LEGAL' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toMatch(/two different agencies/);
    expect((await get(`/scoring-policies/${changeId}`, admin)).json()).toMatchObject({ status: 'under_review', legalDecision: null });

    // 10 working days without LEGAL: the review step is overdue and the reviewers still to decide are reminded (R14).
    await skipTo(h.clock + 20 * 86_400_000);
    await eventually(async () => {
      const [row] = await h.dbh.db.select().from(steps).where(eq(steps.changeId, changeId));
      expect(row).toMatchObject({ kind: 'policy_review', rule: 'R15', doneAt: null });
      expect(row.overdueAt).not.toBeNull();
    });
    const rejected = await post(`/scoring-policies/${changeId}/decision`, legal, { approve: false, reason: '分值设置缺乏依据' });
    expect(rejected.statusCode).toBe(200);
    // Waiting on result() would let the test server skip time to its horizon (years): poll the record instead.
    await eventually(async () => expect((await get(`/scoring-policies/${changeId}`, admin)).json()).toMatchObject({ status: 'rejected', legalDecision: { approve: false } }));
    await eventually(async () => expect((await h.env.client.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED'));
    await recordHistory(h.env.client.workflow.getHandle(workflowId), 'scoring-policy-review');
  });
});

describe('R15 acts, the score and the tier through the loop', () => {
  it('R15: Nanning — the score explains each act; 10 points list yellow through the loop; 20 upgrade to red and release yellow', async () => {
    await adopt(file(policyUrl('nanning-urban-credit.json')));
    const D = today();
    const first = await act(1, 'nanning-urban-management', 'heavier', addDays(D, -20), '邕城管罚〔2026〕1号');
    expect(first.statusCode, first.body).toBe(201);
    const { targetId } = first.json();
    expect(first.json().loop.detail).toMatchObject({ score: 3, tier: null, filed: null });
    expect((await act(1, 'nanning-urban-management', 'serious', addDays(D, -10), '邕城管罚〔2026〕2号')).json().loop.detail).toMatchObject({ score: 9, tier: null });
    const listed = await act(1, 'nanning-urban-management', 'minor', addDays(D, -5), '邕城管罚〔2026〕3号');
    expect(listed.statusCode, listed.body).toBe(201);
    const yellowUntil = periodEnd(addDays(D, -5), { years: 1 });
    expect(listed.json().loop.detail).toMatchObject({ score: 10, tier: 'yellow', listing: { from: addDays(D, -5), until: yellowUntil } });
    const yellowCase = listed.json().loop.detail.filed.caseId as string;
    expect(listed.json().loop.detail.filed.opened.map((s: { kind: string; agencyId: string }) => [s.kind, s.agencyId]))
      .toEqual([['receipt', authority.id], ['implementer_push', authority.id], ['letter_delivery', authority.id]]);
    // R17: the notice the AUTHORITY delivers is the tier's own (002 篇四 第十二条).
    expect((await h.dbh.db.select().from(letters).where(eq(letters.caseId, yellowCase)))[0].content).toMatchObject({ title: '书面失信提醒' });

    const score = (await get(`/targets/${targetId}/score`, credit)).json();
    expect(score).toMatchObject({
      policy: { id: 'nanning-urban-management', version: 1, firstScoredUnder: 1 }, at: D, score: 10,
      tier: { code: 'yellow', label: '失信黄名单', from: addDays(D, -5), until: yellowUntil, validitySource: '002 篇四 第十四条', cause: { kind: 'points', score: 10, threshold: 10 } },
    });
    expect(score.acts.map((a: { class: string; points: number; ruleId: string; document: { number: string } }) => [a.class, a.points, a.ruleId, a.document.number])).toEqual([
      ['heavier', 3, 'NN-7-heavier', '邕城管罚〔2026〕1号'], ['serious', 6, 'NN-7-serious', '邕城管罚〔2026〕2号'], ['minor', 1, 'NN-7-minor', '邕城管罚〔2026〕3号'],
    ]);
    expect(score.thresholds.map((t: { tier: string; crossed: boolean }) => [t.tier, t.crossed])).toEqual([['yellow', true], ['red', false], ['black', false]]);
    // Scored before the listing: no tier.
    expect((await get(`/targets/${targetId}/score?at=${addDays(D, -6)}`, credit)).json()).toMatchObject({ score: 9, tier: null });

    const [filed] = await h.dbh.db.select().from(cases).where(eq(cases.id, yellowCase));
    expect(filed).toMatchObject({ source: 'score_tier', authorityId: authority.id, pushedBy: enforcement.id, status: 'pushed' });
    expect(filed.measures).toMatchObject([{ code: 'ES-R8-KEY-TARGET', period: { years: 1 }, tier: { until: yellowUntil } }]);
    await carryOut(yellowCase, ['ES-R8-KEY-TARGET']);
    expect(await measureRow(yellowCase, 'ES-R8-KEY-TARGET')).toMatchObject({ status: 'active', activeFrom: D, periodEnd: yellowUntil });

    expect((await act(1, 'nanning-urban-management', 'serious', D, '邕城管罚〔2026〕4号')).json().loop.detail).toMatchObject({ score: 16, tier: 'yellow', filed: null });
    const upgraded = await act(1, 'nanning-urban-management', 'serious', D, '邕城管罚〔2026〕5号');
    expect(upgraded.statusCode, upgraded.body).toBe(201);
    const detail = upgraded.json().loop.detail;
    expect(detail).toMatchObject({ score: 22, tier: 'red', listing: { from: D, until: periodEnd(D, { years: 1 }) } });
    expect(detail.ended).toMatchObject([{ tier: 'yellow', caseId: yellowCase, reason: 'superseded', lastDay: addDays(D, -1), released: ['ES-R8-KEY-TARGET'] }]);
    expect(await measureRow(yellowCase, 'ES-R8-KEY-TARGET')).toMatchObject({ status: 'released', releaseReason: 'tier_ended' });
    expect((await h.dbh.db.select().from(cases).where(eq(cases.id, yellowCase)))[0].status).toBe('released');
    const redCase = detail.filed.caseId as string;
    await carryOut(redCase, ['ES-R8-KEY-TARGET']);
    expect(await measureRow(redCase, 'ES-R8-KEY-TARGET')).toMatchObject({ status: 'active', periodEnd: periodEnd(D, { years: 1 }) });

    const view = (await get(`/targets/${targetId}`, authority)).json();
    expect(view.cases.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[yellowCase, 'released'], [redCase, 'implementing']]);
    const story = (await get(`/targets/${targetId}/history`, authority)).json().items as { kind: string; summary: string }[];
    expect(story.filter((l) => l.kind.startsWith('tier_')).map((l) => l.summary)).toEqual([
      `计分 10 分，达到 10 分（002 篇四 第九条），自 ${addDays(D, -5)} 起列入失信黄名单（至 ${yellowUntil}），措施 「列为重点监管对象」 推送业务主管机构`,
      expect.stringMatching(/^失信黄名单（.+ 起）因升入更高等级于 .+ 结束，解除措施 「/),
      expect.stringMatching(/^计分 22 分，达到 20 分（002 篇四 第九条），自 .+ 起列入失信红名单/),
    ]);
    expect(story.map((l) => l.kind)).toContain('act_recorded');

    // Who reads the score: the AUTHORITY the tier cases went to; not another AUTHORITY or an implementer with no case of it.
    expect((await get(`/targets/${targetId}/score`, authority)).statusCode).toBe(200);
    expect((await get(`/targets/${targetId}/score`, otherAuthority)).statusCode).toBe(403);
    expect((await get(`/targets/${targetId}/score`, implementer)).statusCode).toBe(403);
  });

  it('R15: urban management — three penalties for one item count 12 and a serious item counts 12, each rule named by /score; black goes up level by level', async () => {
    await adopt(file(policyUrl('urban-management-credit.json')));
    const D = today();
    for (const [i, doc] of ['〔2026〕11号', '〔2026〕12号'].entries()) {
      expect((await act(2, 'urban-management-mohurd-2018', 'general', addDays(D, i - 3), doc)).statusCode).toBe(201);
    }
    const third = await act(2, 'urban-management-mohurd-2018', 'general', addDays(D, -1), '〔2026〕13号');
    expect(third.json().loop.detail).toMatchObject({ score: 12, tier: 'black', ended: [{ tier: 'general', reason: 'superseded' }] });
    const { targetId } = third.json();
    const score = (await get(`/targets/${targetId}/score`, credit)).json();
    expect(score).toMatchObject({ score: 12, tier: { code: 'black', label: '严重失信名单(黑名单)' }, window: { kind: 'naturalYear' } });
    expect(score.acts.map((a: { points: number; ruleId: string }) => [a.points, a.ruleId])).toEqual([
      [2, 'UM-6(1)-general'], [2, 'UM-6(1)-general'], [8, 'UM-6(2)-three-penalties'],
    ]);
    expect(score.acts[2].note).toBe('penalty 3 of 3 for item item-A: the group counts 12 (UM-6(2)-three-penalties)');
    // The black list's measure is carried out outside the local system: reported up level by level (R4), never pushed.
    const black = third.json().loop.detail.filed;
    expect(black.opened.map((s: { kind: string }) => s.kind)).toEqual(['receipt', 'upward_report', 'letter_delivery']);
    expect((await h.dbh.db.select().from(letters).where(eq(letters.caseId, black.caseId)))[0].content).toMatchObject({ title: '严重失信行为通知书' });

    const serious = await act(3, 'urban-management-mohurd-2018', 'serious', D, '〔2026〕14号');
    expect(serious.json().loop.detail).toMatchObject({ score: 12, tier: 'black' });
    const one = (await get(`/targets/${serious.json().targetId}/score`, credit)).json();
    expect(one.acts).toMatchObject([{ class: 'serious', points: 12, ruleId: 'UM-6(3)-serious-item', source: '002 篇十三 第六条(三)' }]);
  });

  it('R15: an act is refused naming its field; recorded twice it is one act; another agency or policy cannot take it', async () => {
    const D = today();
    const nn = 'nanning-urban-management';
    expect((await act(4, nn, 'minor', addDays(D, 1), 'V1')).json()).toMatchObject({ field: 'date', message: expect.stringMatching(/future/) });
    expect((await act(4, nn, 'gross', D, 'V1')).json()).toMatchObject({ field: 'class', message: expect.stringMatching(/minor, heavier, serious/) });
    expect((await act(4, 'no-such-policy', 'minor', D, 'V1')).json()).toMatchObject({ field: 'policyId' });
    expect((await act(4, nn, 'minor', D, 'V1', { correctionDueOn: addDays(D, -1) })).json()).toMatchObject({ field: 'correctionDueOn' });
    expect((await post('/acts', implementer, {})).statusCode).toBe(403);

    const recorded = await act(4, nn, 'minor', D, '邕城管罚〔2026〕V1号', {}, enforcement, );
    expect(recorded.statusCode, recorded.body).toBe(201);
    const again = await act(4, nn, 'minor', D, '邕城管罚(2026)V1号'); // the same number, written with other brackets
    expect(again.statusCode).toBe(200);
    expect(again.json().act.actId).toBe(recorded.json().act.actId);
    expect((await act(4, nn, 'heavier', D, '邕城管罚〔2026〕V1号')).json()).toMatchObject({ field: 'document.number', message: expect.stringMatching(/other facts/) });
    expect((await act(4, nn, 'minor', D, '邕城管罚〔2026〕V1号', {}, enforcement2)).json()).toMatchObject({ field: 'document.number', message: expect.stringMatching(/another agency/) });
    expect((await act(4, 'urban-management-mohurd-2018', 'general', D, 'V2')).json()).toMatchObject({ field: 'policyId', message: expect.stringMatching(/scored under nanning/) });
    const keyed = await act(4, nn, 'minor', D, 'V3', {}, enforcement);
    const key = { 'idempotency-key': 'act-key-1' };
    const withKey = await post(`/targets/${keyed.json().targetId}/acts`, enforcement, { policyId: nn, class: 'minor', item: 'item-B', date: D, document: { number: 'V4', issuer: 'x' } }, key);
    expect(withKey.statusCode).toBe(201);
    const reused = await post(`/targets/${keyed.json().targetId}/acts`, enforcement, { policyId: nn, class: 'minor', item: 'item-C', date: D, document: { number: 'V5', issuer: 'x' } }, key);
    expect(reused.statusCode).toBe(422);
  });

  it('R15: a score is read whole: an agency that sees every act or a case its tiers filed reads it; another region\'s recorder learns only that its act was taken', async () => {
    const D = today();
    const nn = 'nanning-urban-management';
    const first = await act(5, nn, 'heavier', D, '杭城管罚〔2026〕S1号');
    const { targetId } = first.json();
    expect(first.json().loop.detail).toMatchObject({ score: 3 });
    expect((await get(`/targets/${targetId}/score`, credit)).statusCode).toBe(200);
    // An act recorded in Nanning (450100): the Hangzhou reader no longer sees every act, and the recorder not the Hangzhou one.
    const elsewhere = await act(5, nn, 'serious', D, '邕城管罚〔2026〕S2号', {}, enforcementElsewhere);
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    expect(elsewhere.json().loop).toMatchObject({ action: 'scoreTarget', detail: null, opened: [] });
    expect((await get(`/targets/${targetId}/score`, credit)).statusCode).toBe(403);
    expect((await get(`/targets/${targetId}/score`, enforcementElsewhere)).statusCode).toBe(403);
    const whole = await get(`/targets/${targetId}/score`, nationalCredit);
    expect(whole.statusCode).toBe(200);
    expect(whole.json()).toMatchObject({ score: 9, tier: null });
    // Listed (10 points): the tier's case stands in the region of its AUTHORITY, so the Hangzhou reader reads the score again.
    expect((await act(5, nn, 'minor', D, '杭城管罚〔2026〕S3号')).json().loop.detail).toMatchObject({ score: 10, tier: 'yellow' });
    expect((await get(`/targets/${targetId}/score`, credit)).json()).toMatchObject({ score: 10, tier: { code: 'yellow' } });
    const [line] = await h.dbh.db.select().from(auditLog).where(and(eq(auditLog.action, 'target.score_read'), eq(auditLog.actorAgencyId, nationalCredit.id)));
    expect(line).toMatchObject({ targetId, detail: { at: D, acts: 2 } });
  });
});

describe('R15 policy versions', () => {
  it('R15: a target keeps the version it was first scored under; a new version scores the targets first scored after it', async () => {
    const D = today();
    const nn = 'nanning-urban-management';
    expect((await act(6, nn, 'heavier', D, '邕城管罚〔2026〕W1号')).json().loop.detail).toMatchObject({ policy: { version: 1 }, score: 3, tier: null });
    // Version 2 (made up for the test) lists yellow from 3 points.
    const v2: Record<string, unknown> = { ...file(policyUrl('nanning-urban-credit.json')), version: 2 };
    (v2.tiers as { minPoints: number }[])[0].minPoints = 3;
    await adopt(v2);
    const kept = await act(6, nn, 'heavier', D, '邕城管罚〔2026〕W2号');
    expect(kept.json().loop.detail).toMatchObject({ policy: { version: 1 }, score: 6, tier: null });
    expect((await get(`/targets/${kept.json().targetId}/score`, credit)).json().policy).toMatchObject({ version: 1, firstScoredUnder: 1, rescored: false });
    const fresh = await act(7, nn, 'heavier', D, '邕城管罚〔2026〕W3号');
    expect(fresh.json().loop.detail).toMatchObject({ policy: { version: 2 }, score: 3, tier: 'yellow' });
    expect((await get(`/targets/${fresh.json().targetId}/score`, credit)).json()).toMatchObject({
      policy: { version: 2, firstScoredUnder: 2 }, tier: { code: 'yellow', cause: { kind: 'points', threshold: 3 } },
    });
  });
});
