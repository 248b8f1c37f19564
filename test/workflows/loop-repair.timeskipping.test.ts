// R12 credit repair in the Java time-skipping server: filed with and decided by the agency that
// filed the case, legal minimums, 容缺受理 commitments kept and broken, the review's deadline.
import { describe, expect, it } from 'vitest';
import { recordHistory } from '../support/histories';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { AUTHORITY, ENFORCEMENT, pinned, refusal, targetDriver } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();
const IMPLEMENTER = 'ag-implementer';

async function inForce(t: ReturnType<typeof targetDriver>, measures = [pinned('DM-A', { period: { years: 1 }, feedbackSet: false })], over = {}) {
  await t.file('C1', { measures, ...over });
  await t.deliver('C1');
  await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: measures.map((m) => m.code) }] });
  return t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
}

describe('R12 credit repair (time skipping)', () => {
  it('R12: an approved repair releases at once, except a measure whose legal minimum has not ended: released for repair when it ends', () =>
    suite.withTarget('r12-minimum', async (t) => {
      const ack = await inForce(t, [
        pinned('DM-A', { period: { years: 1 }, feedbackSet: false }),
        pinned('DM-B', { period: { years: 1 }, feedbackSet: false, legalMinimum: { days: 20 } }),
      ]);
      const today = shanghaiDateOf(Date.parse(ack.at));
      const filed = await t.act('fileRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', commitment: null });
      expect(filed.opened.map((s) => [s.kind, s.agencyId])).toEqual([['repair_review', ENFORCEMENT]]);
      const decided = await t.act('decideRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', outcome: 'approved', reason: '已修复' });
      expect(decided.detail).toMatchObject({ releasedNow: ['DM-A'], deferred: [{ code: 'DM-B', until: addDays(today, 20) }] });
      await suite.env().sleep('22 days');
      expect(t.rec.calls.releaseMeasure).toEqual([expect.objectContaining({ code: 'DM-B', reason: 'repair' })]);
      expect(t.rec.calls.recordTargetClosed).toHaveLength(1);
      await recordHistory(t.handle(), 'target-repair');
    }));

  it('R12: a repair accepted on a dated commitment (容缺受理) is revoked when the commitment is broken, and the measures are in force again', () =>
    suite.withTarget('r12-broken', async (t) => {
      const ack = await inForce(t);
      const today = shanghaiDateOf(Date.parse(ack.at));
      await t.act('fileRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', commitment: { materials: '整改报告', dueOn: addDays(today, 5) } });
      await t.act('decideRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', outcome: 'approved', reason: '容缺受理' });
      expect((await t.state()).cases[0].inForce[0].status).toBe('released');
      await suite.env().sleep('7 days');
      expect(t.rec.calls.recordCommitment).toEqual([expect.objectContaining({ kept: false, reinstated: ['DM-A'] })]);
      const c = (await t.state()).cases[0];
      expect(c.inForce[0].status).toBe('active');
      expect(c.repair!.revokedOn).toBe(addDays(today, 5));
      expect((await refusal(t.act('supplyMaterials', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1' }))).message).toMatch(/revoked/);
    }));

  it('R12: a kept commitment keeps the repair; a review not decided within 15 working days is overdue for the filing agency', () =>
    suite.withTarget('r12-kept', async (t) => {
      const ack = await inForce(t);
      const today = shanghaiDateOf(Date.parse(ack.at));
      await t.act('fileRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', commitment: { materials: '整改报告', dueOn: addDays(today, 30) } });
      await suite.env().sleep('25 days');
      expect(t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'repair_review').map((c) => c.step.agencyId)).toEqual([ENFORCEMENT]);
      await t.act('decideRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', outcome: 'approved', reason: '同意' });
      await t.act('supplyMaterials', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1' });
      await suite.env().sleep('10 days');
      expect(t.rec.calls.recordCommitment.map((c) => c.kept)).toEqual([true]);
    }));

  it('R12: an especially serious case is never repaired, a serious one not within a year of its measures coming into force', () =>
    suite.withTarget('r12-serious', async (t) => {
      await inForce(t, undefined, { seriousness: 'especially_serious' });
      expect(await refusal(t.act('fileRepair', { caseId: 'C1', actor: ENFORCEMENT, repairId: 'R1', commitment: null })))
        .toEqual({ type: 'ActionRefused', message: 'an especially serious case cannot be repaired (R12)' });
      await t.file('C2', { seriousness: 'serious', measures: [pinned('DM-A')] });
      expect((await refusal(t.act('fileRepair', { caseId: 'C2', actor: ENFORCEMENT, repairId: 'R2', commitment: null }))).message)
        .toMatch(/serious case can be repaired from \d{4}-\d{2}-\d{2} \(R12\)/);
    }));
});
