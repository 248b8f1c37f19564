// R13 persons as targets of their own, through the HTTP API on the Java time-skipping server with
// the real activities and a database of this suite's own: an enterprise's case with two persons
// and a measure on persons gives each person a target and a derived case run by its own workflow;
// agencies in scope find them, others do not; a later enterprise's case naming the same person
// shows both; the enterprise's fallen cause (R11) releases the persons' measures in their own
// workflows; a retried filing creates nothing twice; the public query shows nothing of persons.
// The crash, a person's own clock and a closed loop: persons-loop-http.timeskipping.test.ts.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { caseMeasures, cases, journal, steps, targets } from '../../db/schema';
import { derivedCaseId } from '../../domain/persons';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { creditCodeOf } from '../support/identities';
import { ADVERSE, LI, OFFICE_BAN, person, personsSuite, ZHANG } from '../support/persons';

const { h, filing } = personsSuite();
const { today, post, get } = h;
const { authority, enforcement, supervisor, credit, ningboCredit, approval, gsxt } = h.agencies;

let first: { caseId: string; targetId: string };

describe('R13 persons as targets of their own', () => {
  it("R13: an enterprise's case with two persons and a measure on persons gives each a target with its own open steps; a retry creates nothing twice", async () => {
    const body = filing(1, [{ role: 'legal_representative', idNumber: ZHANG, name: '张三' }, { role: 'principal', idNumber: LI, name: '李四' }]);
    const filed = await post('/cases', enforcement, body, { 'idempotency-key': 'persons-1' });
    expect(filed.statusCode, filed.body).toBe(201);
    first = filed.json();
    const derived = [person(ZHANG), person(LI)].map((p) => derivedCaseId(first.caseId, p));
    expect(filed.json().persons).toEqual(expect.arrayContaining([{ targetId: person(ZHANG), caseId: derived[0] }, { targetId: person(LI), caseId: derived[1] }]));
    expect(filed.json().persons).toHaveLength(2);

    // The enterprise keeps its own measure; the measure on persons is each person's.
    const enterprise = (await get(`/targets/${first.targetId}?live=true`, supervisor)).json();
    const own = enterprise.cases.find((c: { id: string }) => c.id === first.caseId);
    expect(own.measures.map((m: { code: string }) => m.code)).toEqual([ADVERSE]);
    expect(own.persons).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: '张三', role: 'legal_representative', personTargetId: person(ZHANG), personCaseId: derived[0], idNumber: expect.stringContaining('********') }),
      expect.objectContaining({ name: '李四', role: 'principal', personTargetId: person(LI), personCaseId: derived[1] }),
    ]));
    expect(enterprise.workflow.cases[0].persons).toEqual(expect.arrayContaining([{ targetId: person(ZHANG), caseId: derived[0] }, { targetId: person(LI), caseId: derived[1] }]));

    for (const [i, idNumber] of [ZHANG, LI].entries()) {
      const read = await get(`/targets/${person(idNumber)}?live=true`, supervisor);
      expect(read.statusCode, read.body).toBe(200);
      const p = read.json();
      expect(p).toMatchObject({ kind: 'person', name: i === 0 ? '张三' : '李四', idNumber: `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`, workflowStatus: 'running' });
      expect(read.body).not.toContain(idNumber);
      expect(p.cases).toEqual([expect.objectContaining({
        id: derived[i], derivedFrom: first.caseId, documentNumber: '杭市管罚〔2026〕P1号', pushedBy: enforcement.id, authorityId: authority.id,
        measures: [expect.objectContaining({ code: OFFICE_BAN })],
      })]);
      expect(p.workflow.cases[0]).toMatchObject({ caseId: derived[i], derivedFrom: { caseId: first.caseId, targetId: first.targetId }, originatorId: enforcement.id });
      // Its own loop: the AUTHORITY owes its receipt, its push to implementers and the person's notice (R17).
      expect(p.openSteps.map((s: { kind: string; caseId: string; agencyId: string }) => [s.kind, s.caseId, s.agencyId])).toEqual([
        ['receipt', derived[i], authority.id], ['implementer_push', derived[i], authority.id], ['letter_delivery', derived[i], authority.id],
      ]);
    }

    // The enterprise's story tells of each hand-over.
    const story = (await get(`/targets/${first.targetId}/history`, supervisor)).json().items.filter((i: { kind: string }) => i.kind === 'person_case_filed');
    expect(story.map((i: { summary: string }) => i.summary).sort()).toEqual([
      `案件 杭市管罚〔2026〕P1号 所列法定代表人 张三 的措施 「3年内不得担任其他企业的法定代表人、负责人」 另立人员案件 ${derived[0]}，由其本人的闭环办理（R13）`,
      `案件 杭市管罚〔2026〕P1号 所列主要负责人 李四 的措施 「3年内不得担任其他企业的法定代表人、负责人」 另立人员案件 ${derived[1]}，由其本人的闭环办理（R13）`,
    ].sort());
    expect(story.every((i: { rule: string; agencyId: string }) => i.rule === 'R13' && i.agencyId === enforcement.id)).toBe(true);

    // A retry of the same POST /cases (with or without the same key) files nothing twice.
    for (const key of ['persons-1', 'persons-1-again']) {
      const again = await post('/cases', enforcement, body, { 'idempotency-key': key });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ caseId: first.caseId, persons: filed.json().persons });
    }
    const rows = await h.dbh.db.select().from(cases).where(eq(cases.derivedFrom, first.caseId));
    expect(rows.map((r) => r.id).sort()).toEqual([...derived].sort());
    expect(await h.dbh.db.select().from(targets).where(inArray(targets.id, [person(ZHANG), person(LI)]))).toHaveLength(2);
    const pushedLines = await h.dbh.db.select().from(journal).where(and(inArray(journal.caseId, derived), eq(journal.kind, 'case_pushed')));
    expect(pushedLines).toHaveLength(2);
    const [{ n }] = await h.dbh.db.select({ n: sql<number>`count(*)::int` }).from(steps).where(inArray(steps.caseId, derived));
    expect(n).toBe(6);
    for (const idNumber of [ZHANG, LI]) {
      const state = (await get(`/targets/${person(idNumber)}?live=true`, supervisor)).json().workflow;
      expect(state.cases).toHaveLength(1);
    }
    // No push of its own: the person's case was pushed with the enterprise's.
    expect(await h.dbh.db.select().from(steps).where(and(inArray(steps.caseId, derived), eq(steps.kind, 'push')))).toEqual([]);
  });

  it('issue 17: GET /targets/:id reads PostgreSQL without querying the workflow unless live=true', async () => {
    const queried = vi.spyOn(h.app.deps.temporal.workflow, 'getHandle');
    type Step = { key: string; kind: string; dueAt: string; caseId: string | null; agencyId: string | null };
    const shape = (list: Step[]) => list.map((s) => [s.key, s.kind, s.dueAt, s.caseId, s.agencyId]).sort();
    try {
      for (const targetId of [first.targetId, person(ZHANG)]) {
        queried.mockClear();
        const stored = await get(`/targets/${targetId}`, supervisor);
        expect(stored.statusCode, stored.body).toBe(200);
        expect(queried).not.toHaveBeenCalled();
        const live = await get(`/targets/${targetId}?live=true`, supervisor);
        expect(queried).toHaveBeenCalledTimes(1);
        const { workflow, workflowStatus, openSteps, timers, overdue, ...rest } = stored.json();
        expect({ workflow, workflowStatus }).toEqual({ workflow: null, workflowStatus: 'not_read' });
        const fromEngine = live.json();
        expect(fromEngine).toMatchObject({ workflowStatus: 'running', workflow: expect.objectContaining({ targetId }) });
        // The open steps PostgreSQL holds are the workflow's: same keys, kinds, due instants, cases and agencies.
        expect(openSteps.length).toBeGreaterThan(0);
        expect(shape(openSteps)).toEqual(shape(fromEngine.openSteps));
        expect(shape(timers)).toEqual(shape(fromEngine.timers));
        expect(shape(overdue)).toEqual(shape(fromEngine.overdue));
        // Every other field identical in both modes.
        const { workflow: _w, workflowStatus: _s, openSteps: _o, timers: _t, overdue: _d, ...liveRest } = fromEngine;
        expect(rest).toEqual(liveRest);
      }
    } finally {
      queried.mockRestore();
    }
    // R13: a person's case names the enterprise case it was taken from and its target, without the workflow.
    const zhang = (await get(`/targets/${person(ZHANG)}`, supervisor)).json();
    expect(zhang.cases[0]).toMatchObject({ derivedFrom: first.caseId, derivedFromTargetId: first.targetId });
    expect((await get(`/targets/${person(ZHANG)}?live=maybe`, supervisor)).json()).toMatchObject({ field: 'live' });
  });

  it('R13: an agency in scope finds the persons of an enterprise case, one of another region does not', async () => {
    const found = await get(`/targets?personsOf=${first.caseId}`, credit);
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().total).toBe(2);
    expect(found.json().items.map((i: { targetId: string; kind: string }) => [i.targetId, i.kind]).sort()).toEqual([[person(LI), 'person'], [person(ZHANG), 'person']].sort());
    expect(found.body).not.toContain(ZHANG);
    expect(found.json().items.find((i: { targetId: string }) => i.targetId === person(ZHANG)).idNumber).toBe(`${ZHANG.slice(0, 6)}********${ZHANG.slice(14)}`);
    const byName = (await get('/targets?q=张三&kind=person', supervisor)).json();
    expect(byName.items.map((i: { targetId: string }) => i.targetId)).toEqual([person(ZHANG)]);

    const outside = await get(`/targets?personsOf=${first.caseId}`, ningboCredit);
    expect(outside.statusCode).toBe(200);
    expect(outside.json()).toMatchObject({ total: 0, items: [] });
    expect((await get('/targets?q=张三&kind=person', ningboCredit)).json().total).toBe(0);
    expect((await get(`/targets/${person(ZHANG)}`, ningboCredit)).statusCode).toBe(403);
  });

  it("R13: the person's measure runs its own loop: pushed, acknowledged, in force on the person's target", async () => {
    const mine = derivedCaseId(first.caseId, person(ZHANG));
    const pushed = await post(`/cases/${mine}/implementers`, authority, { implementers: [{ agencyId: approval.id, measures: [OFFICE_BAN] }] });
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.json().opened).toMatchObject([{ kind: 'acknowledgement', agencyId: approval.id, caseId: mine }]);
    const ack = await post(`/cases/${mine}/acknowledgement`, approval);
    expect(ack.statusCode, ack.body).toBe(200);
    const [row] = await h.dbh.db.select().from(caseMeasures).where(and(eq(caseMeasures.caseId, mine), eq(caseMeasures.code, OFFICE_BAN)));
    expect(row).toMatchObject({ status: 'active', implementerId: approval.id, activeFrom: today() });
    // The enterprise's own measure is in force on the enterprise, published (R8); the public sees nothing of its persons.
    expect((await post(`/cases/${first.caseId}/implementers`, authority, { implementers: [{ agencyId: authority.id, measures: [ADVERSE] }] })).statusCode).toBe(200);
    expect((await post(`/cases/${first.caseId}/acknowledgement`, authority)).statusCode).toBe(200);
    const feed = (await get('/publicity/feed?after=0', gsxt)).json().items;
    expect(feed.map((o: { caseId: string }) => o.caseId)).toEqual([first.caseId]);
    const confirmed = await post(`/cases/${first.caseId}/publicity-orders/${feed[0].orderId}/confirmation`, gsxt, { reference: 'GSXT-P1' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const publicQuery = await get(`/public/credit?creditCode=${creditCodeOf(1301)}`);
    expect(publicQuery.json()).toMatchObject({ name: '杭州人员测试1有限公司', records: [expect.objectContaining({ channel: 'gsxt' })] });
    for (const word of ['张三', '李四', ZHANG, LI, person(ZHANG), OFFICE_BAN]) expect(publicQuery.body).not.toContain(word);
  });

  it("R13: a later case of another enterprise naming the same person shows both cases on the person's target", async () => {
    const later = await post('/cases', enforcement, filing(2, [{ role: 'actual_controller', idNumber: ZHANG, name: '张三' }]));
    expect(later.statusCode, later.body).toBe(201);
    const { caseId, targetId } = later.json();
    expect(targetId).not.toBe(first.targetId);
    const read = (await get(`/targets/${person(ZHANG)}?live=true`, supervisor)).json();
    expect(read.cases.map((c: { id: string; derivedFrom: string }) => [c.id, c.derivedFrom])).toEqual([
      [derivedCaseId(first.caseId, person(ZHANG)), first.caseId], [derivedCaseId(caseId, person(ZHANG)), caseId],
    ]);
    expect(read.workflow.cases.map((c: { caseId: string }) => c.caseId)).toEqual([derivedCaseId(first.caseId, person(ZHANG)), derivedCaseId(caseId, person(ZHANG))]);
    // 李四 is not on the later case.
    expect((await get(`/targets/${person(LI)}`, supervisor)).json().cases).toHaveLength(1);
    const both = (await get(`/targets?personsOf=${caseId}`, supervisor)).json();
    expect(both.items).toEqual([expect.objectContaining({ targetId: person(ZHANG), cases: 2, measuresInForce: 1 })]);
  });

  it("R13: an upheld objection on the enterprise's case releases the persons' measures, each in its own workflow", async () => {
    const objection = await post(`/cases/${first.caseId}/objections`, enforcement, { reason: '当事人称认定错误' });
    expect(objection.statusCode, objection.body).toBe(201);
    const upheld = await post(`/cases/${first.caseId}/objections/${objection.json().detail.objectionId}/decision`, enforcement, { outcome: 'upheld', reason: '经核实认定错误' });
    expect(upheld.statusCode, upheld.body).toBe(200);
    const released = await post(`/cases/${first.caseId}/release`, authority);
    expect(released.statusCode, released.body).toBe(200);
    const zhangCase = derivedCaseId(first.caseId, person(ZHANG));
    const liCase = derivedCaseId(first.caseId, person(LI));
    expect(released.json().detail.persons).toEqual(expect.arrayContaining([
      { targetId: person(ZHANG), caseId: zhangCase, released: [OFFICE_BAN] },
      { targetId: person(LI), caseId: liCase, released: [] },
    ]));

    // 张三: the measure in force released, its implementer's row too; the later case untouched.
    const zhang = (await get(`/targets/${person(ZHANG)}?live=true`, supervisor)).json();
    expect(zhang.workflow.cases.map((c: { caseId: string; status: string }) => [c.caseId, c.status])).toEqual([
      [zhangCase, 'released'], [expect.stringContaining(person(ZHANG)), 'pushed'],
    ]);
    expect(zhang.workflow.cases[0].inForce).toEqual([expect.objectContaining({ code: OFFICE_BAN, status: 'released', releaseReason: 'objection', releasedOn: today() })]);
    const [row] = await h.dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, zhangCase));
    expect(row).toMatchObject({ status: 'released', releaseReason: 'objection' });
    expect(zhang.openSteps.every((s: { caseId: string }) => s.caseId !== zhangCase)).toBe(true);
    const story = (await get(`/targets/${person(ZHANG)}/history`, supervisor)).json().items;
    const line = story.find((i: { kind: string }) => i.kind === 'released_with_cause');
    expect(line).toMatchObject({ agencyId: authority.id, rule: 'R11', caseId: zhangCase });
    expect(line.summary).toContain('杭市管罚〔2026〕P1号');

    // 李四: nothing was in force yet; the case is released and owes nothing; its loop closes.
    const li = await get(`/targets/${person(LI)}`, supervisor);
    expect(li.json().cases[0]).toMatchObject({ id: liCase, status: 'released' });
    expect(li.json().openSteps).toEqual([]);
    await recordHistory(h.app.deps.temporal.workflow.getHandle(`target-${person(ZHANG)}`), 'target-person-derived');
    await recordHistory(h.app.deps.temporal.workflow.getHandle(`target-${first.targetId}`), 'target-persons-enterprise');
  });

  it("R13: a revoked cause (R11) releases the persons' case with the enterprise's", async () => {
    const zhang = (await get(`/targets/${person(ZHANG)}`, supervisor)).json();
    const laterCase = zhang.cases[1].derivedFrom as string;
    const recorded = await post(`/cases/${laterCase}/cause-changes`, enforcement, {
      change: 'revoked', document: { number: '杭行复〔2026〕1号', issuedOn: today(), issuer: '杭州市人民政府' }, confirmedOn: today(),
    });
    expect(recorded.statusCode, recorded.body).toBe(200);
    const adjusted = await post(`/cases/${laterCase}/adjustment`, authority, { release: true });
    expect(adjusted.statusCode, adjusted.body).toBe(200);
    const mine = derivedCaseId(laterCase, person(ZHANG));
    expect(adjusted.json().detail.persons).toEqual([{ targetId: person(ZHANG), caseId: mine, released: [] }]);
    const after = (await get(`/targets/${person(ZHANG)}`, supervisor)).json();
    expect(after.cases.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[zhang.cases[0].id, 'released'], [mine, 'released']]);
    // What remains is the implementer's R9 report on the month 张三's measure was in force (person targets report too).
    expect(after.openSteps.map((s: { kind: string; caseId: string | null; agencyId: string }) => [s.kind, s.caseId, s.agencyId])).toEqual([['feedback', null, approval.id]]);
    const report = await post('/feedback', approval, { targetId: person(ZHANG), month: today().slice(0, 7), summary: '已限制其担任法定代表人，后随企业案件解除' });
    expect(report.statusCode, report.body).toBe(200);
    // Every measure released and nothing owed: the person's loop closes.
    await eventually(async () => expect((await get(`/targets/${person(ZHANG)}`, supervisor)).json()).toMatchObject({ openSteps: [], status: 'closed' }));
    const [line] = await h.dbh.db.select().from(journal).where(and(eq(journal.caseId, mine), eq(journal.kind, 'released_with_cause')));
    expect(line.detail).toMatchObject({ reason: 'adjustment', enterpriseCaseId: laterCase });
  });
});
