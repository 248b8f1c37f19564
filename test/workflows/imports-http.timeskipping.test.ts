// Issue 17, bulk import through the HTTP API on the Java time-skipping server with the real
// activities: a CSV made here; refused rows named by row number, field and reason as POST /cases
// names them; accepted rows' targets in their workflows with the steps already taken not owed again
// (R5) and what remains owed (R9 reports, R10 period ends); the same file again changes nothing;
// only ADMIN and CREDIT import. Other formats, the CLI and restarts: imports-formats-http.timeskipping.test.ts.
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { agencyWithKey } from '../support/agencies';
import { auditLog, caseMeasures, cases, journal, publicityRecords, steps, targets } from '../../db/schema';
import { periodEnd } from '../../domain/periods';
import { eventually } from '../support/eventually';
import { activitiesRan, recordHistory } from '../support/histories';
import { ADS, ADVERSE, BAN, CSV, csv, importsSuite } from '../support/imports';

const { h, day, upload, finished, row, caseOf, stateOf } = importsSuite();
const { get } = h;
const { admin, credit, enforcement, authority, implementer, supervisor } = h.agencies;

describe('issue 17: bulk import of cases already in force', () => {
  it('R5: a CSV import names every refused row; accepted rows owe no receipt, push or acknowledgement, and owe R9 reports and R10 period ends', async () => {
    const file = csv([
      row(1),
      row(2, { 'target.creditCode': '91330106MA2H3X0A1X' }),
      row(3, { measures: 'DM-NO-SUCH-MEASURE' }),
      row(4, { 'taken.acknowledgedOn': day(-95) }),
      row(5, { 'taken.implementers': `${enforcement.id}=${BAN}|${ADS}` }),
      row(6, { 'document.number': '' }),
      row(7, { 'taken.implementers': '', 'taken.pushedOn': '', 'taken.acknowledgedOn': '', 'taken.inForceSince': '' }),
      row(1, { 'target.name': '重复行' }),
      row(9, { measures: ADS, periods: '', 'taken.implementers': `${implementer.id}=${ADS}`, 'taken.inForceSince': day(-400), 'document.issuedOn': day(-420), 'taken.filedOn': day(-410), 'taken.receivedOn': day(-409), 'taken.pushedOn': day(-408), 'taken.acknowledgedOn': day(-401) }),
    ]);
    const res = await upload(admin, file, CSV);
    expect(res.statusCode, res.body).toBe(202);
    const answer = res.json();
    expect(answer).toMatchObject({ total: 9, accepted: 3, refused: 6 });
    expect(answer.refusedRows).toEqual([
      { row: 3, field: 'target.creditCode', reason: expect.stringMatching(/.+/) },
      { row: 4, field: 'measures.0', reason: 'DM-NO-SUCH-MEASURE is not on either list (R1)' },
      { row: 5, field: 'taken.acknowledgedOn', reason: `is before taken.pushedOn (${day(-87)})` },
      { row: 6, field: 'taken.implementers.0.agencyId', reason: expect.stringContaining('is not an IMPLEMENTER') },
      { row: 7, field: 'document.number', reason: expect.stringMatching(/.+/) },
      { row: 9, field: 'document.number', reason: 'row 2 carries this document number too' },
    ]);
    // POST /cases refuses the same body naming the same field.
    const direct = await h.app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: {
      source: 'penalty_decision', document: { number: 'X-1', issuedOn: day(-100), issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', name: '某公司', creditCode: '91330106MA2H3X0A1X' }, measures: [ADS], authority: authority.id,
    } });
    expect(direct.json()).toMatchObject({ field: 'target.creditCode', message: `target.creditCode: ${answer.refusedRows[0].reason}` });

    const done = await finished(answer.id);
    expect(done).toMatchObject({ total: 9, accepted: 3, refused: 6, done: 3 });

    // Row 2: received, pushed, acknowledged; each measure in force since its own date.
    const c1 = (await caseOf('杭市管罚〔2025〕IMP1号'))!;
    expect(c1).toMatchObject({ status: 'implementing', pushedBy: enforcement.id });
    const measures = await h.dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, c1.id));
    expect(Object.fromEntries(measures.map((m) => [m.code, [m.activeFrom, m.periodEnd, m.status]]))).toEqual({
      [BAN]: [day(-85), periodEnd(day(-85), { years: 2 }), 'active'],
      [ADS]: [day(-80), periodEnd(day(-80), { years: 1 }), 'active'],
    });
    const [t1] = await h.dbh.db.select().from(targets).where(eq(targets.id, c1.targetId));
    const state = await stateOf(t1.workflowId);
    const owed = state.steps.filter((s) => s.caseId === c1.id || s.caseId === null).map((s) => `${s.kind}:${s.agencyId ?? ''}`).sort();
    expect(owed).toEqual(['feedback:' + implementer.id, 'feedback_month:', `period_end:`, `period_end:`]);
    const open = await h.dbh.db.select({ kind: steps.kind }).from(steps).where(and(eq(steps.targetId, c1.targetId)));
    expect(open.map((s) => s.kind).filter((k) => ['receipt', 'implementer_push', 'acknowledgement', 'letter_delivery'].includes(k))).toEqual([]);
    const lines = await h.dbh.db.select().from(journal).where(eq(journal.caseId, c1.id));
    expect(lines.find((l) => l.kind === 'case_imported')).toMatchObject({ agencyId: admin.id, detail: { importId: answer.id, receivedOn: day(-88) } });
    expect(lines.filter((l) => l.kind === 'measure_active').map((l) => l.agencyId)).toEqual([implementer.id, implementer.id]);
    const story = await get(`/targets/${c1.targetId}/history`, supervisor);
    expect(story.statusCode, story.body).toBe(200);
    expect(JSON.stringify(story.json())).toContain(`批量导入`);

    // Row 8: received only: the push to implementers is still owed, the receipt is not.
    const c7 = (await caseOf('杭市管罚〔2025〕IMP7号'))!;
    const s7 = (await stateOf(`target-${c7.targetId}`)).steps.filter((s) => s.caseId === c7.id).map((s) => s.kind);
    expect(s7).toEqual(['implementer_push']);
    expect(c7.status).toBe('received');

    // Row 10: in force since 400 days, its 1-year period over: R10 released at once, as for any case.
    const c9 = (await caseOf('杭市管罚〔2025〕IMP9号'))!;
    await eventually(async () => {
      const [m] = await h.dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, c9.id));
      expect(m).toMatchObject({ status: 'released', releaseReason: 'period_end', activeFrom: day(-400) });
    });
    await recordHistory(h.env.client.workflow.getHandle(t1.workflowId), 'target-imported');
  });

  it('issue 17: filing an imported case runs exactly one activity, recordImportedCase, a local one (the case, its steps taken and R8 its publicity orders in one transaction)', async () => {
    const publicizer = await agencyWithKey(h.dbh.db, ['AUTHORITY', 'IMPLEMENTER'], '信用管理处', { implementerKind: 'authority' });
    const published = { measures: ADVERSE, periods: `${ADVERSE}=3y`, 'taken.implementers': `${publicizer.id}=${ADVERSE}`, 'taken.inForceSince': day(-85) };
    const res = await upload(admin, csv([row(90), row(91, published)]), CSV);
    expect(res.statusCode, res.body).toBe(202);
    expect(await finished(res.json().id), res.body).toMatchObject({ accepted: 2, done: 2 });
    for (const number of ['杭市管罚〔2025〕IMP90号', '杭市管罚〔2025〕IMP91号']) {
      const c = (await caseOf(number))!;
      const { events } = await h.env.client.workflow.getHandle(`target-${c.targetId}`).fetchHistory();
      // The fileCase Update, from its acceptance to its answer: the activities it scheduled, by name.
      const from = events!.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === `file/${c.id}`);
      const to = events!.findIndex((e, i) => i > from && e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === `file/${c.id}`);
      expect([from, to].every((i) => i >= 0), 'the fileCase Update is in the history').toBe(true);
      // Since LOCAL_WRITES the one activity is local: its result is a marker, no activity task is scheduled.
      expect(activitiesRan(events!.slice(from, to)).map((a) => `${a.name}${a.local ? ' (local)' : ''}`), number).toEqual(['recordImportedCase (local)']);
    }
    // R8: the measure in force since its date is ordered published by that same activity.
    const c = (await caseOf('杭市管罚〔2025〕IMP91号'))!;
    const records = await h.dbh.db.select().from(publicityRecords).where(eq(publicityRecords.caseId, c.id));
    expect(records.map((r) => `${r.code}:${r.channel}:${r.status}`).sort()).toEqual([`${ADVERSE}:creditchina:due`, `${ADVERSE}:gsxt:due`]);
    const ordered = await h.dbh.db.select().from(journal).where(and(eq(journal.caseId, c.id), eq(journal.kind, 'publicity_ordered')));
    expect(ordered).toHaveLength(2);
  });

  it('importing the same file again changes nothing: the same import, no new case, journal line or workflow run', async () => {
    const file = csv([row(20), row(21, { measures: 'NOPE' })]);
    const first = await upload(credit, file, CSV);
    expect(first.statusCode, first.body).toBe(202);
    const done = await finished(first.json().id, credit);
    const c = (await caseOf('杭市管罚〔2025〕IMP20号'))!;
    const handle = h.env.client.workflow.getHandle(`target-${c.targetId}`);
    const runId = (await handle.describe()).runId;
    // This target's story (other suites' targets move on with their own timers meanwhile).
    const lines = async () => (await h.dbh.db.select({ n: count() }).from(journal).where(eq(journal.targetId, c.targetId)))[0].n;
    const before = { lines: await lines(), cases: (await h.dbh.db.select({ n: count() }).from(cases))[0].n };

    const again = await upload(credit, file, CSV);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(done);
    expect({ lines: await lines(), cases: (await h.dbh.db.select({ n: count() }).from(cases))[0].n }).toEqual(before);
    expect((await handle.describe()).runId).toBe(runId);
    // The import is on the audit trail once, with the agencies it filed for.
    const audited = await h.dbh.db.select().from(auditLog).where(eq(auditLog.action, 'cases.imported'));
    expect(audited.filter((a) => (a.detail as { importId?: string }).importId === done.id)).toEqual([
      expect.objectContaining({ actorAgencyId: credit.id, detail: expect.objectContaining({ accepted: 1, refused: 1, filedFor: [enforcement.id] }) }),
    ]);
    // Another agency's import of the same bytes is an import of its own; its row files the same case
    // (the case is the filing agency's, filedBy), so nothing is added either.
    const other = await upload(admin, file, CSV);
    expect(other.json()).toMatchObject({ accepted: 1, refusedRows: [{ row: 3, field: 'measures.0' }] });
    expect(other.json().id).not.toBe(done.id);
    expect(await finished(other.json().id)).toMatchObject({ done: 1 });
    expect({ lines: await lines(), cases: (await h.dbh.db.select({ n: count() }).from(cases))[0].n }).toEqual(before);
    expect((await handle.describe()).runId).toBe(runId);
  });

  it('only ADMIN and CREDIT import; an import is read by its agency and SUPERVISOR', async () => {
    for (const who of [enforcement, authority, implementer, supervisor]) {
      expect((await upload(who, csv([row(50)]), CSV)).statusCode).toBe(403);
    }
    const res = await upload(admin, csv([row(51, { measures: 'NOPE' })]), CSV);
    expect(res.statusCode).toBe(202);
    expect((await get(`/imports/${res.json().id}`, supervisor)).statusCode).toBe(200);
    expect((await get(`/imports/${res.json().id}`, credit)).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/imports/columns' })).json().columns.map((c: { name: string }) => c.name)).toContain('taken.inForceSince');
  });
});
