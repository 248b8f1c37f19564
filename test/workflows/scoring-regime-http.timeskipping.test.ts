// R15 a third regime from a file, through the HTTP API on the Java time-skipping server with the
// real activities and a database of this suite's own (the API's clock follows the server's): a
// made-up regime added with no code change lists a target through the loop; it skips months. The
// shipped regimes: scoring-http.timeskipping.test.ts.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases } from '../../db/schema';
import { addDays } from '../../domain/dates';
import { periodEnd } from '../../domain/periods';
import { targetWorkflowId } from '../../workflows/messages';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { fixtureUrl } from '../support/scoring';
import { file, scoringSuite } from '../support/scoring-http';

const { h, adopt, act, carryOut, measureRow } = scoringSuite();
const { skipTo, today, post, get } = h;
const { credit, enforcement, enforcement2 } = h.agencies;

describe('R15 a third regime from a file', () => {
  it('R15: a made-up regime, added by a file and a CREDIT/LEGAL review with no code change, lists a target through the loop: watch, escalated, expired (R10), listed anew, ended by a falling score', async () => {
    const changeId = await adopt(file(fixtureUrl('made-up-regime.json')));
    expect((await get(`/scoring-policies/${changeId}`, enforcement)).json()).toMatchObject({ policyId: 'made-up-harbour-permits', version: 1, status: 'effective' });
    const D = today();
    const mu = 'made-up-harbour-permits';
    const a1 = await act(9, mu, 'late-filing', D, '港罚〔2026〕1号');
    expect(a1.json().loop.detail).toMatchObject({ score: 5, tier: null });
    const a2 = await act(9, mu, 'late-filing', D, '港罚〔2026〕2号');
    const { targetId } = a2.json();
    // Two late filings of one item count 12 together: the watch list, valid while the score qualifies.
    expect(a2.json().loop.detail).toMatchObject({ score: 12, tier: 'watch', listing: { until: null }, nextChangeOn: addDays(D, 31) });
    const watchCase = a2.json().loop.detail.filed.caseId as string;
    await carryOut(watchCase, ['ES-R8-RANDOM-CHECK-UP']);
    expect(await measureRow(watchCase, 'ES-R8-RANDOM-CHECK-UP')).toMatchObject({ status: 'active', periodEnd: null });
    const explained = (await get(`/targets/${targetId}/score`, credit)).json();
    expect(explained.acts.map((a: { points: number; ruleId: string }) => [a.points, a.ruleId])).toEqual([[5, 'MU-3-late'], [7, 'MU-4-twice']]);
    expect(explained.converted).toMatchObject({ value: 30, localTotal: 100 });

    // Not corrected within 30 days of the watch listing: restricted for 90 days; the watch measures are released.
    await skipTo(Date.parse(`${addDays(D, 31)}T09:00:00+08:00`));
    const restrictedCase = await eventually(async () => {
      const rows = await h.dbh.db.select().from(cases).where(and(eq(cases.targetId, targetId), eq(cases.source, 'score_tier')));
      expect(rows).toHaveLength(2);
      return rows.find((c) => c.id !== watchCase)!.id;
    });
    expect(await measureRow(watchCase, 'ES-R8-RANDOM-CHECK-UP')).toMatchObject({ status: 'released', releaseReason: 'tier_ended' });
    await carryOut(restrictedCase, ['ES-R8-KEY-TARGET']);
    const restrictedUntil = periodEnd(addDays(D, 31), { days: 90 });
    expect(await measureRow(restrictedCase, 'ES-R8-KEY-TARGET')).toMatchObject({ status: 'active', periodEnd: restrictedUntil });
    expect((await get(`/targets/${targetId}/score`, credit)).json().tier).toMatchObject({
      code: 'restricted', from: addDays(D, 31), until: restrictedUntil, cause: { kind: 'escalation', escalationId: 'MU-9-uncorrected' },
    });
    // Corrected now: too late for the first watch listing, in time for the next one.
    for (const a of [a1, a2]) {
      const corrected = await post(`/targets/${targetId}/acts/${a.json().act.actId}/correction`, enforcement, { correctedOn: today() });
      expect(corrected.statusCode, corrected.body).toBe(200);
      expect(corrected.json().loop.detail).toMatchObject({ tier: 'restricted', filed: null, ended: [] });
    }
    expect((await post(`/targets/${targetId}/acts/${a1.json().act.actId}/correction`, enforcement2, { correctedOn: today() })).statusCode).toBe(403);

    // The 90 days run out: the measure ends with its period (R10); the acts still count 12, so the watch list starts anew.
    await skipTo(Date.parse(`${addDays(restrictedUntil, 1)}T09:00:00+08:00`));
    const relisted = await eventually(async () => {
      expect(await measureRow(restrictedCase, 'ES-R8-KEY-TARGET')).toMatchObject({ status: 'released', releaseReason: 'period_end' });
      const rows = await h.dbh.db.select().from(cases).where(and(eq(cases.targetId, targetId), eq(cases.source, 'score_tier')));
      expect(rows).toHaveLength(3);
      return rows.find((c) => c.id !== watchCase && c.id !== restrictedCase)!;
    });
    expect(relisted.issuedOn).toBe(addDays(restrictedUntil, 1));
    await carryOut(relisted.id, ['ES-R8-RANDOM-CHECK-UP']);

    // Six months after the acts they leave the window: below 10, the watch listing ends and its measure is released.
    const outOfWindow = addDays(periodEnd(D, { months: 6 }), 1);
    await skipTo(Date.parse(`${outOfWindow}T09:00:00+08:00`));
    await eventually(async () => expect(await measureRow(relisted.id, 'ES-R8-RANDOM-CHECK-UP')).toMatchObject({ status: 'released', releaseReason: 'tier_ended' }));
    expect((await get(`/targets/${targetId}/score`, credit)).json()).toMatchObject({ score: 0, tier: null });
    const story = (await get(`/targets/${targetId}/history`, credit)).json().items as { kind: string; summary: string }[];
    expect(story.filter((l) => l.kind === 'tier_ended').map((l) => l.summary)).toEqual([
      expect.stringMatching(/^watch list（.*因升入更高等级/), expect.stringMatching(/^restricted list（.*因有效期届满/), expect.stringMatching(/^watch list（.*因分值降至标准以下/),
    ]);
    const state = await h.env.client.workflow.getHandle(targetWorkflowId(targetId)).query('targetState') as { steps: { kind: string }[] };
    expect(state.steps.map((s) => s.kind)).not.toContain('tier_review');
    await recordHistory(h.env.client.workflow.getHandle(targetWorkflowId(targetId)), 'target-score-tiers');
  }, 180_000); // about 26 s alone; several minutes of simulated years beside other suites
});
