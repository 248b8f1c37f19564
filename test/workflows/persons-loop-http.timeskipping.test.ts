// R13 persons through the HTTP API on the Java time-skipping server with the real activities and
// a database of this suite's own: a worker lost between the enterprise's workflow and a person's
// loses no case and files none twice; a person's steps fall overdue on their own clock; a person
// whose loop has closed has nothing to release. The rest: persons-http.timeskipping.test.ts.
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, journal, steps } from '../../db/schema';
import { derivedCaseId } from '../../domain/persons';
import { eventually } from '../support/eventually';
import { idNumberOf } from '../support/identities';
import { OFFICE_BAN, person, personsSuite } from '../support/persons';

const handedOver: string[] = [];
const { h, filing } = personsSuite({
  // A worker lost right after a person's workflow took its case, before the hand-over was recorded: the activity is retried.
  wrapActivities: (a) => ({
    ...a,
    async fileDerivedCase(input) {
      const done = await a.fileDerivedCase(input);
      const key = `${input.filed.caseId}/${input.personTargetId}`;
      if (input.filed.document.number.includes('CRASH') && !handedOver.includes(key)) {
        handedOver.push(key);
        throw new Error('worker lost after the hand-over');
      }
      return done;
    },
  }),
});
const { today, skip, post, get } = h;
const { authority, enforcement, supervisor } = h.agencies;

describe('R13 persons as targets of their own', () => {
  it('R13: a crash between the enterprise\'s workflow and a person\'s loses no case and files none twice', async () => {
    const body = { ...filing(3, [{ role: 'director', idNumber: idNumberOf(103), name: '王五' }, { role: 'supervisor', idNumber: idNumberOf(104), name: '赵六' }]) };
    body.document = { ...body.document, number: '杭市管罚〔2026〕CRASH号' };
    const filed = await post('/cases', enforcement, body);
    expect(filed.statusCode, filed.body).toBe(201);
    const { caseId } = filed.json();
    const derived = [idNumberOf(103), idNumberOf(104)].map((n) => derivedCaseId(caseId, person(n)));
    // Each hand-over failed once after the person's workflow had the case, and was retried.
    expect(handedOver.sort()).toEqual([idNumberOf(103), idNumberOf(104)].map((n) => `${caseId}/${person(n)}`).sort());
    expect((await h.dbh.db.select().from(cases).where(eq(cases.derivedFrom, caseId))).map((r) => r.id).sort()).toEqual([...derived].sort());
    expect(await h.dbh.db.select().from(journal).where(and(inArray(journal.caseId, derived), eq(journal.kind, 'case_pushed')))).toHaveLength(2);
    expect(await h.dbh.db.select().from(journal).where(and(eq(journal.caseId, caseId), eq(journal.kind, 'person_case_filed')))).toHaveLength(2);
    for (const n of [idNumberOf(103), idNumberOf(104)]) {
      const p = (await get(`/targets/${person(n)}?live=true`, supervisor)).json();
      expect(p.workflow.cases.map((c: { caseId: string }) => c.caseId)).toEqual([derivedCaseId(caseId, person(n))]);
      expect(p.openSteps).toHaveLength(3);
    }
    const enterprise = (await get(`/targets/${filed.json().targetId}?live=true`, supervisor)).json();
    expect(enterprise.workflow.cases[0].persons).toHaveLength(2);
  });

  it("R13: a person's steps run on their own clock: the receipt owed on the person's case falls overdue and is escalated (R14)", async () => {
    const filed = await post('/cases', enforcement, filing(4, [{ role: 'senior_manager', idNumber: idNumberOf(105), name: '孙七' }]));
    expect(filed.statusCode, filed.body).toBe(201);
    const mine = derivedCaseId(filed.json().caseId, person(idNumberOf(105)));
    await skip('8 days');
    await eventually(async () => {
      const [receipt] = await h.dbh.db.select().from(steps).where(and(eq(steps.caseId, mine), eq(steps.kind, 'receipt')));
      expect(receipt).toMatchObject({ targetId: person(idNumberOf(105)), agencyId: authority.id, doneAt: null, overdueAt: expect.any(Date) });
    });
    const board = (await get(`/overdue?agencyId=${authority.id}&limit=500`, supervisor)).json();
    expect(board.items).toContainEqual(expect.objectContaining({ caseId: mine, targetId: person(idNumberOf(105)), step: 'receipt', targetName: '孙七' }));
    expect(JSON.stringify(board)).not.toContain(idNumberOf(105));
  });

  it("R13: a person whose loop has closed has nothing left to release when the enterprise's cause falls", async () => {
    const filed = await post('/cases', enforcement, filing(5, [{ role: 'shareholder', idNumber: idNumberOf(106), name: '周八' }]));
    expect(filed.statusCode, filed.body).toBe(201);
    const { caseId } = filed.json();
    const mine = derivedCaseId(caseId, person(idNumberOf(106)));
    // The AUTHORITY receives the person's case, finds the measure carried out by no local implementer, delivers the notice: nothing is owed.
    expect((await post(`/cases/${mine}/receipt`, authority)).statusCode).toBe(200);
    expect((await post(`/cases/${mine}/not-applicable`, authority, { measures: [{ code: OFFICE_BAN, reason: '本地无对应实施机构' }] })).statusCode).toBe(200);
    const delivered = await post(`/cases/${mine}/letters/${mine}.L1/delivery`, authority, { deliveredOn: today(), way: 'direct' });
    expect(delivered.statusCode, delivered.body).toBe(200);
    await eventually(async () => expect((await get(`/targets/${person(idNumberOf(106))}`, supervisor)).json()).toMatchObject({ status: 'closed' }));

    const objection = await post(`/cases/${caseId}/objections`, enforcement, { reason: '当事人称认定错误' });
    expect(objection.statusCode, objection.body).toBe(201);
    expect((await post(`/cases/${caseId}/objections/${objection.json().detail.objectionId}/decision`, enforcement, { outcome: 'upheld', reason: '认定错误' })).statusCode).toBe(200);
    const released = await post(`/cases/${caseId}/release`, authority);
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().detail.persons).toEqual([{ targetId: person(idNumberOf(106)), caseId: mine, released: [] }]);
    expect(await h.dbh.db.select().from(journal).where(and(eq(journal.caseId, mine), eq(journal.kind, 'released_with_cause')))).toEqual([]);
  });
});
